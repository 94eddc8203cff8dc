"""The arrows of a 2-D figure: from each channel's kernel grid (on an
overview, from the window) into the output cell being written. Places
only; the renderer draws."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .layout import Arrow, Box

if TYPE_CHECKING:
    from .grid2d import Layout2D


def arrows(L: Layout2D, target: Box, window, channels) -> list[Arrow]:
    """The channels' products meet in one sum: an arrow from each. The
    outputs fill in row by row, so the cells under the one being written
    are all still empty: the arrow runs down the gap before the output
    grids (stacked under the input's, down the right of the kernels),
    along the gutter under the target's grid and up into the cell from
    below, never across a cell already written."""
    s = L.scale
    grid = _output_grid(L, target)
    group = _group_of(L, grid)
    # Stacked, groups advance together, an arrow each, down the same gap and
    # along the same gaps under the tiles and the outputs: each group's runs
    # on lines of its own (they would otherwise lie one colour over another),
    # a later group's further out down the gap, higher under the tiles and
    # lower under the outputs, so that no two cross either.
    across, down, below = 0.0, 0.0, 0.0
    if L.stacked:
        gutter_x = L.kernel_x + max(x for x, _ in L.inputs) - L.input_x + L.kernel_size[1] * L.kernel_w + L.cell_h / 2
        # (right of the outputs' row where it is the wider)
        gutter_x = max(gutter_x, max(x for x, _ in L.outputs) + L.output_shape[1] * L.output_w + L.cell_h / 2)
        gutter_x += group * min(8 * s, L.cell_h / 3)
        if L.lens is None:
            down = group_lane_step(s, L.cell_h, L.groups)
            across = ((L.groups - 1) / 2 - group) * down
    else:
        # Beside the inputs, each group's arrow comes down (or up) the gap
        # before the outputs to its own grid: a later group's, lower, runs
        # further left, so that it neither lies on an earlier one's line
        # nor crosses it (an earlier group turns right above it).
        gutter_x = L.output_x - min(L.cell_h, 14 * s)
        if L.groups > 1:
            room = gutter_x - (L.kernel_x + L.kernel_size[1] * L.kernel_w + 6 * s)
            gutter_x -= group * min(8 * s, L.cell_h / 3, max(room, 0.0) / L.groups)
            step = group_lane_step(s, L.cell_h, L.groups)
            # Tiles in rows: each group's lane under a row on a line of its own.
            across = ((L.groups - 1) / 2 - group) * step
            # Outputs in columns: under a row of grids, an arrow to a column
            # further right runs lower, below the turns of those before it.
            if grid is not None:
                below = sorted({x for x, _ in L.outputs}).index(grid[0]) * step
    head = 9 * s
    gutter_y = (target.bottom if grid is None else grid[1] + L.output_shape[0] * L.cell_h) + min(0.25 * L.cell_h, 10 * s) + group * down + below
    if L.lens is not None and _first_in_its_row(L, grid):
        # An overview: the arrow turns up into the cell from just under it
        # (through cells not yet written), not from under the whole grid.
        # So it stays near the row being written and what moves each step
        # stays in a few rows (its frames cost that, not the grid's height).
        gutter_y = min(gutter_y, _lane_under(L, target, head))
    end = (target.cx, target.bottom)
    result = []
    for channel in channels:
        first = L.kernel_grid_cell(channel, (0, 0), window)
        if first is None:  # an overview: from the window itself
            span = L.outline(channel, window)
            start = (span.right + L.heavy_edge + 1, span.cy)
        else:
            start = (first.x + L.kernel_size[1] * L.kernel_w + 3 * s, first.y + L.kernel_size[0] * L.cell_h / 2)
        lane = L.lanes[channel] if L.lanes else None
        if lane is None:
            shaft = [start, (gutter_x, start[1])]
        else:  # a tile with another on its right: round it, under both
            lane = (lane[0], lane[1] + across)
            shaft = [start, (lane[0], start[1]), lane, (gutter_x, lane[1])]
        if L.turn is not None:  # the panel right of the outputs: round it, along the gap over them
            turn_x = L.turn[0] + group * min(8 * s, L.cell_h / 3)
            turn_y = L.turn[1] + group * down
            shaft += [(gutter_x, turn_y), (turn_x, turn_y), (turn_x, gutter_y)]
        else:
            shaft.append((gutter_x, gutter_y))
        shaft.append((end[0], gutter_y))
        result.append(_arrow(shaft, end, head, max(2, round(2 * s))))  # bolder than the connectors
    return result


def group_lane_step(s: float, cell_h: float, groups: int) -> float:
    """How far apart stacked groups' arrows run along the gaps: as far as
    the gap under a tile leaves room for (it is half a cell), at most twice
    an arrow's width."""
    return 0.0 if groups < 2 else min(4 * s, 0.5 * cell_h / (groups + 1))


def _lane_under(L: Layout2D, target: Box, head: float) -> float:
    """Where an overview's arrow runs across to the cell being written: on
    the centre line of the first row under it that leaves the head its
    length (the cells there are not written yet: the outputs fill in row
    by row)."""
    rows = max(1, math.ceil((head + 2) / L.cell_h + 0.5))
    return target.bottom + (rows - 0.5) * L.cell_h


def _output_grid(L: Layout2D, target: Box) -> tuple[float, float] | None:
    """The top left of the output grid ``target`` is a cell of."""
    width, height = L.output_shape[1] * L.output_w, L.output_shape[0] * L.cell_h
    for x, y in L.outputs:
        if x - 0.5 <= target.x < x + width and y - 0.5 <= target.y < y + height:
            return x, y
    return None


def _group_of(L: Layout2D, grid) -> int:
    """The group whose output ``grid`` (its top left) is (0 where unknown)."""
    if grid is None or L.groups < 2:
        return 0
    return L.outputs.index(grid) // max(1, L.out_channels // L.groups)


def _first_in_its_row(L: Layout2D, grid) -> bool:
    """Whether no other output grid stands left of ``grid`` (the gutter's
    side), so a lane across its rows crosses no other grid."""
    return grid is not None and all(x >= grid[0] - 0.5 for x, y in L.outputs if abs(y - grid[1]) < 0.5)


def _arrow(shaft: list[tuple[float, float]], end: tuple[float, float], head: float, width_px: int) -> Arrow:
    """An arrow along ``shaft``'s points, its head ending at ``end`` (the
    last leg runs straight to it, as long as the head at least)."""
    last = shaft[-1]
    dx, dy = end[0] - last[0], end[1] - last[1]
    length = math.hypot(dx, dy) or 1.0
    head = min(head, length)
    ux, uy = dx / length, dy / length
    base = (end[0] - ux * head, end[1] - uy * head)
    wing = 0.5 * head
    return Arrow(tuple(shaft) + (base,), ((base[0] - uy * wing, base[1] + ux * wing), (base[0] + uy * wing, base[1] - ux * wing), end), width_px)

