"""Every template rendered, and a page to copy them from.

``build_gallery`` renders each template to ``NAME.gif`` (or any animated
format: WebP, APNG, MP4, WebM, the HTML player) in parallel processes and
writes ``index.html``: every figure, shown by the very snippet a reader
copies (HTML and Markdown, from ``writers.embed``, with alt text from the
trace), its title, description and file size, in teaching order.
"""

from __future__ import annotations

import html
import os
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .code import torch_source
from .errors import SpecError, WriterError
from .templates import Template, list_templates, load_template

DEFAULT_DIR = Path("output") / "gallery"
DEFAULT_FORMAT = "gif"
PICTURES = ("gif", "webp", "apng")  # animated images: a <picture> with a still for reduced motion
VIDEOS = ("mp4", "webm")  # a <video> offering WebM, MP4 and the GIF
PAGES = ("html",)  # the player, in an <iframe>


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
    format: str = DEFAULT_FORMAT  # the writer's format name
    words: tuple[str, str] | None = None  # (alt text, longer description) from the trace

    @property
    def kib(self) -> float:
        return self.bytes / 1024

    @property
    def size_attributes(self) -> str:
        """` width="1080" height="608"`: lets a page keep the figure's room while it loads."""
        return f' width="{self.width}" height="{self.height}"' if self.width and self.height else ""

    def html_snippet(self) -> str:
        return self._snippet("html")

    def markdown_snippet(self) -> str:
        return self._snippet("markdown")

    def _snippet(self, style: str) -> str:
        from .writers.embed import snippet

        return snippet(style, Path(self.file), self.format, (self.width, self.height), self.alt, self.long, still=self.format in PICTURES)

    @property
    def alt(self) -> str:
        return self.words[0] if self.words else f"{self.title}: {self.description}"

    @property
    def long(self) -> str:
        return self.words[1] if self.words else self.description


def render_template(template: Template, path, width: int | None = None, theme=None, format: str | None = None):
    """Render one template to ``path`` (``format``, else the suffix, picks the
    format) with the files its snippet names: the still for readers who ask
    for reduced motion, or a video's other sources. Returns what was written
    (``writers.Written``)."""
    from .describe import describe
    from .engine import trace
    from .render import RenderOptions, write_figure
    from .writers import format_for
    from .writers.embed import siblings, still_path

    options = template.render_kwargs()
    if width is not None:
        options["width"] = width
    if theme is not None:
        options["theme"] = theme
    options = RenderOptions(**options)
    subject = trace(template.conv())
    fmt = format_for(path, format)
    page = {"title": template.title, "description": describe(subject).long} if fmt.kind == "page" else None
    still = still_path(Path(path)) if fmt.name in PICTURES else None
    written = write_figure(subject, path, options, format=format, writer_options=page, still=still)
    if fmt.name in VIDEOS:
        for sibling in siblings(Path(path)):
            write_figure(subject, sibling, options)
    return written


def build_gallery(
    out_dir=DEFAULT_DIR,
    *,
    templates: Iterable[str] | None = None,
    jobs: int | None = None,
    width: int | None = None,
    theme=None,
    format: str | None = None,
    on_figure: Callable[[Figure], None] | None = None,
) -> Path:
    """Render ``templates`` (default: every built-in one) into ``out_dir``
    and write its ``index.html``; return the index's path.

    ``jobs`` worker processes render at once (default: one per CPU; 1 renders
    in this process). ``width`` overrides every template's width; ``theme``
    (a name, a theme file or a Theme) colours every figure; ``format`` (a
    writer's format name, default ``gif``) is what every figure is written as.
    ``on_figure`` is called with each figure, in the order of ``templates``.
    """
    # Each figure once, in the order asked for.
    names = list(dict.fromkeys(templates)) if templates is not None else list(list_templates())
    # Every template is read and checked before anything is drawn: a bad
    # one stops the gallery at once, with its own message.
    loaded = [load_template(name) for name in names]
    suffix = _suffix(format or DEFAULT_FORMAT)  # a format no page can show stops it here too
    jobs = _default_jobs() if jobs is None else jobs
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SpecError("jobs", f"must be a whole number, at least 1, got {jobs!r}")
    if width is not None:
        from .render import RenderOptions

        RenderOptions(width=width)  # a bad width stops the gallery before it starts
    if theme is not None:
        from .render.theme import load_theme

        theme = load_theme(theme)  # so does a bad theme
    out = Path(out_dir).expanduser()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriterError("output", f"cannot make the folder {str(out)!r}: {error.strerror or error}") from None
    work = [(template, out / f"{template.name}{suffix}", width, theme, format) for template in loaded]
    # Figures are reported, and listed, in the order asked for, whichever
    # worker finishes first. strict: the renders run to their end, so the
    # pool is closed and joined; a generator left at its last figure would be
    # closed when collected, and its pool terminated, which can hang.
    rendered = zip(loaded, _render_all(work, jobs), strict=True)
    figures = [_report(_figure(template, written, out), on_figure) for template, written in rendered]
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
    """Render every ``(template, path, width, theme, format)``; yield what was written, in order."""
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


def _render_item(item):
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
    kinds = sorted({figure.format.upper() if figure.format != "html" else "player" for figure in figures}) or ["GIF"]
    return _PAGE.format(count=len(figures), total=f"{total:,.1f}", cards=cards, kind=" or ".join(kinds))


# -- helpers ---------------------------------------------------------------


def _default_jobs() -> int:
    count = os.process_cpu_count() if hasattr(os, "process_cpu_count") else os.cpu_count()
    return count or 1


def _suffix(format: str) -> str:
    """The file suffix of ``format``, refused unless a page can show it moving."""
    from .writers import format_named

    fmt = format_named(format)
    if fmt.name not in PICTURES + VIDEOS + PAGES:
        shown = ", ".join(PICTURES + VIDEOS + PAGES)
        raise SpecError("format", f"the gallery shows animations on a page: {shown}; {fmt.name} is not one (render writes it)")
    return fmt.suffixes[0]


def _figure(template: Template, written, out: Path) -> Figure:
    from .describe import describe
    from .engine import trace

    path = written.path
    words = describe(trace(template.conv()))
    return Figure(
        name=template.name,
        title=template.title,
        description=template.description,
        code=torch_source(template.conv().spec),
        file=path.relative_to(out).as_posix() if path.is_relative_to(out) else path.name,
        bytes=path.stat().st_size,
        width=written.size[0],
        height=written.size[1],
        format=written.format.name,
        words=(words.alt, words.long),
    )


def _card(figure: Figure) -> str:
    e = html.escape
    return f"""<section class="figure" id="{e(figure.name)}">
  <h2>{e(figure.title)} <span class="name">{e(figure.name)}</span></h2>
  <p>{e(figure.description)}</p>
  {figure.html_snippet()}
  <p class="meta"><code>{e(figure.code)}</code> &middot; {figure.kib:,.1f} KiB</p>
  <label>HTML <button type="button" data-copy="html-{e(figure.name)}">copy</button>
    <textarea id="html-{e(figure.name)}" readonly rows="5">{e(figure.html_snippet())}</textarea></label>
  <label>Markdown <button type="button" data-copy="md-{e(figure.name)}">copy</button>
    <textarea id="md-{e(figure.name)}" readonly rows="5">{e(figure.markdown_snippet())}</textarea></label>
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
<p>{count} figures, {total} KiB in all. Each one is a {kind} next to this page, shown by
the snippet below it: copy the file beside your post and paste the snippet. Made with <code>convanim gallery</code>.</p>
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
