"""Every template rendered, and a page to copy them from.

``build_gallery`` renders each template to ``NAME.gif`` in parallel
processes and writes ``index.html``: every figure with its title,
description, file size and the snippets (HTML and Markdown) that embed it,
in teaching order.
"""

from __future__ import annotations

import html
import os
import signal
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .code import torch_source
from .errors import SpecError, WriterError
from .templates import Template, list_templates, load_template

DEFAULT_DIR = Path("output") / "gallery"
SUFFIX = ".gif"
SCALES = "max-width: 100%; height: auto"  # an embedded figure fits its column


@dataclass(frozen=True)
class Figure:
    """One rendered template, as the index shows it."""

    name: str
    title: str
    description: str
    code: str  # the PyTorch call that makes this convolution
    file: str  # relative to the gallery folder
    bytes: int
    width: int | None
    height: int | None

    @property
    def kib(self) -> float:
        return self.bytes / 1024

    @property
    def size_attributes(self) -> str:
        """` width="1080" height="608"`: lets a page keep the figure's room while it loads."""
        return f' width="{self.width}" height="{self.height}"' if self.width and self.height else ""

    def html_snippet(self) -> str:
        # The size attributes keep the room while the figure loads; the style
        # lets it shrink to a column narrower than the figure.
        return f'<img src="{html.escape(self.file)}"{self.size_attributes} style="{SCALES}" alt="{html.escape(self.alt)}">'

    def markdown_snippet(self) -> str:
        return f"![{_markdown_text(self.alt)}]({self.file})"

    @property
    def alt(self) -> str:
        return f"{self.title}: {self.description}"


def render_template(template: Template, path, width: int | None = None, theme=None) -> Path:
    """Render one template to ``path`` (the suffix picks the format)."""
    from .render import RenderOptions, render

    options = template.render_kwargs()
    if width is not None:
        options["width"] = width
    if theme is not None:
        options["theme"] = theme
    return render(template.conv(), path, RenderOptions(**options))


def build_gallery(
    out_dir=DEFAULT_DIR,
    *,
    templates: Iterable[str] | None = None,
    jobs: int | None = None,
    width: int | None = None,
    theme=None,
    on_figure: Callable[[Figure], None] | None = None,
) -> Path:
    """Render ``templates`` (default: every built-in one) into ``out_dir``
    and write its ``index.html``; return the index's path.

    ``jobs`` worker processes render at once (default: one per CPU; 1 renders
    in this process). ``width`` overrides every template's width; ``theme``
    (a name, a theme file or a Theme) colours every figure.
    ``on_figure`` is called with each figure, in the order of ``templates``.
    """
    # Each figure once, in the order asked for.
    names = list(dict.fromkeys(templates)) if templates is not None else list(list_templates())
    # Every template is read and checked before anything is drawn: a bad
    # one stops the gallery at once, with its own message.
    loaded = [load_template(name) for name in names]
    out = Path(out_dir).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriterError("output", f"cannot make the folder {str(out)!r}: {error.strerror or error}") from None
    jobs = _default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise SpecError("jobs", f"must be at least 1, got {jobs}")

    if theme is not None:
        from .render.theme import load_theme

        theme = load_theme(theme)  # a bad theme stops the gallery before it starts
    work = [(template, out / f"{template.name}{SUFFIX}", width, theme) for template in loaded]
    # Figures are reported, and listed, in the order asked for, whichever
    # worker finishes first.
    figures = [_report(_figure(template, path, out), on_figure) for template, path in zip(loaded, _render_all(work, jobs))]
    index = out / "index.html"
    temp = index.with_name(f".{index.name}.part")
    try:
        temp.write_text(index_html(figures), encoding="utf-8")
        os.replace(temp, index)
    finally:
        temp.unlink(missing_ok=True)
    return index


def _report(figure: Figure, on_figure: Callable[[Figure], None] | None) -> Figure:
    if on_figure is not None:
        on_figure(figure)
    return figure


