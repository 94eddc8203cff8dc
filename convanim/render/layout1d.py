"""The geometry of a 1-D figure: rows of cells, the product lines, the panel,
sized here (``compute_layout``) and answered by ``grid1d.Layout1D``.

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

from ..engine import Trace
from ..errors import SpecError
from ..report import step_result, step_terms
from ..spec import ConvSpec
from . import labels1d
from .cells import RowNumbers
from .arrows1d import LANE, LANE_ARROW_ROOM
from .grid1d import MARGIN, Layout1D
from .layout import Box, wrap_terms
from .paint import text_width
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
CHAR_EM = 0.64  # DejaVu Sans advances: digits are 0.636 em; a little over covers ×, +, −
MAX_BANDS = 8  # lines a long row may wrap onto
GUTTER = 10  # between output rows, where such an arrow turns into its cell

# Past these a figure cannot be read: taller than a screen, or longer than
# anyone will watch.
MAX_ROWS = 48  # input rows + kernel rows + output rows
MAX_STEPS = 1000
GRID_ROOM = BASE_WIDTH - LABEL_COLUMN - 3 * MARGIN  # width of a band's cells, at 1080
MAX_COLUMNS = MAX_BANDS * int(GRID_ROOM // MIN_CELL)


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
