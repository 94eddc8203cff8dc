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
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import WriterError
from .base import OUTPUT, Writer
from .source import Frame, FrameSource, as_frame, changed_box

__all__ = [
    "FORMATS", "Format", "Frame", "FrameSource", "Writer", "as_frame", "changed_box", "format_for", "format_named",
    "format_names", "known_formats", "open_writer", "write", "write_frames", "Written",
]


@dataclass(frozen=True)
class Format:
    """One output format: its name, the suffixes it claims and where its writer lives.

    ``writer`` is ``"module:Class"``, imported on first use. ``needs`` lists
    ``(module, pip install argument)`` pairs that must import before the
    writer can run; they are checked when the writer is opened, before any
    frame is drawn. ``kind`` says what the format holds: ``"animation"``, a
    ``"still"`` (one picture: a step or a storyboard sheet), a ``"folder"``
    of pictures, or a ``"page"`` (an HTML player).
    """

    name: str
    suffixes: tuple[str, ...]
    writer: str
    description: str
    needs: tuple[tuple[str, str], ...] = ()
    kind: str = "animation"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "suffixes": list(self.suffixes),
            "writer": self.writer,
            "description": self.description,
            "needs": [list(pair) for pair in self.needs],
            "kind": self.kind,
        }


_VIDEO = (("imageio_ffmpeg", "'convanim[video]'"),)

# The one table of output formats. A suffix belongs to the first format that
# lists it (``.png`` is a still; ``--format apng`` makes it animated). To add
# a format, add its entry here and its Writer subclass in its own module.
FORMATS: tuple[Format, ...] = (
    Format("gif", (".gif",), "convanim.writers.gif:GifWriter", "animated GIF, looping, at most 32 colours a frame"),
    Format("mp4", (".mp4",), "convanim.writers.video:Mp4Writer", "H.264 video for slides (PowerPoint, Keynote) and the web", needs=_VIDEO),
    Format("webm", (".webm",), "convanim.writers.video:WebmWriter", "VP9 video for the web", needs=_VIDEO),
    Format("webp", (".webp",), "convanim.writers.webp:WebpWriter", "animated WebP, lossless, keeps transparency"),
    Format("png", (".png",), "convanim.writers.still:PngWriter", "one picture: a step (--step) or a storyboard sheet", kind="still"),
    Format("apng", (".apng", ".png"), "convanim.writers.apng:ApngWriter", "animated PNG, lossless, keeps transparency"),
    Format("pdf", (".pdf",), "convanim.writers.still:PdfWriter", "one page: a step (--step) or a storyboard sheet", kind="still"),
    Format("html", (".html", ".htm"), "convanim.writers.player:PlayerWriter", "an interactive player in one self-contained HTML file", kind="page"),
    Format("frames", (), "convanim.writers.frames:FramesWriter", "a folder of numbered PNGs for LaTeX beamer's animate package", kind="folder"),
)


def known_formats() -> tuple[str, ...]:
    """The suffixes convanim can write, e.g. ``('.gif', '.mp4', ...)``, each once."""
    return tuple(dict.fromkeys(suffix for fmt in FORMATS for suffix in fmt.suffixes))


def format_names() -> tuple[str, ...]:
    """The formats' names, as ``--format`` takes them."""
    return tuple(fmt.name for fmt in FORMATS)


def format_named(name: str) -> Format:
    """The format called ``name`` (case-insensitive), as ``--format`` gives it."""
    for fmt in FORMATS:
        if fmt.name == str(name).strip().lower():
            return fmt
    raise WriterError("format", f"unknown format {name!r}; known formats: {', '.join(format_names())}")


def format_for(path: str | os.PathLike, name: str | None = None) -> Format:
    """The format that writes ``path``: ``name`` when given, else chosen by the suffix.

    A ``name`` overrides the suffix, but a suffix that another format owns
    (``--format mp4`` with ``figure.gif``) is a contradiction, not a choice.
    """
    suffix = Path(path).suffix.lower()
    if name is not None:
        fmt = format_named(name)
        owner = next((f for f in FORMATS if suffix in f.suffixes), None)
        if owner is not None and suffix not in fmt.suffixes:
            wanted = f"a {' or '.join(fmt.suffixes)} name" if fmt.suffixes else "a folder name"
            raise WriterError("format", f"{fmt.name} does not write {suffix} files; give {wanted} (or drop --format)")
        return fmt
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    known = ", ".join(known_formats())
    what = f"unknown format {suffix!r} in {os.fspath(path)!r}" if suffix else f"{os.fspath(path)!r} has no suffix"
    raise WriterError(OUTPUT, f"{what}; known formats: {known} (or --format frames for a folder)")


def writer_class(fmt: Format) -> type[Writer]:
    """Import ``fmt``'s writer (and the packages it needs) now."""
    for module, package in fmt.needs:
        try:
            importlib.import_module(module)
        except ImportError:
            raise WriterError(
                OUTPUT, f"writing {fmt.name} needs the {module.replace('_', '-')} package: pip install {package}"
            ) from None
    module, _, name = fmt.writer.partition(":")
    return getattr(importlib.import_module(module), name)


