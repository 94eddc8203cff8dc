"""How a figure looks and moves: ``RenderOptions``, each option written once.

Every field of ``RenderOptions`` carries its ``Option``: the command line's
flag and help, the TOML value a template may give for it (if any), and the
check the Python API applies. The ``render`` command's options
(``cli.render_options``), the template keys and their checks
(``templates``) and ``RenderOptions``'s own checks are all derived from the
fields; adding a field here adds it everywhere.

This module does not import click: templates and the API read it too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace

import numpy as np

from ..arguments import is_int, is_number, kind
from ..errors import SpecError
from .selection import DEFAULT_MAX_FRAMES, parse_steps
from .storyboard import FPS_RANGE, HOLD_RANGE, Timing
from .theme import DEFAULT, Theme, load_theme

MIN_WIDTH, MAX_WIDTH = 320, 3840
DEFAULT_FPS = 20.0


@dataclass(frozen=True)
class Option:
    """One render option, as the command line, templates and the API see it.

    ``flag`` is the command line's spelling (``--glide/--no-glide`` for an
    on/off pair); ``help`` its help, where ``{default}`` stands for the
    field's default. ``kind`` is how the command line reads it: ``int``,
    ``float``, ``str``, ``switch`` (the on/off pair) or ``flag`` (on only);
    left out, an option is None and the default (or a template's value)
    stands. ``template`` is what a template's TOML value must be, in the
    words of its error ("an integer (pixels)") with the test it must pass;
    None where templates do not set it. ``check`` turns an API value into
    the one ``RenderOptions`` keeps, or raises ``SpecError`` naming the
    option; it sees the options checked before it.
    """

    flag: str
    help: str
    kind: str
    check: Callable[[object, str, object], object]
    metavar: str | None = None
    template: tuple[str, Callable[[object], bool]] | None = None


def _option(default, flag: str, help: str, kind: str, check, metavar: str | None = None, template=None):
    """A ``RenderOptions`` field with its ``Option``."""
    return field(default=default, metadata={"option": Option(flag, help, kind, check, metavar, template)})


# -- the API's checks -----------------------------------------------------------


def _whole(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def _width(value, name, options):
    if not _whole(value) or not MIN_WIDTH <= value <= MAX_WIDTH:
        raise SpecError(name, f"must be a whole number of pixels from {MIN_WIDTH} to {MAX_WIDTH}, got {value!r}")
    return value


def _seconds(value, name, options):  # hold and fps; Timing checks their ranges
    if not is_number(value):
        raise SpecError(name, f"must be a number {HOLD_RANGE if name == 'hold' else FPS_RANGE}, got {value!r}")
    return value


def _boolean(value, name, options):
    if not isinstance(value, bool):
        raise SpecError(name, f"must be true or false, got {value!r}")
    return value


def _line(value, name, options):
    if value is not None and not isinstance(value, str):
        raise SpecError(name, f"must be text, got {value!r}")
    if value is not None and not value.isprintable():
        raise SpecError(name, "must be one line of printable text (no line breaks or control characters)")
    return value


def _theme(value, name, options) -> Theme:
    return load_theme(value)


def _canvas(value, name, options):
    if value is not None:
        from .canvas import canvas_size

        canvas_size(value, options.width)  # refuses a malformed size now
    return value


def _decimals(value, name, options):
    if value is not None and (not _whole(value) or not 0 <= value <= 6):
        raise SpecError(name, f"must be a whole number from 0 to 6, got {value!r}")
    return value


def _count(value, name, options):
    if not _whole(value) or value < 1:
        raise SpecError(name, f"must be a whole number, at least 1, got {value!r}")
    return value


def _steps(value, name, options):
    return parse_steps(value)


def _is_bool(value) -> bool:
    return isinstance(value, bool)


def _is_text(value) -> bool:
    return isinstance(value, str)


@dataclass(frozen=True)
class RenderOptions:
    """How a figure looks and moves. Sizes are in pixels, times in seconds."""

    width: int = _option(
        1080, "--width", f"Figure width in pixels ({MIN_WIDTH} to {MAX_WIDTH}). Default {{default}}.", "int", _width,
        "PX", ("an integer (pixels)", is_int),
    )
    hold: float = _option(
        1.0, "--hold", "How long each step stays. Default {default}.", "float", _seconds,
        "SECONDS", ("a number (seconds per step)", is_number),
    )
    fps: float = _option(
        DEFAULT_FPS, "--fps", "Frames per second while the kernel glides (with --glide). Default {default:g}.", "float",
        _seconds, template=("a number (frames per second)", is_number),
    )
    glide: bool = _option(
        False, "--glide/--no-glide", "Move the kernel smoothly between positions instead of jumping.", "switch",
        _boolean, template=("true or false", _is_bool),
    )
    panel: bool = _option(
        True, "--panel/--no-panel", "The info panel: title, PyTorch call and size formula. Default: on.", "switch",
        _boolean, template=("true or false", _is_bool),
    )
    title: str | None = _option(  # no template value here: a template's title is its own top-level key
        None, "--title",
        "The panel's title. Default: the template's, unless the options change its convolution; else one made of the parameters.",
        "str", _line,
    )
    credit: str | None = _option(
        None, "--credit", "A credit line in the bottom right corner.", "str", _line,
        template=("a string", _is_text),
    )
    # Kept as a Theme once loaded, so a theme file is read and checked once, not per figure.
    theme: Theme | str | os.PathLike = _option(
        DEFAULT, "--theme", "Colours: light (default), dark, transparent (no background), colorblind, or a theme .toml file.",
        "str", _theme, "NAME|FILE",
    )
    canvas: str | None = _option(  # kept as written: a ratio follows the width, should it be replaced later
        None, "--canvas",
        "A fixed frame size, e.g. 1920x1080, or a ratio such as 16:9 (width from --width): the figure is laid out for it, "
        "type sized for its width (the panel beside the grids where that fits better), or refused naming a size that fits.",
        "str", _canvas, "WxH|W:H",
    )
    decimals: int | None = _option(
        None, "--decimals",
        "Decimals of every number in the cells (0 to 6); by default each row picks the fewest that show its values.",
        "int", _decimals, "N",
    )
    show_pending: bool = _option(
        False, "--show-pending", "Show the values of outputs not yet computed, in grey.", "flag", _boolean,
    )
    every: int = _option(
        1, "--every", "Draw every Nth step (1, 1+N, …); the outputs in between still fill in. Default {default}.", "int",
        _count, "N",
    )
    steps: str | tuple | None = _option(  # kept parsed, ((1, 5), (9, 9)): a bad range is refused with the options, before drawing
        None, "--steps", "Draw only these steps, counted from 1, e.g. 1-8,30. Default: all.", "str", _steps, "A-B[,C-D]",
    )
    max_frames: int = _option(
        DEFAULT_MAX_FRAMES, "--max-frames", "Refuse, before drawing, a figure of more frames. Default {default}.", "int",
        _count, "N",
    )

    def __post_init__(self):
        for name, option in OPTIONS.items():
            object.__setattr__(self, name, option.check(getattr(self, name), name, self))
        self.timing  # Timing checks the ranges of hold and fps

    @property
    def timing(self) -> Timing:
        return Timing(self.hold, self.fps, self.glide)


# Every render option by name, in the command line's order.
OPTIONS: dict[str, Option] = {f.name: f.metadata["option"] for f in fields(RenderOptions)}
# Each option's help with its default filled in.
HELP: dict[str, str] = {f.name: f.metadata["option"].help.format(default=f.default) for f in fields(RenderOptions)}
# The render options a template may set, in that order.
TEMPLATE_KEYS: tuple[str, ...] = tuple(name for name, option in OPTIONS.items() if option.template is not None)


def template_rule(name: str, value) -> str | None:
    """The rule a template's TOML ``value`` for render option ``name`` breaks, or None."""
    what, test = OPTIONS[name].template
    return None if test(value) else f"must be {what}, got {kind(value)}"


def options_with(options: RenderOptions | None = None, changes: dict | None = None) -> RenderOptions:
    """``options`` (the defaults if None) with ``changes``, keyword arguments
    named as ``RenderOptions``'s fields: how every public call that draws
    (``render``, ``frames``, ``Animation.save``) takes its options, so they
    all take the same keywords and refuse a misspelt one alike."""
    if options is None:
        options = RenderOptions()
    elif not isinstance(options, RenderOptions):
        raise SpecError("options", f"must be a RenderOptions (or keyword arguments), got {type(options).__name__}")
    unknown = sorted(set(changes or ()) - set(OPTIONS))
    if unknown:
        import difflib

        near = difflib.get_close_matches(unknown[0], OPTIONS, n=1)
        hint = f" (did you mean {near[0]}?)" if near else ""
        raise SpecError(unknown[0], f"is not a render option{hint}; they are {', '.join(OPTIONS)}")
    return replace(options, **changes) if changes else options
