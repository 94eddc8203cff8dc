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
from .fonts import text_width
from .panel import panel_height

BASE_WIDTH = 1080  # sizes below are in pixels at this width and scale with it
MIN_TYPE = BASE_WIDTH / 60  # no text smaller: 18 px at 1080
VALUE_PX = 19  # numbers in cells, when they have room
LABEL_PX = 19  # block names
EXPRESSION_PX = MIN_TYPE  # product lines
SMALL_PX = MIN_TYPE  # channel names, counter, notes
MAX_CELL = 56
MIN_CELL = 34
TIGHT_ROW = 1.6  # a row's least height, in its numbers' type size (on a canvas that needs it)
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


def _tight_row(spec: ConvSpec, s: float) -> float:
    """The least height of a row of cells: its numbers with a little air;
    a kernel block that names whose kernels it shows keeps room for two lines."""
    row = TIGHT_ROW * VALUE_PX * s
    if spec.out_channels > spec.groups:
        row = max(row, 2.3 * LABEL_PX * s / spec.in_channels)
    return row


def compute_layout(
    trace: Trace, width: int = BASE_WIDTH, panel: bool = True, decimals: int | None = None, title: str = "1-D convolution",
    scale: float | None = None, height: float | None = None,
) -> Layout1D:
    """The figure's geometry at ``width``; ``height`` (a canvas's) tightens
    the rows and gaps, as little as makes the figure fit it where it can."""
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
    causal = spec.padding_arg == "causal"
    centres = {}
    for step in trace.steps:
        (span,) = step.window
        centres[step.position[0]] = span[1] - 0.5 if causal else (span[0] + span[1]) / 2

    roles = trace.roles
    padded = bool((roles != "input").any())
    legend = labels1d.legend_places(spec.groups, width, s, SMALL_PX * s, 0)[-1][1] if spec.groups > 1 else None
    panel_h = panel_height(spec, width - 2 * MARGIN * s, s, title) if panel else None

    def stacked(tight: float) -> dict:
        """Every row's top, from the top down; ``tight`` (0 to 1) takes the
        rows from their natural height to ``_tight_row`` and the gaps to
        their least, for a canvas that leaves no more room (rows of 56 px
        for 19 px numbers are air a slide cannot spare)."""
        row_h = cell_h - tight * (cell_h - min(cell_h, _tight_row(spec, s)))
        gap = 1 - 0.4 * tight  # the gaps shrink to 60%
        line = (1.4 - 0.15 * tight) * expression_px
        at = {"cell_h": row_h, "line_height": line}
        y = 16 * s * gap
        at["pad_label_y"] = y + 0.5 * SMALL_PX * s
        if padded:
            y += 1.4 * SMALL_PX * s  # a line for the padding's labels
        at["input_top"] = y
        y += spec.in_channels * row_h
        taps = max(28 * gap, 1.2 * SMALL_PX) * s  # room for the × marks
        at["taps_y"] = y + taps / 2
        y += taps
        at["kernel_top"] = y
        y += spec.in_channels * row_h
        at["expression_top"] = y + 6 * s * gap
        # Under the lines: room for the arrow into the output, and for the
        # turns of the arrows into lower rows, one above another.
        y += 6 * s * gap + lines * line + max(22, LANE_ARROW_ROOM + lanes * LANE) * s
        at["output_top"] = y
        y += spec.out_channels * (row_h + gutter) - gutter + 14 * s * gap
        at["band_height"] = y
        y = bands * y
        at["legend_top"] = y + SMALL_PX * s
        if legend is not None:
            y = at["legend_top"] + legend + 1.2 * SMALL_PX * s
        if panel:
            y += 18 * s * gap
            at["panel_y"] = y
            y += panel_h
        at["height"] = y + 26 * s  # room for the credit line, under the panel's last gap
        return at

    at = stacked(0.0)
    if height is not None and at["height"] > height:
        # Every height above is linear in ``tight``: the least that fits.
        tightest = stacked(1.0)
        spare = at["height"] - tightest["height"]
        at = stacked(min(1.0, (at["height"] - height) / spare + 1e-9) if spare > 0 else 1.0)
    cell_h, line_height, band_height = at["cell_h"], at["line_height"], at["band_height"]
    panel_box = Box(MARGIN * s, at["panel_y"], width - 2 * MARGIN * s, panel_h) if panel else None
    return Layout1D(
        width=int(width),
        height=int(math.ceil(at["height"])),
        scale=s,
        cell=cell,
        cell_h=cell_h,
        grid_x=grid_x,
        columns=columns,
        per_band=per_band,
        bands=bands,
        band_height=band_height,
        pad_label_y=at["pad_label_y"],
        input_top=at["input_top"],
        taps_y=at["taps_y"],
        kernel_top=at["kernel_top"],
        expression_top=at["expression_top"],
        expression_line=line_height,
        output_top=at["output_top"],
        legend_top=at["legend_top"],
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
