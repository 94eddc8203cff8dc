"""Lines that lead the eye in a 1-D figure: the arrows from the product
lines into the output cells being written, and the bars of a window split
across bands running on to the band's edge. Places only; the renderer draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .layout import Arrow, Box

if TYPE_CHECKING:
    from .grid1d import Layout1D

LANE = 6  # between arrows running side by side into lower output rows
LANE_ARROW_ROOM = 5  # under the lowest turn, over the output rows


def arrow(L: Layout1D, lines: int, target: Box) -> Arrow | None:
    """From under ``lines`` product lines to the top of ``target``.

    Into a band's first output row it comes straight down. Into a lower
    row it must not cross the rows above: it turns left under the lines,
    runs down its group's lane left of the grid, and along the gutter
    over its row to the cell. Lanes nest, the deepest row outermost, so
    the arrows of groups drawn together never cross."""
    s, band = L.scale, int(target.y // L.band_height)
    top = band * L.band_height + L.expression_top + lines * L.expression_line + 2 * s
    block = band * L.band_height + L.output_top
    if target.y - block < 1:
        return _head(L, ((target.cx, top), (target.cx, target.y)), 9 * s)
    rank = round((target.y - block) / L.output_pitch) // max(1, L.out_channels // max(1, L.lanes))
    level = block - (LANE_ARROW_ROOM + rank * LANE) * s
    lane = L.lane_right - rank * LANE * s
    gutter = target.y - L.gutter + 2 * s  # high in the gutter: room under it for the head
    start = target.cx - rank * LANE * s
    return _head(L, ((start, top), (start, level), (lane, level), (lane, gutter), (target.cx, gutter), (target.cx, target.y)), 7 * s)


def _head(L: Layout1D, path, head: float) -> Arrow | None:
    """``path`` ending straight down at its last point, with a head there."""
    (x, bottom), before = path[-1], path[-2]
    if bottom - before[1] < head + 1 and len(path) == 2:
        return None  # no room between the lines and the cell
    tip = max(before[1], bottom - head)
    return Arrow(
        (*path[:-1], (x, tip)),
        ((x - head * 0.7, tip), (x + head * 0.7, tip), (x, bottom - 1)),
        max(1, round(2 * L.scale)),
    )


def links(L: Layout1D, channel: int, window) -> list:
    """A window split across bands (each cell read is outlined there):
    the bars over and under it run on to the band's edge where the
    window goes on, on the next band or from the one before."""
    ((start, stop),) = window
    first, last = L.band_of(start), L.band_of(stop - 1)
    result = []
    for band in range(first, last + 1):
        lo, hi = max(start, band * L.per_band), min(stop, (band + 1) * L.per_band)
        left, right = L.input_cell(channel, (lo,)), L.input_cell(channel, (hi - 1,))
        reach = 10 * L.scale
        for y in (left.y - 1, left.bottom + 1):
            if band < last:
                result.append(((right.right, y), (L.column_x((band + 1) * L.per_band, band) + reach, y)))
            if band > first:
                result.append(((L.grid_x - reach, y), (left.x, y)))
    return result
