"""A fixed canvas for slides: the figure fitted inside and centred, the rest
background. ``--canvas 1920x1080`` or ``--canvas 16:9`` (its width from
``--width``)."""

from __future__ import annotations

import re

import numpy as np

from ..errors import SpecError
from ..writers import Frame

MIN_SIDE, MAX_SIDE = 320, 3840
_SIZE = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*$")
_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")


def canvas_size(text: str, width: int) -> tuple[int, int]:
    """(width, height) for ``WxH`` or ``W:H`` (a ratio; the width is ``width``)."""
    size, ratio = _SIZE.match(str(text)), _RATIO.match(str(text))
    if size:
        w, h = int(size[1]), int(size[2])
    elif ratio and float(ratio[1]) > 0 and float(ratio[2]) > 0:
        w, h = width, round(width * float(ratio[2]) / float(ratio[1]))
    else:
        raise SpecError("canvas", f"must be a size such as 1920x1080 or a ratio such as 16:9, got {text!r}")
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE // 2 <= h <= MAX_SIDE):
        raise SpecError("canvas", f"must be {MIN_SIDE} to {MAX_SIDE} pixels wide and {MIN_SIDE // 2} to {MAX_SIDE} high, got {w}x{h}")
    return w, h


def fit_width(height_at, canvas: tuple[int, int]) -> int:
    """The widest figure whose height (``height_at(width)``) fits the canvas."""
    cw, ch = canvas
    width = cw
    for _ in range(8):
        height = height_at(width)
        if height <= ch:
            return width
        width = min(width - 1, int(width * ch / height))
        if width < MIN_SIDE:
            break
    raise SpecError("canvas", f"{cw}x{ch} is too short for this figure even at {MIN_SIDE} px wide; use a taller canvas")


def on_canvas(frames, canvas: tuple[int, int], background: tuple[int, int, int]):
    """``frames`` placed in the middle of a canvas of that size."""
    cw, ch = canvas
    for frame in frames:
        h, w = frame.pixels.shape[:2]
        x, y = (cw - w) // 2, (ch - h) // 2
        # A new array per frame: a caller may keep every frame it is given.
        board = np.empty((ch, cw, frame.pixels.shape[2]), dtype=np.uint8)
        board[...] = background[: frame.pixels.shape[2]]
        board[y : y + h, x : x + w] = frame.pixels
        def moved(box):
            return (box[0] + x, box[1] + y, box[2] + x, box[3] + y)

        changed = None if frame.changed is None else moved(frame.changed)
        boxes = None if frame.boxes is None else tuple(map(moved, frame.boxes))
        yield Frame(board, frame.duration_ms, changed, frame.caption, boxes)
