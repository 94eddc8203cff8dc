"""Raster primitives: rectangles, text and typeset formulas on an RGB image.

Pillow draws (its FreeType text is anti-aliased and fast, and whole-pixel
rectangles stay crisp); matplotlib's mathtext typesets formulas without TeX.
Fonts are the DejaVu faces matplotlib ships, so every machine draws the same
pixels. This module knows nothing of convolutions.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .theme import TRANSPARENT, hex_rgb
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
def _cap_height(family: str, size: float, bold: bool) -> float:
    """How far a digit's top stands above the baseline (negative, y down)."""
    return font(family, size, bold).getbbox("0", anchor="ls")[1]


@functools.lru_cache(maxsize=16384)
def _glyphs(family: str, size: float, bold: bool, text: str, anchor: str):
    """The coverage of ``text`` anchored on a whole pixel, and its offset
    from that pixel: what ImageDraw.text draws."""
    return font(family, size, bold).getmask2(text, "L", anchor=anchor)


@functools.lru_cache(maxsize=16384)
def _length(text: str, family: str, size: float, bold: bool) -> float:
    return font(family, size, bold).getlength(text)


def text_width(text: str, family: str = "sans", size: float = 15, bold: bool = False) -> float:
    return _length(text, family, size, bold)


@functools.lru_cache(maxsize=64)
def _math_alpha(source: str, size: float) -> np.ndarray:
    """The coverage mask of a mathtext formula, in Computer Modern (typeset
    once, then read from the disk cache: see typeset.py)."""
    alpha = typeset(source, size).copy()
    alpha.setflags(write=False)
    return alpha


def math_size(source: str, size: float) -> tuple[int, int]:
    """(width, height) of a formula typeset at ``size`` pixels."""
    alpha = _math_alpha(source, size)
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


