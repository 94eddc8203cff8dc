"""Writers: frames (numpy arrays) in, one file out.

The last stage of the pipeline. A writer gets RGB(A) uint8 arrays and their
durations and knows nothing of convolutions or figures::

    with open_writer("out/conv.gif", size=(1080, 608)) as w:
        for frame, duration_ms in frames:
            w.add(frame, duration_ms)

    write_frames("out/conv.gif", frames)   # the same, in one call

Which writer handles a file is decided by its suffix, from one table,
``FORMATS``. Adding a format is one entry there plus one ``Writer`` subclass
in its own module; that module, and any optional package it needs (ffmpeg
for video), is imported only when a file of that format is written, and a
missing package fails with the command that installs it. There is no
fallback: an unknown suffix is an error that lists the known ones.

Every writer writes to a temporary file beside the target and renames it
into place only when the last frame is written, so a failure at any point,
including in the code that produces the frames, leaves no partial file.
"""

from __future__ import annotations

import importlib
import inspect
import math
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import WriterError

OUTPUT = "output"  # the option every path error is about


@dataclass(frozen=True)
class Format:
    """One output format: the suffixes it claims and where its writer lives.

    ``writer`` is ``"module:Class"``, imported on first use. ``needs`` lists
    ``(module, pip package)`` pairs that must import before the writer can
    run; they are checked when the writer is opened, before any frame is
    drawn.
    """

    name: str
    suffixes: tuple[str, ...]
    writer: str
    description: str
    needs: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "suffixes": list(self.suffixes),
            "writer": self.writer,
            "description": self.description,
            "needs": [list(pair) for pair in self.needs],
        }


# The one table of output formats. To add one, add its entry and its Writer
# subclass, e.g.
#   Format("MP4", (".mp4",), "convanim.video:FfmpegWriter", "H.264 video",
#          needs=(("imageio_ffmpeg", "imageio-ffmpeg"),)),
FORMATS: tuple[Format, ...] = (
    Format("GIF", (".gif",), "convanim.writers.gif:GifWriter", "animated GIF, looping, at most 32 colours a frame"),
)


def known_formats() -> tuple[str, ...]:
    """The suffixes convanim can write, e.g. ``('.gif',)``."""
    return tuple(suffix for fmt in FORMATS for suffix in fmt.suffixes)


def format_for(path: str | os.PathLike) -> Format:
    """The format that writes ``path``, chosen by its suffix (case-insensitive)."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    known = ", ".join(known_formats())
    got = f"{suffix!r}" if suffix else "no suffix"
    raise WriterError(OUTPUT, f"unknown format {got} in {os.fspath(path)!r}; known formats: {known}")


def writer_class(fmt: Format) -> type[Writer]:
    """Import ``fmt``'s writer (and the packages it needs) now."""
    for module, package in fmt.needs:
        try:
            importlib.import_module(module)
        except ImportError:
            raise WriterError(
                OUTPUT, f"writing {fmt.name} needs the {package} package: pip install {package}"
            ) from None
    module, _, name = fmt.writer.partition(":")
    return getattr(importlib.import_module(module), name)


