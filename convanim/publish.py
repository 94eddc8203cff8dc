"""Write a figure and say what was written: the one place the command line
and the gallery turn a render into lines for the user (the file and its
size, the LaTeX line for a frames folder, an embed snippet with alt text).
"""

from __future__ import annotations

from pathlib import Path

from .errors import WriterError


def default_suffix(format: str | None, step: int | None = None, storyboard: bool = False) -> str:
    """The end of a default output name: the format's suffix (``""`` for a
    folder), after ``-step3`` or ``-storyboard`` for a still."""
    from .writers import format_named

    still = f"-step{step}" if step is not None else "-storyboard" if storyboard else ""
    if format is None:
        return still + (".png" if still else ".gif")
    fmt = format_named(format)
    return still + (fmt.suffixes[0] if fmt.suffixes else "")


def publish(subject, path: Path, options, *, format=None, step=None, storyboard=False, embed=None, progress=None):
    """Render ``subject`` to ``path``; return ``(Written, lines to print)``.

    ``embed`` (``"html"`` or ``"markdown"``) adds a snippet for the file,
    with alt text and a description made from the trace; for an animated
    GIF, WebP or APNG it also writes the finished figure beside it, as the
    still that readers who ask for reduced motion see. ``progress`` is
    told ``(frames done, frames in all)`` as the frames are written.
    """
    from .render import output_path, write_figure
    from .writers import check_request, format_for, format_named

    if embed is not None:
        from .writers.embed import STYLES  # only here: a plain figure does not import the snippets

        if embed not in STYLES:
            raise WriterError("embed", f"must be {' or '.join(STYLES)}, got {embed!r}")
    path = output_path(path, folder=format is not None and format_named(format).kind == "folder")
    fmt = format_for(path, format)
    check_request(fmt, step, storyboard)
    if embed is not None and fmt.kind == "folder":
        raise WriterError("embed", "a frames folder goes into LaTeX with the \\animategraphics line printed, not a snippet")
    words = None
    if embed is not None or fmt.kind == "page":
        # Only these need the words and the snippets: a plain figure does
        # not pay for importing them.
        from .describe import describe
        from .engine import Trace, trace
        from .writers.embed import siblings, snippet, still_path

        subject = subject if isinstance(subject, Trace) else trace(subject)
        words = describe(subject)
    writer_options = {}
    if fmt.kind == "page":
        writer_options = {"title": options.title or path.stem, "description": words.long}
    animated = fmt.kind == "animation" and fmt.name not in ("mp4", "webm")
    still = still_path(path) if embed is not None and animated else None
    notes = []
    written = write_figure(
        subject, path, options, format=format, step=step, storyboard=storyboard,
        writer_options=writer_options, still=still, progress=progress, notes=notes,
    )  # fmt: skip
    made = f", in the new folder {written.path.parent}" if written.created is not None else ""
    lines = [f"wrote {written.path} ({_size(written.path) / 1024:.1f} KiB){made}"]
    lines += [f"convanim: note: {note}" for note in notes]
    if written.still is not None:
        lines.append(f"wrote {written.still} ({_size(written.still) / 1024:.1f} KiB), the still for reduced motion")
    if written.note:
        lines.append(written.note)
    if embed is not None:
        if fmt.name in ("mp4", "webm"):
            missing = [p.name for p in siblings(written.path) if not p.exists()]
            if missing:
                lines.append(f"convanim: note: the snippet also plays {', '.join(missing)}: render them beside this file")
        lines.append(
            snippet(embed, written.path, fmt.name, written.size, words.alt, words.long, still=written.still is not None)
        )
    return written, lines


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size
