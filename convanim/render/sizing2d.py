"""How large a 2-D figure's cells and type are. No text under the type
floor (1/60 of the width): a cell holds its number over the weight's tag
in its corner, the tag at the floor or above and the number larger, so
the tag reads as secondary; cells are as wide as their longest number
needs (wider than tall where numbers are long). Used by ``layout2d``."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .cells import Row, RowNumbers

BASE_WIDTH = 1080  # sizes below are in pixels at this width and scale with it
MAX_CELL = 56
LEGIBLE_CELL = 2.2  # a cell narrower than this many times the type floor: an overview with lenses
MIN_SCALE = 0.7
MAX_CELL_CHARS = 7  # a number's characters in a cell, at most
OVER_TAG = 1.15  # a cell's number is this many times the size of a weight's tag
TAG_BOX = 1.1  # a tag's box is this many times its type size tall
CAP = 0.72  # digits' height, as a share of the type size
# The type of narrow figures, towards the floor, before a lens: 18 px at
# 1080 times the first, the tags a step under the numbers; at the last
# level the numbers are at the floor too, as large as their tags (these
# still read as secondary: small, bold, on the kernel's colour).
LEVELS = ((1.0, OVER_TAG), (0.85, OVER_TAG), (0.7, OVER_TAG), (0.55, OVER_TAG), (0.0, 1.0))


def room(cell: float) -> float:
    """The width a number has in a cell, clear of its border."""
    return cell - 2 * max(2, round(cell / 18)) - 4


def type_floor(least_px: float) -> float:
    """The type floor in the quarter pixels fonts come in."""
    return math.ceil(least_px * 4) / 4


def quarter(px: float) -> float:
    """``px`` rounded up to the quarter pixels fonts come in."""
    return math.ceil(px * 4) / 4


def cell_side(widest: float) -> float:
    """The narrowest cell whose room (``room``) takes a number ``widest`` pixels wide."""
    cell = math.ceil(widest) + 8
    while room(cell) < widest:
        cell += 1
    return cell


@dataclass(frozen=True)
class CellType:
    """Type sizes for numbers in their cells, and the least cell that holds them."""

    value_px: float  # every cell's number
    tag_px: float  # the weights in their cells' corners: smaller, never under the floor
    tag_w: float
    tag_h: float
    widths: dict[str, float]  # the least cell of each block ("input", "kernel", "output"): its widest number fits across ...
    cell_h: float  # ... and a number stands clear over a tag in its corner
    numbers: RowNumbers
    label_px: float = 0.0  # the labels' type (a kernel below its grid has its name under it)

    @property
    def sizes(self) -> dict[Row, float]:
        return {row: self.value_px for row in self.numbers.formats}


def cell_type(numbers: RowNumbers, least_px: float, s: float, shrink: float = 1.0, over_tag: float = OVER_TAG) -> CellType:
    """The type of numbers in cells: 18 px at 1080 (times ``shrink``) where
    that is over the floor, the tags ``over_tag`` times smaller but at the
    floor or above; ``numbers``: each row written one way
    (``RowNumbers.of(trace, decimals, MAX_CELL_CHARS)``)."""
    floor = type_floor(least_px)
    value_px = quarter(max(18 * s * shrink, over_tag * floor))
    tag_px = quarter(max(floor, value_px / over_tag))
    tag_h = math.ceil(TAG_BOX * tag_px)
    weights = max(numbers.needed(row, tag_px) for row in numbers.formats if row[0] == "kernel")
    tag_w = max(tag_h, math.ceil(weights) + 6)
    widths = {block: cell_side(max(numbers.needed(row, value_px) for row in numbers.formats if row[0] == block)) for block in ("input", "kernel", "output")}
    widths["input"] = max(widths["input"], tag_w + 4)  # and a weight's tag in the corner
    # The number stands over the tag (``Layout2D.number_y``), both clear of the border.
    cell_h = math.ceil(CAP * value_px + tag_h + 6)
    return CellType(value_px, tag_px, tag_w, tag_h, widths, cell_h, numbers, label_size(s, least_px))


OWNER = 0.8  # whose kernel is shown: in type this much smaller than the labels


def label_size(s: float, least_px: float) -> float:
    """The labels' type: its smallest use (``OWNER`` of it) at the floor or above."""
    return max(15 * s, least_px / OWNER)
