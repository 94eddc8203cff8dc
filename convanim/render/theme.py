"""Colours: what a figure looks like, as data.

A theme gives each role of the picture its colour: green input, blue padding,
red kernel, orange output, grey pending in the light theme (the article's
colours, so its readers recognise the figures); groups add a hue of their own,
shown as a stripe beside every row they own.

The built-in themes are TOML files in the repository's top-level ``themes/``
folder, installed as the package ``convanim._themes`` (like the templates). A
user theme is a TOML file of the same keys; it starts from ``base`` (a
built-in theme, ``light`` unless it says otherwise) and changes what it names::

    base = "dark"
    kernel = "#ff6b6b"
    groups = ["#7048e8", "#0c8599"]

Every colour is ``#rrggbb`` (or ``#rgb``); ``background`` may also be
``transparent``. Anything else is one ``ThemeError`` naming the key.
"""

from __future__ import annotations

import colorsys
import difflib
import functools
import os
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..errors import ThemeError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

RGB = tuple[int, int, int]

BUILTIN_PACKAGE = "convanim._themes"  # where the built-in themes are installed (see pyproject.toml)
BUILTIN_FOLDER = "themes"  # the same files in a source tree
DEFAULT = "light"
TRANSPARENT = "transparent"  # the one background that is not a colour


