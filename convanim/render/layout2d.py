"""The geometry of a 2-D figure: a grid per channel, the sum lines, the panel,
sized and arranged here (``compute_layout``) and answered by ``grid2d.Layout2D``.

The grids (``place2d``): the input's channels (padding ring included), the
kernel's slice for each input channel beside that channel, the output's
channels; the sum lines under them, one per input channel, then the info
panel. While a step is shown, its window is outlined on every channel it
reads, each weight is written small in the corner of the cell it
multiplies, and an arrow ties the kernel to the output cell being written.

No text is smaller than the type floor (1/60 of the width): cells are
sized for their numbers and the weights' tags at the floor or above
(``sizing2d``). Grids whose numbers cannot be written in cells that fit
keep the width asked for and are drawn as overviews with lenses
(``overview2d``, ``lens2d``).
"""

from __future__ import annotations

import math

from ..engine import Trace
from ..errors import SpecError
from ..spec import ConvSpec
from . import arrows2d, labels2d, overview2d, place2d, sizing2d, sums2d
from .grid2d import OWNER_LINE, Layout2D
from .labels2d import HEADER
from .layout import Box
from .panel import least_width, panel_height
from .place2d import LABEL_COLUMN, MARGIN
from .sizing2d import BASE_WIDTH, LEGIBLE_CELL, MAX_CELL_CHARS, MIN_SCALE, OWNER, label_size

TALLER = (1.25, 1.5, 2.0, 3.0, math.inf)  # grids taller than the width: bounds tried in turn, in widths
PLAIN_OVER_LENS = 3.0  # grids with numbers in cells this much taller than an overview's are still preferred (all the numbers at once)

# Past these a figure cannot be read: grids too many or too large to see at once.
MAX_SIDE = 64  # padded cells along an axis
MAX_CHANNELS = 16  # input or output channels
MAX_STEPS = 100_000  # pictures are budgeted by --max-frames; this bounds the trace
MAX_WIDTH = 3840  # --width's most


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


def _laid_out(trace: Trace, width: int, panel: bool, title: str | None, decimals: int | None, scale: float | None, height: float | None) -> Layout2D:
    """``compute_layout``'s geometry, unchecked."""
    spec = trace.spec
    # ``scale``: the figure is part of a wider picture (a canvas) whose width sets the type.
    s = scale or max(width / BASE_WIDTH, MIN_SCALE)
    least_px = (scale * BASE_WIDTH if scale else width) / 60  # the README's floor for any text
    # A line over the block names says whose kernel is shown.
    top = 18 * s + (HEADER + (18 if spec.out_channels > spec.groups else 0)) * s
    memo = sums2d.memo(trace)
    if ("written", decimals) not in memo:  # each row's numbers, written in full
        memo["written", decimals] = sizing2d.RowNumbers.of(trace, decimals, MAX_CELL_CHARS)
    written = memo["written", decimals]
    lines = memo.setdefault("lines", {})  # the sum lines' count, by the room they have

    def finish(placed, kind, corner=False):
        return _finished(trace, width, panel, title, decimals, s, least_px, placed, kind, lines, corner)

    def overview(tall):
        return overview2d.geometry(
            trace, width, s, top, least_px, written, LABEL_COLUMN, MARGIN, LEGIBLE_CELL * least_px,
            OWNER_LINE * OWNER * label_size(s, least_px) if spec.out_channels > spec.groups else 0.0, tall,
        )

    tall = place2d.GRIDS_TALL * width
    chosen = place2d.numbered(spec, width, s, top, written, least_px, tall)
    if chosen is None:
        # Taller than the bound with numbers in cells, where the overview
        # would not be much shorter: all the numbers at once read better.
        lensed = (overview(tall), None)
        # The least bound some arrangement fits in, not none: past it the
        # largest cells would be one tall column (outputs too) beside empty
        # width; within it the outputs go in columns, the figure shorter.
        for bound in TALLER:
            chosen = place2d.numbered(spec, width, s, top, written, least_px, bound * tall)
            if chosen is not None:
                break
        if chosen is None or chosen[0].bottom - top > PLAIN_OVER_LENS * (lensed[0].bottom - top):
            chosen = lensed
    layout = finish(*chosen)
    if height is None or layout.height <= height:
        return layout
    # A canvas: the grids get what the sums and the panel leave, in an
    # arrangement with numbers in cells that fits; an overview stays one,
    # in an arrangement that fits (a figure with numbers in its cells is
    # not made an overview to fit: the canvas tries smaller type first).
    for _ in range(2):  # what goes under the grids changes a little with the arrangement
        room = height - (layout.height - chosen[0].bottom) - top
        fitted = place2d.numbered(spec, width, s, top, written, least_px, room) if chosen[1] is not None else (overview(room), None)
        if fitted is None:
            break
        candidate = finish(*fitted)
        if candidate.height < layout.height:
            layout, chosen = candidate, fitted
        if layout.height <= height:
            break
    if layout.height > height and panel and chosen[1] is not None:
        cornered = _cornered(finish, lambda room: place2d.numbered(spec, width, s, top, written, least_px, room, only_stacked=True), chosen, height, top)
        if cornered is not None and cornered.height < layout.height:
            layout = cornered
    return layout


