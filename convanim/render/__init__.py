"""From a convolution to a file: trace -> storyboard -> frames -> writer.

``render`` is the one call the command line, the gallery and notebooks use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

from ..engine import Trace, trace
from ..errors import SpecError, WriterError
from ..spec import Conv
from .selection import DEFAULT_MAX_FRAMES, choose, parse_steps
from .storyboard import Timing, storyboard
from .theme import DEFAULT, Theme, load_theme

MIN_WIDTH, MAX_WIDTH = 320, 3840
DEFAULT_FPS = 20.0


@dataclass(frozen=True)
class RenderOptions:
    """How a figure looks and moves. Sizes are in pixels, times in seconds."""

    width: int = 1080
    hold: float = 1.0  # how long each step stays
    fps: float = DEFAULT_FPS  # frame rate of the glide between steps
    glide: bool = False  # move the kernel smoothly instead of jumping
    panel: bool = True  # the title, PyTorch call and size formula under the animation
    title: str | None = None
    credit: str | None = None
    # A Theme, a built-in theme's name or a theme file's path; kept as a Theme.
    theme: Theme | str | os.PathLike = DEFAULT
    every: int = 1  # draw every Nth step; the outputs in between still fill in
    steps: str | tuple | None = None  # the steps to draw, "1-5,9"; kept as ((1, 5), (9, 9))
    max_frames: int = DEFAULT_MAX_FRAMES  # refuse a figure of more frames, before drawing
    canvas: str | None = None  # a fixed size, "1920x1080", or a ratio, "16:9", the figure centred in it
    decimals: int | None = None  # decimals of every number in cells (rows of whole numbers stay whole)
    show_pending: bool = False  # pending outputs show their values in grey

    # Under each option's name: what the command line says about it.
    HELP = {
        "canvas": "A fixed frame size, e.g. 1920x1080, or a ratio such as 16:9 (width from --width): the figure is fitted and centred.",
        "decimals": "Decimals of every number in the cells (0 to 6); by default each row picks the fewest that show its values.",
        "show_pending": "Show the values of outputs not yet computed, in grey.",
        "every": "Draw every Nth step (1, 1+N, …); the outputs in between still fill in. Default 1.",
        "steps": "Draw only these steps, counted from 1, e.g. 1-8,30. Default: all.",
        "max_frames": f"Refuse, before drawing, a figure of more frames. Default {DEFAULT_MAX_FRAMES}.",
    }

    def __post_init__(self):
        if isinstance(self.width, bool) or not isinstance(self.width, (int, np.integer)) or not MIN_WIDTH <= self.width <= MAX_WIDTH:
            raise SpecError("width", f"must be a whole number of pixels from {MIN_WIDTH} to {MAX_WIDTH}, got {self.width!r}")
        for name in ("hold", "fps"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SpecError(name, f"must be a number, got {value!r}")
        for name in ("glide", "panel", "show_pending"):
            if not isinstance(getattr(self, name), bool):
                raise SpecError(name, f"must be true or false, got {getattr(self, name)!r}")
        for name in ("title", "credit"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise SpecError(name, f"must be text, got {value!r}")
            if value is not None and not value.isprintable():
                raise SpecError(name, "must be one line of printable text (no line breaks or control characters)")
        if self.decimals is not None and (
            isinstance(self.decimals, bool) or not isinstance(self.decimals, (int, np.integer)) or not 0 <= self.decimals <= 6
        ):
            raise SpecError("decimals", f"must be a whole number from 0 to 6, got {self.decimals!r}")
        if self.canvas is not None:
            from .canvas import canvas_size

            canvas_size(self.canvas, self.width)  # refuses a malformed size now
        object.__setattr__(self, "theme", load_theme(self.theme))
        for name in ("every", "max_frames"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise SpecError(name, f"must be a whole number, at least 1, got {value!r}")
        object.__setattr__(self, "steps", parse_steps(self.steps))
        self.timing  # Timing checks the ranges of hold and fps

    @property
    def timing(self) -> Timing:
        return Timing(self.hold, self.fps, self.glide)


def default_title(trace: Trace) -> str:
    """A figure without a title of its own is titled by its parameters."""
    from ..code import conv_title

    return conv_title(trace.spec)


def frames(subject: Conv | Trace, options: RenderOptions | None = None):
    """The figure's frames (``writers.Frame``: pixels, duration, the box that
    changed, a caption), streamed."""
    return _counted_frames(subject, options)[1]


def _counted_frames(subject, options, shared: bool = False):
    """``(how many frames, the frames)``: the storyboard knows the count before any is drawn.
    ``shared``: the frames' pixels are one buffer, redrawn for the next frame
    (for a writer, which is done with a frame when it asks for the next)."""
    options = _options(options)
    renderer, shots = _figure(subject, options)
    pictures = renderer.frames(shots, shared)
    if options.canvas is not None:
        from .canvas import canvas_size, on_canvas
        from .theme import hex_rgb

        pictures = on_canvas(pictures, canvas_size(options.canvas, options.width), hex_rgb(options.theme.background))
    return len(shots), pictures


def _reporting(frames, total: int, progress):
    """``frames``, calling ``progress(done, total)`` as each one is handed on."""
    for done, frame in enumerate(frames, 1):
        yield frame
        progress(done, total)


def _figure(subject, options, painter=None):
    """The renderer for ``subject`` and the shots it draws."""
    # Imported here so that tracing never pays for matplotlib.
    from .layout import compute_layout
    from .paint import Painter
    from .renderer import FigureText, FrameRenderer, step_keys

    options = _options(options)
    result = drawable_trace(subject)
    # The frame budget is checked before any drawing.
    shots = choose(storyboard(step_keys(result), options.timing), options.every, options.steps, options.max_frames)
    title = options.title if options.title is not None else default_title(result)
    look = {"title": title} | ({"decimals": options.decimals} if options.decimals is not None else {})

    def layout_at(width: int):
        return compute_layout(result, width, options.panel, **look)

    width = options.width
    if options.canvas is not None:
        from .canvas import canvas_size, fit_width

        size = canvas_size(options.canvas, options.width)
        width = fit_width(lambda w: layout_at(w).height, size)
    layout = layout_at(width)
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
        unknown = sorted(set(changes) - {f.name for f in fields(RenderOptions)})
        if unknown:
            raise SpecError(unknown[0], f"is not a render option; they are {', '.join(f.name for f in fields(RenderOptions))}")
        from ..animation import Animation

        return Animation(drawable_trace(subject), replace(_options(options), **changes))
    return write_figure(subject, path, options, format=format, step=step, storyboard=storyboard, **changes).path


def write_figure(subject: Conv | Trace, path, options: RenderOptions | None = None, *, writer_options=None,
                 still=None, progress=None, **request):
    """``render``, returning what the writer wrote (``writers.Written``: path, format, size, note).

    ``request`` holds ``format``, ``step``, ``storyboard`` and RenderOptions
    changes; ``writer_options`` go to the format's writer; ``still`` is a
    path for the finished figure as a PNG; ``progress``, a callable, is
    told ``(frames done, frames in all)`` as each frame is written.
    """
    from ..writers import check_request, format_for, format_named, write

    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise WriterError("output", f"must be a file path such as 'output/figure.gif', got {path!r}")
    wanted = {key: request.pop(key) for key in ("format", "step", "storyboard") if key in request}
    unknown = sorted(set(request) - {f.name for f in fields(RenderOptions)})
    if unknown:
        raise SpecError(unknown[0], f"is not a render option; they are {', '.join(f.name for f in fields(RenderOptions))}")
    options = replace(_options(options), **request)
    # Refused before anything is drawn.
    named = format_named(wanted["format"]) if wanted.get("format") is not None else None
    path = output_path(path, folder=named is not None and named.kind == "folder")
    fmt = format_for(path, wanted.get("format"))
    check_request(fmt, wanted.get("step"), wanted.get("storyboard", False))
    total, pictures = _counted_frames(subject, options, shared=True)
    if progress is not None:
        pictures = _reporting(pictures, total, progress)
    return write(path, pictures, still=still, **wanted, **(writer_options or {}))


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


def _options(options) -> RenderOptions:
    if options is None:
        return RenderOptions()
    if not isinstance(options, RenderOptions):
        raise SpecError("options", f"must be a RenderOptions (or keyword arguments), got {type(options).__name__}")
    return options
