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

    def __post_init__(self):
        if isinstance(self.width, bool) or not isinstance(self.width, (int, np.integer)) or not MIN_WIDTH <= self.width <= MAX_WIDTH:
            raise SpecError("width", f"must be a whole number of pixels from {MIN_WIDTH} to {MAX_WIDTH}, got {self.width!r}")
        for name in ("hold", "fps"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SpecError(name, f"must be a number, got {value!r}")
        for name in ("glide", "panel"):
            if not isinstance(getattr(self, name), bool):
                raise SpecError(name, f"must be true or false, got {getattr(self, name)!r}")
        for name in ("title", "credit"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise SpecError(name, f"must be text, got {value!r}")
            if value is not None and not value.isprintable():
                raise SpecError(name, "must be one line of printable text (no line breaks or control characters)")
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
    return f"{trace.spec.ndim}-D convolution"


def frames(subject: Conv | Trace, options: RenderOptions | None = None):
    """The figure's frames (``writers.Frame``: pixels, duration, caption), streamed."""
    renderer, shots = _figure(subject, options)
    return renderer.frames(shots)


def _figure(subject, options, painter=None):
    """The renderer for ``subject`` and the shots it draws."""
    # Imported here so that tracing never pays for matplotlib.
    from .layout import check_drawable, compute_layout
    from .paint import Painter
    from .renderer import FigureText, FrameRenderer, step_keys

    options = _options(options)
    if not isinstance(subject, (Conv, Trace)):
        raise SpecError("conv", f"render takes a Conv (convanim.conv(...)) or a Trace; got {type(subject).__name__}")
    check_drawable(subject.spec)  # before tracing: a refusal should cost nothing
    result = subject if isinstance(subject, Trace) else trace(subject)
    # The frame budget is checked before any drawing.
    shots = choose(storyboard(step_keys(result), options.timing), options.every, options.steps, options.max_frames)
    layout = compute_layout(result, options.width, options.panel)
    title = options.title if options.title is not None else default_title(result)
    renderer = FrameRenderer(result, layout, options.theme, FigureText(title, options.credit), painter or Painter)
    return renderer, shots


def render(subject: Conv | Trace, path, options: RenderOptions | None = None, **changes) -> Path:
    """Render ``subject`` to ``path``; the suffix picks the format (``.gif``).

    ``changes`` override fields of ``options``: ``render(c, "a.gif", glide=True)``.
    """
    from ..writers import write_frames

    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise WriterError("output", f"must be a file path such as 'output/figure.gif', got {path!r}")
    unknown = sorted(set(changes) - {f.name for f in fields(RenderOptions)})
    if unknown:
        raise SpecError(unknown[0], f"is not a render option; they are {', '.join(f.name for f in fields(RenderOptions))}")
    options = replace(_options(options), **changes)
    return write_frames(Path(path), frames(subject, options))


def _options(options) -> RenderOptions:
    if options is None:
        return RenderOptions()
    if not isinstance(options, RenderOptions):
        raise SpecError("options", f"must be a RenderOptions (or keyword arguments), got {type(options).__name__}")
    return options