def _render_all(work: list, jobs: int) -> Iterable[Path]:
    """Render every ``(template, path, width, theme)``; yield the paths in order."""
    if jobs == 1 or len(work) <= 1:
        for item in work:
            yield render_template(*item)
        return
    # Imported here: only the gallery pays for a process pool.
    import multiprocessing

    # 'spawn' on every platform: workers start clean rather than as forks of
    # a process that may hold threads (and 3.12+ warns about forking those).
    context = multiprocessing.get_context("spawn")
    pool = context.Pool(min(jobs, len(work)), initializer=_worker_signals)
    try:
        yield from pool.imap(_render_item, work)
    except BaseException:
        # Interrupted, or one figure failed: stop the others now rather than
        # wait for them; each worker removes its half-written file as it goes.
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def _render_item(item) -> Path:
    try:
        return render_template(*item)
    except SystemExit as stop:
        # Stopped by the parent: the writer has removed its file on the way
        # here, and nothing else is worth tearing down slowly.
        os._exit(stop.code if isinstance(stop.code, int) else 1)


def _worker_signals() -> None:
    # Ctrl-C reaches every process of the terminal's group; the parent
    # decides, and stops the workers with SIGTERM, which unwinds like an
    # exception so that the writer removes its temporary file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)


def _exit_on_term(signum, frame):
    raise SystemExit(128 + signum)


def index_html(figures: list[Figure]) -> str:
    """The gallery page: self-contained, no scripts or styles from elsewhere."""
    cards = "\n".join(_card(figure) for figure in figures)
    total = sum(figure.bytes for figure in figures) / 1024
    return _PAGE.format(count=len(figures), total=f"{total:,.1f}", cards=cards)


# -- helpers ---------------------------------------------------------------


def _default_jobs() -> int:
    count = os.process_cpu_count() if hasattr(os, "process_cpu_count") else os.cpu_count()
    return count or 1


def _figure(template: Template, path: Path, out: Path) -> Figure:
    width, height = _image_size(path)
    return Figure(
        name=template.name,
        title=template.title,
        description=template.description,
        code=torch_source(template.conv().spec),
        file=path.relative_to(out).as_posix() if path.is_relative_to(out) else path.name,
        bytes=path.stat().st_size,
        width=width,
        height=height,
    )


def _image_size(path: Path) -> tuple[int | None, int | None]:
    """Width and height from a GIF's header (the logical screen), else None."""
    with open(path, "rb") as file:
        header = file.read(10)
    if header[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", header[6:10])
    return None, None


def _markdown_text(text: str) -> str:
    for char in "\\[]":
        text = text.replace(char, "\\" + char)
    return text


def _card(figure: Figure) -> str:
    e = html.escape
    return f"""<section class="figure" id="{e(figure.name)}">
  <h2>{e(figure.title)} <span class="name">{e(figure.name)}</span></h2>
  <p>{e(figure.description)}</p>
  <img src="{e(figure.file)}"{figure.size_attributes} loading="lazy" alt="{e(figure.alt)}">
  <p class="meta"><code>{e(figure.code)}</code> &middot; {figure.kib:,.1f} KiB</p>
  <label>HTML <button type="button" data-copy="html-{e(figure.name)}">copy</button>
    <textarea id="html-{e(figure.name)}" readonly rows="2">{e(figure.html_snippet())}</textarea></label>
  <label>Markdown <button type="button" data-copy="md-{e(figure.name)}">copy</button>
    <textarea id="md-{e(figure.name)}" readonly rows="2">{e(figure.markdown_snippet())}</textarea></label>
</section>"""


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>convanim gallery</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 1120px; margin: 2em auto; padding: 0 1em; color: #222; }}
  .figure {{ margin: 0 0 3em; padding-bottom: 2em; border-bottom: 1px solid #ddd; }}
  .figure img {{ max-width: 100%; height: auto; display: block; margin: 1em 0; }}
  .name {{ font-size: 0.6em; color: #888; font-weight: normal; }}
  .meta {{ color: #555; }}
  label {{ display: block; margin: 0.5em 0; font-weight: 600; }}
  textarea {{ display: block; width: 100%; font: 0.85em ui-monospace, monospace; resize: vertical; }}
</style>
</head>
<body>
<h1>convanim gallery</h1>
<p>{count} figures, {total} KiB in all. Each one is a GIF next to this page: copy it
beside your post and paste a snippet. Made with <code>convanim gallery</code>.</p>
{cards}
<script>
  document.querySelectorAll("button[data-copy]").forEach(function (button) {{
    button.addEventListener("click", function () {{
      var area = document.getElementById(button.dataset.copy);
      area.select();
      if (navigator.clipboard) {{ navigator.clipboard.writeText(area.value); }} else {{ document.execCommand("copy"); }}
      button.textContent = "copied";
      setTimeout(function () {{ button.textContent = "copy"; }}, 1500);
    }});
  }});
</script>
</body>
</html>
"""
