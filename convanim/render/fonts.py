"""Type: the DejaVu faces, each string's coverage and width, typeset formulas.

Fonts are the DejaVu faces matplotlib ships, so every machine sets the same
pixels; matplotlib's mathtext typesets formulas without TeX (``typeset.py``,
cached on disk). Coverage and widths are cached: a figure writes the same
numbers at the same sizes over and over. This module knows nothing of
convolutions.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageFont

from .typeset import typeset


@functools.lru_cache(maxsize=None)
def _font_dir() -> Path:
    # Found without importing matplotlib (a tenth of a second): its fonts
    # sit in the package's mpl-data folder.
    spec = importlib.util.find_spec("matplotlib")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location) / "mpl-data" / "fonts" / "ttf"
        if (folder / _FACES[("sans", False)]).is_file():
            return folder
    import matplotlib  # an unusual installation: ask matplotlib itself

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


_FACES = {
    ("sans", False): "DejaVuSans.ttf",
    ("sans", True): "DejaVuSans-Bold.ttf",
    ("mono", False): "DejaVuSansMono.ttf",
    ("mono", True): "DejaVuSansMono-Bold.ttf",
    ("sans-italic", False): "DejaVuSans-Oblique.ttf",
    ("sans-italic", True): "DejaVuSans-BoldOblique.ttf",
}


@functools.lru_cache(maxsize=256)
def font(family: str = "sans", size: float = 15, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A DejaVu face at ``size`` pixels (rounded to a quarter pixel for caching)."""
    return ImageFont.truetype(str(_font_dir() / _FACES[(family, bold)]), size=max(1.0, round(size * 4) / 4))


@functools.lru_cache(maxsize=256)
def cap_height(family: str, size: float, bold: bool) -> float:
    """How far a digit's top stands above the baseline (negative, y down)."""
    return font(family, size, bold).getbbox("0", anchor="ls")[1]


@functools.lru_cache(maxsize=16384)
def glyphs(family: str, size: float, bold: bool, text: str, anchor: str):
    """The coverage of ``text`` anchored on a whole pixel, and its offset
    from that pixel, as ImageDraw.text places it.

    Set from each character's cached coverage, as FreeType sets a line (each
    glyph on the whole pixel nearest its pen position, the pen moved by the
    advance and the pair's kerning): rendering a new number whole costs a
    FreeType render per glyph, and a figure writes thousands of numbers
    made of a dozen characters. Where two glyphs' coverage overlaps, the
    greater is kept, which FreeType does not always do: such pixels may
    differ from Pillow's own rendering by a few levels (up to about 30 of
    255 in small bold type), the glyphs' shapes and places never."""
    if len(text) < 2 or "\n" in text:
        return font(family, size, bold).getmask2(text, "L", anchor=anchor)
    pen, places = 0.0, []
    last = len(text) - 1
    left = top = math.inf
    right = bottom = -math.inf
    for i, character in enumerate(text):
        coverage, dx, dy = glyph(family, size, bold, character)
        x = math.floor(pen + 0.5) + dx
        height, width = coverage.shape
        places.append((coverage, x, dy, height, width))
        left, top = min(left, x), min(top, dy)
        right, bottom = max(right, x + width), max(bottom, dy + height)
        if i < last:
            pair = text[i : i + 2]
            pen += advance(pair, family, size, bold) - advance(pair[1], family, size, bold)
    mask = np.zeros((bottom - top, right - left), np.uint8)
    reach = left  # nothing is set right of this yet
    for coverage, x, y, height, width in places:
        area = mask[y - top : y - top + height, x - left : x - left + width]
        if x >= reach:  # over nothing set yet: a copy is the maximum
            area[...] = coverage
        else:
            np.maximum(area, coverage, out=area)
        reach = max(reach, x + width)
    if anchor[0] == "l":
        along = 0.0
    else:
        along = advance(text, family, size, bold) / (2 if anchor[0] == "m" else 1)
    down = 0 if anchor[1] == "s" else font(family, size, bold).getmetrics()[0]  # "a": from the ascender line
    # An image over the mask's own bytes, as Image.frombuffer maps them (it
    # keeps them alive): no copy, and none of a whole Image's making.
    image = Image.core.map_buffer(mask, (right - left, bottom - top), "raw", 0, ("L", 0, 1))
    return image, (left - math.floor(along + 0.5), top + down)


@functools.lru_cache(maxsize=4096)
def glyph(family: str, size: float, bold: bool, character: str) -> tuple[np.ndarray, int, int]:
    """One character's coverage, and its offset from its pen position on the baseline."""
    mask, (dx, dy) = font(family, size, bold).getmask2(character, "L", anchor="ls")
    return np.asarray(Image.Image()._new(mask)), dx, dy


# Text this long, with a space, is drawn word by word (``Painter._words``).
COMPOSED = 10


@functools.lru_cache(maxsize=16384)
def advance(text: str, family: str, size: float, bold: bool) -> float:
    """How far ``text`` moves the pen: its characters' advances and each
    pair's kerning, as ``glyphs`` sets them (FreeType's own measure of a new
    string costs about as much as rendering it, and figures measure
    thousands of new numbers and terms)."""
    if len(text) < 3:
        return font(family, size, bold).getlength(text)
    return sum(advance(text[i : i + 2], family, size, bold) - advance(text[i + 1], family, size, bold) for i in range(len(text) - 1)) + advance(
        text[-1], family, size, bold
    )


def text_width(text: str, family: str = "sans", size: float = 15, bold: bool = False) -> float:
    """How wide ``text`` is drawn: a long line as its words and spaces, as ``Painter.text`` sets it."""
    if len(text) >= COMPOSED and " " in text:
        return words_width(text.split(" "), family, size, bold)
    return advance(text, family, size, bold)


def words_width(words: list[str], family: str, size: float, bold: bool) -> float:
    return sum(advance(word, family, size, bold) for word in words) + advance(" ", family, size, bold) * (len(words) - 1)


@functools.lru_cache(maxsize=64)
def math_alpha(source: str, size: float) -> np.ndarray:
    """The coverage mask of a mathtext formula, in Computer Modern (typeset
    once, then read from the disk cache: see typeset.py)."""
    alpha = typeset(source, size).copy()
    alpha.setflags(write=False)
    return alpha


def math_size(source: str, size: float) -> tuple[int, int]:
    """(width, height) of a formula typeset at ``size`` pixels."""
    alpha = math_alpha(source, size)
    return alpha.shape[1], alpha.shape[0]


def fit_text(text: str, size: float, room: float, family: str = "sans", bold: bool = False, least: float = 0.6) -> tuple[str, float]:
    """``text`` at the largest size up to ``size`` that fits ``room`` pixels,
    down to ``least`` of it; past that, cut short with an ellipsis."""
    width = text_width(text, family, size, bold)
    if width <= room:
        return text, size
    size = max(size * least, size * room / width)
    while text and text_width(text, family, size, bold) > room:
        text = text[:-2] + "…" if len(text) > 1 else ""
    return text, size
