"""From a convolution to a file: trace -> storyboard -> frames -> writer.

``render`` is the one call the command line, the gallery and notebooks use.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from ..engine import Trace, trace
from ..errors import SpecError, WriterError
from ..spec import Conv
from .options import RenderOptions, options_with
from .selection import choose, least_every
from .storyboard import pictures, storyboard


def default_title(trace: Trace) -> str:
    """A figure without a title of its own is titled by its parameters."""
    from ..code import conv_title

    return conv_title(trace.spec)


def frames(subject: Conv | Trace, options: RenderOptions | None = None, **changes):
    """The figure's frames (``writers.Frame``: pixels, duration, the box that
    changed, a caption), streamed. ``changes`` override fields of
    ``options``, as in ``render``: ``frames(c, width=700)``."""
    return iter(_counted_frames(subject, options_with(options, changes))[1])


def _counted_frames(subject, options, shared: bool = False, notes: list | None = None, progress=None, facts: dict | None = None,
                    sheet: bool = False):
    """``(how many frames, the frames)``: the storyboard knows the count before any is drawn.
    The frames are a ``writers.FrameSource``: they can be drawn from any
    index on, so that a writer may have another process draw a long
    figure's second half. ``shared``: the frames' pixels are one buffer,
    redrawn for the next frame (for a writer, which is done with a frame
    when it asks for the next); ``notes`` gets what the user should know of
    the figure's layout; ``progress(done, total)`` is called as each frame
    is handed on; ``facts`` gets what a sheet of the pictures needs to know:
    ``least_type``, the figure's smallest type size, in pixels, and
    ``panel_top``, the row where the panel (the same in every picture)
    starts, or None. ``sheet``: the frames make a storyboard sheet, which
    holds so many pictures (refused before any is drawn)."""
    from ..writers import FrameSource
    from .canvas import MIN_TYPE

    options = options_with(options)
    renderer, shots = _figure(subject, options, notes=notes, sheet=sheet)
    if facts is not None:
        panel = renderer.layout.panel
        # On a canvas the figure is placed within the frame: no row is known there.
        top = None if panel is None or options.canvas is not None else math.floor(panel.y)
        facts.update(least_type=MIN_TYPE * renderer.layout.scale, panel_top=top)

    def start(index: int):
        stream = renderer.frames(shots[index:], shared)
        if options.canvas is not None:
            from .canvas import canvas_size, on_canvas
            from .theme import TRANSPARENT, hex_rgb

            background = options.theme.background
            fill = (0, 0, 0, 0) if background == TRANSPARENT else (*hex_rgb(background), 255)  # RGBA frames get the alpha too
            stream = on_canvas(stream, canvas_size(options.canvas, options.width), fill, shared)
        return stream

    return len(shots), FrameSource(len(shots), start, progress, map(renderer.step_number, shots))


def _figure(subject, options, painter=None, notes: list | None = None, sheet: bool = False):
    """The renderer for ``subject`` and the shots it draws; ``notes`` gets
    a line where a canvas made the type smaller than its width asks for."""
    # Imported here so that tracing never pays for matplotlib.
    from .layout import compute_layout
    from .paint import Painter
    from .renderer import FigureText, FrameRenderer, step_keys

    options = options_with(options)
    result = drawable_trace(subject)
    # The frame budget is checked before any drawing.
    keys = step_keys(result)
    shots = choose(storyboard(keys, options.timing), options.every, options.steps, options.max_frames)
    if sheet:
        from ..writers.sheet import MAX_PICTURES, too_many

        drawn, every = least_every(len(pictures(keys)), options.every, options.steps, MAX_PICTURES)
        if drawn > MAX_PICTURES:
            too_many(MAX_PICTURES, drawn, every)
    title = options.title if options.title is not None else default_title(result)
    look = {"title": title} | ({"decimals": options.decimals} if options.decimals is not None else {})

    if options.canvas is None:
        layout = compute_layout(result, options.width, options.panel, **look)
    else:
        from .canvas import canvas_ratio, canvas_size, fit
        from .panel import least_width, panel_height

        def layout_at(width: int, panel: bool, scale: float, height: float | None = None):
            return compute_layout(result, width, panel, scale=scale, height=height, **look)

        def panel_at(scale: float):
            return least_width(result.spec, scale, title), lambda width: panel_height(result.spec, width, scale, title)

        canvas = canvas_size(options.canvas, options.width)
        layout = fit(layout_at, panel_at, canvas, options.panel, notes, ratio=canvas_ratio(options.canvas))
    renderer = FrameRenderer(
        result, layout, options.theme, FigureText(title, options.credit), painter or Painter, show_pending=options.show_pending
    )
    return renderer, shots


def drawable_trace(subject: Conv | Trace) -> Trace:
    """``subject``'s trace, once it is known that convanim can draw it."""
    from .layout import check_drawable

    if not isinstance(subject, (Conv, Trace)):
        raise SpecError("conv", f"render takes a Conv (convanim.conv(...)) or a Trace; got {type(subject).__name__}")
    check_drawable(subject.spec)  # before tracing: a refusal should cost nothing
    return subject if isinstance(subject, Trace) else trace(subject)


