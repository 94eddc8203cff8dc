"""The geometry of a 2-D figure too large for numbers in its cells.

The figure keeps the width asked for. Each grid is drawn as an overview
(cells in their colours, no numbers) and under each channel's grid stands
its lens (``lens2d``): the input's window with a ring of cells around it,
the output's cells around the one being written, both at a legible size
with every number. A channel's grid over its lens is a tile; the input's
tiles fill columns on the left, the output's on the right, as few columns
as keep the figure within ``FIGURE_TALL`` widths of height (a figure of
many channels shown in a blog column or on a slide must fit it). So the
connector lines from a region to its lens cross nothing but that grid's
own cells (on an output grid, ones not yet written).
"""

from __future__ import annotations

import math

from .cells import row_values
from .fonts import text_width
from .labels2d import HEADER
from .layout import Box
from .lens2d import RINGS, Lenses, lens_cells, needs, spans
from .place2d import Placement, lane
from .sizing2d import OVER_TAG, quarter

GAP = 56  # px at 1080: between the input and output columns, where the arrows run
UNDER = 18  # px at 1080: between a grid and its lens (connectors and the arrow's gutter)
APART = 26  # px at 1080: between a lens's title and the next channel's grid
LEAST_OVERVIEW = 3.0  # px: an overview cell, at least
TALL = 0.75  # an overview grid is no taller than this many widths
GRIDS_TALL = 1.0  # the tiles' columns aim at no more than this many widths of height
STACKED_OVERVIEW = 0.5  # tiles in one column: an overview this many times as tall as the lens, at most


