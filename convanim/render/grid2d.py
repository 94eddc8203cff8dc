"""What a 2-D figure's geometry answers the renderer: the boxes of cells
(input, weights' tags, the kernel's own grid, output), the window's outline
and links, where the sum lines, arrows, counter and labels go.
``layout2d`` computes the sizes and arrangement (``compute_layout``); this
holds them and places by them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..engine import Step
from ..report import sum_lines
from . import arrows2d, labels2d, place2d, sizing2d, sums2d
from .labels2d import HEADER
from .layout import Arrow, Box, Label
from .layout import fit_number as _fit_number
from .lens2d import Lenses
from .fonts import fit_text, text_width
from .place2d import LABEL_COLUMN
from .sizing2d import OWNER

OWNER_LINE = 1.5  # the kernel owner's line height, in its type size


@dataclass(frozen=True)
class Layout2D:
    """Pixel geometry of a 2-D figure (see the module's docstring)."""

    width: int
    height: int
    scale: float
    cell: float  # an input cell's width
    input_x: float
    kernel_x: float
    output_x: float
    grid_top: float  # top of the first input channel
    output_top: float
    sums_top: float
    sums_line: float
    panel: Box | None
    value_px: float
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
    inputs: tuple = ()  # each input channel's grid, top left
    outputs: tuple = ()  # each output channel's grid, top left
    cell_h: float = 0.0  # every cell's height (cells are wider than tall where numbers are long)
    kernel_w: float = 0.0  # a kernel cell's width
    output_w: float = 0.0  # an output cell's width
    stacked: bool = False  # the output grids under the input's, not beside them
    lanes: tuple = ()  # per input channel: where its arrow turns to run under its tile (None: straight on)
    formats: dict = None  # each row's one number format (numfmt.RowFormat), by (block, channel)
    least_px: float = 0.0  # no text smaller: the README's floor, 1/60 of the width
    sizes: dict = None  # each row's one type size for its cells, by (block, channel)
    legend_top: float = 0.0  # the middle of the group legend's first line
    lens: Lenses | None = None  # a grid too large for numbers in its cells: where its lenses go
    kernel_below: bool = False  # each kernel under its channel's grid, level with the window's columns
    turn: tuple | None = None  # the panel right of stacked outputs: where the arrows turn down beside them (x, y)
    # Each step's sum lines, unbroken, by step index: written out once for
    # the layout (it counts them), read again as each step is drawn.
    sums: tuple | None = field(default=None, compare=False, repr=False)

    # -- cells ---------------------------------------------------------------
    def input_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        row, column = position
        x, y = self.inputs[channel]
        return Box(x + column * self.cell, y + row * self.cell_h, self.cell, self.cell_h)

    def kernel_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """The weight's tag over input ``channel`` at padded ``position``: the
        cell's bottom-right corner, as conv_arithmetic's numeric figures write it,
        under the cell's number. On an overview, the cell itself: the window's
        taps in the kernel's colour (their weights are in the lens)."""
        box = self.input_cell(channel, position)
        if self.lens is not None:
            return box
        return Box(box.right - self.tag_w - 1, box.bottom - self.tag_h - 1, self.tag_w, self.tag_h)

    def kernel_grid_cell(self, channel: int, index: tuple[int, ...], window) -> Box:
        """A cell of the kernel's own grid, beside input ``channel``, level
        with the window it is over (kept within the channel's rows). None
        on an overview: the lens writes the weights."""
        if self.lens is not None:
            return None
        row, column = index
        left, top = self.inputs[channel]
        span = self.outline(channel, window)
        if self.kernel_below:  # under the window's columns, kept within the grid's
            width = self.kernel_size[1] * self.kernel_w
            x = min(max(span.cx - width / 2, left), left + self.padded_shape[1] * self.cell - width)
            y = top + (self.padded_shape[0] + place2d.KERNEL_GAP) * self.cell_h
            return Box(x + column * self.kernel_w, y + row * self.cell_h, self.kernel_w, self.cell_h)
        height = self.kernel_size[0] * self.cell_h
        y = min(max(span.cy - height / 2, top), top + self.padded_shape[0] * self.cell_h - height)
        x = self.kernel_x + left - self.input_x  # beside its channel's grid
        return Box(x + column * self.kernel_w, y + row * self.cell_h, self.kernel_w, self.cell_h)

    def links(self, channel: int, window) -> list[tuple[tuple[float, float], ...]]:
        """Lines (each a list of points) from the window's right corners to
        its kernel's left corners (below: its bottom corners to the
        kernel's top ones); none on an overview: the lens's page is tied
        to its region, and that moves only when the page turns
        (``lens2d.draw_regions``). Over the grid a line runs along the
        cells' borders, level with the window's edge, and crosses only the
        gap to the kernel: never through a cell's number."""
        if self.lens is not None:
            return []
        span = self.outline(channel, window)
        first = self.kernel_grid_cell(channel, (0, 0), window)
        rows = self.kernel_size[0]
        edge = self.heavy_edge
        left, top = self.inputs[channel]
        if self.kernel_below:  # down the window's side columns' borders, then across the gap
            right = first.x + self.kernel_size[1] * self.kernel_w
            bottom = top + self.padded_shape[0] * self.cell_h
            return [
                ((span.x, span.bottom + edge), (span.x, bottom), (first.x, first.y)),
                ((span.right, span.bottom + edge), (span.right, bottom), (right, first.y)),
            ]
        grid_right = left + self.padded_shape[1] * self.cell
        return [
            ((span.right + edge, span.y), (grid_right, span.y), (first.x, first.y)),
            ((span.right + edge, span.bottom), (grid_right, span.bottom), (first.x, first.y + rows * self.cell_h)),
        ]

    def output_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        row, column = position
        x, y = self.outputs[channel]
        return Box(x + column * self.output_w, y + row * self.cell_h, self.output_w, self.cell_h)

    def outline(self, channel: int, window) -> Box:
        """The outline of a window (padded (start, stop) per axis) on ``channel``."""
        (r0, r1), (c0, c1) = window
        first, last = self.input_cell(channel, (r0, c0)), self.input_cell(channel, (r1 - 1, c1 - 1))
        return Box(first.x, first.y, last.right - first.x, last.bottom - first.y)

    @property
    def heavy_edge(self) -> int:
        return max(2, round(min(self.cell, self.cell_h) / 18))

    def cell_label(self, x: float, italic: bool = False, box: Box | None = None, row=None) -> tuple[str, float]:
        """A number's text and type size in a cell (or a weight's tag), clear
        of the border. On an overview only a lens's cells and tags have one."""
        if self.lens is not None:
            return self._lens_label(x, italic, box, row)
        tag = box is not None and box.h < self.cell_h * 0.9
        fmt = (self.formats or {}).get(row)
        if fmt is not None:  # the row's one format at the row's one size: the cells are sized for it
            return fmt.text(x), self.tag_px if tag else (self.sizes or {}).get(row, self.value_px)
        room = box.w - 2 if tag else sizing2d.room(box.w if box is not None else self.cell)
        return _fit_number(x, room, self.tag_px if tag else self.value_px, sizing2d.type_floor(self.least_px), italic)

    def number_y(self, box: Box, row=None) -> float:
        """An input cell's number stands over the corner a weight's tag takes."""
        if self.lens is not None or (row or ("",))[0] != "input" or box.h < self.cell_h * 0.9:
            return box.cy
        return box.y + (box.h - self.tag_h - 1) / 2

    def lens_room(self, box: Box, tag: bool) -> float:
        """How wide a number may be in a lens cell (or a weight's tag) of ``box``, clear of its border."""
        return box.w - (4 if tag else 2 * self.heavy_edge + 4)

    def _lens_label(self, x: float, italic: bool, box: Box | None, row) -> tuple[str, float]:
        lens = self.lens
        tag = box is not None and abs(box.h - lens.tag_h) < 1e-6 and (row or ("",))[0] == "kernel"
        if box is None or not tag and box.h < 0.9 * lens.cell:
            return "", lens.value_px  # an overview cell: the lens writes its number
        px = lens.tag_px if tag else lens.value_px
        room = self.lens_room(box, tag)
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
        unbroken = self.sums[step.index][1] if self.sums is not None else sum_lines(step, formats=self.formats)
        for line in unbroken:
            result.extend(sums2d.broken(line, self.expression_room, self.expression_px, self.kernel_size[1]))
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
        """From each channel's kernel grid into the output cell being written (``arrows2d``)."""
        return arrows2d.arrows(self, target, window, channels)

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
            y += self.lens.in_size[1] + self.lens.title_room + 0.5 * OWNER_LINE * OWNER * self.label_px
            return Label(x, y, text, self.label_px * OWNER, "muted", align="left")
        return Label(self.kernel_x, self.grid_top - 1.2 * HEADER * self.scale, text, self.label_px * OWNER, "muted", align="left")

    def kernel_labels(self, steps, owner: str | None) -> list[Label]:
        """Only whose kernel is shown: the kernel's grid keeps its place and
        names. A kernel below its grid moves with the window: its name (and
        whose it is) under the first channel's, moving with it."""
        if not self.kernel_below or not steps:
            return [] if owner is None else [self.kernel_owner(owner)]
        first = self.kernel_grid_cell(0, (self.kernel_size[0] - 1, 0), steps[0].window)
        line = place2d.KERNEL_NAME * self.label_px
        # Each line under the kernel, kept clear of the next tile's name and grid.
        left, right = self.input_x, self.input_x + self.padded_shape[1] * self.cell + 0.8 * LABEL_COLUMN * self.scale
        result = []
        for k, (text, px, bold, ink) in enumerate([("Kernel", self.label_px, True, "text"), (owner, self.label_px * OWNER, False, "muted")]):
            if text is not None:
                x = max(left, min(first.x, right - text_width(text, size=px, bold=bold)))
                result.append(Label(x, first.bottom + (k + 0.5) * line, text, px, ink, align="left", bold=bold))
        return result

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