def render(subject: Conv | Trace, path=None, options: RenderOptions | None = None, *, format: str | None = None,
           step: int | None = None, storyboard: bool = False, **changes):
    """Render ``subject`` to ``path``; the suffix picks the format (``.gif``, ``.mp4``, ...).
    Without a path, return an ``Animation``: shown inline by a notebook,
    written later with its ``save(path)``.

    ``format`` names the format instead (``"apng"``, ``"frames"`` for a
    folder); ``step`` writes that one step as a picture and ``storyboard`` a
    sheet of every step (both to ``.png`` or ``.pdf``). ``changes`` override
    fields of ``options``: ``render(c, "a.gif", glide=True)``.
    """
    if isinstance(path, RenderOptions) and options is None:  # render(c, options)
        path, options = None, path
    if path is None:
        from ..animation import Animation

        return Animation(drawable_trace(subject), options_with(options, changes))
    return write_figure(subject, path, options, format=format, step=step, storyboard=storyboard, **changes).path


def write_figure(subject: Conv | Trace, path, options: RenderOptions | None = None, *, writer_options=None,
                 still=None, progress=None, notes: list | None = None, **request):
    """``render``, returning what the writer wrote (``writers.Written``: path, format, size, note).

    ``request`` holds ``format``, ``step``, ``storyboard`` and RenderOptions
    changes; ``writer_options`` go to the format's writer; ``still`` is a
    path for the finished figure as a PNG; ``progress``, a callable, is
    told ``(frames done, frames in all)`` as each frame is written;
    ``notes`` gets lines the user should read (a canvas that shrank the type).
    """
    from ..writers import check_request, format_for, format_named, write

    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise WriterError("output", f"must be a file path such as 'output/figure.gif', got {path!r}")
    wanted = {key: request.pop(key) for key in ("format", "step", "storyboard") if key in request}
    options = options_with(options, request)
    # Refused before anything is drawn.
    named = format_named(wanted["format"]) if wanted.get("format") is not None else None
    path = output_path(path, folder=named is not None and named.kind == "folder")
    fmt = format_for(path, wanted.get("format"))
    check_request(fmt, wanted.get("step"), wanted.get("storyboard", False))
    facts = {}  # a storyboard keeps the figure's smallest type legible, and shows the panel once
    _, stream = _counted_frames(subject, options, shared=True, notes=notes, progress=progress, facts=facts,
                                sheet=bool(wanted.get("storyboard")))
    return write(path, stream, still=still, **facts, **wanted, **(writer_options or {}))


def output_path(path, folder: bool = False) -> Path:
    """``path`` as a shell would read it (``~`` is the home folder), checked
    before any drawing: a folder is not a figure's file name (unless the
    format writes a ``folder``)."""
    path = Path(os.path.expanduser(os.fspath(path)))
    try:
        is_dir = path.is_dir()
    except OSError as error:  # a name too long for the file system, say
        raise WriterError("output", f"cannot write {str(path)!r}: {error.strerror or error}") from None
    if is_dir and not folder:
        raise WriterError("output", f"{str(path)!r} is a folder; give a file name in it, such as {str(path / 'figure.gif')!r}")
    return path