def open_writer(
    path: str | os.PathLike, size: tuple[int, int] | None = None, format: str | None = None, **options: Any
) -> Writer:
    """A writer for ``path``, chosen by ``format`` or else its suffix; use it as a context manager.

    ``size`` is (width, height) in pixels; when None, the first frame sets it.
    ``options`` are the format's own (see its writer's ``options``); an
    option the format does not take is an error, not ignored.
    """
    fmt = format_for(path, format)
    cls = writer_class(fmt)
    unknown = sorted(set(options) - set(cls.options()))
    if unknown:
        takes = ", ".join(cls.options()) or "no options"
        raise WriterError(unknown[0], f"not an option of {fmt.name} output, which takes {takes}")
    return cls(path, size, **options)


def write_frames(
    path: str | os.PathLike,
    frames: Iterable[Frame | tuple[np.ndarray, float]],
    size: tuple[int, int] | None = None,
    format: str | None = None,
    **options: Any,
) -> Path:
    """Write Frames (or ``(frame, duration_ms)`` pairs) to ``path``; return the path written.

    ``frames`` is consumed one item at a time, so it can be a generator that
    draws each frame as it is asked for. ``format`` names the format when
    the suffix should not choose it.
    """
    with open_writer(path, size, format, **options) as writer:
        for item in frames:
            frame = as_frame(item)
            writer.add(frame.pixels, frame.duration_ms, frame.changed, frame.caption, frame.boxes)
    return writer.path




@dataclass(frozen=True)
class Written:
    """What ``write`` wrote: the path, its format, the picture size, and for
    some formats a line to show the user (the ``\\animategraphics`` call)."""

    path: Path
    format: Format
    size: tuple[int, int]
    note: str = ""
    still: Path | None = None  # the finished figure as a picture, when asked for
    created: Path | None = None  # the outermost folder made for the file, where one was missing


def check_request(fmt: Format, step: int | None = None, storyboard: bool = False) -> None:
    """Refuse a combination of format and choice of pictures that cannot be written."""
    if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 1):
        raise WriterError("step", f"must be a step number from 1, as the figure's counter shows it; got {step!r}")
    if step is not None and storyboard:
        raise WriterError("step", "shows one step and --storyboard shows them all; give one of the two")
    chosen = "step" if step is not None else "storyboard" if storyboard else None
    if chosen and fmt.kind != "still":
        stills = " or ".join(s for f in FORMATS if f.kind == "still" for s in f.suffixes)
        raise WriterError(chosen, f"makes one picture, which {fmt.name} does not hold; write it to a {stills} file")
    if not chosen and fmt.kind == "still":
        raise WriterError(
            "output", f"a {fmt.name} file holds one picture: add --step N or --storyboard"
            + (" (or --format apng for an animated PNG)" if fmt.name == "png" else "")
        )


A4 = 297 / 210  # a page's height over its width


def write(
    path: str | os.PathLike,
    frames: Iterable[Frame | tuple[np.ndarray, float]],
    *,
    format: str | None = None,
    step: int | None = None,
    storyboard: bool = False,
    still: str | os.PathLike | None = None,
    least_type: float | None = None,
    panel_top: int | None = None,
    **options: Any,
) -> Written:
    """Write ``frames`` to ``path`` as ``format`` (default: by suffix) and say what was written.

    ``step`` keeps only that step's picture and ``storyboard`` makes a sheet
    of them all (both for a still format: .png, .pdf), whose tiles keep
    type of ``least_type`` pixels (the frames' smallest) legible and show
    once what every picture has from row ``panel_top`` down. ``still``,
    a path, also writes the last picture (the finished figure) there as a PNG.
    """
    from .sheet import pick_step, storyboard_sheet

    fmt = format_for(path, format)
    check_request(fmt, step, storyboard)
    paged = storyboard and fmt.name == "pdf"  # a PDF is for print: the sheet is cut into pages of A4's shape
    stream = (as_frame(item) for item in frames)
    if step is not None:
        stream = pick_step(frames if isinstance(frames, FrameSource) else stream, step)
    elif storyboard:
        stream = storyboard_sheet(frames if isinstance(frames, FrameSource) else stream, least_type=least_type,
                                  panel_top=panel_top, page_ratio=A4 if paged else None)
    last = None
    with open_writer(path, None, fmt.name if format is not None else None, **options) as writer:
        if isinstance(frames, FrameSource) and step is None and not storyboard:
            stream = (as_frame(item) for item in writer.share(frames))
        if paged:
            writer.take_pages()
        for frame in stream:
            writer.add(frame.pixels, frame.duration_ms, frame.changed, frame.caption, frame.boxes)
            last = frame
    if still is not None and last is not None:
        if isinstance(frames, FrameSource) and writer.frames_added < len(frames):
            # The last frames were drawn by another process: draw the last one here.
            last = as_frame(next(iter(frames.start(len(frames) - 1))))
        still = write_frames(still, [(last.pixels, last.duration_ms)])
    # The file's own picture size, where the format changes it (video: even sides).
    size = getattr(writer, "picture_size", writer.size)
    return Written(writer.path, fmt, size, getattr(writer, "latex", ""), still, writer.created)
