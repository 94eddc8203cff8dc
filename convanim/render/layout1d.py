"""The geometry of a 1-D figure: rows of cells, the product lines, the panel.

Rows from the top: the input channels (padding included), the kernel rows
(one per input channel, each weight straight under the cell it multiplies),
the product lines, the output channels, then the info panel.

All type scales with the figure's width: nothing is smaller than
``MIN_TYPE`` of the width (1/60: 18 px at 1080, 11.7 px when shown 700 px
wide). Cells are as wide as their row's longest number at that size needs;
a row too long for one line of such cells wraps onto several bands, each
band a whole figure's worth of rows for its columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..engine import Trace
from ..errors import SpecError
from ..report import approximately, step_result, step_terms
from ..spec import ConvSpec
from . import arrows1d, labels1d
from .cells import RowNumbers
from .arrows1d import LANE, LANE_ARROW_ROOM
from .layout import Arrow, Box, Label, wrap_terms
from .paint import fit_text, text_width
from .panel import panel_height

BASE_WIDTH = 1080  # sizes below are in pixels at this width and scale with it
MIN_TYPE = BASE_WIDTH / 60  # no text smaller: 18 px at 1080
VALUE_PX = 19  # numbers in cells, when they have room
LABEL_PX = 19  # block names
EXPRESSION_PX = MIN_TYPE  # product lines
SMALL_PX = MIN_TYPE  # channel names, counter, notes
MAX_CELL = 56
MIN_CELL = 34
MAX_CELL_CHARS = 8  # characters a number may take before it is rounded
LABEL_COLUMN = 150
MAX_LABEL_COLUMN = 260  # room for "of out ch ..." before it is cut short
OWNER_PREFIX = "of out ch "
MARGIN = 28
CHAR_EM = 0.64  # DejaVu Sans advances: digits are 0.636 em; a little over covers ×, +, −
MAX_BANDS = 8  # lines a long row may wrap onto
GUTTER = 10  # between output rows, where such an arrow turns into its cell

# Past these a figure cannot be read: taller than a screen, or longer than
# anyone will watch.
MAX_ROWS = 48  # input rows + kernel rows + output rows
MAX_STEPS = 1000
GRID_ROOM = BASE_WIDTH - LABEL_COLUMN - 3 * MARGIN  # width of a band's cells, at 1080
MAX_COLUMNS = MAX_BANDS * int(GRID_ROOM // MIN_CELL)


@dataclass(frozen=True)
class Layout1D:
    """Pixel geometry of a 1-D figure (see the module's docstring). Offsets
    ending in ``_y``/``_top`` are within a band; ``band_height`` apart."""

    width: int
    height: int
    scale: float
    cell: float  # a column's width
    cell_h: float  # a row's height
    grid_x: float
    columns: int
    per_band: int  # columns in a band
    bands: int
    band_height: float
    pad_label_y: float
    input_top: float
    taps_y: float
    kernel_top: float
    expression_top: float
    expression_line: float
    output_top: float
    legend_top: float
    panel: Box | None
    label_px: float
    small_px: float
    expression_px: float
    expression_chars: int  # characters per product line
    in_channels: int
    out_channels: int
    groups: int
    causal: bool
    padding_runs: tuple[tuple[int, int], ...]  # (start, stop) of each run of padding cells
    output_centres: tuple[float, ...]  # the column under which each output position sits
    formats: dict  # (block, channel) -> (RowFormat, type px): one per row
    window_bars: bool = True  # the window read is marked by bars over and under it
    lens = None  # every number is in its cell
    gutter: float = 0.0  # between output rows, where arrows into lower rows turn in
    lanes: int = 0  # arrows' lanes left of the grid: one per group (0: one output row)

    # -- cells ---------------------------------------------------------------
    def column_x(self, column: float, band: int) -> float:
        """The x of ``column``'s left edge on ``band``'s row (``column`` may be fractional)."""
        return self.grid_x + (column - band * self.per_band) * self.cell

    def band_of(self, column: int) -> int:
        """The band (wrapped line) that holds ``column``."""
        return min(max(0, column // self.per_band), self.bands - 1)

    def input_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        band = self.band_of(position[0])
        top = band * self.band_height + self.input_top + channel * self.cell_h
        return Box(self.column_x(position[0], band), top, self.cell, self.cell_h)

    def kernel_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """The kernel cell over input channel ``channel`` at padded ``position``.

        Kernel rows repeat the input rows' order, so each weight sits straight
        below the cell it multiplies."""
        band = self.band_of(position[0])
        top = band * self.band_height + self.kernel_top + channel * self.cell_h
        return Box(self.column_x(position[0], band), top, self.cell, self.cell_h)

    def _output_band(self, centre: float) -> int:
        # A cell centred on a band's edge stays with the band on the left,
        # sticking out half a cell into the margin kept for it.
        return self.band_of(math.floor(centre - 0.5))

    def output_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """Output cells sit under the centre of the window that made them
        (causal: under the newest input they read, as TCN figures draw it)."""
        centre = self.output_centres[position[0]]
        band = self._output_band(centre)
        top = band * self.band_height + self.output_top + channel * self.output_pitch
        return Box(self.column_x(centre, band) - self.cell / 2, top, self.cell, self.cell_h)

    @property
    def output_pitch(self) -> float:
        """From one output row's top to the next's."""
        return self.cell_h + self.gutter

    def same_band(self, a: Box, b: Box) -> bool:
        """Whether two boxes lie on one band of a wrapped figure."""
        return int(a.y // self.band_height) == int(b.y // self.band_height)

    @property
    def heavy_edge(self) -> int:
        """The border of the cell being written, in whole pixels: heavy, but
        in proportion to the cell, not to the figure."""
        return max(2, round(min(self.cell, self.cell_h) / 18))

    def cell_label(self, x: float, italic: bool = False, box: Box | None = None, row=None) -> tuple[str, float]:
        """A number's text and type size in a cell of ``row`` ((block, channel)):
        one format and one size for every cell of a row."""
        fmt, px = self.formats[row]
        return fmt.text(x), px

    # -- what moves ------------------------------------------------------------
    def number_y(self, box: Box, row=None) -> float:
        return box.cy  # the kernel row writes the weights: no tags in the cells

    def tap_mark(self, channel: int, position: tuple[int, ...]) -> Label:
        """Under the input rows, at the column read."""
        box = self.input_cell(0, position)
        y = self.band_of(position[0]) * self.band_height + self.taps_y
        return Label(box.cx, y, "×", self.small_px, "muted")

    def wrap(self, terms: list[str], result: str) -> list[str]:
        return wrap_terms(terms, result, self.expression_chars)

    @property
    def row_formats(self) -> dict:
        """(block, channel) -> RowFormat: how each row writes its numbers."""
        return {row: fmt for row, (fmt, _) in self.formats.items()}

    def lines(self, step) -> list[str]:
        """A step's product line, each value written as its row's cells
        write it, broken where it runs out of room."""
        formats = self.row_formats
        return [approximately(line) for line in self.wrap(step_terms(step, formats=formats), step_result(step, formats))]

    def outline(self, channel: int, window) -> Box | None:
        """The window on input row ``channel``: one box round the cells it
        spans (None where it wraps across bands: each cell read is outlined)."""
        ((start, stop),) = window
        if self.band_of(start) != self.band_of(stop - 1):
            return None
        first, last = self.input_cell(channel, (start,)), self.input_cell(channel, (stop - 1,))
        return Box(first.x, first.y, last.right - first.x, first.h)

    def kernel_grid_cell(self, channel: int, index, window) -> None:
        return None  # the kernel row is the kernel

    def links(self, channel: int, window) -> list:
        """A window split across bands: where its bars run on (``arrows1d``)."""
        return arrows1d.links(self, channel, window)

    def arrows(self, lines: int, target: Box, window, channels) -> list[Arrow]:
        """Into the cell being written, crossing no other (``arrows1d``)."""
        arrow = arrows1d.arrow(self, lines, target)
        return [] if arrow is None else [arrow]

    @property
    def lane_right(self) -> float:
        """The innermost arrow lane: clear of the group stripes."""
        return self.grid_x - 22 * self.scale

    def _centre(self, span: tuple[int, int]) -> float:
        return span[1] - 0.5 if self.causal else (span[0] + span[1]) / 2

    def product_lines(self, windows, lines):
        placed = []
        row = 0
        for (span,), step_lines in zip(windows, lines):
            centre = self._centre(span)
            band = self._output_band(centre)
            half = max(text_width(line, size=self.expression_px) for line in step_lines) / 2
            x = min(max(self.column_x(centre, band), self.grid_x - 14 * self.scale + half), self.width - half - 12 * self.scale)
            top = band * self.band_height + self.expression_top
            placed.append([(x, top + (row + i + 0.5) * self.expression_line) for i in range(len(step_lines))])
            row += len(step_lines)
        return placed

    def counter(self, position: tuple[int, ...] | None = None) -> Label:
        """The step counter heads the product lines, in the label column."""
        band = self.bands - 1 if position is None else self._output_band(self.output_centres[position[0]])
        y = band * self.band_height + self.expression_top + 0.5 * self.expression_line
        return Label(self.label_right, y, "", self.small_px, "muted", align="right")

    def kernel_labels(self, steps, owner: str | None) -> list[Label]:
        """The kernel rows' names, and whose kernels they are (``owner``), on
        the bands the kernel is on: a wrapped figure names no empty kernel row."""
        bands = sorted({self.band_of(tap.position[0]) for step in steps for tap in step.taps})
        result = [] if self.bands == 1 else [label for band in bands for label in labels1d.kernel_names(self, band)]
        if owner is not None:
            result += [self.kernel_owner(owner, band) for band in bands[:1]]
        return result

    def kernel_owner(self, text: str, band: int = 0) -> Label:
        """Under "Kernel", right-aligned with it, cut short rather than leave the canvas."""
        y = band * self.band_height + self.block_centre(self.kernel_top, self.in_channels) + self.label_px * 1.1
        right = self.label_right - self._channel_gap
        text, px = fit_text(text, self.small_px, right - MARGIN * self.scale / 2, least=1.0)
        return Label(right, y, text, px, "muted", align="right")

    # -- drawn once ------------------------------------------------------------
    def block_centre(self, top: float, rows: int) -> float:
        return top + rows * self.cell_h / 2

    @property
    def margin(self) -> float:
        return MARGIN * self.scale

    @property
    def label_right(self) -> float:
        return self.grid_x - (22 + self.lanes * LANE) * self.scale

    @property
    def _channel_gap(self) -> float:
        many = self.in_channels > 1 or self.out_channels > 1
        return 50 * self.scale if many else 0

    def labels(self) -> list[Label]:
        return labels1d.labels(self)

    def stripes(self) -> list[tuple[Box, int]]:
        return labels1d.stripes(self)

    def legend(self) -> list[tuple[Box, int, Label]]:
        return labels1d.legend(self)

    def padding_labels(self, word: str) -> list[Label]:
        return labels1d.padding_labels(self, word)

    def credit(self, text: str) -> Label:
        text, px = fit_text(text, self.small_px, self.width - 56 * self.scale, least=1.0)
        return Label(self.width - MARGIN * self.scale, self.height - 14 * self.scale, text, px, "muted", align="right")


def check_drawable(spec: ConvSpec) -> None:
    """Refuse, before any work, a 1-D convolution no figure can show legibly."""
    columns = spec.padded_shape[0]
    if columns > MAX_COLUMNS:
        raise SpecError(
            "size",
            f"a padded row of {columns} cells is too long to draw legibly: it would wrap onto more than "
            f"{MAX_BANDS} lines of {MAX_COLUMNS // MAX_BANDS} cells; use at most {MAX_COLUMNS} cells",
        )
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


def _label_column(spec: ConvSpec, s: float) -> float:
    """The label column's width: wider, up to a limit, where output channels
    take turns and "of out ch 0, 2, ..." names the kernels shown."""
    column = LABEL_COLUMN * s
    if spec.out_channels > spec.groups:
        widest = OWNER_PREFIX + ", ".join([str(spec.out_channels - 1)] * spec.groups)
        need = text_width(widest, size=SMALL_PX * s) + (50 + 22 - MARGIN / 2) * s
        column = min(max(column, need), MAX_LABEL_COLUMN * s)
    return column


def compute_layout(
    trace: Trace, width: int = BASE_WIDTH, panel: bool = True, decimals: int | None = None, title: str = "1-D convolution",
    scale: float | None = None,
) -> Layout1D:
    spec = trace.spec
    # Everything scales with the width, type included; or with ``scale``
    # where the figure is part of a wider picture (a canvas) whose width sets the type.
    s = scale or width / BASE_WIDTH
    columns = spec.padded_shape[0]
    rows = 2 * spec.in_channels + spec.out_channels
    least, value_px = MIN_TYPE * s, VALUE_PX * s

    # One format per row, then cells as wide as the widest number needs.
    margin = 2 * max(2, round(MAX_CELL * s / 18)) + 6 * s  # the heavy border and air, both sides
    numbers = RowNumbers.of(trace, decimals, MAX_CELL_CHARS)
    need_least, need_full = numbers.width(least) + margin, numbers.width(value_px) + margin

    # Arrows into lower output rows run in lanes left of the grid, one per group.
    lanes = spec.groups if spec.out_channels > 1 else 0
    gutter = GUTTER * s if lanes else 0.0
    label_column = _label_column(spec, s) + lanes * LANE * s
    room = width - label_column - 2 * MARGIN * s
    cell = max(min(max(MAX_CELL * s, need_full), room / columns), need_least, MIN_CELL * s)
    per_band = max(1, int(room // cell))
    bands = math.ceil(columns / per_band)
    if bands > 1:
        room -= cell / 2  # an output cell on a band's edge sticks out half a cell
        per_band = max(1, int(room // cell))
        bands = math.ceil(columns / per_band)
        per_band = math.ceil(columns / bands)  # bands of even length
        cell = max(cell, min(max(MAX_CELL * s, need_full), room / per_band))
    if bands > MAX_BANDS:
        raise SpecError(
            "size",
            f"the numbers need cells {cell:.0f} px wide (at {width} px): {columns} of them wrap onto {bands} lines "
            f"(at most {MAX_BANDS}); use a shorter input, or --decimals to write fewer digits",
        )
    cell_h = min(cell, MAX_CELL * s, max(MIN_CELL * s, 0.62 * width / rows))
    cell_h = max(cell_h, MIN_CELL * s)
    grid_w = min(columns, per_band) * cell
    grid_x = max(label_column + MARGIN * s, (width - grid_w + label_column) / 2)
    if bands > 1:
        grid_x = label_column + MARGIN * s

    sized = numbers.sized(cell - margin, value_px, least)

    expression_px = EXPRESSION_PX * s
    expression_chars = max(16, int((width - MARGIN * s - grid_x) / (CHAR_EM * expression_px)))
    # Each group's products get their own lines: room for the longest of each.
    longest: dict[int, int] = {}
    formats = numbers.formats
    for step in trace.steps:
        count = len(wrap_terms(step_terms(step, formats=formats), step_result(step, formats), expression_chars))
        longest[step.group] = max(longest.get(step.group, 1), count)
    lines = max(1, sum(longest.values()))
    line_height = 1.4 * expression_px
    causal = spec.padding_arg == "causal"
    centres = {}
    for step in trace.steps:
        (span,) = step.window
        centres[step.position[0]] = span[1] - 0.5 if causal else (span[0] + span[1]) / 2

    y = 16 * s
    pad_label_y = y + 0.5 * SMALL_PX * s
    roles = trace.roles
    if (roles != "input").any():
        y += 1.4 * SMALL_PX * s  # a line for the padding's labels
    input_top = y
    y += spec.in_channels * cell_h
    taps_y = y + 14 * s
    y += 28 * s
    kernel_top = y
    y += spec.in_channels * cell_h
    expression_top = y + 6 * s
    # Under the lines: room for the arrow into the output, and for the
    # turns of the arrows into lower rows, one above another.
    y += 6 * s + lines * line_height + max(22, LANE_ARROW_ROOM + lanes * LANE) * s
    output_top = y
    y += spec.out_channels * (cell_h + gutter) - gutter + 14 * s
    band_height = y
    y = bands * band_height
    legend_top = y + SMALL_PX * s
    if spec.groups > 1:
        last = labels1d.legend_places(spec.groups, width, s, SMALL_PX * s, legend_top)[-1][1]
        y = last + 1.2 * SMALL_PX * s
    panel_box = None
    if panel:
        y += 18 * s
        panel_width = width - 2 * MARGIN * s
        height = panel_height(spec, panel_width, s, title)
        panel_box = Box(MARGIN * s, y, panel_width, height)
        y += height
    y += 26 * s  # room for the credit line, under the panel's last gap
    return Layout1D(
        width=int(width),
        height=int(math.ceil(y)),
        scale=s,
        cell=cell,
        cell_h=cell_h,
        grid_x=grid_x,
        columns=columns,
        per_band=per_band,
        bands=bands,
        band_height=band_height,
        pad_label_y=pad_label_y,
        input_top=input_top,
        taps_y=taps_y,
        kernel_top=kernel_top,
        expression_top=expression_top,
        expression_line=line_height,
        output_top=output_top,
        legend_top=legend_top,
        panel=panel_box,
        label_px=LABEL_PX * s,
        small_px=SMALL_PX * s,
        expression_px=expression_px,
        expression_chars=expression_chars,
        in_channels=spec.in_channels,
        out_channels=spec.out_channels,
        groups=spec.groups,
        causal=causal,
        padding_runs=_runs(roles != "input"),
        output_centres=tuple(centres[i] for i in range(len(centres))),
        formats=sized,
        gutter=gutter,
        lanes=lanes,
    )
