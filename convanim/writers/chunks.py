"""What the animated WebP and APNG writers share: timing on one clock, and
pictures cropped to what changed.

Both containers are written here, frame by frame, around single pictures
that Pillow encodes (a lossless WebP or a PNG of the changed box), so a
figure of any length is written holding one picture at a time.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from .base import Writer
from .source import Frame, changed_box


class ChunkedWriter(Writer):
    """A Writer whose ``_picture(box, image, duration_ms, index)`` gets each distinct picture.

    Repeats are merged (``merge_repeats``), so every picture differs from the
    one before; ``box`` (left, top, right, bottom) holds every changed pixel,
    ``image`` is that box as a Pillow image (RGB, or RGBA when the frames
    are). Durations are whole milliseconds, picture ends rounded on one
    clock so that the total is right.
    """

    merge_repeats = True
    box_step = 1  # offsets must be multiples of this (WebP: 2)

    def __init__(self, path, size=None, *, loop: int = 0):
        super().__init__(path, size)
        from ..errors import WriterError

        if isinstance(loop, bool) or not isinstance(loop, int) or not 0 <= loop <= 0xFFFF:
            raise WriterError("loop", f"must be 0 (forever) or a repeat count up to 65535; got {loop!r}")
        self.loop = loop
        self._previous: np.ndarray | None = None
        self._time_ms = 0.0
        self._written_ms = 0
        self.pictures = 0
        self.alpha = False

    def _add(self, frame: Frame) -> None:
        pixels = frame.pixels
        if self._previous is None:
            self.alpha = pixels.shape[2] == 4
        elif pixels.shape[2] != self._previous.shape[2]:
            pixels = _channels(pixels, self._previous.shape[2])
        pixels = _channels(pixels, 4 if self.alpha else 3)
        box = changed_box(self._previous, pixels, None if self._previous is None else frame.changed)
        if box is None:  # only a caption changed: time passes on the same picture
            box = (0, 0, 1, 1)
        left, top, right, bottom = box
        left -= left % self.box_step
        top -= top % self.box_step
        self._time_ms += frame.duration_ms
        duration = round(self._time_ms) - self._written_ms
        self._written_ms += duration
        image = Image.fromarray(pixels[top:bottom, left:right], "RGBA" if self.alpha else "RGB")
        self._picture((left, top, right, bottom), image, duration, self.pictures)
        self.pictures += 1
        # Our own copy: the caller may redraw its buffer once add returns.
        self._previous = pixels.copy() if np.may_share_memory(pixels, frame.pixels) else pixels

    def _picture(self, box, image: Image.Image, duration_ms: int, index: int) -> None:
        raise NotImplementedError


def _channels(pixels: np.ndarray, channels: int) -> np.ndarray:
    if pixels.shape[2] == channels:
        return pixels
    if channels == 3:  # no alpha in this file: drop it (the first frame had none)
        return np.ascontiguousarray(pixels[..., :3])
    return np.concatenate([pixels, np.full(pixels.shape[:2] + (1,), 255, np.uint8)], axis=2)


def encoded(image: Image.Image, format: str, **params) -> bytes:
    """``image`` encoded by Pillow as one ``format`` file, in memory."""
    buffer = io.BytesIO()
    image.save(buffer, format, **params)
    return buffer.getvalue()
