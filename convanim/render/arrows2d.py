"""The arrows of a 2-D figure: from each channel's kernel grid (on an
overview, from the window) into the output cell being written. Places
only; the renderer draws."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .layout import Arrow, Box

if TYPE_CHECKING:
    from .layout2d import Layout2D


def arrows(L: Layout2D, target: Box, window, channels) -> list[Arrow]:
    """The channels' products meet in one sum: an arrow from each. The
    outputs fill in row by row, so the cells under the one being written
    are all still empty: the arrow runs down the gap before the output
    grids (stacked under the input's, down the right of the kernels),
    along the gutter under the target's grid and up into the cell from
    below, never across a cell already written."""
    s = L.scale
    if L.stacked:
        gutter_x = L.kernel_x + max(x for x, _ in L.inputs) - L.input_x + L.kernel_size[1] * L.kernel_w + L.cell_h / 2
    else:
        gutter_x = L.output_x - min(L.cell_h, 14 * s)
    gutter_y = _output_grid_bottom(L, target) + min(0.25 * L.cell_h, 10 * s)
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
            shaft = [start, (lane[0], start[1]), lane, (gutter_x, lane[1])]
        shaft += [(gutter_x, gutter_y), (end[0], gutter_y)]
        result.append(_arrow(shaft, end, 9 * s, max(2, round(2 * s))))  # bolder than the connectors
    return result


def _output_grid_bottom(L: Layout2D, target: Box) -> float:
    """The bottom edge of the output grid ``target`` is a cell of."""
    width, height = L.output_shape[1] * L.output_w, L.output_shape[0] * L.cell_h
    for x, y in L.outputs:
        if x - 0.5 <= target.x < x + width and y - 0.5 <= target.y < y + height:
            return y + height
    return target.bottom


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

