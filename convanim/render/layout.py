"""Where everything goes: the geometry of a figure, in pixels, y pointing down.

A layout is computed once per figure from the spec, the trace's numbers (to
size the product line) and the width asked for. The frame renderer asks it
for boxes and never does geometry of its own; tests ask it where to look.

Long inputs stay legible by shrinking the cells down to ``MIN_CELL`` pixels
(numbers get smaller type, then abbreviations); past that the figure grows
wider than asked, up to ``MAX_GROWN_WIDTH``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from ..engine import Step, Trace
from ..errors import SpecError
from .paint import text_width
from .panel import panel_height
from ..report import settled, shown, step_terms
from ..spec import ConvSpec

BASE_WIDTH = 1080  # sizes below are in pixels at this width and scale with it
MAX_CELL = 56
MIN_CELL = 26
MIN_SCALE = 0.7
MAX_GROWN_WIDTH = 3840  # a long input widens the figure up to this
LABEL_COLUMN = 150
MARGIN = 28
# DejaVu Sans advances: digits are 0.636 em; a little over covers ×, +, −.
CHAR_EM = 0.64


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


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


def wrap_terms(terms: list[str], result: str, max_chars_per_line: int) -> list[str]:
    """Join terms with `` + `` and end with `` = result``, breaking lines between terms."""
    pieces = [term + (" +" if i < len(terms) - 1 else f" = {result}") for i, term in enumerate(terms)]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}" if current else piece
        if current and len(candidate) > max_chars_per_line:
            lines.append(current)
            current = piece
        else:
            current = candidate
    lines.append(current)
    return lines


@dataclass(frozen=True)
class Layout:
    """Pixel geometry of a 1-D figure: rows of cells, the product line, the panel."""

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
    spec: ConvSpec

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
        spec = self.spec
        centre = position[0] * spec.stride[0] + spec.size_formulas()[0].span / 2
        return Box(self.column_x(centre) - self.cell / 2, self.output_top + channel * self.cell, self.cell, self.cell)

    @property
    def heavy_edge(self) -> int:
        """The border of the cell being written, in whole pixels: heavy, but
        in proportion to the cell, not to the figure."""
        return max(2, round(self.cell / 18))

    def cell_label(self, x: float, italic: bool = False) -> tuple[str, float]:
        """A number's text and type size in a cell, clear of the heavy border."""
        room = self.cell - 2 * self.heavy_edge - 4
        return _fit_number(x, room, self.value_px, self.min_value_px, italic)

    def block_centre(self, top: float, rows: int) -> float:
        return top + rows * self.cell / 2

    @property
    def label_right(self) -> float:
        return self.grid_x - 26 * self.scale


# Past these a figure cannot be read: cells under 12 px even at the widest,
# taller than a screen, or longer than anyone will watch.
MAX_COLUMNS = 300
MAX_ROWS = 48  # input rows + kernel rows + output rows
MAX_STEPS = 1000


def check_drawable(spec: ConvSpec) -> None:
    """Refuse, before any work, a convolution no figure can show legibly."""
    if spec.ndim != 1:
        raise SpecError(
            "input",
            f"render draws 1-D convolutions for now; this one has {spec.ndim} spatial dimensions "
            "(a comma tuple such as --padding 1,2 gives one value per dimension); trace and shape handle it",
        )
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


def compute_layout(trace: Trace, width: int = BASE_WIDTH, panel: bool = True) -> Layout:
    spec = trace.spec
    if spec.ndim != 1:
        raise NotImplementedError("the layout draws 1-D convolutions")
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
    lines = max(
        (len(wrap_terms(step_terms(step), shown(settled(step)), expression_chars)) for step in trace.steps),
        default=1,
    )
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
    return Layout(
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
        spec=spec,
    )
