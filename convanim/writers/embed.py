"""Snippets that put a written figure on a page: HTML or Markdown.

The words (alt text and a longer description) come from the caller
(convanim.describe writes them from the trace); this module knows only
files and formats. Alt text goes in ``alt``; the longer text in a
``<figcaption>`` (HTML) or a paragraph under the image (Markdown).

- GIF, WebP, APNG: a ``<picture>`` whose source for readers who ask for
  reduced motion is a still of the finished figure (written beside it).
- MP4, WebM: ``<video autoplay loop muted playsinline>`` with the WebM,
  then the MP4, and the GIF as the fallback for browsers that play neither;
  the snippet expects those sibling files (NAME.webm, NAME.mp4, NAME.gif).
- HTML player: an ``<iframe>`` sized to the player.
"""

from __future__ import annotations

import html
from pathlib import Path

from .player import CONTROLS_HEIGHT

STYLES = ("html", "markdown")


def still_path(path: Path) -> Path:
    """Where the finished figure's still goes, beside the animation."""
    return path.with_name(f"{path.stem}-still.png")


def siblings(path: Path) -> list[Path]:
    """The files a video snippet names besides ``path``."""
    return [path.with_suffix(s) for s in (".webm", ".mp4", ".gif") if s != path.suffix.lower()]


def snippet(
    style: str, path: Path, kind: str, size: tuple[int, int], alt: str, long: str,
    base: Path | None = None, still: bool = False,
) -> str:  # fmt: skip
    """The ``style`` snippet for ``path``, a file of format ``kind`` (its Format.name) and ``size``.

    ``still`` says that the finished figure is beside it (``still_path``),
    for readers who ask for reduced motion. Links are relative to ``base``
    (default: the file's folder, so the snippet works in a page beside it).
    """
    width, height = size
    name = Path(path).name if base is None else Path(path).relative_to(base).as_posix()
    src = html.escape(name)
    text, about = html.escape(alt), html.escape(long)
    # The size keeps the figure's room while it loads; the style lets it
    # shrink to a column narrower than the figure.
    dims = f'width="{width}" height="{height}" style="max-width: 100%; height: auto"'
    if kind in ("mp4", "webm"):
        stem = Path(name).stem
        media = (
            f'<video autoplay loop muted playsinline {dims} aria-label="{text}">\n'
            f'  <source src="{html.escape(stem)}.webm" type="video/webm">\n'
            f'  <source src="{html.escape(stem)}.mp4" type="video/mp4">\n'
            f'  <img src="{html.escape(stem)}.gif" {dims} alt="{text}">\n'
            "</video>"
        )
        if style == "markdown":  # Markdown has no video; most renderers pass HTML through
            return f"{media}\n\n{long}"
    elif kind == "html":
        media = f'<iframe src="{src}" width="{width}" height="{height + CONTROLS_HEIGHT}" title="{text}" style="border: 0; max-width: 100%"></iframe>'
        if style == "markdown":
            return f"{media}\n\n{long}"
    elif kind == "pdf":
        if style == "markdown":
            return f"[{_markdown(alt)}]({name})\n\n{long}"
        media = f'<a href="{src}">{text}</a>'
    else:
        if style == "markdown":
            return f"![{_markdown(alt)}]({name})\n\n{long}"
        media = f'<img src="{src}" {dims} alt="{text}">'
        if still:
            reduced = html.escape(still_path(Path(name)).as_posix())
            media = (
                "<picture>\n"
                f'  <source srcset="{reduced}" media="(prefers-reduced-motion: reduce)">\n'
                f"  {media}\n"
                "</picture>"
            )
    return f"<figure>\n{media}\n<figcaption>{about}</figcaption>\n</figure>"


def _markdown(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
