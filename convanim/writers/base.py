"""The writers' common ground: the Writer base class (the Frame it takes is
in source.py).

``Writer`` owns what every format shares: the checks on frames, the
temporary file (or folder) beside the target and the rename that makes it
appear whole, and the merging of repeated pictures for formats that want it.
"""

from __future__ import annotations

import inspect
import math
import os
import secrets
import shutil
import weakref
from pathlib import Path

import numpy as np

from ..errors import WriterError
from .source import Frame, FrameSource

OUTPUT = "output"  # the option every path error is about


def missing_folder(folder: Path) -> Path | None:
    """The outermost of ``folder`` and its parents that does not exist yet
    (what making ``folder`` would create), or None."""
    missing = None
    for candidate in (folder, *folder.parents):
        try:
            if candidate.exists():
                break
        except OSError:  # a name the file system refuses: making it will say so
            break
        missing = candidate
    return missing


class Writer:
    """Base class of the writers: checks, the temporary file, the rename.

    Subclasses implement ``_begin(temp_path)`` (called with the first frame,
    when ``self.size`` is known), ``_add(frame: Frame)``, ``_finish()``
    (write the end of the file and close it) and ``_abort()`` (close without
    finishing). Keyword arguments of ``__init__`` after ``size`` are the
    format's options. With ``merge_repeats`` set, ``_add`` sees each run of
    identical pictures (and captions) once, its durations summed; it then
    gets its own copy of the pixels.
    """

    max_size = 1 << 15  # width or height
    merge_repeats = False

    def __init__(self, path: str | os.PathLike, size: tuple[int, int] | None = None):
        self.path = Path(path)
        self.size = None if size is None else self._check_size(size)
        self.frames_added = 0
        self._temp: Path | None = None
        self.created: Path | None = None  # the outermost folder this writer made for its file
        self._begun = False
        self._open = False
        self._pending: Frame | None = None  # with merge_repeats: the run being summed

    @classmethod
    def options(cls) -> tuple[str, ...]:
        """The names of the format's own options."""
        params = list(inspect.signature(cls.__init__).parameters)
        return tuple(params[3:])  # after self, path, size

    # -- context manager ---------------------------------------------------

    def __enter__(self) -> Writer:
        if self._open or self._temp is not None:
            raise WriterError(OUTPUT, f"a writer is opened once; {str(self.path)!r} is already in use")
        self._check_target()
        # A missing folder is made (as for the default output/), and said by
        # the caller; should the writing fail, it goes again with the file.
        self.created = missing_folder(self.path.parent)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WriterError(OUTPUT, f"cannot create folder {str(self.path.parent)!r}: {e.strerror or e}") from None
        try:
            self._temp = self._make_temp()
        except BaseException:
            self._remove_created()
            raise
        self._open = True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._open = False
        if exc_type is None:
            try:
                if not self.frames_added:
                    raise WriterError("frames", f"no frames were given, so {str(self.path)!r} was not written")
                if self._pending is not None:
                    self._add(self._pending)
                    self._pending = None
                self._finish()
                self._commit()
            except OSError as e:
                self._discard()
                raise WriterError(OUTPUT, f"cannot write {str(self.path)!r}: {e.strerror or e}") from None
            except BaseException:
                self._discard()
                raise
        else:
            self._discard()

    def add(
        self,
        frame: np.ndarray,
        duration_ms: float,
        changed: tuple[int, int, int, int] | None = None,
        caption: str = "",
        boxes=None,
    ) -> None:
        """Append ``frame`` ((H, W, 3|4) uint8), shown for ``duration_ms`` milliseconds.

        ``changed`` is the box (left, top, right, bottom) outside which
        ``frame`` equals the previous one (None: unknown); ``caption`` says
        what it shows; ``boxes`` (see ``Frame``) hold the changes more closely.
        """
        if not self._open:
            raise WriterError(OUTPUT, "add frames inside `with open_writer(...) as w:`")
        item = self.checked(Frame(frame, duration_ms, changed, caption, boxes))
        try:
            if not self._begun:
                self._begun = True
                self._begin(self._temp)
            if self.merge_repeats:
                self._merge(item)
            else:
                self._add(item)
        except OSError as e:  # a full disk, a file-size limit: one line, not a traceback
            raise WriterError(OUTPUT, f"cannot write {str(self.path)!r}: {e.strerror or e}") from None
        self.frames_added += 1

    def checked(self, frame: Frame) -> Frame:
        """``frame`` as ``add`` takes it: checked, its boxes clipped to the picture."""
        pixels = self._check_frame(frame.pixels)
        duration_ms = self._check_duration(frame.duration_ms)
        changed = self._check_box(frame.changed)
        boxes = frame.boxes
        if boxes is not None:
            boxes = None if changed is None else self._check_boxes(boxes)
        return Frame(pixels, duration_ms, changed, str(frame.caption), boxes)

    def share(self, source: FrameSource):
        """The frames of ``source`` to ``add`` here. A writer that can have
        part of them drawn and written by another process yields fewer."""
        return source

    def _merge(self, item: Frame) -> None:
        pending = self._pending
        if pending is not None and item.caption == pending.caption and _same_picture(pending.pixels, item):
            self._pending = Frame(pending.pixels, pending.duration_ms + item.duration_ms, pending.changed, pending.caption, pending.boxes)
            return
        if pending is not None:
            self._add(pending)
        # A copy: the caller may redraw its buffer as soon as add returns.
        self._pending = Frame(item.pixels.copy(), item.duration_ms, item.changed, item.caption, item.boxes)

    # -- for subclasses ------------------------------------------------------

    def _begin(self, temp_path: Path) -> None:
        raise NotImplementedError

    def _add(self, frame: Frame) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        raise NotImplementedError

    def _abort(self) -> None:
        """Release whatever ``_begin`` opened; the temporary file is removed after."""

    # -- the target ----------------------------------------------------------

    def _check_target(self) -> None:
        try:
            is_dir = self.path.is_dir()
        except OSError as e:  # a name too long for the file system, say
            raise WriterError(OUTPUT, f"cannot write {str(self.path)!r}: {e.strerror or e}") from None
        if is_dir:
            raise WriterError(OUTPUT, f"{str(self.path)!r} is a folder; give a file name")

    def _make_temp(self) -> Path:
        # Beside the target, so the final rename stays on one file system;
        # hidden; ending in the real suffix, for back-ends that read it.
        for _ in range(100):
            # Short, whatever the target's name: a name near the file system's
            # limit must fail on its own account, not on ours.
            temp = self.path.with_name(f".convanim-{secrets.token_hex(4)}.part{self.path.suffix}")
            if self._claim(temp, lambda: open(temp, "xb").close()):
                return temp
        raise WriterError(OUTPUT, f"cannot create a temporary file beside {str(self.path)!r}")

    def _claim(self, temp: Path, create) -> bool:
        """Create ``temp`` with ``create()``; False if the name is taken.

        The removal is arranged before the file exists: a Ctrl-C can land
        anywhere (the signal handler raises), and whatever it interrupts, the
        temporary file goes when this writer does, or when Python exits.
        """
        cleanup = weakref.finalize(self, _remove, temp)
        try:
            create()
        except FileExistsError:
            cleanup.detach()  # someone else's file: not ours to remove
            return False
        except OSError as e:
            cleanup.detach()
            raise WriterError(OUTPUT, f"cannot write in {str(self.path.parent)!r}: {e.strerror or e}") from None
        except BaseException:
            cleanup()  # interrupted: the file may or may not exist
            raise
        self._temp, self._cleanup = temp, cleanup
        return True

    def _commit(self) -> None:
        os.replace(self._temp, self.path)
        self._cleanup.detach()

    def _remove_temp(self) -> None:
        self._temp.unlink(missing_ok=True)

    def _discard(self) -> None:
        try:
            if self._begun:
                self._abort()
        finally:
            if self._temp is not None:
                self._remove_temp()
            self._remove_created()

    def _remove_created(self) -> None:
        """Remove the folders this writer made, if nothing else was put in them."""
        if self.created is None:
            return
        folder = self.path.parent
        while True:
            try:
                folder.rmdir()
            except OSError:  # someone else's file in it: it stays
                return
            if folder == self.created:
                return
            folder = folder.parent

    # -- checks --------------------------------------------------------------

    def _check_size(self, size: tuple[int, int]) -> tuple[int, int]:
        try:
            width, height = (int(v) for v in size)
        except (TypeError, ValueError):
            raise WriterError("size", f"expected (width, height); got {size!r}") from None
        if not (0 < width <= self.max_size and 0 < height <= self.max_size):
            raise WriterError("size", f"width and height must be 1 to {self.max_size} pixels; got {width}x{height}")
        return width, height

    def _check_frame(self, frame: np.ndarray) -> np.ndarray:
        frame = np.asarray(frame)
        if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] not in (3, 4):
            raise WriterError(
                "frame", f"expected an (H, W, 3) or (H, W, 4) uint8 array; got {frame.dtype} of shape {frame.shape}"
            )
        height, width = frame.shape[:2]
        if self.size is None:
            self.size = self._check_size((width, height))
        elif (width, height) != self.size:
            raise WriterError(
                "frame", f"frame {self.frames_added} is {width}x{height}, the writer's size is {self.size[0]}x{self.size[1]}"
            )
        return frame

    def _check_box(self, box) -> tuple[int, int, int, int] | None:
        """A ``changed`` box clipped to the frame; None stays None (compare everything)."""
        if box is None:
            return None
        try:
            left, top, right, bottom = (int(v) for v in box)
        except (TypeError, ValueError):
            raise WriterError("changed", f"expected (left, top, right, bottom) or None; got {box!r}") from None
        width, height = self.size
        left, right = max(0, left), min(width, right)
        top, bottom = max(0, top), min(height, bottom)
        return (left, top, max(left, right), max(top, bottom))

    def _check_boxes(self, boxes) -> tuple[tuple[int, int, int, int], ...]:
        """``_check_box`` for each of ``boxes`` (a frame may bring a hundred:
        clipped all at once)."""
        try:
            edges = np.asarray(boxes, np.int64).reshape(-1, 4)
        except (TypeError, ValueError, OverflowError):
            return tuple(self._check_box(box) for box in boxes)  # (which one is wrong, in its words)
        if edges.shape[0] != len(boxes):
            return tuple(self._check_box(box) for box in boxes)
        width, height = self.size
        np.maximum(edges[:, :2], 0, out=edges[:, :2])
        np.minimum(edges[:, 2:], (width, height), out=edges[:, 2:])
        np.maximum(edges[:, 2:], edges[:, :2], out=edges[:, 2:])
        return tuple(map(tuple, edges.tolist()))

    @staticmethod
    def _check_duration(duration_ms: float) -> float:
        try:
            value = float(duration_ms)
        except (TypeError, ValueError):
            raise WriterError("duration_ms", f"expected a number of milliseconds; got {duration_ms!r}") from None
        if not math.isfinite(value) or value < 0:
            raise WriterError("duration_ms", f"must be a finite number >= 0; got {duration_ms!r}")
        return value


def _same_picture(before: np.ndarray, frame: Frame) -> bool:
    """Whether ``frame`` shows what ``before`` shows (only its changed box is compared)."""
    if frame.changed is None:
        return np.array_equal(before, frame.pixels)
    return all(
        np.array_equal(before[top:bottom, left:right], frame.pixels[top:bottom, left:right])
        for left, top, right, bottom in frame.boxes or (frame.changed,)
    )


def _remove(path: Path) -> None:
    """Remove a temporary file or folder, if it is still there."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
