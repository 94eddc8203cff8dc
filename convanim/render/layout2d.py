"""The geometry of a 2-D figure: a grid per channel, the sum lines, the panel.

Three columns side by side, as cs231n draws a convolution layer: the input's
channels stacked (padding ring included), the kernel's slice for each input
channel beside that channel, and the output's channels; the sum lines under
them, one per input channel, then the info panel. While a step is shown, its
window is outlined on every channel it reads, each weight is written small
in the corner of the cell it multiplies, and a line ties the window to the
output cell being written.

Cells shrink as the input grows or the width narrows, down to where their
numbers can still be read (``LEGIBLE_CELL`` times the type floor, and
``LEAST_CELL`` pixels). A grid larger than that keeps the width asked for
and is drawn as an overview with lenses (``overview2d``, ``lens2d``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..engine import Step, Trace
from ..errors import SpecError
from ..report import sum_lines
from ..spec import ConvSpec
from . import labels2d, overview2d
from .labels1d import legend_places
from .labels2d import HEADER
from .layout import Arrow, Box, Label
from .lens2d import Lenses
from .cells import RowNumbers
from .layout import fit_number as _fit_number
from .paint import fit_text, text_width
from .panel import panel_height

BASE_WIDTH = 1080  # sizes below are in pixels at this width and scale with it
MAX_CELL = 56
LEGIBLE_CELL = 2.2  # a cell narrower than this many times the type floor: an overview with lenses
LEAST_CELL = 26  # px at any width: below this a number cannot be read in its cell
MIN_SCALE = 0.7
LABEL_COLUMN = 64  # "ch 12" beside each grid
MARGIN = 28
TALL = 1.0  # the grids stay within this many widths of height
MAX_CELL_CHARS = 7  # a number's characters in a cell, at most
TAG = 0.42  # a weight's tag, as a share of the cell's side

# Past these a figure cannot be read: grids too many or too large to see at once.
MAX_SIDE = 64  # padded cells along an axis
MAX_CHANNELS = 16  # input or output channels
MAX_STEPS = 100_000  # pictures are budgeted by --max-frames; this bounds the trace


@dataclass(frozen=True)
class Layout2D:
    """Pixel geometry of a 2-D figure (see the module's docstring)."""

    width: int
    height: int
    scale: float
    cell: float
    input_x: float
    kernel_x: float
    output_x: float
    grid_top: float  # top of the first input channel
    channel_step: float  # from one input channel's top to the next
    kernel_offset: float  # from an input channel's top to its kernel's
    output_top: float
    output_step: float
    sums_top: float
    sums_line: float
    panel: Box | None
    value_px: float
    min_value_px: float
    tag_px: float  # type size of the weights in the corners
    tag_w: float
    tag_h: float
    label_px: float
    expression_px: float
    expression_left: float
    expression_room: float
    padded_shape: tuple[int, int]
    kernel_size: tuple[int, int]
    output_shape: tuple[int, int]
    in_channels: int
    out_channels: int
    groups: int
    padded: bool
    formats: dict = None  # each row's one number format (numfmt.RowFormat), by (block, channel)
    least_px: float = 0.0  # no text smaller: the README's floor, 1/60 of the width
    sizes: dict = None  # each row's one type size for its cells, by (block, channel)
    legend_top: float = 0.0  # the middle of the group legend's first line
    lens: Lenses | None = None  # a grid too large for numbers in its cells: where its lenses go

    # -- cells ---------------------------------------------------------------
    def input_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        row, column = position
        top = self.grid_top + channel * self.channel_step
        return Box(self.input_x + column * self.cell, top + row * self.cell, self.cell, self.cell)

    def kernel_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """The weight's tag over input ``channel`` at padded ``position``: the
        cell's bottom-right corner, as conv_arithmetic's numeric figures write it.
        On an overview, the cell itself: the window's taps in the kernel's
        colour (their weights are in the lens)."""
        box = self.input_cell(channel, position)
        if self.lens is not None:
            return box
        return Box(box.right - self.tag_w, box.bottom - self.tag_h, self.tag_w, self.tag_h)

    def kernel_grid_cell(self, channel: int, index: tuple[int, ...], window) -> Box:
        """A cell of the kernel's own grid, beside input ``channel``, level
        with the window it is over (kept within the channel's rows). None
        on an overview: the lens writes the weights."""
        if self.lens is not None:
            return None
        row, column = index
        top = self.grid_top + channel * self.channel_step
        span = self.outline(channel, window)
        height = self.kernel_size[0] * self.cell
        y = min(max(span.cy - height / 2, top), top + self.padded_shape[0] * self.cell - height)
        return Box(self.kernel_x + column * self.cell, y + row * self.cell, self.cell, self.cell)

    def links(self, channel: int, window) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        """Lines from the window's right corners to its kernel's left corners;
        on an overview, from the region the lens shows to the lens."""
        if self.lens is not None:
            lens = self.lens
            first = self.input_cell(channel, lens.input_origin(window))
            x, y = lens.inputs[channel]
            bottom = first.y + lens.in_span[0] * self.cell
            return [((first.x, bottom), (x, y)), ((first.x + lens.in_span[1] * self.cell, bottom), (x + lens.in_size[0], y))]
        span = self.outline(channel, window)
        first = self.kernel_grid_cell(channel, (0, 0), window)
        rows = self.kernel_size[0]
        edge = self.heavy_edge
        return [
            ((span.right + edge, span.y - edge), (first.x, first.y)),
            ((span.right + edge, span.bottom + edge), (first.x, first.y + rows * self.cell)),
        ]

    def output_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        row, column = position
        top = self.output_top + channel * self.output_step
        return Box(self.output_x + column * self.cell, top + row * self.cell, self.cell, self.cell)

    def outline(self, channel: int, window) -> Box:
        """The outline of a window (padded (start, stop) per axis) on ``channel``."""
        (r0, r1), (c0, c1) = window
        first, last = self.input_cell(channel, (r0, c0)), self.input_cell(channel, (r1 - 1, c1 - 1))
        return Box(first.x, first.y, last.right - first.x, last.bottom - first.y)

    @property
    def heavy_edge(self) -> int:
        return max(2, round(self.cell / 18))

    def cell_label(self, x: float, italic: bool = False, box: Box | None = None, row=None) -> tuple[str, float]:
        """A number's text and type size in a cell (or a weight's tag), clear
        of the border. On an overview only a lens's cells and tags have one."""
        if self.lens is not None:
            return self._lens_label(x, italic, box, row)
        tag = box is not None and box.h < self.cell * 0.9
        fmt = (self.formats or {}).get(row)
        if fmt is not None:  # the row's one format at the row's one size: never a blank cell
            return fmt.text(x), self.tag_px if tag else (self.sizes or {}).get(row, self.value_px)
        if tag:
            room, px, least = box.w - 2, self.tag_px, min(self.tag_px, 7.0)
        else:
            room, px, least = self.cell - 2 * self.heavy_edge - 4, self.value_px, self.min_value_px
        return _fit_number(x, room, px, least, italic)

    def _lens_label(self, x: float, italic: bool, box: Box | None, row) -> tuple[str, float]:
        lens = self.lens
        tag = box is not None and abs(box.h - lens.tag_h) < 1e-6 and (row or ("",))[0] == "kernel"
        if box is None or not tag and box.w < 0.9 * lens.cell:
            return "", lens.value_px  # an overview cell: the lens writes its number
        px = lens.tag_px if tag else lens.value_px
        room = box.w - (4 if tag else 2 * self.heavy_edge + 4)
        fmt = (self.formats or {}).get(row)
        if fmt is not None:
            text = fmt.text(x)
            if text_width(text, "sans-italic" if italic else "sans", px, bold=True) <= room:
                return text, px
        return _fit_number(x, room, px, math.ceil(self.least_px * 4) / 4, italic)

    # -- what moves ------------------------------------------------------------
    def tap_mark(self, channel: int, position: tuple[int, ...]) -> Label | None:
        return None  # the window's outline and the weights' tags mark the taps

    def lines(self, step: Step) -> list[str]:
        """The step's sum lines, each broken where it is wider than the room."""
        result = []
        for line in sum_lines(step, formats=self.formats):
            result.extend(_break(line, self.expression_room, self.expression_px))
        return result

    def product_lines(self, windows, lines):
        """Left-aligned in the sum area (the renderer centres text: the x
        given is each line's centre), the steps' lines one under another."""
        placed, row = [], 0
        for step_lines in lines:
            places = []
            for line in step_lines:
                half = text_width(line, size=self.expression_px) / 2
                places.append((self.expression_left + half, self.sums_top + (row + 0.5) * self.sums_line))
                row += 1
            placed.append(places)
        return placed

    def arrows(self, lines: int, target: Box, window, channels) -> list[Arrow]:
        """From each channel's kernel grid to the output grid, into the cell
        being written: the channels' products meet in one sum. The outputs
        fill in row by row, so the cells under the one being written are
        all still empty: the arrow runs down the gap before the output
        grids, along the gutter under the target's grid and up into the
        cell from below, never across a cell already written."""
        s = self.scale
        gutter_x = self.output_x - min(self.cell, 14 * s)
        grid_bottom = self._output_grid_bottom(target)
        gutter_y = grid_bottom + min(0.25 * self.cell, 10 * s)
        end = (target.cx, target.bottom)
        result = []
        for channel in channels:
            first = self.kernel_grid_cell(channel, (0, 0), window)
            if first is None:  # an overview: from the window itself
                span = self.outline(channel, window)
                start = (span.right + self.heavy_edge + 1, span.cy)
            else:
                start = (first.x + self.kernel_size[1] * self.cell + 3 * s, first.y + self.kernel_size[0] * self.cell / 2)
            shaft = [start, (gutter_x, start[1]), (gutter_x, gutter_y), (end[0], gutter_y)]
            result.append(_arrow(shaft, end, 9 * s, max(2, round(2 * s))))  # bolder than the connectors
        return result

    def _output_grid_bottom(self, target: Box) -> float:
        """The bottom edge of the output grid ``target`` is a cell of."""
        rows = self.output_shape[0]
        channel = max(0, min(self.out_channels - 1, int((target.y - self.output_top) // self.output_step)))
        return self.output_top + channel * self.output_step + rows * self.cell

    def legend(self) -> list[tuple[Box, int, Label]]:
        return labels2d.legend(self)

    def counter(self, position: tuple[int, ...] | None = None) -> Label:
        """The step counter heads the sum lines."""
        return Label(self.expression_left, self.sums_top - 0.6 * self.sums_line, "", self.label_px * 0.9, "muted", align="left")

    def kernel_owner(self, text: str) -> Label:
        """Over the block's name: whose kernel is shown (on an overview, under
        the first lens's title)."""
        if self.lens is not None:
            x, y = self.lens.inputs[0]
            y += self.lens.in_size[1] + 1.25 * self.lens.title_room
            return Label(x, y, text, self.label_px * 0.8, "muted", align="left")
        return Label(self.kernel_x, self.grid_top - 1.2 * HEADER * self.scale, text, self.label_px * 0.8, "muted", align="left")

    def kernel_labels(self, steps, owner: str | None) -> list[Label]:
        """Only whose kernel is shown: the kernel's grid keeps its place and names."""
        return [] if owner is None else [self.kernel_owner(owner)]

    def same_band(self, a: Box, b: Box) -> bool:
        return True  # one band: the kernel glides straight

    window_bars = False  # the window is outlined whole

    # -- drawn once ------------------------------------------------------------
    def labels(self) -> list[Label]:
        return labels2d.labels(self)

    def stripes(self) -> list[tuple[Box, int]]:
        return labels2d.stripes(self)

    def padding_labels(self, word: str) -> list[Label]:
        return labels2d.padding_labels(self, word)

    def credit(self, text: str) -> Label:
        text, px = fit_text(text, self.label_px * 0.8, self.width - 56 * self.scale, least=0.9)
        return Label(self.width - 28 * self.scale, self.height - 14 * self.scale, text, px, "muted", align="right")


def _arrow(shaft: list[tuple[float, float]], end: tuple[float, float], head: float, width_px: int) -> Arrow:
    """An arrow along ``shaft``'s points, its head ending at ``end`` (the
    last leg runs straight to it, as long as the head at least)."""
    last = shaft[-1]
    dx, dy = end[0] - last[0], end[1] - last[1]
    length = math.hypot(dx, dy) or 1.0
    head = min(head, length)
    ux, uy = dx / length, dy / length
    base = (end[0] - ux * head, end[1] - uy * head)
    wing = 0.5 * head
    return Arrow(tuple(shaft) + (base,), ((base[0] - uy * wing, base[1] + ux * wing), (base[0] + uy * wing, base[1] - ux * wing), end), width_px)


def _break(line: str, room: float, px: float) -> list[str]:
    """A sum line broken between terms where it is wider than ``room``."""
    if text_width(line, size=px) <= room:
        return [line]
    words = line.split(" + ")
    lines, current = [], ""
    for i, word in enumerate(words):
        piece = word if i == 0 else "+ " + word
        candidate = f"{current} {piece}" if current else piece
        if current and text_width(candidate, size=px) > room:
            lines.append(current)
            current = "  " + piece
        else:
            current = candidate
    lines.append(current)
    return lines


def _room(cell: float) -> float:
    """The width a number has in a cell, clear of its border."""
    return cell - 2 * max(2, round(cell / 18)) - 4


def _floor(least_px: float) -> float:
    """The type floor in the quarter pixels fonts come in."""
    return math.ceil(least_px * 4) / 4


def _legible(trace: Trace, decimals: int | None, cell: float, least_px: float) -> bool:
    """Whether the figure's numbers can be read in cells ``cell`` pixels
    wide: wide enough for them at the type floor, or for a few characters."""
    if cell < LEAST_CELL:
        return False
    floor = _floor(least_px)
    return cell >= LEGIBLE_CELL * least_px or RowNumbers.of(trace, decimals, MAX_CELL_CHARS, (_room(cell), floor)).width(floor) <= _room(cell)


def _cell_for(trace: Trace, decimals: int | None, least_px: float) -> float:
    """The narrowest cell whose room takes every row's widest number at the floor."""
    floor = _floor(least_px)
    widest = RowNumbers.of(trace, decimals, MAX_CELL_CHARS).width(floor)
    cell = math.ceil(widest) + 8
    while _room(cell) < widest:
        cell += 1
    return cell


def check_drawable(spec: ConvSpec) -> None:
    """Refuse, before any work, a 2-D convolution no figure can show legibly."""
    for name, size in zip(spec.axis_names, spec.padded_shape):
        if size > MAX_SIDE:
            raise SpecError("size", f"a padded input {size} cells along {name} is too large to draw legibly (at most {MAX_SIDE})")
    if spec.in_channels > MAX_CHANNELS:
        raise SpecError("in_channels", f"{spec.in_channels} input grids are too many to draw legibly (at most {MAX_CHANNELS})")
    if spec.out_channels > MAX_CHANNELS:
        raise SpecError("out_channels", f"{spec.out_channels} output grids are too many to draw legibly (at most {MAX_CHANNELS})")
    steps = math.prod(spec.output_shape)
    if steps > MAX_STEPS:
        raise SpecError("size", f"{steps:,} steps (output elements) are more than a figure traces (at most {MAX_STEPS:,})")


def compute_layout(
    trace: Trace, width: int = BASE_WIDTH, panel: bool = True, title: str | None = None, decimals: int | None = None,
    scale: float | None = None,
) -> Layout2D:
    spec = trace.spec
    # ``scale``: the figure is part of a wider picture (a canvas) whose width sets the type.
    s = scale or max(width / BASE_WIDTH, MIN_SCALE)
    rows, columns = spec.padded_shape
    k_rows, k_columns = spec.kernel_size
    out_rows, out_columns = spec.output_shape[1:]
    c_in, c_out = spec.in_channels, spec.out_channels
    least_px = (scale * BASE_WIDTH if scale else width) / 60  # the README's floor for any text but numbers in cells

    # Across: label column, input, gap, kernel, gap (the arrow's), output.
    gap_in, gap_out = 1.0, 2.0  # in cells
    across = columns + gap_in + k_columns + gap_out + out_columns
    labelled = c_in > 1 or c_out > 1  # then the output grids' names go on their right
    fixed = (LABEL_COLUMN * (2 if labelled else 1) + 2 * MARGIN) * s
    # Down: the channels' grids with a gap of half a cell between them.
    down = max(c_in * rows + (c_in - 1) * 0.5, c_out * out_rows + (c_out - 1) * 0.5)
    cell = min(MAX_CELL * s, (width - fixed) / across, TALL * width / down)
    written = RowNumbers.of(trace, decimals, MAX_CELL_CHARS)  # each row's numbers, written in full
    # Cells wide enough for every number at the type floor, as far as the
    # width allows (the figure grows taller): smaller type only where it must.
    cell = max(cell, min(_cell_for(trace, decimals, least_px), (width - fixed) / across))
    if not _legible(trace, decimals, cell, least_px):  # taller rather than illegible, where that is enough
        cell = max(cell, min(MAX_CELL * s, (width - fixed) / across))
    # A line over the block names says whose kernel is shown, and the groups.
    top = 18 * s + (HEADER + (18 if spec.groups > 1 or c_out > 1 else 0)) * s
    lens = None
    if not _legible(trace, decimals, cell, least_px):  # an overview, and lenses
        placed = overview2d.geometry(
            trace, width, s, top, least_px, written.width, LABEL_COLUMN, MARGIN, LEGIBLE_CELL * least_px, c_out > spec.groups
        )
        cell, input_x, kernel_x, output_x = placed["cell"], placed["input_x"], placed["kernel_x"], placed["output_x"]
        grid_top, channel_step, kernel_offset = placed["grid_top"], placed["channel_step"], placed["kernel_offset"]
        output_top, output_step, lens, y = placed["output_top"], placed["output_step"], placed["lens"], placed["bottom"]
    else:
        input_x = max((MARGIN + LABEL_COLUMN) * s, (width - across * cell + (0 if labelled else LABEL_COLUMN) * s) / 2)
        kernel_x = input_x + (columns + gap_in) * cell
        output_x = kernel_x + (k_columns + gap_out) * cell
        channel_step = (rows + 0.5) * cell
        in_height = c_in * rows * cell + (c_in - 1) * 0.5 * cell
        output_step = (out_rows + 0.5) * cell
        out_height = c_out * out_rows * cell + (c_out - 1) * 0.5 * cell
        # The outputs face the middle of the inputs; the kernel the middle of its channel.
        output_top = top + max(0.0, (in_height - out_height) / 2)
        grid_top = top + max(0.0, (out_height - in_height) / 2)
        kernel_offset = (rows - k_rows) * cell / 2
        y = max(grid_top + in_height, output_top + out_height)

    floor = _floor(least_px)
    value_px = max(min(18 * s, 0.36 * cell), floor) if lens is None else floor
    min_value_px = min(value_px, max(7.0, 0.6 * value_px))  # where the cells cannot be wider
    label_px = max(15 * s, least_px / 0.8)  # its smallest use is 0.8 of it
    expression_px = max(15 * s, least_px)
    if lens is None:
        numbers = RowNumbers.of(trace, decimals, MAX_CELL_CHARS, (_room(cell), min_value_px))
        sizes = {row: px for row, (_, px) in numbers.sized(_room(cell), value_px, min_value_px).items()}
    else:  # the numbers are written in the lenses
        numbers = RowNumbers.of(trace, decimals, MAX_CELL_CHARS, (lens.cell - 8, lens.value_px))
        sizes = None
    # Weights' tags: one size for all, smaller than any cell's number, as
    # large as lets the longest weight fit its cell.
    smallest = min(sizes.values()) if sizes else value_px
    tag_px = max(7.0, min(0.8 * smallest, TAG * 0.62 * cell))
    while tag_px > 7.0 and max(numbers.needed(("kernel", c), tag_px) for c in range(c_in)) > cell - 6:
        tag_px -= 0.25
    tag_h = min(cell * 0.6, tag_px * 1.3)
    widest = max(numbers.needed(("kernel", c), tag_px) for c in range(c_in))  # weights as their rows write them
    tag_w = min(cell - 2, max(tag_h, widest + 4))

    expression_left = input_x - LABEL_COLUMN * s * 0.6
    expression_room = width - MARGIN * s - expression_left
    sums_line = 1.45 * expression_px
    probe = Layout2D(
        width=int(width), height=0, scale=s, cell=cell, input_x=input_x, kernel_x=kernel_x, output_x=output_x,
        grid_top=grid_top, channel_step=channel_step, kernel_offset=kernel_offset, output_top=output_top,
        output_step=output_step, sums_top=0.0, sums_line=sums_line, panel=None, value_px=value_px,
        min_value_px=min_value_px, tag_px=tag_px, tag_w=tag_w, tag_h=tag_h, label_px=label_px, expression_px=expression_px, expression_left=expression_left,
        expression_room=expression_room, padded_shape=(rows, columns), kernel_size=(k_rows, k_columns),
        output_shape=(out_rows, out_columns), in_channels=c_in, out_channels=c_out, groups=spec.groups,
        padded=bool((trace.roles != "input").any()),
        formats=numbers.formats,
        least_px=least_px,
        sizes=sizes,
        lens=lens,
    )
    # Each group's sums get their own lines: room for the longest of each.
    longest: dict[int, int] = {}
    for step in trace.steps:
        longest[step.group] = max(longest.get(step.group, 1), len(probe.lines(step)))
    lines = max(1, sum(longest.values()))

    legend_top = 0.0
    if spec.groups > 1:  # under the grids: what the stripes' colours mean
        legend_top = y + 18 * s + label_px * 0.4
        y = legend_places(spec.groups, width, s, label_px * 0.8, legend_top)[-1][1] + label_px * 0.4
    y += 26 * s + sums_line  # the step counter over the sums
    sums_top = y
    y += lines * sums_line + 10 * s
    panel_box = None
    if panel:
        y += 24 * s
        panel_width = width - 2 * MARGIN * s
        height = panel_height(spec, panel_width, s, title or "2-D convolution")
        panel_box = Box(MARGIN * s, y, panel_width, height)
        y += height
    y += 30 * s  # room for the credit line
    return Layout2D(**{**probe.__dict__, "height": int(math.ceil(y)), "sums_top": sums_top, "panel": panel_box, "legend_top": legend_top})