def geometry(trace, width: int, s: float, top: float, least_px: float, numbers, label_column: float, margin: float, largest: float, owner_line: float, tall: float | None = None) -> Placement:
    """The 2-D layout's grids, lenses and cells as an overview: ``numbers``
    (``RowNumbers``) tell how wide each block's widest number is written at
    a type size; ``largest`` is the
    overview cell not to exceed (one with legible numbers would not need a
    lens); ``owner_line``: the height of a line left under each input lens for whose
    kernel is shown; ``tall``: the tiles' height to aim at (by default
    ``GRIDS_TALL`` widths)."""
    spec = trace.spec
    tall = GRIDS_TALL * width if tall is None else tall
    rows, columns = spec.padded_shape
    out_rows, out_columns = spec.output_shape[1:]
    c_in, c_out = spec.in_channels, spec.out_channels

    # As large as the type elsewhere, the tags a step smaller, never under the floor.
    value_px = quarter(max(OVER_TAG * least_px, 18 * s))
    tag_px = quarter(max(least_px, value_px / OVER_TAG))
    title_px = least_px
    # Lenses whose cells are no wider than their numbers show more cells:
    # their pages turn less often, and a window three rows tall covers less.
    cell, in_cw, out_cw = lens_cells(numbers, value_px, tag_px, s)
    room = width - (2 * margin + label_column + GAP) * s
    title_room = 1.5 * title_px
    under, apart, pitch = UNDER * s, APART * s, label_column * s  # a tile's column: its names beside it

    def tiled(in_span, out_span, n_in: int, n_out: int, small: bool = False):
        """The largest overview cell with the tiles in ``n_in`` and
        ``n_out`` columns (``small``: overviews no taller than the lenses),
        and the tiles' height; None if they do not fit."""
        in_w, out_w = in_span[1] * in_cw, out_span[1] * out_cw
        spare = room - (n_in - 1 + n_out) * pitch

        def across(oc: float) -> float:
            return n_in * max(columns * oc, in_w) + n_out * max(out_columns * oc, out_w)

        high = min(largest, TALL * width / max(rows, out_rows))
        if small:
            high = min(high, max(in_span[0], out_span[0]) * cell / max(rows, out_rows))
        low = min(LEAST_OVERVIEW, high)
        if across(low) > spare:
            return None
        for _ in range(40):  # the largest overview cell that fits
            middle = (low + high) / 2
            low, high = (middle, high) if across(middle) <= spare else (low, middle)
        below_input = under + in_span[0] * cell + title_room + owner_line
        below_output = under + out_span[0] * cell + title_room
        down_in = math.ceil(c_in / n_in) * (rows * low + below_input + apart)
        down_out = math.ceil(c_out / n_out) * (out_rows * low + below_output + apart)
        return low, max(down_in, down_out) - apart

    # Lenses that show the most around the window and the output, the
    # tiles in the fewest columns that keep them within bounds; else the
    # lowest tiles; where no lenses fit side by side, the least lenses
    # with smaller cells.
    best = None
    for level, (ring, out_ring) in enumerate(RINGS):
        in_span, out_span = needs(spec, ring, out_ring)
        for n_in in range(1, c_in + 1):
            for n_out in range(1, c_out + 1):
                fit = tiled(in_span, out_span, n_in, n_out)
                if fit is not None and fit[1] > tall:  # too tall: smaller overviews
                    fit = tiled(in_span, out_span, n_in, n_out, small=True)
                if fit is None:
                    continue
                key = (fit[1] > tall, fit[1] if fit[1] > tall else level, n_in + n_out)
                if best is None or key < best[0]:
                    best = (key, ring, out_ring, in_span, out_span, n_in, n_out, fit[0])
    stacked = best is None
    if stacked:
        # No lenses side by side: the output's tiles go under the input's,
        # each lens as wide as the room (the arrows run down the right);
        # the overviews lower than the lenses. Last, smaller cells.
        n_in = n_out = 1

        def widest_lens(level):
            spans_ = needs(spec, *level)
            return max(spans_[0][1] * in_cw, spans_[1][1] * out_cw)

        ring, out_ring = next((level for level in RINGS if widest_lens(level) <= room), RINGS[-1])
        in_span, out_span = needs(spec, ring, out_ring)
        shrink = min(1.0, room / widest_lens((ring, out_ring)))  # narrower cells, as tall (a number over a tag)
        in_cw, out_cw = (max(1, math.floor(v * shrink)) for v in (in_cw, out_cw))
        high = min(largest, TALL * width / max(rows, out_rows), STACKED_OVERVIEW * max(in_span[0], out_span[0]) * cell / max(rows, out_rows))
        oc = max(min(LEAST_OVERVIEW, high), min(high, room / max(columns, out_columns)))
    else:
        key, ring, out_ring, in_span, out_span, n_in, n_out, oc = best
        if n_in == n_out == 1:
            # What room is left widens the lenses (a column at a time to
            # the one whose pages would last fewer steps): pages that turn
            # less often, where the overviews stay as low.
            wide = spans(spec, ring, out_ring, room - pitch, (in_cw, out_cw))
            fit = tiled(*wide, 1, 1)
            if fit is not None and (fit[1] <= tall or key[0]):
                (in_span, out_span), oc = wide, fit[0]
    in_w, out_w = in_span[1] * in_cw, out_span[1] * out_cw
    below_input = under + in_span[0] * cell + title_room + owner_line
    below_output = under + out_span[0] * cell + title_room

    input_x = (margin + label_column) * s
    in_tile, out_tile = max(columns * oc, in_w), max(out_columns * oc, out_w)
    output_x = input_x if stacked else input_x + n_in * in_tile + (n_in - 1) * pitch + GAP * s
    in_step, out_step = rows * oc + below_input + apart, out_rows * oc + below_output + apart
    output_top = top + c_in * in_step + HEADER * s if stacked else top  # stacked: room for the "Output" heading
    inputs = tuple((input_x + (k % n_in) * (in_tile + pitch), top + (k // n_in) * in_step) for k in range(c_in))
    outputs = tuple((output_x + (k % n_out) * (out_tile + pitch), output_top + (k // n_out) * out_step) for k in range(c_out))
    lens = Lenses(
        cell=cell, in_w=in_cw, out_w=out_cw, value_px=value_px, tag_px=tag_px, title_px=title_px,
        inputs=tuple((round(x), round(y + rows * oc + under)) for x, y in inputs),
        outputs=tuple((round(x), round(y + out_rows * oc + under)) for x, y in outputs),
        in_span=in_span, out_span=out_span, padded_shape=(rows, columns), output_shape=(out_rows, out_columns), ring=ring,
        out_ring=out_ring,
    )
    bottom = max(top + math.ceil(c_in / n_in) * in_step, output_top + math.ceil(c_out / n_out) * out_step) - apart
    lanes = tuple(lane(k, n_in, c_in, x + in_tile, y + in_step - apart, pitch, apart) for k, (x, y) in enumerate(inputs))
    return Placement(
        # Stacked, the arrows' gutter is right of the kernel's last column
        # (``arrows2d``): here, right of the widest tile.
        cell=oc, cell_h=oc, kernel_w=oc, output_w=oc, input_x=input_x, output_x=output_x, grid_top=top, output_top=output_top,
        kernel_x=input_x + max(in_tile, out_tile) - spec.kernel_size[1] * oc if stacked else input_x,
        inputs=inputs, outputs=outputs, bottom=bottom, lens=lens, lanes=lanes, stacked=stacked,
    )


def legible(trace, layout) -> bool:
    """Whether a lens cell writes every number its row shows, and a tag every weight."""
    lens = layout.lens
    widths = {"input": lens.in_w, "kernel": lens.in_w, "output": lens.out_w}
    for row, values in row_values(trace).items():
        tag = row[0] == "kernel"
        box = Box(0, 0, widths[row[0]], lens.tag_h if tag else lens.cell)
        italics = (False, True) if row[0] == "input" else (False,)
        fmt = (layout.formats or {}).get(row)
        # Where the row's widest text fits, every number does as its row
        # writes it (a canvas's search asks at dozens of layouts: value by
        # value, that was a third of a 32×32 figure's layout time).
        if fmt is not None and _widest(values, fmt, lens.tag_px if tag else lens.value_px, italics) <= layout.lens_room(box, tag):
            continue
        if not all(layout.cell_label(value, italic, box, row)[0] for value in values for italic in italics):
            return False
    return True


def _widest(values, fmt, px: float, italics) -> float:
    """The widest of ``values`` as ``fmt`` writes them, bold, at ``px``."""
    texts = dict.fromkeys(fmt.text(v) for v in values)
    return max(text_width(t, "sans-italic" if italic else "sans", px, bold=True) for t in texts for italic in italics)