def _cornered(finish, stacked_within, chosen, height: float, top: float) -> Layout2D | None:
    """The outputs under the inputs and the panel right of them, under the
    tiles' right part, which a row of tiles leaves empty: the figure no
    taller than ``height`` where that fits, else the shortest such; None
    where the panel has no room there. ``stacked_within(room)``: the grids,
    outputs under the inputs, within ``room`` px of height."""
    bare = finish(*chosen)  # the sums and the credit under the grids, without the panel: a first guess
    room = height - top - (bare.height - chosen[0].bottom - (bare.panel.h + 24 * bare.scale if bare.panel else 0))
    best = None
    for _ in range(6):
        fitted = stacked_within(room) if room > 0 else None
        if fitted is None:
            break
        layout = finish(*fitted, corner=True)
        if layout is not None and (best is None or layout.height < best.height):
            best = layout
        if layout is not None and layout.height <= height:
            break
        # Smaller grids: lower, or narrower outputs, leaving the panel its width.
        room = min(room - (layout.height - height if layout is not None else 0), room * 0.92)
    return best


def compute_layout(
    trace: Trace, width: int = BASE_WIDTH, panel: bool = True, title: str | None = None, decimals: int | None = None,
    scale: float | None = None, height: float | None = None,
) -> Layout2D:
    """The figure's geometry, ``width`` px wide; ``height`` (a canvas's):
    among the arrangements, one no taller where there is one. Refused
    where an overview's lenses cannot write every number in its cell at
    the type floor, naming (a figure of its own width) the least width
    that does."""
    layout = _laid_out(trace, width, panel, title, decimals, scale, height)
    if layout.lens is None or overview2d.legible(trace, layout):
        return layout  # a grid's cells are sized for their numbers
    rule = f"{width} px is too narrow to write every number of this 2-D figure in its cells (none under 1/60 of the width)"
    if scale is None and height is None:
        wider = width
        while wider < MAX_WIDTH:
            wider = min(MAX_WIDTH, math.ceil(wider * 1.1))
            found = _laid_out(trace, wider, panel, title, decimals, None, None)
            if found.lens is None or overview2d.legible(trace, found):
                raise SpecError("width", f"{rule}: use --width {wider} or more")
    raise SpecError("width", rule)


def _finished(trace, width, panel, title, decimals, s, least_px, placed, kind, lines: dict, corner: bool = False) -> Layout2D | None:
    """The layout with the grids ``placed`` (``kind``: their cells' type;
    None on an overview): the sums, the legend and the panel under them;
    ``corner``, the panel right of the outputs stacked under the inputs
    (the sums and legend on their left), or None where it has no room there."""
    spec = trace.spec
    if kind is not None:
        value_px, tag_px, tag_w, tag_h = kind.value_px, kind.tag_px, kind.tag_w, kind.tag_h
        numbers, sizes = kind.numbers, kind.sizes
    else:
        lens = placed.lens
        rooms = {"input": lens.in_w - 8, "kernel": lens.in_w - 8, "output": lens.out_w - 8}
        key = ("lens numbers", decimals, lens.in_w, lens.out_w, lens.value_px)
        if key not in lines:
            lines[key] = sizing2d.RowNumbers.of(trace, decimals, MAX_CELL_CHARS, (rooms, lens.value_px))
        numbers = lines[key]
        value_px = tag_px = lens.value_px
        tag_w, tag_h, sizes = placed.cell, placed.cell, None
    y = placed.bottom
    input_x = placed.input_x
    label_px = label_size(s, least_px)
    expression_px = max(15 * s, least_px)
    expression_left = max(MARGIN * s, input_x - LABEL_COLUMN * s * 0.6)
    expression_room = width - MARGIN * s - expression_left
    sums_line = 1.45 * expression_px
    corner_box = turn = None
    if corner:
        found = _corner(trace, placed, width, s, title if title is not None else "2-D convolution", label_px)
        if found is None:
            return None
        corner_box, turn = found
        expression_room = math.floor(corner_box.x - MARGIN * s - expression_left)  # (whole pixels: the sums' line counts are kept by it)
    sums = sums2d.unbroken(trace, numbers.formats)

    def needed(room: float) -> int:
        key = (round(room), expression_px, tuple(numbers.formats.items()))
        if key not in lines:
            lines[key] = sums2d.lines_needed(sums, room, expression_px, spec.kernel_size[-1])
        return lines[key]

    def fits(room: float) -> bool:  # (every broken line within the room: a term is never cut)
        return sums2d.fit(sums, room, expression_px, spec.kernel_size[-1])

    beside = _under_output_lens(placed.lens, width, s, sums_line, needed, fits) if kind is None and spec.groups == 1 else None
    if beside is not None:
        expression_left, expression_room, sums_top = beside
    probe = Layout2D(
        width=int(width), height=0, scale=s, cell=placed.cell, cell_h=placed.cell_h, kernel_w=placed.kernel_w, output_w=placed.output_w, input_x=input_x, kernel_x=placed.kernel_x,
        output_x=placed.output_x, grid_top=placed.grid_top, output_top=placed.output_top, inputs=placed.inputs,
        outputs=placed.outputs, stacked=placed.stacked, lanes=placed.lanes, sums_top=0.0, sums_line=sums_line,
        panel=None, value_px=value_px, tag_px=tag_px, tag_w=tag_w, tag_h=tag_h, label_px=label_px, expression_px=expression_px,
        expression_left=expression_left, expression_room=expression_room, padded_shape=spec.padded_shape,
        kernel_size=spec.kernel_size, output_shape=spec.output_shape[1:], in_channels=spec.in_channels, out_channels=spec.out_channels,
        groups=spec.groups, padded=bool((trace.roles != "input").any()), formats=numbers.formats, least_px=least_px,
        sizes=sizes, lens=placed.lens, kernel_below=placed.kernel_below,
    )

    legend_top = 0.0
    if spec.groups > 1:  # under the grids: what the stripes' colours mean
        # (After the groups' arrows' lanes under the outputs: see arrows2d.)
        lanes = (spec.groups - 1) * arrows2d.group_lane_step(s, placed.cell_h, spec.groups) if placed.stacked and placed.lens is None else 0.0
        legend_top = y + 18 * s + lanes + label_px * 0.4
        y = labels2d.legend_bottom(spec.groups, width, s, label_px * 0.8, legend_top) + label_px * 0.4
        if corner_box is not None and labels2d.legend_right(spec.groups, width, s, label_px * 0.8, legend_top) > corner_box.x - 12 * s:
            return None  # the legend would run under the panel
    if beside is None:
        y += 26 * s + sums_line  # the step counter over the sums
        sums_top = y
        if corner_box is not None and sums_top >= corner_box.bottom:  # (the counter over them is on the left)
            expression_room = width - MARGIN * s - expression_left  # under the panel: the width, as without it
        y += needed(expression_room) * sums_line + 10 * s
    panel_box = None
    if corner_box is not None:
        panel_box = corner_box
        y = max(y, corner_box.bottom)
    elif panel:
        y += 24 * s
        panel_width = width - 2 * MARGIN * s
        height = panel_height(spec, panel_width, s, title if title is not None else "2-D convolution")
        panel_box = Box(MARGIN * s, y, panel_width, height)
        y += height
    y += 30 * s  # room for the credit line
    return Layout2D(**{**probe.__dict__, "height": int(math.ceil(y)), "sums_top": sums_top, "panel": panel_box, "legend_top": legend_top, "sums": sums, "turn": turn, "expression_room": expression_room})


