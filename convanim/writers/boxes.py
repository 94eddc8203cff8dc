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


def changed_words(words: np.ndarray, before: np.ndarray, boxes) -> np.ndarray:
    """``changed_pixels`` for pictures kept as (H, W) words of four bytes a
    pixel (R, G, B and a fourth byte that is not colour): the sorted flat
    positions inside ``boxes`` where the colours differ."""
    return changed_words_now(words, before, boxes)[0]


def changed_words_now(words: np.ndarray, before: np.ndarray, boxes, marks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``changed_words``, and the words of ``words`` there. ``before`` is
    C-contiguous; ``marks``, when given, an (H, W) bool array all False,
    left so (it saves a new one a frame).

    A frame's boxes are many small tiles: each is compared into ``marks``
    (only the boxes' words are read), and one scan of the rows they span
    finds the positions, already in order: no position worked out box by
    box, no sorting, no indexing by position beyond the changed words.
    """
    height, width = words.shape
    boxes = [box for box in (clip(box, width, height) for box in boxes) if box]
    if not boxes:
        return np.zeros(0, np.intp), np.zeros(0, words.dtype)
    if marks is None:
        marks = np.zeros((height, width), bool)
    for left, top, right, bottom in boxes:
        np.not_equal(words[top:bottom, left:right], before[top:bottom, left:right], out=marks[top:bottom, left:right])
    # Only the bands of rows the boxes span are scanned, in order (a window
    # at the top and a sum line at the bottom leave most rows between out).
    found = []
    for top, bottom in _bands(boxes):
        rows = marks[top:bottom].reshape(-1)
        at = np.flatnonzero(rows)
        rows.fill(False)
        at += top * width
        found.append(at)
    where = found[0] if len(found) == 1 else np.concatenate(found)
    # Words that differ only in their fourth byte are rare: checked after.
    now = take_words(words, where)
    differ = now ^ np.take(before.reshape(-1), where)
    differ <<= 8  # (the fourth byte shifted out: what is left is the colours' difference)
    if np.count_nonzero(differ) == len(differ):
        return where, now
    colour = differ != 0
    return where[colour], now[colour]


def _bands(boxes) -> list[tuple[int, int]]:
    """The rows ``boxes`` span, as (top, bottom) bands, top to bottom."""
    bands: list[list[int]] = []
    for _, top, _, bottom in sorted(boxes, key=lambda box: box[1]):
        if bands and top <= bands[-1][1]:
            bands[-1][1] = max(bands[-1][1], bottom)
        else:
            bands.append([top, bottom])
    return [(top, bottom) for top, bottom in bands]


def take_words(words: np.ndarray, where: np.ndarray) -> np.ndarray:
    """The (H, W) ``words`` (rows of any pitch) at flat positions ``where``
    (row-major over H x W), read as one flat array: indexing by row and
    column costs several times more."""
    height, width = words.shape
    pitch = words.strides[0] // words.itemsize
    if words.strides[1] != words.itemsize or words.strides[0] % words.itemsize:
        return words[np.divmod(where, width)]
    flat = np.lib.stride_tricks.as_strided(words, ((height - 1) * pitch + width,), (words.itemsize,), writeable=False)
    return np.take(flat, where if pitch == width else where + (where // width) * (pitch - width))


def four_bytes(pixels: np.ndarray) -> np.ndarray | None:
    """For (H, W, 3) ``pixels`` that are the colour bytes of an array of four
    bytes a pixel (a painter's RGBX canvas, read in place), that array's
    (H, W, 4) rows; else None. Copying those is a plain copy of memory,
    where copying three bytes out of every four runs several times slower."""
    base = pixels.base
    if (
        pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.strides[1:] != (4, 1)
        or not isinstance(base, np.ndarray) or base.dtype != np.uint8 or base.ndim != 3 or base.shape[2] != 4
        or base.strides != (pixels.strides[0], 4, 1)
        or pixels.__array_interface__["data"][0] != base.__array_interface__["data"][0]
    ):
        return None
    return base[: pixels.shape[0], : pixels.shape[1]]


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


class LastFrame:
    """The last frame seen, kept to find what the next one changed: the
    first stage of GIF encoding, the same whichever process runs the rest.

    ``changes(frame, boxes)`` gives what ``GifEncoder.add_changes`` takes:
    the sorted flat positions inside ``boxes`` where ``frame`` differs from
    the frame before and its (N, 3|4) pixels there, or (None, the whole
    frame) for a first frame, a frame of another size or kind, or no
    boxes. Nothing returned shares memory with ``frame``.
    """

    def __init__(self):
        self._pixels: np.ndarray | None = None  # the last frame, as given (patched in place)
        self._words: np.ndarray | None = None  # or as words, when given as a canvas's four bytes a pixel
        self._marks: np.ndarray | None = None  # where the words differ, False between frames (see changed_words_now)

    def changes(self, frame: np.ndarray, boxes) -> tuple[np.ndarray | None, np.ndarray]:
        memory = four_bytes(frame)
        if memory is not None:  # a canvas's colour bytes in place: compared as words of four bytes
            return self._word_changes(memory.view("<u4")[..., 0], boxes)
        return self._pixel_changes(frame, boxes)

    def _pixel_changes(self, frame: np.ndarray, boxes) -> tuple[np.ndarray | None, np.ndarray]:
        self._words = None
        if boxes is not None and self._pixels is not None and self._pixels.shape == frame.shape:
            where = changed_pixels(frame, self._pixels, boxes)
            now = pixels_at(frame, where)
            put_pixels(self._pixels, where, now)
            return where, now
        if self._pixels is None or self._pixels.shape != frame.shape:
            self._pixels = np.empty_like(frame)
        np.copyto(self._pixels, frame)  # (into the same buffer: a new one costs its pages anew)
        return None, self._pixels

    def _word_changes(self, words: np.ndarray, boxes) -> tuple[np.ndarray | None, np.ndarray]:
        self._pixels = None
        if boxes is None or self._words is None or self._words.shape != words.shape:
            self._words = words.copy()  # (the fourth byte kept: words are compared whole)
            self._marks = np.zeros(words.shape, bool)
            return None, self._words.view(np.uint8).reshape(*words.shape, 4)[..., :3]
        where, now = changed_words_now(words, self._words, boxes, self._marks)
        self._words.reshape(-1)[where] = now
        return where, now.view(np.uint8).reshape(-1, 4)[:, :3]  # (its fourth bytes are left out)