class Painter:
    """Draws on one RGB image. Coordinates are pixels, y pointing down.

    The renderer draws through these methods only (``rect``, ``line``,
    ``polygon``, ``text``, ``math``), so a stand-in with the same methods
    (``record.RecordingPainter``) can take its place.

    On a transparent background (``blank(..., "transparent")``) it also keeps
    an alpha layer: each shape is drawn into the colour image (over black)
    and, fully opaque, into the alpha layer with the same coverage, which is
    compositing with premultiplied alpha; ``array`` divides the alpha back
    out, so anti-aliased edges over nothing keep their own colour.
    """

    def __init__(self, image: Image.Image, alpha: Image.Image | None = None):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.alpha = alpha
        self._alpha_draw = ImageDraw.Draw(alpha) if alpha is not None else None
        self.touched: tuple[int, int, int, int] | None = None  # the box drawn on since made or copied

    def _touch(self, left: float, top: float, right: float, bottom: float) -> None:
        box = (math.floor(left) - 1, math.floor(top) - 1, math.ceil(right) + 2, math.ceil(bottom) + 2)
        if self.touched is not None:
            box = (min(box[0], self.touched[0]), min(box[1], self.touched[1]), max(box[2], self.touched[2]), max(box[3], self.touched[3]))
        self.touched = box

    def _touch_points(self, points, reach: float) -> None:
        xs, ys = [x for x, _ in points], [y for _, y in points]
        self._touch(min(xs) - reach, min(ys) - reach, max(xs) + reach, max(ys) + reach)

    @classmethod
    def blank(cls, width: int, height: int, colour: str) -> Painter:
        """A canvas of ``colour``, or a transparent one for ``"transparent"``."""
        if colour == TRANSPARENT:
            return cls(Image.new("RGB", (width, height)), Image.new("L", (width, height)))
        return cls(Image.new("RGB", (width, height), hex_rgb(colour)))

    def copy(self) -> Painter:
        return Painter(self.image.copy(), self.alpha.copy() if self.alpha is not None else None)

    def array(self, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """(H, W, 3) RGB, or (H, W, 4) RGBA (straight alpha) when transparent;
        of the (left, top, right, bottom) ``box`` only, when given."""
        rgb = np.asarray(self.image if box is None else self.image.crop(box))
        if self.alpha is None:
            return rgb
        alpha = np.asarray(self.alpha if box is None else self.alpha.crop(box))
        covered = np.maximum(alpha, 1)[..., None].astype(np.uint16)
        straight = np.minimum((rgb.astype(np.uint16) * 255 + covered // 2) // covered, 255).astype(np.uint8)
        return np.dstack((straight, alpha))

    def paste_from(self, other: Painter, box: tuple[int, int, int, int]) -> None:
        """Copy ``other``'s pixels inside the (left, top, right, bottom) ``box``."""
        self.image.paste(other.image.crop(box), box[:2])
        if self.alpha is not None:
            self.alpha.paste(other.alpha.crop(box), box[:2])

    def rect(self, x: float, y: float, w: float, h: float, fill: str | None, edge: str | None = None, edge_px: int = 1) -> None:
        """A rectangle snapped to whole pixels; the edge is drawn inside it."""
        x0, y0 = round(x), round(y)
        x1, y1 = round(x + w), round(y + h)
        self._touch(x0, y0, x1, y1)
        self.draw.rectangle(
            (x0, y0, x1, y1),
            fill=hex_rgb(fill) if fill else None,
            outline=hex_rgb(edge) if edge else None,
            width=edge_px if edge else 0,
        )
        if self._alpha_draw is not None:
            self._alpha_draw.rectangle((x0, y0, x1, y1), fill=255 if fill else None, outline=255 if edge else None, width=edge_px if edge else 0)

    def line(self, points: list[tuple[float, float]], colour: str, width_px: int = 1) -> None:
        points = [(round(x), round(y)) for x, y in points]
        self.draw.line(points, fill=hex_rgb(colour), width=width_px)
        self._touch_points(points, width_px)
        if self._alpha_draw is not None:
            self._alpha_draw.line(points, fill=255, width=width_px)

    def polygon(self, points: list[tuple[float, float]], colour: str) -> None:
        """A filled polygon, its corners snapped to whole pixels."""
        points = [(round(x), round(y)) for x, y in points]
        self.draw.polygon(points, fill=hex_rgb(colour))
        self._touch_points(points, 1)
        if self._alpha_draw is not None:
            self._alpha_draw.polygon(points, fill=255)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        colour: str,
        *,
        align: str = "centre",
        family: str = "sans",
        bold: bool = False,
        valign: str = "middle",
    ) -> float:
        """Draw ``text`` and return its width.

        ``valign="middle"`` centres digits and capitals on ``y`` (their visual
        middle, half the cap height above the baseline); ``"top"`` hangs the
        line below ``y``.
        """
        width = _length(text, family, size, bold)
        left = {"centre": x - width / 2, "left": x, "right": x - width}[align]
        reach = (-size, size) if valign == "middle" else (-0.1 * size, 1.4 * size)
        self._touch(left - 0.2 * size, y + reach[0], left + width + 0.2 * size, y + reach[1])
        anchor = {"centre": "m", "left": "l", "right": "r"}[align]
        if valign == "middle":
            at, anchor = (x, y - _cap_height(family, size, bold) / 2), anchor + "s"
        else:
            at, anchor = (x, y), anchor + "a"
        # What ImageDraw.text does, with the glyphs' coverage cached: a figure
        # writes the same numbers at the same sizes over and over. Placed on
        # whole pixels (half a pixel off at most), a number drawn again is a
        # copy of its coverage: cached on a fraction of a pixel, nearly every
        # place a number moves to would render it anew.
        mask, (dx, dy) = _glyphs(family, size, bold, text, anchor)
        where = (round(at[0]) + dx, round(at[1]) + dy)
        self.draw.draw.draw_bitmap(where, mask, self.draw._getink(hex_rgb(colour))[0])
        if self._alpha_draw is not None:
            self._alpha_draw.draw.draw_bitmap(where, mask, self._alpha_draw._getink(255)[0])
        return width

    def math(self, x: float, y: float, source: str, size: float, colour: str) -> tuple[int, int]:
        """Typeset ``source`` (mathtext) with its top-left corner at (x, y)."""
        alpha = _math_alpha(source, size)
        mask = Image.fromarray(alpha, mode="L")
        ink = Image.new("RGB", mask.size, hex_rgb(colour))
        self.image.paste(ink, (round(x), round(y)), mask)
        self._touch(x, y, x + mask.size[0], y + mask.size[1])
        if self.alpha is not None:
            self.alpha.paste(255, (round(x), round(y), round(x) + mask.width, round(y) + mask.height), mask)
        return mask.size
