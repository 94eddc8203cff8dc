"""How large a 2-D figure's cells and type are: cells wide enough for
their numbers at the type floor where the width allows, each row's one
type size, and the weights' tags. Used by ``layout2d``."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..engine import Trace
from .cells import Row, RowNumbers

BASE_WIDTH = 1080  # sizes below are in pixels at this width and scale with it
MAX_CELL = 56
LEGIBLE_CELL = 2.2  # a cell narrower than this many times the type floor: an overview with lenses
LEAST_CELL = 26  # px at any width: below this a number cannot be read in its cell
MIN_SCALE = 0.7
MAX_CELL_CHARS = 7  # a number's characters in a cell, at most
TAG = 0.42  # a weight's tag, as a share of the cell's side


def room(cell: float) -> float:
    """The width a number has in a cell, clear of its border."""
    return cell - 2 * max(2, round(cell / 18)) - 4


def type_floor(least_px: float) -> float:
    """The type floor in the quarter pixels fonts come in."""
    return math.ceil(least_px * 4) / 4


def legible(trace: Trace, decimals: int | None, cell: float, least_px: float) -> bool:
    """Whether the figure's numbers can be read in cells ``cell`` pixels
    wide: wide enough for them at the type floor, or for a few characters."""
    if cell < LEAST_CELL:
        return False
    floor = type_floor(least_px)
    return cell >= LEGIBLE_CELL * least_px or RowNumbers.of(trace, decimals, MAX_CELL_CHARS, (room(cell), floor)).width(floor) <= room(cell)


def cell_for(trace: Trace, decimals: int | None, least_px: float) -> float:
    """The narrowest cell whose room takes every row's widest number at the floor."""
    floor = type_floor(least_px)
    widest = RowNumbers.of(trace, decimals, MAX_CELL_CHARS).width(floor)
    cell = math.ceil(widest) + 8
    while room(cell) < widest:
        cell += 1
    return cell


@dataclass(frozen=True)
class TypeSizes:
    """The type of a 2-D figure's cells: each row's format and size, the tags'."""

    value_px: float
    min_value_px: float
    numbers: RowNumbers
    sizes: dict[Row, float] | None  # None on an overview: the lenses write the numbers
    tag_px: float
    tag_w: float
    tag_h: float


def type_sizes(trace: Trace, decimals: int | None, cell: float, lens, least_px: float, s: float) -> TypeSizes:
    """Each row's format and one type size for cells ``cell`` pixels wide
    (on an overview, for the lenses' cells), and the weights' tags."""
    c_in = trace.spec.in_channels
    floor = type_floor(least_px)
    value_px = max(min(18 * s, 0.36 * cell), floor) if lens is None else floor
    min_value_px = min(value_px, max(7.0, 0.6 * value_px))  # where the cells cannot be wider
    if lens is None:
        numbers = RowNumbers.of(trace, decimals, MAX_CELL_CHARS, (room(cell), min_value_px))
        sizes = {row: px for row, (_, px) in numbers.sized(room(cell), value_px, min_value_px).items()}
    else:  # the numbers are written in the lenses
        numbers = RowNumbers.of(trace, decimals, MAX_CELL_CHARS, (lens.cell - 8, lens.value_px))
        sizes = None
    # Weights' tags: one size for all, smaller than any cell's number, as
    # large as lets the longest weight fit its cell.
    smallest = min(sizes.values()) if sizes else value_px
    tag_px = max(7.0, min(0.8 * smallest, TAG * 0.62 * cell))
    while tag_px > 7.0 and max(numbers.needed(("kernel", c), tag_px) for c in range(c_in)) > cell - 6:
        tag_px -= 0.25
    tag_h = min(cell * 0.6, tag_px * 1.3)
    widest = max(numbers.needed(("kernel", c), tag_px) for c in range(c_in))  # weights as their rows write them
    tag_w = min(cell - 2, max(tag_h, widest + 4))
    return TypeSizes(value_px, min_value_px, numbers, sizes, tag_px, tag_w, tag_h)
