"""The GIF blocks of one frame: its control and descriptor blocks, its
colour table and its image data, from the colour keys that changed.

``GifEncoder`` (gif.py) decides which pixels each frame draws and when it is
written; ``FrameCoder`` turns that into bytes: palette indices inside the
changed boxes, the transparent index everywhere else, and the choice between
a local colour table and the global one.

Only numpy and Pillow are imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

import numpy as np

from .lzw import image_data, resized
from .palette import FigurePalette, _among, _keys_to_rgb

DISPOSE_NONE = 1  # "do not dispose": the next frame is drawn over this one
DISPOSE_CLEAR = 2  # "restore to background": the frame's box becomes transparent
# The key of a fully transparent pixel: outside the 24 bits of colour keys.
CLEAR = np.uint32(1 << 24)
# Image data this small is coded with both colour tables and the smaller
# kept; larger, only when the code widths say the global table is within
# _CLOSE bytes of winning.
_SMALL, _CLOSE = 2048, 64


def le16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def table_bits(entries: int) -> int:
    """Bits of a colour table that holds ``entries`` (GIF's minimum is 2 entries)."""
    return max(1, (entries - 1).bit_length())


def color_table(palette: np.ndarray, bits: int) -> bytes:
    table = np.zeros((1 << bits, 3), np.uint8)
    table[: len(palette)] = _keys_to_rgb(palette)
    return table.tobytes()


def with_clear(index_of: np.ndarray, opaque: np.ndarray, transparent: int) -> np.ndarray:
    """Palette indices for every key of a ``np.unique`` list: the colours'
    (``index_of``, for the ``opaque`` ones) and ``transparent`` for CLEAR."""
    full = np.full(len(opaque), transparent, np.int64)
    full[opaque] = index_of
    return full


def origin(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """(left, top, width, height) of a (left, top, right, bottom) box."""
    left, top, right, bottom = box
    return (left, top, right - left, bottom - top)


def control(delay_cs: int, transparent: int | None, dispose: int = DISPOSE_NONE) -> bytes:
    """A graphic control extension."""
    flags = (dispose << 2) | (transparent is not None)
    return b"!\xf9\x04" + bytes([flags]) + le16(delay_cs) + bytes([transparent or 0, 0])


def descriptor(left: int, top: int, width: int, height: int, *, local_bits: int | None) -> bytes:
    """An image descriptor, with a local colour table of ``local_bits`` or none."""
    flags = 0 if local_bits is None else 0x80 | (local_bits - 1)
    return b"," + le16(int(left)) + le16(int(top)) + le16(int(width)) + le16(int(height)) + bytes([flags])


def empty(delay_cs: int, box: tuple[int, int, int, int], dispose: int) -> bytes:
    """A frame of the transparent index over ``box``."""
    left, top, width, height = origin(box)
    return (
        control(delay_cs, 0, dispose)
        + descriptor(left, top, width, height, local_bits=1)
        + bytes(6)
        + image_data(np.zeros((height, width), np.uint8), 1, np.zeros(0, np.intp), 0)
    )


class FrameCoder:
    """Colour keys to GIF frame blocks, with the figure's palette and the
    global colour table (set once, from the first frame)."""

    def __init__(self, palette: FigurePalette, min_run: int | None = None):
        self.palette = palette
        self.min_run = min_run  # runs of the transparent index coded without Pillow (lzw.image_data)
        self.global_keys = np.zeros(0, np.uint32)  # the global colour table's keys, sorted
        self.global_bits = 1
        self._lut: np.ndarray | None = None  # colour key -> palette index, reused
        self._indices = np.zeros(0, np.uint8)  # a frame's rectangle of palette indices, reused

    def first(self, keys: np.ndarray) -> tuple[bytes, bytes, int | None]:
        """Set the global table from the first frame's ``keys``; return that
        table, the frame's image data drawn with it, and its transparent
        index (None when every pixel is opaque)."""
        unique, counts = np.unique(keys, return_counts=True)
        opaque = unique != CLEAR
        palette, index_of = self.palette(unique[opaque], counts[opaque])
        # One slot is left over so that later frames can draw with this table
        # and a transparent index (which the first frame's clear pixels use).
        bits = table_bits(len(palette) + 1)
        self.global_keys, self.global_bits = palette, bits
        data = image_data(self._table(unique, with_clear(index_of, opaque, len(palette)))[keys], bits)
        return color_table(palette, bits), data, None if opaque.all() else len(palette)

    def delta(self, parts: list, box, delay_cs: int, dispose: int) -> bytes:
        """A frame over ``box`` drawing the changed pixels of ``parts``
        ((box, rows, columns, keys) each); the others are the transparent index."""
        changed = parts[0][3] if len(parts) == 1 else np.concatenate([keys for *_, keys in parts])
        unique, counts = np.unique(changed, return_counts=True)
        opaque = unique != CLEAR
        colours = unique[opaque]
        palette, index_of = self.palette(colours, counts[opaque])
        transparent = len(palette)
        bits = table_bits(transparent + 1)
        table = color_table(palette, bits)
        if len(palette) == len(colours) and _among(colours, self.global_keys).all():
            # Every colour is already in the global table: drawing with it
            # saves the local table but may need wider codes. The codes are
            # as many either way, so the widths tell which is smaller; where
            # that is close (or the data small), both are coded and compared.
            lzw = self._image(parts, box, unique, with_clear(index_of, opaque, transparent), transparent, bits)
            local = len(lzw) + len(table)
            margin = resized(len(lzw), bits, self.global_bits) - local
            if margin < _CLOSE or len(lzw) < _SMALL:
                g_transparent = len(self.global_keys)
                g_index_of = with_clear(np.searchsorted(self.global_keys, colours), opaque, g_transparent)
                g_lzw = self._image(parts, box, unique, g_index_of, g_transparent, self.global_bits)
                if len(g_lzw) < local:
                    return control(delay_cs, g_transparent, dispose) + descriptor(*origin(box), local_bits=None) + g_lzw
        else:
            lzw = self._image(parts, box, unique, with_clear(index_of, opaque, transparent), transparent, bits)
        return control(delay_cs, transparent, dispose) + descriptor(*origin(box), local_bits=bits) + table + lzw

    def _image(self, parts: list, box, unique: np.ndarray, index_of: np.ndarray, transparent: int, bits: int) -> bytes:
        """The LZW image data of ``box``: ``parts``' changed pixels as palette
        indices, everything else ``transparent``."""
        left, top, right, bottom = box
        width, count = right - left, (bottom - top) * (right - left)
        if len(self._indices) < count:
            self._indices = np.empty(count, np.uint8)
        indices = self._indices[:count]  # (reused: a new rectangle a frame costs its pages anew)
        indices.fill(transparent)
        lut = self._table(unique, index_of)
        where = []
        for _, rows, cols, keys in parts:
            at = rows * width  # (in place from here: each new array of positions costs as much as the sums)
            at += cols
            at -= top * width + left
            indices[at] = np.take(lut, keys)
            where.append(at)
        where = where[0] if len(where) == 1 else np.sort(np.concatenate(where))  # (one part's are sorted)
        return image_data(indices.reshape(bottom - top, width), bits, where, transparent, self.min_run)

    def _table(self, unique: np.ndarray, index_of: np.ndarray) -> np.ndarray:
        """The colour key -> palette index table, set for ``unique`` keys."""
        if self._lut is None:
            # 16 MiB, once per file: a direct colour -> index table maps a
            # full frame in about a millisecond.
            self._lut = np.zeros((1 << 24) + 1, np.uint8)  # every colour, and CLEAR
        self._lut[unique] = index_of
        return self._lut