def _corner(trace, placed, width: int, s: float, title: str, label_px: float):
    """Where the panel goes right of the outputs stacked under a row of
    tiles, and where the arrows turn to reach them from the right of the
    tiles, clear of it: ``(the panel's box, (x, y) of the turn)``; None
    where the panel would be narrower than its least width.

    The arrows come down the right of the tiles as ever, run left along
    the gap over the outputs and down the gap between them and the panel."""
    spec = trace.spec
    if not placed.stacked or placed.lens is not None:
        return None
    h = placed.cell_h
    outputs_right = max(x for x, _ in placed.outputs) + spec.output_shape[2] * placed.output_w
    spread = (spec.groups - 1) * min(8 * s, h / 3)  # the groups' arrows, side by side
    turn = (outputs_right + h / 2, placed.output_top - 0.75 * h)
    under_tiles = [lane[1] for lane in placed.lanes if lane is not None and lane[1] > placed.output_top - 1.5 * h]
    if spec.groups == 1 and under_tiles:  # one colour: along the line the tiles' arrows already run on
        turn = (turn[0], max(under_tiles))
    x = turn[0] + spread + MARGIN * s
    room = width - MARGIN * s - x
    if room < least_width(spec, s, title):
        return None
    # Its top level with the outputs' (the output block's heading is over their left).
    return Box(x, placed.output_top, room, panel_height(spec, room, s, title)), turn


def _under_output_lens(lens, width: int, s: float, sums_line: float, needed, fits) -> tuple[float, float, float] | None:
    """Where an overview's step counter and sums go when they fit under its
    output lens, beside the input lens (which is taller): their left edge,
    width and first line's top; else None (they go under the grids).

    There the sum sits by the cell it writes, the figure is shorter, and
    what a step changes (the window, the cells, the sum) lies closer
    together: a GIF frame's rectangle is a third smaller.
    """
    left = min(x for x, _ in lens.outputs)
    if left < max(x + lens.in_size[0] for x, _ in lens.inputs) + 12 * s:
        return None  # the lenses are not side by side
    top = max(y + lens.out_size[1] for _, y in lens.outputs) + lens.title_room
    bottom = max(y + lens.in_size[1] for _, y in lens.inputs) + lens.title_room  # (its title is under it, to the left)
    room = width - MARGIN * s - left
    sums_top = top + 12 * s + sums_line  # (the counter's line first)
    if sums_top + needed(room) * sums_line > bottom or not fits(room):
        return None
    return left, room, sums_top
