"""Raster primitives: rectangles, cells, text and typeset formulas on an RGB image.

Pillow draws (its FreeType text is anti-aliased and fast, and whole-pixel
rectangles stay crisp); the type comes from ``fonts.py``. A canvas's pixels
are numpy arrays in whole blocks, so that boxes and sets of blocks are
copied between canvases as array slices. This module knows nothing of
convolutions.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .fonts import COMPOSED, advance, cap_height, glyphs, math_alpha, text_width, words_width
from .theme import TRANSPARENT, hex_rgb


# px: a canvas's arrays are kept in whole blocks of this side, padded past
# the picture, so that the tiles a frame changed (``incremental``) are whole
# blocks of its arrays however near the picture's edge.
BLOCK = 16


class _TileCache:
    """Drawn cells by what they show, the least recently used dropped past
    a budget of bytes (a lens page's cells, many times over, are a few MB)."""

    def __init__(self, budget: int):
        self._tiles: dict = {}
        self._bytes, self._budget = 0, budget

    def get(self, key):
        tile = self._tiles.pop(key, None)
        if tile is not None:
            self._tiles[key] = tile  # the most recent last
        return tile

    def put(self, key, tile: np.ndarray) -> np.ndarray:
        self._tiles[key] = tile
        self._bytes += tile.nbytes
        while self._bytes > self._budget:
            self._bytes -= self._tiles.pop(next(iter(self._tiles))).nbytes
        return tile


_TILES = _TileCache(8 << 20)  # (the 1,024-step case draws as fast with 4 MiB as with 24; each of its two processes holds one)
_SCRATCH = None  # the canvas cells are drawn on before they are kept (``Painter._cell_tile``)
_INKS: dict[str, int] = {}  # Pillow's ink of each colour on an RGBX image (``Painter._ink``)

# Where each cell drawn goes, by ``Painter.cell``'s arguments: its whole
# pixels, its number's coverage and place in it. A figure draws a cell at
# the same place with the same number many times (a weight's tag at every
# step); this is worked out once.
_PLACED: dict = {}
MAX_PLACED = 1 << 16


def _place_cell(x, y, w, h, text, tx, ty, size, family, bold):
    """(x0, y0, x1, y1, mask, at): the cell's whole pixels (far edges
    included), its number's coverage (None: no number, or one that leans
    out of the cell, drawn as ``text`` draws it) and where the coverage's
    corner goes, from the cell's."""
    x0, y0, x1, y1 = round(x), round(y), round(x + w), round(y + h)
    if not text:
        return x0, y0, x1, y1, None, None
    # Placed from the cell's corner, so that a number sits the same in
    # every cell of a size (rounding ties on the page would put it half
    # a pixel either way by the cell's place), and a row of cells moved
    # by whole pixels is the row drawn there.
    mask, (left, top) = Painter._text_mask(tx - x0, ty - y0, text, size, family, bold, "centre", "middle")
    if not (0 <= left and 0 <= top and x0 + left + mask.size[0] <= x1 + 1 and y0 + top + mask.size[1] <= y1 + 1):
        return x0, y0, x1, y1, None, None  # the number leans out of its cell
    return x0, y0, x1, y1, mask, (left, top)


def _shared(pixels: np.ndarray, mode: str) -> Image.Image:
    """A Pillow image drawn straight into ``pixels`` (C-contiguous)."""
    height, width = pixels.shape[:2]
    image = Image.frombuffer(mode, (width, height), pixels, "raw", mode, 0, 1)
    image.readonly = 0  # the array is ours to draw in: Pillow would otherwise copy it on the first stroke
    return image


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

    def __init__(self, pixels: np.ndarray, alpha: np.ndarray | None = None, size: tuple[int, int] | None = None):
        # The pixels are numpy arrays that Pillow draws into in place
        # (RGBX: four bytes a pixel, as Pillow keeps RGB), so a box is read
        # or copied from another canvas as an array slice, with none of the
        # cost of a crop. ``size`` (width, height) is the picture's, where
        # the arrays run on past it (``blank``).
        self.pixels, self.alpha_pixels = pixels, alpha
        self.width, self.height = size if size is not None else (pixels.shape[1], pixels.shape[0])
        self.image = _shared(pixels, "RGBX")
        self.draw = ImageDraw.Draw(self.image)
        self.alpha = _shared(alpha, "L") if alpha is not None else None
        self._alpha_draw = ImageDraw.Draw(self.alpha) if alpha is not None else None

    @classmethod
    def blank(cls, width: int, height: int, colour: str) -> Painter:
        """A canvas of ``colour``, or a transparent one for ``"transparent"``;
        its arrays padded to whole blocks (``BLOCK``)."""
        rows, columns = -(-height // BLOCK) * BLOCK, -(-width // BLOCK) * BLOCK
        pixels = np.zeros((rows, columns, 4), np.uint8)
        if colour == TRANSPARENT:
            return cls(pixels, np.zeros((rows, columns), np.uint8), (width, height))
        pixels[..., :3] = hex_rgb(colour)
        return cls(pixels, None, (width, height))

    def copy(self) -> Painter:
        return Painter(self.pixels.copy(), self.alpha_pixels.copy() if self.alpha is not None else None, (self.width, self.height))

    def array(self, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
        """(H, W, 3) RGB, or (H, W, 4) RGBA (straight alpha) when transparent;
        of the (left, top, right, bottom) ``box`` only, when given."""
        whole = (0, 0, self.width, self.height)
        left, top, right, bottom = box = box if box is not None else whole
        # Pillow packs four bytes a pixel into three several times faster than numpy.
        image = self.image if box == (0, 0, *self.image.size) else self.image.crop(box)
        rgb = np.frombuffer(image.tobytes("raw", "RGB"), np.uint8).reshape(bottom - top, right - left, 3)
        if self.alpha is None:
            return rgb
        alpha = self.alpha_pixels[top:bottom, left:right]
        covered = np.maximum(alpha, 1)[..., None].astype(np.uint16)
        straight = np.minimum((rgb.astype(np.uint16) * 255 + covered // 2) // covered, 255).astype(np.uint8)
        return np.dstack((straight, alpha))

    def read_into(self, target: np.ndarray, box: tuple[int, int, int, int]) -> None:
        """Copy the (left, top, right, bottom) ``box`` into the same place of
        ``target``, an array as ``array`` gives."""
        left, top, right, bottom = box
        if self.alpha is not None:
            target[top:bottom, left:right] = self.array(box)
            return
        # A channel at a time: numpy copies a plane with a stride several
        # times faster than three bytes out of every four.
        for channel in range(3):
            target[top:bottom, left:right, channel] = self.pixels[top:bottom, left:right, channel]

    def paste_from(self, other: Painter, box: tuple[int, int, int, int]) -> None:
        """Copy ``other``'s pixels inside the (left, top, right, bottom) ``box``."""
        left, top, right, bottom = box
        self.pixels[top:bottom, left:right] = other.pixels[top:bottom, left:right]
        if self.alpha is not None:
            self.alpha_pixels[top:bottom, left:right] = other.alpha_pixels[top:bottom, left:right]

    def shift(self, box: tuple[int, int, int, int], dx: int) -> None:
        """Move the pixels inside the (left, top, right, bottom) ``box`` ``dx``
        pixels to the right (left, negative); those moved out of the box are
        lost, those it leaves behind stay as they were."""
        left, top, right, bottom = box
        for layer in (self.pixels, self.alpha_pixels) if self.alpha is not None else (self.pixels,):
            if dx < 0:
                layer[top:bottom, left : right + dx] = layer[top:bottom, left - dx : right]
            elif dx > 0:
                layer[top:bottom, left + dx : right] = layer[top:bottom, left : right - dx]

    def rect(self, x: float, y: float, w: float, h: float, fill: str | None, edge: str | None = None, edge_px: int = 1) -> None:
        """A rectangle snapped to whole pixels; the edge is drawn inside it."""
        box = (round(x), round(y), round(x + w), round(y + h))
        # What ImageDraw.rectangle does, with the inks looked up once (``_ink``).
        fill_ink = self._ink(fill) if fill else None
        if fill_ink is not None:
            self.draw.draw.draw_rectangle(box, fill_ink, 1)
        if edge and edge_px != 0:
            ink = self._ink(edge)
            if ink != fill_ink:
                self.draw.draw.draw_rectangle(box, ink, 0, edge_px)
        if self._alpha_draw is not None:
            self._alpha_draw.rectangle(box, fill=255 if fill else None, outline=255 if edge else None, width=edge_px if edge else 0)

    def line(self, points: list[tuple[float, float]], colour: str, width_px: int = 1) -> None:
        points = [(round(x), round(y)) for x, y in points]
        if width_px != 0:
            self.draw.draw.draw_lines(points, self._ink(colour), width_px)  # ImageDraw.line, its ink looked up once
        if self._alpha_draw is not None:
            self._alpha_draw.line(points, fill=255, width=width_px)

    def polygon(self, points: list[tuple[float, float]], colour: str) -> None:
        """A filled polygon, its corners snapped to whole pixels."""
        points = [(round(x), round(y)) for x, y in points]
        self.draw.draw.draw_polygon(points, self._ink(colour), 1)  # ImageDraw.polygon, its ink looked up once
        if self._alpha_draw is not None:
            self._alpha_draw.polygon(points, fill=255)

    def _ink(self, colour: str) -> int:
        """Pillow's ink for ``colour`` on these pixels, worked out once per
        colour (ImageDraw works it out again at every stroke)."""
        ink = _INKS.get(colour)
        if ink is None:
            ink = _INKS[colour] = self.draw.draw.draw_ink(hex_rgb(colour))
        return ink

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
        if len(text) >= COMPOSED and " " in text:
            return self._words(x, y, text, size, colour, align, family, bold, valign)
        mask, where = self._text_mask(x, y, text, size, family, bold, align, valign)
        self._stamp(mask, where, colour)
        return text_width(text, family, size, bold)

    def _stamp(self, mask, where: tuple[int, int], colour: str) -> None:
        self.draw.draw.draw_bitmap(where, mask, self._ink(colour))
        if self._alpha_draw is not None:
            self._alpha_draw.draw.draw_bitmap(where, mask, self._alpha_draw._getink(255)[0])

    def _words(self, x, y, text, size, colour, align, family, bold, valign) -> float:
        """A long line word by word, each word's coverage cached: a product
        line or a counter is new at every step, its words are not. Each word
        starts on a whole pixel, as FreeType places each glyph of a line."""
        words = text.split(" ")
        space = advance(" ", family, size, bold)
        widths = [advance(word, family, size, bold) for word in words]
        width = words_width(words, family, size, bold)
        left = {"centre": x - width / 2, "left": x, "right": x - width}[align]
        if valign == "middle":
            baseline, anchor = y - cap_height(family, size, bold) / 2, "ls"
        else:
            baseline, anchor = y, "la"
        for word, room in zip(words, widths):
            if word:
                mask, (dx, dy) = glyphs(family, size, bold, word, anchor)
                self._stamp(mask, (round(left) + dx, round(baseline) + dy), colour)
            left += room + space
        return width

    @staticmethod
    def _text_mask(x, y, text, size, family, bold, align, valign):
        """The coverage of ``text`` placed as ``text`` places it, and the
        whole pixel where its top-left corner goes."""
        anchor = {"centre": "m", "left": "l", "right": "r"}[align]
        if valign == "middle":
            at, anchor = (x, y - cap_height(family, size, bold) / 2), anchor + "s"
        else:
            at, anchor = (x, y), anchor + "a"
        # What ImageDraw.text does, with the glyphs' coverage cached: a figure
        # writes the same numbers at the same sizes over and over. Placed on
        # whole pixels (half a pixel off at most), a number drawn again is a
        # copy of its coverage: cached on a fraction of a pixel, nearly every
        # place a number moves to would render it anew.
        mask, (dx, dy) = glyphs(family, size, bold, text, anchor)
        return mask, (round(at[0]) + dx, round(at[1]) + dy)

    def cell(
        self, x: float, y: float, w: float, h: float, fill: str, edge: str | None, edge_px: int = 1,
        text: str = "", tx: float = 0.0, ty: float = 0.0, size: float = 15, colour: str = "#000000",
        *, family: str = "sans", bold: bool = False,
    ) -> None:
        """``rect`` with a ``fill``, then ``text`` centred on (``tx``, ``ty``):
        a cell and its number, pixel for pixel as those two calls draw them.

        A figure draws the same cells over and over (a lens page turning, a
        weight's tag at every step); what a filled cell shows depends on
        nothing beneath it, so each is drawn once, kept, and copied in."""
        args = (x, y, w, h, text, tx, ty, size, family, bold)
        placed = _PLACED.get(args)
        if placed is None:
            if len(_PLACED) >= MAX_PLACED:
                _PLACED.clear()
            placed = _PLACED[args] = _place_cell(*args)
        x0, y0, x1, y1, mask, at = placed
        if (text and mask is None) or not (0 <= x0 and 0 <= y0 and x1 < self.width and y1 < self.height):
            self.rect(x, y, w, h, fill, edge, edge_px)
            if text:
                self.text(tx, ty, text, size, colour, family=family, bold=bold)
            return
        key = (x1 - x0, y1 - y0, fill, edge, edge_px, text, size, colour, family, bold, at)
        tile = _TILES.get(key)
        if tile is None:
            tile = _TILES.put(key, self._cell_tile(x1 - x0 + 1, y1 - y0 + 1, fill, edge, edge_px, mask, at, colour))
        self.pixels[y0 : y1 + 1, x0 : x1 + 1] = tile
        if self.alpha is not None:
            self.alpha_pixels[y0 : y1 + 1, x0 : x1 + 1] = 255  # a filled cell is opaque throughout

    @staticmethod
    def _cell_tile(width, height, fill, edge, edge_px, mask, at, colour) -> np.ndarray:
        """A cell drawn alone, its top-left corner at (0, 0): on a scratch
        canvas (making a canvas costs as much as drawing a cell), whose
        corner the cell's filled rectangle covers whole."""
        global _SCRATCH
        if _SCRATCH is None or width > _SCRATCH.width or height > _SCRATCH.height:
            _SCRATCH = Painter(np.zeros((max(height, 256), max(width, 256), 4), np.uint8))
        _SCRATCH.rect(0, 0, width - 1, height - 1, fill, edge, edge_px if edge else 0)
        if mask is not None:
            _SCRATCH.draw.draw.draw_bitmap(at, mask, _SCRATCH._ink(colour))
        tile = _SCRATCH.pixels[:height, :width].copy()
        tile.setflags(write=False)
        return tile

    def math(self, x: float, y: float, source: str, size: float, colour: str) -> tuple[int, int]:
        """Typeset ``source`` (mathtext) with its top-left corner at (x, y)."""
        alpha = math_alpha(source, size)
        mask = Image.fromarray(alpha, mode="L")
        ink = Image.new("RGBX", mask.size, hex_rgb(colour))
        self.image.paste(ink, (round(x), round(y)), mask)
        if self.alpha is not None:
            self.alpha.paste(255, (round(x), round(y), round(x) + mask.width, round(y) + mask.height), mask)
        return mask.size
