"""Boxes (left, top, right, bottom) in pixels, as the GIF encoder handles them.

A frame's changes come as boxes; each box costs the encoder a fixed amount
of work (a few array operations) besides its pixels, so many small boxes
close together are cheaper as the one box around them. ``coalesce`` makes
that trade.

Only numpy is imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

import numpy as np

Box = tuple[int, int, int, int]

# Two boxes become the box around them when that adds at most this many
# pixels: about what one more box costs the encoder in fixed work.
MERGE_WASTE = 1024
# A box is tried against this many of the boxes kept before it (sorted from
# the top), which keeps coalescing linear in the number of boxes.
_LOOK_BACK = 8


def bounding_box(mask: np.ndarray, x0: int = 0, y0: int = 0) -> Box | None:
    """The bounding box of ``mask``'s true pixels, offset by (x0, y0); None when there are none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if len(rows) == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return (int(cols[0]) + x0, int(rows[0]) + y0, int(cols[-1]) + 1 + x0, int(rows[-1]) + 1 + y0)


def union(a: Box, b: Box) -> Box:
    """The smallest box holding boxes ``a`` and ``b`` (an empty box adds nothing)."""
    if a[0] >= a[2] or a[1] >= a[3]:
        return tuple(b)
    if b[0] >= b[2] or b[1] >= b[3]:
        return tuple(a)
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def clip(box, width: int, height: int) -> Box | None:
    """``box`` within a width x height picture; None when nothing is left."""
    left, top, right, bottom = box
    left, top = (int(left) if left > 0 else 0), (int(top) if top > 0 else 0)
    right, bottom = (int(right) if right < width else width), (int(bottom) if bottom < height else height)
    return (left, top, right, bottom) if left < right and top < bottom else None


def coalesce(boxes, waste: int = MERGE_WASTE) -> list[Box]:
    """Boxes holding every pixel of ``boxes``, fewer where that is cheap: a
    box joins one kept before it when the box around both adds at most
    ``waste`` pixels. The result may overlap; that costs nothing but area."""
    boxes = list(boxes)
    while True:  # boxes grown by merging may now merge among themselves
        merged = _coalesce_once(boxes, waste)
        if len(merged) == len(boxes):
            return merged
        boxes = merged


def _coalesce_once(boxes: list, waste: int) -> list[Box]:
    kept: list[list[int]] = []
    for left, top, right, bottom in sorted(boxes, key=lambda b: (b[1], b[0])):
        area = (right - left) * (bottom - top)
        for other in kept[: -_LOOK_BACK - 1 : -1]:
            l, t, r, b = other
            around = [l if l < left else left, t if t < top else top, r if r > right else right, b if b > bottom else bottom]
            if (around[2] - around[0]) * (around[3] - around[1]) - (r - l) * (b - t) - area <= waste:
                other[:] = around
                break
        else:
            kept.append([left, top, right, bottom])
    return [tuple(box) for box in kept]
