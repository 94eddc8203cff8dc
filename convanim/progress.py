"""A progress bar for a terminal: how many of a known number of pictures are done.

It knows nothing of convolutions or files: it is told ``(done, total)``.
It stays silent for the first ``delay`` seconds, so a quick render shows
nothing at all, and it wipes its line when it closes, so what is printed
next (the file written, or a one-line error) starts on a clean line.
"""

from __future__ import annotations

import time
from typing import TextIO

DELAY = 1.0  # seconds before a bar appears: a render faster than this shows none
_REDRAW = 0.1  # seconds between redraws, at most
_WIDTH = 30  # characters of bar


class ProgressBar:
    """``update(done, total)`` after each picture; ``close()`` (or leave the
    ``with`` block) when the work ends, whether it succeeded or not."""

    def __init__(self, stream: TextIO, label: str = "rendering", delay: float | None = None, clock=time.monotonic):
        self._stream = stream
        self._label = label
        self._delay = DELAY if delay is None else delay
        self._clock = clock
        self._start = clock()
        self._drawn_at: float | None = None
        self._length = 0  # characters of the line last drawn

    def update(self, done: int, total: int) -> None:
        now = self._clock()
        if now - self._start < self._delay:
            return
        if self._drawn_at is not None and now - self._drawn_at < _REDRAW and done < total:
            return
        self._drawn_at = now
        share = done / total if total else 1.0
        filled = round(share * _WIDTH)
        line = f"{self._label} [{'#' * filled}{'.' * (_WIDTH - filled)}] {done}/{total} frames"
        self._write("\r" + line.ljust(self._length))
        self._length = len(line)

    def close(self) -> None:
        """Wipe the bar's line, if one was drawn."""
        if self._length:
            self._write("\r" + " " * self._length + "\r")
            self._length = 0

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