@functools.lru_cache(maxsize=256)  # a figure draws a few colours thousands of times
def hex_rgb(code: str) -> RGB:
    code = code.lstrip("#")
    return tuple(int(code[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


@functools.lru_cache(maxsize=256)
def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour, 0 (black) to 1 (white)."""

    def linear(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in hex_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21 (text needs 4.5)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def legible(colour: str, pages: tuple[str, ...], ratio: float = 4.5) -> str:
    """``colour``, or the nearest colour of its hue and saturation that text
    can be written in on every one of ``pages`` at ``ratio``:1 contrast."""
    if all(contrast_ratio(colour, page) >= ratio for page in pages):
        return colour
    h, lightness, s = colorsys.rgb_to_hls(*(v / 255 for v in hex_rgb(colour)))

    def at(l: float) -> str:
        return "#{:02x}{:02x}{:02x}".format(*(round(v * 255) for v in colorsys.hls_to_rgb(h, l, s)))

    # Luminance grows with HLS lightness: halve the interval towards the
    # lightness at which the worst page's contrast is best.
    darkest = min(relative_luminance(page) for page in pages)
    brightest = max(relative_luminance(page) for page in pages)
    best = 1.0 if brightest < 0.18 else 0.0 if darkest > 0.18 else None
    low, high = (lightness, 1.0) if best == 1.0 else (0.0, lightness) if best == 0.0 else (0.0, 1.0)
    for _ in range(24):
        middle = (low + high) / 2
        luminance = relative_luminance(at(middle))
        if best == 0.0:  # darken: keep the lightest shade that passes
            low, high = (middle, high) if all(contrast_ratio(at(middle), p) >= ratio for p in pages) else (low, middle)
        elif best == 1.0:  # lighten: keep the darkest shade that passes
            low, high = (low, middle) if all(contrast_ratio(at(middle), p) >= ratio for p in pages) else (middle, high)
        else:  # pages on both sides: aim at the middle luminance
            low, high = (middle, high) if luminance < 0.179 else (low, middle)
    return at(low if best == 0.0 else high if best == 1.0 else (low + high) / 2)


@dataclass(frozen=True)
class Theme:
    """The colours of a figure, one per role. Get one with ``load_theme``
    (a built-in theme's name or a TOML file); every field is a ``#rrggbb``
    colour, ``background`` may be ``"transparent"`` and ``groups`` is the
    palette of group hues."""

    name: str
    background: str
    text: str
    muted: str  # secondary labels: channel names, the step counter, the credit
    cell_edge: str
    cell_text: str  # numbers on dark fills
    cell_text_dark: str  # numbers on light fills
    input: str
    input_alt: str  # every other input channel, so rows read apart
    padding: str  # zero padding, and the word "padding" over it
    padding_copy: str  # reflect / replicate / circular copies
    kernel: str
    kernel_alt: str
    output_done: str
    output_done_alt: str
    output_current: str
    pending: str
    panel_rule: str
    groups: tuple[str, ...]  # the stripe beside the rows a group owns

    @property
    def transparent(self) -> bool:
        """Whether the background is left transparent (RGBA frames)."""
        return self.background == TRANSPARENT

    def text_on(self, fill: str) -> str:
        """The cell text colour with the higher contrast on ``fill``."""
        light, dark = self.cell_text, self.cell_text_dark
        return light if contrast_ratio(light, fill) >= contrast_ratio(dark, fill) else dark

    @property
    def pages(self) -> tuple[str, ...]:
        """What text on the background is read against: the background, or,
        when it is transparent, any page from white to black."""
        return ("#ffffff", "#000000") if self.transparent else (self.background,)

    def group_ink(self, group: int) -> str:
        """Group ``group``'s colour for text on the background: its hue, made
        darker or lighter where needed for 4.5:1 contrast."""
        return legible(self.group_colour(group), self.pages)

    def group_colour(self, group: int) -> str:
        """Group ``group``'s hue: the palette's, then generated ones that keep
        turning the colour wheel by the golden angle, at alternating
        lightness, so neighbouring groups never look alike."""
        if group < len(self.groups):
            return self.groups[group]
        extra = group - len(self.groups)
        hue = (0.11 + extra * 0.381966) % 1.0
        lightness = (0.38, 0.5, 0.3)[extra % 3]
        r, g, b = colorsys.hls_to_rgb(hue, lightness, 0.75)
        return "#{:02x}{:02x}{:02x}".format(*(round(v * 255) for v in (r, g, b)))


# The keys a theme file may set: every colour field, and `base`.
COLOUR_KEYS = tuple(f.name for f in fields(Theme) if f.name != "name")
FILE_KEYS = ("base",) + COLOUR_KEYS


def list_themes() -> tuple[str, ...]:
    """The names of the built-in themes, in alphabetical order."""
    return tuple(sorted(_builtin_files()))


def load_theme(theme) -> Theme:
    """A Theme from a Theme (as it is), a built-in theme's name, or a path to
    a TOML file (anything ending in ``.toml`` or holding a path separator)."""
    if isinstance(theme, Theme):
        return theme
    if not isinstance(theme, (str, os.PathLike)):
        raise ThemeError("theme", f"expected a theme name ({', '.join(list_themes())}), a .toml file or a Theme; got {type(theme).__name__}")
    text = os.fspath(theme)
    if isinstance(theme, os.PathLike) or text.endswith(".toml") or "/" in text or os.sep in text:
        path = Path(text).expanduser()
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ThemeError("theme", f"no theme file {text!r}") from None
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise ThemeError("theme", f"cannot read theme file {text!r} ({reason})") from None
        return parse_theme(source, name=path.stem, label=text)
    return builtin_theme(text)


@functools.lru_cache(maxsize=None)
def builtin_theme(name: str) -> Theme:
    """A built-in theme by name; its file sets every key."""
    files = _builtin_files()
    if name not in files:
        near = difflib.get_close_matches(name, sorted(files), 1)
        guess = f"did you mean {near[0]}? " if near else ""
        raise ThemeError("theme", f"unknown theme {name!r}; {guess}the built-in themes are {', '.join(sorted(files))}, or give a .toml file")
    return parse_theme(files[name].read_text(encoding="utf-8"), name=name, builtin=True)


def parse_theme(source: str, name: str, label: str | None = None, builtin: bool = False) -> Theme:
    """Check a theme file's TOML text and turn it into a Theme.

    A user's file starts from its ``base`` theme (default ``light``) and sets
    what it names; a built-in file sets every key. ``label`` names the file
    in error messages (default: ``name``).
    """
    label = label or name

    def fail(key: str | None, rule: str):
        raise ThemeError("theme", f"{label}: {key + ': ' if key else ''}{rule}")

    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        fail(None, f"not valid TOML: {error}")
    for key in data:
        if key not in FILE_KEYS:
            near = difflib.get_close_matches(key, FILE_KEYS, 1)
            guess = f"did you mean {near[0]}? " if near else ""
            fail(key, f"unknown key; {guess}a theme sets {', '.join(FILE_KEYS)}")
    colours = {}
    for key, value in data.items():
        if key == "groups":
            if not isinstance(value, list) or not value:
                fail(key, f"must be a list of one or more colours such as [\"#7048e8\", \"#0c8599\"]; got {value!r}")
            colours[key] = tuple(_colour(item, f"{key}[{i}]", fail) for i, item in enumerate(value))
        elif key != "base":
            colours[key] = _colour(value, key, fail, allow_transparent=key == "background")
    if builtin:
        missing = [key for key in COLOUR_KEYS if key not in colours]
        if missing:
            fail(missing[0], "missing; a built-in theme sets every colour")
        return Theme(name=name, **colours)
    base = data.get("base", DEFAULT)
    if not isinstance(base, str) or base not in _builtin_files():
        fail("base", f"must name a built-in theme ({', '.join(list_themes())}); got {base!r}")
    return replace(builtin_theme(base), name=name, **colours)


def __getattr__(name: str):
    # DEFAULT_THEME is read from its file when first asked for, not on import.
    if name == "DEFAULT_THEME":
        return builtin_theme(DEFAULT)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- helpers ---------------------------------------------------------------


def _colour(value, key: str, fail, allow_transparent: bool = False) -> str:
    """``#rrggbb`` in lower case, from ``#rrggbb`` or ``#rgb``."""
    if allow_transparent and value == TRANSPARENT:
        return TRANSPARENT
    digits = value[1:] if isinstance(value, str) and value.startswith("#") else None
    if digits is not None and len(digits) in (3, 6) and all(c in "0123456789abcdefABCDEF" for c in digits):
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return "#" + digits.lower()
    also = " or \"transparent\"" if allow_transparent else ""
    fail(key, f"must be a colour written #rrggbb or #rgb{also}; got {value!r}")


@functools.lru_cache(maxsize=None)
def _builtin_files() -> dict:
    """The built-in theme files by name."""
    from ..templates import builtin_root

    root = builtin_root(BUILTIN_PACKAGE, BUILTIN_FOLDER)
    if root is None:  # pragma: no cover - a broken installation
        raise ThemeError("theme", f"the built-in themes are not installed (no package {BUILTIN_PACKAGE})")
    return {entry.name[: -len(".toml")]: entry for entry in root.iterdir() if entry.name.endswith(".toml") and entry.is_file()}
