"""A streaming GIF89a encoder for frames of flat colour and anti-aliased text.

``GifEncoder`` takes RGB(A) arrays one at a time and writes GIF blocks to a
binary file object as soon as a frame's duration is known, so it holds at
most two frames: the one on screen (to find what changed) and the one
waiting for its duration. Pillow provides only the LZW coder; the container
is written here because the choices that make these files small are
container choices:

- a run of identical frames is one frame whose delay is their sum;
- a frame stores only the bounding box of the pixels that changed, drawn over
  the previous frame ("do not dispose"), with the unchanged pixels inside the
  box set to a transparent index so that they form long runs for LZW;
- each frame gets the smallest palette that holds its colours: exactly, when
  they fit, else the most frequent colours exactly (flat fills) and the rest
  (anti-aliasing ramps) clustered. No dithering: dither noise on a flat fill
  costs bytes and makes a redrawn cell differ from its neighbours.

Only numpy and Pillow are imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

import math
from typing import BinaryIO

import numpy as np
from PIL import Image

from ..errors import WriterError
from . import Writer

# Browsers play a delay of 0 or 1 centisecond as about 10 cs, so a frame is
# never given less than this; shorter frames are dropped and their time goes
# to the next frame (see GifEncoder._flush).
MIN_DELAY_CS = 2
_MAX_DELAY_CS = 0xFFFF
_DISPOSE_NONE = 1  # "do not dispose": the next frame is drawn over this one

# Colour keys are 0xBBGGRR in a uint32, the layout of little-endian RGBA bytes
# with the alpha byte masked off, so an RGBA frame needs no copy to get them.
_RGB_MASK = np.uint32(0xFFFFFF)

# Perceptual weights for the colour distance used when a palette must merge
# colours (green matters most to the eye, blue least).
_WEIGHTS = np.array([3.0, 4.0, 2.0], dtype=np.float32)
# Above this many distinct colours, k-means runs on coarse colour buckets.
_MAX_CLUSTER_POINTS = 1 << 14


def _le16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def _round_cs(ms: float) -> int:
    """Milliseconds to whole centiseconds, halves rounded up (not to even)."""
    return math.floor(ms / 10 + 0.5)


def frame_keys(frame: np.ndarray, matte: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """An (H, W) uint32 array of 0xBBGGRR colour keys for an (H, W, 3|4) uint8 frame.

    The result never shares memory with ``frame``, so a caller may redraw its
    buffer as soon as this returns. GIF has no partial transparency: pixels
    that are not fully opaque are composited over ``matte``.
    """
    height, width, channels = frame.shape
    if channels == 4:
        alpha = frame[..., 3]
        if alpha.min() < 255:
            a = alpha[..., None].astype(np.uint32)
            rgb = (frame[..., :3] * a + np.array(matte, np.uint32) * (255 - a) + 127) // 255
            frame = rgb.astype(np.uint8)
            channels = 3
        elif frame.flags.c_contiguous:
            return frame.view("<u4")[..., 0] & _RGB_MASK
    # Read each pixel as 4 bytes starting at its 3-byte offset (one spare byte
    # at the end), then mask the neighbour's byte off: one copy, one AND.
    buffer = np.empty(height * width * 3 + 1, np.uint8)
    buffer[:-1].reshape(height, width, 3)[...] = frame[..., :3]
    buffer[-1] = 0
    packed = np.ndarray((height, width), "<u4", buffer.data, 0, (width * 3, 3))
    return packed & _RGB_MASK


def _keys_to_rgb(keys: np.ndarray) -> np.ndarray:
    """(N,) colour keys -> (N, 3) uint8 RGB."""
    return keys.astype("<u4").view(np.uint8).reshape(-1, 4)[:, :3]


def choose_palette(colors: np.ndarray, counts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``n`` palette keys for ``colors`` (unique keys) seen ``counts`` times.

    Returns ``(palette, index)`` where ``palette[index[i]]`` is the entry that
    stands for ``colors[i]``. When the colours fit they are the palette.
    Otherwise the most frequent colours, which on our frames are the flat
    fills and the text's solid colour, are kept exactly, so a redrawn region
    matches the pixels around it; the remaining slots go to a weighted
    k-means over the rest, which are the anti-aliasing ramps. Deterministic:
    the same frame always gives the same palette.
    """
    if len(colors) <= n:
        return colors, np.arange(len(colors))
    scale = np.sqrt(_WEIGHTS)
    rgb = _keys_to_rgb(colors).astype(np.float32) * scale
    order = np.argsort(-counts, kind="stable")
    # Exact slots: frequent colours, leaving at least a quarter of the palette
    # for the ramps between them.
    threshold = max(4, int(counts.sum()) // 2048)
    n_exact = min(int(np.count_nonzero(counts >= threshold)), n - max(1, n // 4))
    fixed = rgb[order[:n_exact]]

    points, weight, inverse = rgb, counts.astype(np.float32), None
    if len(colors) > _MAX_CLUSTER_POINTS:
        # Photographic content: cluster 5-bit-per-channel buckets (their mean
        # colour, their total count) instead of every colour.
        bucket = ((colors >> 3) & 0x1F) | ((colors >> 6) & 0x3E0) | ((colors >> 9) & 0x7C00)
        bucket, inverse = np.unique(bucket, return_inverse=True)
        weight = np.bincount(inverse, weights=counts).astype(np.float32)
        points = np.stack([np.bincount(inverse, weights=counts * rgb[:, c]) for c in range(3)], 1)
        points = (points / weight[:, None]).astype(np.float32)
    centres = _kmeans(points, weight, fixed, n - n_exact)

    # Round to real colours, drop duplicates, and map every colour to its
    # nearest entry (an exact colour is its own nearest entry).
    levels = np.clip(np.rint(centres / scale), 0, 255).astype(np.uint32)
    palette = np.unique(levels[:, 0] | (levels[:, 1] << 8) | (levels[:, 2] << 16))
    entries = _keys_to_rgb(palette).astype(np.float32) * scale
    if inverse is None:
        return palette, _nearest(rgb, entries)
    # Many colours: each takes its bucket's entry, except the entries themselves.
    index = _nearest(points, entries)[inverse]
    exact = np.flatnonzero(np.isin(colors, palette))
    index[exact] = np.searchsorted(palette, colors[exact])
    return palette, index


def _kmeans(points: np.ndarray, weight: np.ndarray, fixed: np.ndarray, n_free: int) -> np.ndarray:
    """``fixed`` centres plus ``n_free`` more, fitted to weighted ``points``."""
    # Seeds: greedily the point whose weight x squared distance to the
    # nearest centre so far is largest (k-means++ without the dice).
    nearest = np.full(len(points), np.inf, np.float32)
    for centre in fixed:
        np.minimum(nearest, ((points - centre) ** 2).sum(1), out=nearest)
    seeds = []
    for _ in range(n_free):
        pick = int(np.argmax(weight * nearest))
        seeds.append(points[pick])
        np.minimum(nearest, ((points - points[pick]) ** 2).sum(1), out=nearest)
    centres = np.vstack([fixed, np.array(seeds, np.float32).reshape(-1, 3)])
    first_free = len(fixed)
    for _ in range(8):
        assign = _nearest(points, centres, np.float32)
        mass = np.bincount(assign, weights=weight, minlength=len(centres))[first_free:]
        sums = np.stack(
            [np.bincount(assign, weights=weight * points[:, c], minlength=len(centres)) for c in range(3)], 1
        )[first_free:]
        new = centres.copy()
        used = mass > 0
        new[first_free:][used] = sums[used] / mass[used, None]
        if np.abs(new - centres).max() < 0.05:
            break
        centres = new
    return centres


def _nearest(points: np.ndarray, centres: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Index of the nearest centre of each point (squared Euclidean distance).

    Float64 by default so that an exact colour always finds itself (float32
    is enough while fitting); in slices so the distance matrix stays a few
    MiB however many colours there are.
    """
    centres = centres.astype(dtype)
    centres_sq = (centres**2).sum(1)
    out = np.empty(len(points), np.intp)
    for start in range(0, len(points), 1 << 15):
        chunk = points[start : start + (1 << 15)].astype(dtype)
        distance = centres_sq[None, :] - 2.0 * (chunk @ centres.T)  # + |chunk|^2, the same for every centre
        out[start : start + len(chunk)] = np.argmin(distance, axis=1)
    return out


def _table_bits(entries: int) -> int:
    """Bits of a colour table that holds ``entries`` (GIF's minimum is 2 entries)."""
    return max(1, (entries - 1).bit_length())


def _color_table(palette: np.ndarray, bits: int) -> bytes:
    table = np.zeros((1 << bits, 3), np.uint8)
    table[: len(palette)] = _keys_to_rgb(palette)
    return table.tobytes()


def _lzw(indices: np.ndarray, bits: int) -> bytes:
    """GIF image data: the minimum code size, LZW sub-blocks and the terminator."""
    height, width = indices.shape
    image = Image.frombuffer("L", (width, height), np.ascontiguousarray(indices), "raw", "L", 0, 1)
    code_size = max(2, bits)  # GIF's smallest LZW code size is 2
    return bytes([code_size]) + image.tobytes("gif", "L", code_size, 0) + b"\0"


class GifEncoder:
    """Write an animated GIF to ``fp`` one frame at a time.

    ``add(frame, duration_ms)`` with (H, W, 3|4) uint8 frames of ``size``
    (width, height), then ``close()`` to write the last frame and the trailer
    (``close`` does not close ``fp``). Timing: frame end times are rounded to
    centiseconds and each delay is the difference, so rounding errors never
    add up; a frame that would get less than ``min_delay_cs`` is dropped and
    its time given to the next one (the last frame gets at least that).
    ``max_colors`` counts the transparent index, so a frame shows at most
    ``max_colors - 1`` colours. ``loop=0`` loops forever.
    """

    def __init__(
        self,
        fp: BinaryIO,
        size: tuple[int, int],
        *,
        max_colors: int = 32,
        loop: int = 0,
        matte: tuple[int, int, int] = (255, 255, 255),
        min_delay_cs: int = MIN_DELAY_CS,
    ):
        self._fp = fp
        self.size = (int(size[0]), int(size[1]))
        self.max_colors = max_colors
        self.loop = loop
        self.matte = matte
        self.min_delay_cs = min_delay_cs
        self._shown: np.ndarray | None = None  # keys of the frame on screen
        self._pending: np.ndarray | None = None  # keys of the frame awaiting its delay
        self._time_ms = 0.0  # end time of the pending frame, in the caller's clock
        self._written_cs = 0  # end time of the last frame written
        self._lut: np.ndarray | None = None  # colour key -> palette index, reused
        self._global = np.zeros(0, np.uint32)  # the global colour table's keys, sorted
        self._global_bits = 1
        self.frames_written = 0
        self._closed = False

    def add(self, frame: np.ndarray, duration_ms: float) -> None:
        """Queue ``frame`` to be shown for ``duration_ms`` after the previous one."""
        if frame.shape[:2] != self.size[::-1]:
            raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, the GIF is {self.size[0]}x{self.size[1]}")
        keys = frame_keys(frame, self.matte)
        if self._pending is not None:
            if np.array_equal(keys, self._pending):
                self._time_ms += duration_ms
                return
            self._flush(last=False)
        self._pending = keys
        self._time_ms += duration_ms

    def close(self) -> None:
        """Write the pending frame and the trailer; ``fp`` stays open."""
        if self._closed:
            return
        if self._pending is not None:
            self._flush(last=True)
        if self.frames_written:
            self._fp.write(b";")
        self._closed = True

    # -- frames ------------------------------------------------------------

    def _flush(self, *, last: bool) -> None:
        delay = _round_cs(self._time_ms) - self._written_cs
        if delay < self.min_delay_cs:
            if not last:
                # Too short to be seen as timed; the next frame supersedes it
                # and, through the cumulative clock, inherits its time.
                self._pending = None
                return
            delay = self.min_delay_cs
        keys, self._pending = self._pending, None
        self._write_frame(keys, min(delay, _MAX_DELAY_CS))
        self._written_cs += delay
        delay -= _MAX_DELAY_CS
        while delay > 0:  # longer than 655.35 s: extend with empty frames
            self._write_empty(min(delay, _MAX_DELAY_CS))
            delay -= _MAX_DELAY_CS

    def _write_frame(self, keys: np.ndarray, delay_cs: int) -> None:
        if self._shown is None:
            self._write_first(keys, delay_cs)
            self._shown = keys
            return
        changed = keys != self._shown
        rows = np.flatnonzero(changed.any(axis=1))
        if len(rows) == 0:  # same as on screen (a dropped frame came between)
            self._write_empty(delay_cs)
            return
        cols = np.flatnonzero(changed.any(axis=0))
        top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        region = keys[top:bottom, left:right]
        mask = changed[top:bottom, left:right]
        unique, counts = np.unique(region[mask], return_counts=True)
        palette, index_of = choose_palette(unique, counts, self.max_colors - 1)
        transparent = len(palette)
        bits = _table_bits(transparent + 1)
        descriptor = (left, top, right - left, bottom - top)
        data = self._control(delay_cs, transparent) + self._descriptor(*descriptor, local_bits=bits)
        data += _color_table(palette, bits) + _lzw(self._indices(region, mask, unique, index_of, transparent), bits)
        if len(palette) == len(unique) and np.isin(unique, self._global).all():
            # Every colour is already in the global table: drawing with it
            # saves the local table but may need wider codes; keep the smaller.
            transparent = len(self._global)
            index_of = np.searchsorted(self._global, unique)
            indices = self._indices(region, mask, unique, index_of, transparent)
            with_global = (
                self._control(delay_cs, transparent)
                + self._descriptor(*descriptor, local_bits=None)
                + _lzw(indices, self._global_bits)
            )
            if len(with_global) < len(data):
                data = with_global
        self._fp.write(data)
        self._shown = keys
        self.frames_written += 1

    def _write_first(self, keys: np.ndarray, delay_cs: int) -> None:
        """Header, global colour table (the first frame's palette) and the first frame."""
        width, height = self.size
        unique, counts = np.unique(keys, return_counts=True)
        palette, index_of = choose_palette(unique, counts, self.max_colors - 1)
        indices = self._indices(keys, None, unique, index_of, 0)
        # One slot is left over so that later frames can draw with this table
        # and a transparent index.
        bits = _table_bits(len(palette) + 1)
        self._global, self._global_bits = palette, bits
        header = (
            b"GIF89a"
            + _le16(width)
            + _le16(height)
            + bytes([0x80 | 0x70 | (bits - 1), 0, 0])  # global table, 8-bit colour
            + _color_table(palette, bits)
            + b"!\xff\x0bNETSCAPE2.0\x03\x01"
            + _le16(self.loop)
            + b"\0"
        )
        self._fp.write(
            header
            + self._control(delay_cs, None)
            + self._descriptor(0, 0, width, height, local_bits=None)
            + _lzw(indices, bits)
        )
        self.frames_written += 1

    def _write_empty(self, delay_cs: int) -> None:
        """A 1x1 transparent pixel: time passes, nothing changes."""
        self._fp.write(
            self._control(delay_cs, 0)
            + self._descriptor(0, 0, 1, 1, local_bits=1)
            + bytes(6)
            + _lzw(np.zeros((1, 1), np.uint8), 1)
        )
        self.frames_written += 1

    def _indices(
        self, region: np.ndarray, mask: np.ndarray | None, unique: np.ndarray, index_of: np.ndarray, transparent: int
    ) -> np.ndarray:
        """``region``'s colour keys as palette indices; pixels outside ``mask`` transparent."""
        if self._lut is None:
            # 16 MiB, once per file: a direct colour -> index table maps a
            # full frame in about a millisecond.
            self._lut = np.zeros(1 << 24, np.uint8)
        self._lut[unique] = index_of
        indices = self._lut[region]
        if mask is not None:
            indices[~mask] = transparent
        return indices

    @staticmethod
    def _control(delay_cs: int, transparent: int | None) -> bytes:
        flags = (_DISPOSE_NONE << 2) | (transparent is not None)
        return b"!\xf9\x04" + bytes([flags]) + _le16(delay_cs) + bytes([transparent or 0, 0])

    @staticmethod
    def _descriptor(left: int, top: int, width: int, height: int, *, local_bits: int | None) -> bytes:
        flags = 0 if local_bits is None else 0x80 | (local_bits - 1)
        return b"," + _le16(int(left)) + _le16(int(top)) + _le16(int(width)) + _le16(int(height)) + bytes([flags])


class GifWriter(Writer):
    """The ``.gif`` writer: ``GifEncoder`` behind the ``Writer`` protocol.

    Options: ``max_colors`` (2 to 256, transparent index included; default
    32, plenty for flat fills and the shades of anti-aliased text, and
    smaller than 64 by a tenth), ``loop`` (0 = forever, else the number of repeats) and ``matte``,
    the RGB colour that pixels with alpha < 255 are composited over.
    """

    max_size = 0xFFFF

    def __init__(
        self,
        path,
        size=None,
        *,
        max_colors: int = 32,
        loop: int = 0,
        matte: tuple[int, int, int] = (255, 255, 255),
    ):
        super().__init__(path, size)
        if isinstance(max_colors, bool) or not isinstance(max_colors, int) or not 2 <= max_colors <= 256:
            raise WriterError("max_colors", f"must be a whole number from 2 to 256; got {max_colors!r}")
        if isinstance(loop, bool) or not isinstance(loop, int) or not 0 <= loop <= 0xFFFF:
            raise WriterError("loop", f"must be 0 (forever) or a repeat count up to 65535; got {loop!r}")
        try:
            matte = tuple(int(c) for c in matte)
        except (TypeError, ValueError):
            matte = ()
        if len(matte) != 3 or not all(0 <= c <= 255 for c in matte):
            raise WriterError("matte", f"must be an (r, g, b) colour of 0-255 levels; got {matte!r}")
        self.max_colors, self.loop, self.matte = max_colors, loop, matte
        self._file: BinaryIO | None = None
        self._encoder: GifEncoder | None = None

    @property
    def frames_written(self) -> int:
        """Frames in the file so far (repeats merged, too-short frames dropped)."""
        return 0 if self._encoder is None else self._encoder.frames_written

    def _begin(self, temp_path) -> None:
        self._file = open(temp_path, "wb")
        self._encoder = GifEncoder(
            self._file, self.size, max_colors=self.max_colors, loop=self.loop, matte=self.matte
        )

    def _add(self, frame: np.ndarray, duration_ms: float) -> None:
        self._encoder.add(frame, duration_ms)

    def _finish(self) -> None:
        try:
            self._encoder.close()
        finally:
            self._file.close()

    def _abort(self) -> None:
        if self._file is not None:
            self._file.close()
