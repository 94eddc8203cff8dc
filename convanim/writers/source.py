"""What writers are given: ``Frame`` (a picture and how long it stays), a
``FrameSource`` of them that can be drawn from any frame on, and the box a
frame changed.

Only numpy is imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import WriterError


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture of an animation and how long it stays.

    ``changed`` is the box ``(left, top, right, bottom)``, in pixels, outside
    which this picture equals the previous one (None: unknown, compare all);
    ``caption`` says in words what the picture shows, for formats that carry
    text (an interactive player, alt text); ``boxes``, when given, are boxes
    inside ``changed`` that hold every changed pixel more closely (a window
    at the top and a sum line at the bottom, not all between), for writers
    whose cost follows the area compared. A Frame unpacks as the plain
    ``(pixels, duration_ms)`` pair every writer also accepts.
    """

    pixels: np.ndarray
    duration_ms: float
    changed: tuple[int, int, int, int] | None = None
    caption: str = ""
    boxes: tuple[tuple[int, int, int, int], ...] | None = None

    def __iter__(self):
        return iter((self.pixels, self.duration_ms))

    def __getitem__(self, index):
        return (self.pixels, self.duration_ms)[index]

    def __len__(self) -> int:
        return 2


class FrameSource:
    """Frames that can be drawn from any index on, not only from the first:
    what lets a writer hand the second half of a long animation to another
    process, which draws and encodes it while this one does the first half.

    ``start(index)`` yields the Frames from ``index`` to the end, the first
    of them drawn whole (as if it were the animation's first), the rest as
    usual; ``count`` is how many there are. Iterating the source yields them
    all from the first, calling ``progress(done, count)`` after each, where
    ``done`` also counts the frames a writer says were done elsewhere
    (``done_elsewhere``). ``steps``, when given, holds the step number each
    frame shows (as its caption's ``step N of M`` does; None for a frame of
    no step): a single step's picture is then drawn alone, from its index.
    """

    def __init__(self, count: int, start, progress=None, steps=None):
        self.count = count
        self.start = start
        self.progress = progress
        self.steps = None if steps is None else tuple(steps)
        self._done_here = 0
        self._done_elsewhere = 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        self._done_here = self._done_elsewhere = 0
        for frame in self.start(0):
            yield frame
            self.done_here(self._done_here + 1)  # (done with when the next one is asked for)

    def done_here(self, done: int) -> None:
        """Say that the first ``done`` frames iterated here are done with."""
        self._done_here = done
        self._report()

    def done_elsewhere(self, done: int) -> None:
        """Say that ``done`` frames (in all) are done by another process."""
        if done != self._done_elsewhere:
            self._done_elsewhere = done
            self._report()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(min(self._done_here + self._done_elsewhere, self.count), self.count)


def as_frame(item) -> Frame:
    """A Frame, or a ``(pixels, duration_ms)`` pair made into one."""
    if isinstance(item, Frame):
        return item
    # An array of two rows would unpack too; only a pair is a pair.
    if isinstance(item, np.ndarray) or not isinstance(item, (tuple, list)) or len(item) != 2:
        raise WriterError("frames", f"expected Frames or (frame, duration_ms) pairs; got {type(item).__name__}")
    return Frame(*item)


def changed_box(before: np.ndarray | None, after: np.ndarray, hint=None) -> tuple[int, int, int, int] | None:
    """The smallest box (left, top, right, bottom) holding every pixel that differs; None if none.

    ``hint`` is a box known to hold every change (a Frame's ``changed``):
    only it is compared. With no ``before``, the whole picture.
    """
    height, width = after.shape[:2]
    if before is None:
        return (0, 0, width, height)
    left, top, right, bottom = hint if hint is not None else (0, 0, width, height)
    diff = before[top:bottom, left:right] != after[top:bottom, left:right]
    diff = diff.any(axis=2) if diff.ndim == 3 else diff
    rows = np.flatnonzero(diff.any(axis=1))
    if len(rows) == 0:
        return None
    cols = np.flatnonzero(diff.any(axis=0))
    return (left + int(cols[0]), top + int(rows[0]), left + int(cols[-1]) + 1, top + int(rows[-1]) + 1)
