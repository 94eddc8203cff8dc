"""Boxes (left, top, right, bottom) in pixels, and the pixels that changed inside them.

A frame's changes come as boxes that hold every changed pixel; the GIF
encoder (and the process that feeds it) keeps the last frame and works out
which pixels in them differ, once, so that all later work follows the
changed pixels, not the boxes' area.

Only numpy is imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

import numpy as np

Box = tuple[int, int, int, int]


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


def changed_pixels(frame: np.ndarray, before: np.ndarray, boxes) -> np.ndarray:
    """The sorted flat positions (row-major, in pixels) inside ``boxes``
    where ``frame`` differs from ``before`` in any channel."""
    height, width, channels = frame.shape
    boxes = [box for box in (clip(box, width, height) for box in boxes) if box]
    if not boxes:
        return np.zeros(0, np.intp)
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    if not frame.flags.c_contiguous or 2 * sum((r - l) * (b - t) for l, t, r, b in boxes) < (bottom - top) * width:
        return _changed_in(frame, before, boxes)
    # The boxes cover much of their rows: compare those rows whole, as one
    # run of bytes read 8 at a time (cheaper than box by box), then only
    # the words that differ byte by byte.
    new, old = frame.reshape(-1), before.reshape(-1)
    start, end = top * width * channels // 8, -(-bottom * width * channels // 8)
    words = len(new) // 8
    a, b = new[: words * 8].view(np.uint64), old[: words * 8].view(np.uint64)
    at = np.flatnonzero(a[start:end] != b[start:end]) + start
    differ = np.flatnonzero((np.take(a, at) ^ np.take(b, at)).view(np.uint8))
    found = at[differ >> 3] * 8 + (differ & 7)
    if end > words:  # the last bytes, after the whole words
        tail = np.flatnonzero(new[words * 8 :] != old[words * 8 :]) + words * 8
        found = np.concatenate([found, tail])
    return _distinct(found // channels)


def _changed_in(frame: np.ndarray, before: np.ndarray, boxes) -> np.ndarray:
    """``changed_pixels`` box by box."""
    height, width, channels = frame.shape
    found = []
    for left, top, right, bottom in boxes:
        # Each row as one run of bytes, so the comparison runs along it.
        shape = (bottom - top, (right - left) * channels)
        at = np.flatnonzero(frame[top:bottom, left:right].reshape(shape) != before[top:bottom, left:right].reshape(shape))
        if len(at):
            at //= channels  # a pixel shows once per channel that changed
            rows, cols = np.divmod(_distinct(at), right - left)
            found.append((rows + top) * width + cols + left)
    if len(found) < 2:
        return found[0] if found else np.zeros(0, np.intp)
    return _distinct(np.sort(np.concatenate(found)))  # boxes may overlap


def pixels_at(frame: np.ndarray, where: np.ndarray) -> np.ndarray:
    """The (N, channels) pixels of an (H, W, channels) ``frame`` at flat positions ``where``."""
    channels = frame.shape[2]
    if frame.flags.c_contiguous:  # a pixel as one item: several times faster than rows of bytes
        return np.take(frame.reshape(-1).view(f"V{channels}"), where).view(np.uint8).reshape(-1, channels)
    rows, cols = np.divmod(where, frame.shape[1])  # (reshaping a view would copy the whole frame)
    return frame[rows, cols]


def put_pixels(frame: np.ndarray, where: np.ndarray, pixels: np.ndarray) -> None:
    """Set a C-contiguous ``frame``'s pixels at flat positions ``where`` to (N, channels) ``pixels``."""
    kind = f"V{frame.shape[2]}"
    frame.reshape(-1).view(kind)[where] = np.ascontiguousarray(pixels).reshape(-1).view(kind)


def _distinct(ordered: np.ndarray) -> np.ndarray:
    """``ordered`` (sorted) without repeats."""
    keep = np.ones(len(ordered), bool)
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
