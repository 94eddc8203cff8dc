"""The geometry of a 1-D figure: rows of cells, the product lines, the panel.

Rows from the top: the input channels (padding included), the kernel rows
(one per input channel, each weight straight under the cell it multiplies),
the product lines, the output channels, then the info panel.

Long inputs stay legible by shrinking the cells down to ``MIN_CELL`` pixels
(numbers get smaller type, then abbreviations); past that the figure grows
wider than asked, up to ``MAX_GROWN_WIDTH``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from ..engine import Trace
from ..errors import SpecError
from ..report import shown, step_terms
from ..spec import ConvSpec
from .layout import Arrow, Box, Label, wrap_terms
from .paint import fit_text, text_width
from .panel import panel_height

BASE_WIDTH = 1080  # sizes below are in pixels at this width and scale with it
MAX_CELL = 56
MIN_CELL = 26
MIN_SCALE = 0.7
MAX_GROWN_WIDTH = 3840  # a long input widens the figure up to this
LABEL_COLUMN = 150
MARGIN = 28
# DejaVu Sans advances: digits are 0.636 em; a little over covers ×, +, −.
CHAR_EM = 0.64

# Past these a figure cannot be read: cells under 12 px even at the widest,
# taller than a screen, or longer than anyone will watch.
MAX_COLUMNS = 300
MAX_ROWS = 48  # input rows + kernel rows + output rows
MAX_STEPS = 1000


@functools.lru_cache(maxsize=4096)
def _fit_number(x: float, room: float, size: float, least: float, italic: bool) -> tuple[str, float]:
    """As large as fits ``room`` pixels, down to ``least``; then fewer digits or
    an abbreviation; and nothing rather than a number that is not faithful."""
    family = "sans-italic" if italic else "sans"
    for chars in range(len(shown(x)), 0, -1):
        text = shown(x, chars)
        if not text:
            break
        width = text_width(text, family, size, bold=True)
        fitting = math.floor(min(size, size * room / width) * 4) / 4  # fonts come in quarter pixels
        while fitting >= least and text_width(text, family, fitting, bold=True) > room:
            fitting -= 0.25  # hinting makes width not quite proportional to size
        if fitting >= least:
            return text, fitting
    return "", size


@dataclass(frozen=True)
class Layout1D:
    """Pixel geometry of a 1-D figure (see the module's docstring)."""

    width: int
    height: int
    scale: float
    cell: float
    grid_x: float
    columns: int
    pad_label_y: float
    input_top: float
    taps_y: float
    kernel_top: float
    expression_top: float
    expression_line: float
    output_top: float
    panel: Box | None
    value_px: float  # font size of numbers in cells
    min_value_px: float  # the smallest it goes for a long number
    label_px: float
    expression_px: float
    expression_chars: int  # characters per product line
    expression_left: float  # where the product line may start
    in_channels: int
    out_channels: int
    groups: int
    padding_runs: tuple[tuple[int, int], ...]  # (start, stop) of each run of padding cells
    output_centres: tuple[float, ...]  # the column under which each output position sits

    # -- cells ---------------------------------------------------------------
    def column_x(self, column: float) -> float:
        return self.grid_x + column * self.cell

    def input_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        return Box(self.column_x(position[0]), self.input_top + channel * self.cell, self.cell, self.cell)

    def kernel_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """The kernel cell over input channel ``channel`` at padded ``position``.

        Kernel rows repeat the input rows' order, so each weight sits straight
        below the cell it multiplies."""
        return Box(self.column_x(position[0]), self.kernel_top + channel * self.cell, self.cell, self.cell)

    def output_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """Output cells sit under the centre of the window that made them."""
        centre = self.output_centres[position[0]]
        return Box(self.column_x(centre) - self.cell / 2, self.output_top + channel * self.cell, self.cell, self.cell)

    @property
    def heavy_edge(self) -> int:
        """The border of the cell being written, in whole pixels: heavy, but
        in proportion to the cell, not to the figure."""
        return max(2, round(self.cell / 18))

    def cell_label(self, x: float, italic: bool = False, box: Box | None = None) -> tuple[str, float]:
        """A number's text and type size in a cell, clear of the heavy border."""
        room = self.cell - 2 * self.heavy_edge - 4
        return _fit_number(x, room, self.value_px, self.min_value_px, italic)

    def block_centre(self, top: float, rows: int) -> float:
        return top + rows * self.cell / 2

    @property
    def label_right(self) -> float:
        return self.grid_x - 26 * self.scale

    # -- what moves ------------------------------------------------------------
    def tap_mark(self, channel: int, position: tuple[int, ...]) -> Label:
        x = self.input_cell(0, position).cx
        return Label(x, self.taps_y, "×", min(self.label_px * 1.1, 0.8 * self.cell), "muted")

    def wrap(self, terms: list[str], result: str) -> list[str]:
        return wrap_terms(terms, result, self.expression_chars)

    def lines(self, step) -> list[str]:
        return self.wrap(step_terms(step), shown(step.shown))

    def outline(self, channel: int, window) -> None:
        return None  # the kernel row under the input shows the window

    def kernel_grid_cell(self, channel: int, index, window) -> None:
        return None  # the kernel row is the kernel

    def links(self, channel: int, window) -> list:
        return []

    def arrows(self, lines: int, target: Box, window, channels) -> list[Arrow]:
        arrow = self.arrow(lines, target)
        return [] if arrow is None else [arrow]

    def product_lines(self, windows, lines):
        placed = []
        row = 0
        for (span,), step_lines in zip(windows, lines):
            centre = self.column_x((span[0] + span[1]) / 2)
            half = max(text_width(line, size=self.expression_px) for line in step_lines) / 2
            x = min(max(centre, self.expression_left + half), self.width - half - 12 * self.scale)
            placed.append([(x, self.expression_top + (row + i + 0.5) * self.expression_line) for i in range(len(step_lines))])
            row += len(step_lines)
        return placed

    def arrow(self, lines: int, target: Box) -> Arrow | None:
        """From under ``lines`` product lines down to the top of ``target``."""
        head = 7 * self.scale
        top, bottom, x = self.expression_top + lines * self.expression_line, target.y, target.cx
        if bottom - top < head + 3 * self.scale:
            return None
        return Arrow(
            ((x, top + 2 * self.scale), (x, bottom - head)),
            ((x - head * 0.7, bottom - head), (x + head * 0.7, bottom - head), (x, bottom - 1)),
            max(1, round(2 * self.scale)),
        )

    def counter(self) -> Label:
        """The step counter heads the product line, in the label column: it
        names the line, and a frame's changes stay in one region."""
        y = self.expression_top + 0.5 * self.expression_line
        return Label(self.label_right, y, "", self.label_px * 0.9, "muted", align="right")

    def kernel_owner(self, text: str) -> Label:
        y = self.block_centre(self.kernel_top, self.in_channels) + self.label_px * 1.2
        return Label(self.label_right - 44 * self.scale, y, text, self.label_px * 0.8, "muted", align="right")

    # -- drawn once ------------------------------------------------------------
    def labels(self) -> list[Label]:
        blocks = (
            ("Input", self.input_top, self.in_channels),
            ("Kernel", self.kernel_top, self.in_channels),
            ("Output", self.output_top, self.out_channels),
        )
        many = self.in_channels > 1 or self.out_channels > 1
        result = []
        for name, top, rows in blocks:
            x = self.label_right - (44 * self.scale if many else 0)
            result.append(Label(x, self.block_centre(top, rows), name, self.label_px, align="right", bold=True))
            if many:
                for row in range(rows):
                    result.append(Label(self.label_right, top + (row + 0.5) * self.cell, f"ch {row}", self.label_px * 0.8, "muted", "right"))
        if self.groups > 1:
            result.append(Label(self.label_right, self.pad_label_y, f"groups={self.groups}", self.label_px * 0.8, "muted", "right"))
        return result

    def stripes(self) -> list[tuple[Box, int]]:
        """A stripe in the group's colour beside each row: rows of one colour feed each other."""
        if self.groups == 1:
            return []
        result = []
        for top, rows in ((self.input_top, self.in_channels), (self.kernel_top, self.in_channels), (self.output_top, self.out_channels)):
            per_group = rows // self.groups
            for row in range(rows):
                box = Box(self.grid_x - 16 * self.scale, top + row * self.cell + 1, 6 * self.scale, self.cell - 2)
                result.append((box, row // per_group))
        return result

    def padding_labels(self, word: str) -> list[Label]:
        """A label over each run of padding, kept over the grid (clear of the
        label column) and apart from each other."""
        if not self.padding_runs:
            return []
        px = self.label_px * 0.85
        half = text_width(word, size=px) / 2
        left, right = self.column_x(0), self.column_x(self.columns)
        spots = []
        for start, stop in self.padding_runs:
            centre = (self.column_x(start) + self.column_x(stop)) / 2
            spots.append(min(max(centre, left + half), right - half))
        if len(spots) == 2 and spots[1] - spots[0] < 2 * half + 12 * self.scale:
            spots = [(left + right) / 2]  # too close to tell apart: one label over the row
        return [
            Label(min(max(x, half + 8 * self.scale), self.width - half - 8 * self.scale), self.pad_label_y, word, px, "padding")
            for x in spots
        ]

    def credit(self, text: str) -> Label:
        text, px = fit_text(text, self.label_px * 0.8, self.width - 56 * self.scale, least=0.9)
        return Label(self.width - 28 * self.scale, self.height - 14 * self.scale, text, px, "muted", align="right")


def check_drawable(spec: ConvSpec) -> None:
    """Refuse, before any work, a 1-D convolution no figure can show legibly."""
    columns = spec.padded_shape[0]
    if columns > MAX_COLUMNS:
        raise SpecError("size", f"a padded row of {columns} cells is too long to draw legibly (at most {MAX_COLUMNS})")
    rows = 2 * spec.in_channels + spec.out_channels
    if rows > MAX_ROWS:
        raise SpecError(
            "in_channels" if spec.in_channels * 2 >= spec.out_channels else "out_channels",
            f"2×in_channels + out_channels = {rows} rows of cells is too many to draw legibly (at most {MAX_ROWS})",
        )
    steps = spec.output_shape[0] * spec.output_shape[1]
    if steps > MAX_STEPS:
        raise SpecError("size", f"{steps} steps (output elements) make an animation too long to follow (at most {MAX_STEPS})")


def _runs(flags) -> tuple[tuple[int, int], ...]:
    """(start, stop) of each run of True."""
    runs, start = [], None
    for i, flag in enumerate(list(flags) + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return tuple(runs)


def compute_layout(trace: Trace, width: int = BASE_WIDTH, panel: bool = True) -> Layout1D:
    spec = trace.spec
    # Everything scales with the width, but type and labels no smaller than
    # MIN_SCALE of their size: in a narrow figure the cells give way instead.
    s = max(width / BASE_WIDTH, MIN_SCALE)
    columns = spec.padded_shape[0]
    rows = 2 * spec.in_channels + spec.out_channels

    side = (LABEL_COLUMN + MARGIN) * s
    room = width - side - MARGIN * s
    # Many channels: keep the grid within about the width's height.
    cell = min(MAX_CELL * s, room / columns, max(MIN_CELL * s, 0.62 * width / rows))
    cell = max(cell, MIN_CELL * s)
    needed = side + MARGIN * s + columns * cell
    if needed > max(width, MAX_GROWN_WIDTH):
        # Past this even a wide figure is too wide to publish: cells shrink
        # further, numbers get smaller type and abbreviations, and the
        # product line still shows every number in full.
        cell = (MAX_GROWN_WIDTH - side - MARGIN * s) / columns
        needed = MAX_GROWN_WIDTH
    width = max(width, math.ceil(needed))
    # Labels and grid together sit in the middle of the figure.
    grid_x = max(side, (width - columns * cell + LABEL_COLUMN * s) / 2)

    value_px = min(18 * s, 0.36 * cell)
    # Numbers longer than fit at that size get smaller type, down to this.
    min_value_px = min(value_px, max(7.0, 0.6 * value_px))  # small cells: the size they allow

    expression_px = 15 * s
    # The product line keeps clear of the label column, where the step counter is.
    expression_left = grid_x - 14 * s
    expression_chars = max(16, int((width - MARGIN * s - expression_left) / (CHAR_EM * expression_px)))
    # Each group's products get their own lines: room for the longest of each.
    longest: dict[int, int] = {}
    centres: dict[int, float] = {}
    for step in trace.steps:
        count = len(wrap_terms(step_terms(step), shown(step.shown), expression_chars))
        longest[step.group] = max(longest.get(step.group, 1), count)
        (span,) = step.window
        centres[step.position[0]] = (span[0] + span[1]) / 2
    lines = max(1, sum(longest.values()))
    line_height = 1.45 * expression_px

    y = 18 * s
    pad_label_y = y + 8 * s
    y += 22 * s
    input_top = y
    y += spec.in_channels * cell
    taps_y = y + 13 * s
    y += 26 * s
    kernel_top = y
    y += spec.in_channels * cell
    expression_top = y + 8 * s
    y += 8 * s + lines * line_height + 18 * s  # the last 18 px: the arrow into the output
    output_top = y
    y += spec.out_channels * cell
    panel_box = None
    if panel:
        y += 30 * s
        panel_width = width - 2 * MARGIN * s
        height = panel_height(spec, panel_width, s)
        panel_box = Box(MARGIN * s, y, panel_width, height)
        y += height
    y += 30 * s  # room for the credit line
    return Layout1D(
        width=int(width),
        height=int(math.ceil(y)),
        scale=s,
        cell=cell,
        grid_x=grid_x,
        columns=columns,
        pad_label_y=pad_label_y,
        input_top=input_top,
        taps_y=taps_y,
        kernel_top=kernel_top,
        expression_top=expression_top,
        expression_line=line_height,
        output_top=output_top,
        panel=panel_box,
        value_px=value_px,
        min_value_px=min_value_px,
        label_px=15 * s,
        expression_px=expression_px,
        expression_chars=expression_chars,
        expression_left=expression_left,
        in_channels=spec.in_channels,
        out_channels=spec.out_channels,
        groups=spec.groups,
        padding_runs=_runs(trace.roles != "input"),
        output_centres=tuple(centres[i] for i in range(len(centres))),
    )
