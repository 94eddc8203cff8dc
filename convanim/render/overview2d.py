"""The geometry of a 2-D figure too large for numbers in its cells.

The figure keeps the width asked for. Each grid is drawn as an overview
(cells in their colours, no numbers) and under each channel's grid stands
its lens (``lens2d``): the input's window with a ring of cells around it,
the output's cells around the one being written, both at a legible size
with every number. Input channels are stacked on the left, each over its
lens; output channels on the right, each over its lens; so the connector
lines from a region to its lens cross nothing but that grid's own cells
(on an output grid, ones not yet written).
"""

from __future__ import annotations

import math

from .lens2d import RINGS, Lenses, lens_cell, needs, spans

GAP = 56  # px at 1080: between the input and output columns, where the arrows run
UNDER = 18  # px at 1080: between a grid and its lens (connectors and the arrow's gutter)
APART = 26  # px at 1080: between a lens's title and the next channel's grid
LEAST_OVERVIEW = 3.0  # px: an overview cell, at least
TALL = 0.75  # an overview grid is no taller than this many widths


def geometry(trace, width: int, s: float, top: float, least_px: float, widest, label_column: float, margin: float, largest: float, owner_line: bool) -> dict:
    """The fields of the 2-D layout that place grids, lenses and cells:
    ``widest(px)`` is how wide the widest number is written at ``px``;
    ``largest`` is the overview cell not to exceed (one with legible
    numbers would not need a lens); ``owner_line`` leaves a line under
    each input lens for whose kernel is shown."""
    spec = trace.spec
    rows, columns = spec.padded_shape
    out_rows, out_columns = spec.output_shape[1:]
    c_in, c_out = spec.in_channels, spec.out_channels
    labelled = c_in > 1 or c_out > 1

    # As large as the type elsewhere, never under the floor (type comes in quarter pixels).
    value_px = tag_px = math.ceil(max(least_px, 18 * s) * 4) / 4
    title_px = least_px
    cell = lens_cell(widest(value_px), value_px, tag_px, s)
    room = width - (2 * margin + label_column * (2 if labelled else 1) + GAP) * s
    # The lenses side by side must fit the width: they keep fewer cells
    # around the window and the output first, then their cells shrink.
    # Whole pixels: every number in a lens then stands on the same
    # fraction of a pixel, and is drawn again as a copy.
    for ring, out_ring in RINGS:
        need_in, need_out = needs(spec, ring, out_ring)
        if (need_in[1] + need_out[1]) * cell <= room:
            break
    cell = max(1, math.floor(min(cell, room / (need_in[1] + need_out[1]))))
    # What room is left widens the lenses: pages that turn less often.
    in_span, out_span = spans(spec, ring, out_ring, int(room // cell))
    in_w, out_w = in_span[1] * cell, out_span[1] * cell

    def across(oc: float) -> float:
        return max(columns * oc, in_w) + max(out_columns * oc, out_w)

    low, high = LEAST_OVERVIEW, min(largest, TALL * width / max(rows, out_rows))
    for _ in range(40):  # the largest overview cell that fits
        middle = (low + high) / 2
        low, high = (middle, high) if across(middle) <= room else (low, middle)
    oc = low
    input_x = round((margin + label_column) * s)
    output_x = round(input_x + max(columns * oc, in_w) + GAP * s)

    title_room = 1.5 * title_px
    under = UNDER * s
    below_input = under + in_span[0] * cell + title_room * (2 if owner_line else 1)
    below_output = under + out_span[0] * cell + title_room
    channel_step = rows * oc + below_input + APART * s
    output_step = out_rows * oc + below_output + APART * s
    inputs = tuple((input_x, round(top + k * channel_step + rows * oc + under)) for k in range(c_in))
    outputs = tuple((output_x, round(top + k * output_step + out_rows * oc + under)) for k in range(c_out))
    lens = Lenses(
        cell=cell, value_px=value_px, tag_px=tag_px, title_px=title_px, inputs=inputs, outputs=outputs,
        in_span=in_span, out_span=out_span, padded_shape=(rows, columns), output_shape=(out_rows, out_columns), ring=ring,
        out_ring=out_ring,
    )
    bottom = max(top + c_in * channel_step, top + c_out * output_step) - APART * s
    return dict(
        cell=oc, input_x=input_x, kernel_x=input_x, output_x=output_x, grid_top=top, channel_step=channel_step,
        kernel_offset=0.0, output_top=top, output_step=output_step, lens=lens, bottom=bottom,
        right=output_x + max(out_columns * oc, out_w),
    )