def open_writer(path: str | os.PathLike, size: tuple[int, int] | None = None, **options: Any) -> Writer:
    """A writer for ``path``, chosen by its suffix; use it as a context manager.

    ``size`` is (width, height) in pixels; when None, the first frame sets it.
    ``options`` are the format's own (see its writer's ``options``); an
    option the format does not take is an error, not ignored.
    """
    fmt = format_for(path)
    cls = writer_class(fmt)
    unknown = sorted(set(options) - set(cls.options()))
    if unknown:
        takes = ", ".join(cls.options()) or "no options"
        raise WriterError(unknown[0], f"not an option of {fmt.name} output, which takes {takes}")
    return cls(path, size, **options)


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture of an animation and how long it stays.

    ``changed`` is the box ``(left, top, right, bottom)``, in pixels, outside
    which this picture equals the previous one (None: unknown, compare all);
    ``caption`` says in words what the picture shows, for formats that carry
    text (an interactive player, alt text). A Frame unpacks as the plain
    ``(pixels, duration_ms)`` pair every writer also accepts.
    """

    pixels: np.ndarray
    duration_ms: float
    changed: tuple[int, int, int, int] | None = None
    caption: str = ""

    def __iter__(self):
        return iter((self.pixels, self.duration_ms))

    def __getitem__(self, index):
        return (self.pixels, self.duration_ms)[index]

    def __len__(self) -> int:
        return 2


def as_frame(item) -> Frame:
    """A Frame, or a ``(pixels, duration_ms)`` pair made into one."""
    if isinstance(item, Frame):
        return item
    # An array of two rows would unpack too; only a pair is a pair.
    if isinstance(item, np.ndarray) or not isinstance(item, (tuple, list)) or len(item) != 2:
        raise WriterError("frames", f"expected Frames or (frame, duration_ms) pairs; got {type(item).__name__}")
    return Frame(*item)


def write_frames(
    path: str | os.PathLike,
    frames: Iterable[Frame | tuple[np.ndarray, float]],
    size: tuple[int, int] | None = None,
    **options: Any,
) -> Path:
    """Write Frames (or ``(frame, duration_ms)`` pairs) to ``path``; return the path written.

    ``frames`` is consumed one item at a time, so it can be a generator that
    draws each frame as it is asked for.
    """
    with open_writer(path, size, **options) as writer:
        for item in frames:
            frame = as_frame(item)
            writer.add(frame.pixels, frame.duration_ms)
    return writer.path


class Writer:
    """Base class of the writers: checks, the temporary file, the rename.

    Subclasses implement ``_begin(temp_path)`` (called with the first frame,
    when ``self.size`` is known), ``_add(frame, duration_ms)``, ``_finish()``
    (write the end of the file and close it) and ``_abort()`` (close without
    finishing). Keyword arguments of ``__init__`` after ``size`` are the
    format's options.
    """

    max_size = 1 << 15  # width or height

    def __init__(self, path: str | os.PathLike, size: tuple[int, int] | None = None):
        self.path = Path(path)
        self.size = None if size is None else self._check_size(size)
        self.frames_added = 0
        self._temp: Path | None = None
        self._begun = False
        self._open = False

    @classmethod
    def options(cls) -> tuple[str, ...]:
        """The names of the format's own options."""
        params = list(inspect.signature(cls.__init__).parameters)
        return tuple(params[3:])  # after self, path, size

    # -- context manager ---------------------------------------------------

    def __enter__(self) -> Writer:
        if self._open or self._temp is not None:
            raise WriterError(OUTPUT, f"a writer is opened once; {str(self.path)!r} is already in use")
        try:
            is_dir = self.path.is_dir()
        except OSError as e:  # a name too long for the file system, say
            raise WriterError(OUTPUT, f"cannot write {str(self.path)!r}: {e.strerror or e}") from None
        if is_dir:
            raise WriterError(OUTPUT, f"{str(self.path)!r} is a folder; give a file name")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise WriterError(OUTPUT, f"cannot create folder {str(self.path.parent)!r}: {e.strerror or e}") from None
        self._temp = self._make_temp()
        self._open = True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._open = False
        if exc_type is None:
            try:
                if not self.frames_added:
                    raise WriterError("frames", f"no frames were given, so {str(self.path)!r} was not written")
                self._finish()
                os.replace(self._temp, self.path)
            except OSError as e:
                self._discard()
                raise WriterError(OUTPUT, f"cannot write {str(self.path)!r}: {e.strerror or e}") from None
            except BaseException:
                self._discard()
                raise
        else:
            self._discard()

    def add(self, frame: np.ndarray, duration_ms: float) -> None:
        """Append ``frame`` ((H, W, 3|4) uint8), shown for ``duration_ms`` milliseconds."""
        if not self._open:
            raise WriterError(OUTPUT, "add frames inside `with open_writer(...) as w:`")
        frame = self._check_frame(frame)
        duration_ms = self._check_duration(duration_ms)
        try:
            if not self._begun:
                self._begun = True
                self._begin(self._temp)
            self._add(frame, duration_ms)
        except OSError as e:  # a full disk, a file-size limit: one line, not a traceback
            raise WriterError(OUTPUT, f"cannot write {str(self.path)!r}: {e.strerror or e}") from None
        self.frames_added += 1

    # -- for subclasses ------------------------------------------------------

    def _begin(self, temp_path: Path) -> None:
        raise NotImplementedError

    def _add(self, frame: np.ndarray, duration_ms: float) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        raise NotImplementedError

    def _abort(self) -> None:
        """Release whatever ``_begin`` opened; the temporary file is removed after."""

    # -- helpers -------------------------------------------------------------

    def _make_temp(self) -> Path:
        # Beside the target, so the final rename stays on one file system;
        # hidden; ending in the real suffix, for back-ends that read it.
        for _ in range(100):
            # Short, whatever the target's name: a name near the file system's
            # limit must fail on its own account, not on ours.
            temp = self.path.with_name(f".convanim-{secrets.token_hex(4)}.part{self.path.suffix}")
            try:
                with open(temp, "xb"):
                    return temp
            except FileExistsError:
                continue
            except OSError as e:
                raise WriterError(OUTPUT, f"cannot write in {str(self.path.parent)!r}: {e.strerror or e}") from None
        raise WriterError(OUTPUT, f"cannot create a temporary file beside {str(self.path)!r}")

    def _discard(self) -> None:
        try:
            if self._begun:
                self._abort()
        finally:
            if self._temp is not None:
                self._temp.unlink(missing_ok=True)

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

    @staticmethod
    def _check_duration(duration_ms: float) -> float:
        try:
            value = float(duration_ms)
        except (TypeError, ValueError):
            raise WriterError("duration_ms", f"expected a number of milliseconds; got {duration_ms!r}") from None
        if not math.isfinite(value) or value < 0:
            raise WriterError("duration_ms", f"must be a finite number >= 0; got {duration_ms!r}")
        return value
