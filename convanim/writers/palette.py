"""Colours for GIF frames: colour keys, and palettes of at most n entries.

A GIF frame holds at most 256 colours; convanim's frames hold a few flat
fills and the anti-aliasing ramps of text between them. ``choose_palette``
keeps the frequent colours exactly and clusters the ramps; ``FigurePalette``
remembers the choice for every colour it has seen, so that the clustering
runs once per new set of colours in a figure, not once per frame, and a
colour is drawn the same in every frame.

Only numpy is imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

import numpy as np

# Colour keys are 0xBBGGRR in a uint32, the layout of little-endian RGBA bytes
# with the alpha byte masked off, so an RGBA frame needs no copy to get them.
_RGB_MASK = np.uint32(0xFFFFFF)

# Perceptual weights for the colour distance used when a palette must merge
# colours (green matters most to the eye, blue least).
_WEIGHTS = np.array([3.0, 4.0, 2.0], dtype=np.float32)
# Above this many distinct colours, k-means runs on coarse colour buckets.
_MAX_CLUSTER_POINTS = 1 << 14


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
    words = _words_under(frame)
    if words is not None:  # the colour bytes of four bytes a pixel: read as words in place
        return words & _RGB_MASK
    # Read each pixel as 4 bytes starting at its 3-byte offset (one spare byte
    # at the end), then mask the neighbour's byte off: one copy, one AND.
    buffer = np.empty(height * width * 3 + 1, np.uint8)
    buffer[:-1].reshape(height, width, 3)[...] = frame[..., :3]
    buffer[-1] = 0
    packed = np.ndarray((height, width), "<u4", buffer.data, 0, (width * 3, 3))
    return packed & _RGB_MASK


def _words_under(frame: np.ndarray) -> np.ndarray | None:
    """For an (H, W, 3) uint8 ``frame`` whose pixels lie four bytes apart
    (the colour bytes of a canvas, or of the changed words ``LastFrame``
    gives), the (H, W) little-endian words that start at its pixels, read in
    place; None unless the memory under it holds every pixel's fourth byte.
    Masking those words is one pass, where packing three bytes of every four
    first is a copy several times slower."""
    owner = frame.base
    if (
        frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8 or frame.strides[1:] != (4, 1)
        or frame.strides[0] < 0 or not frame.size
        or not isinstance(owner, np.ndarray) or not (owner.flags.c_contiguous or owner.flags.f_contiguous)
    ):
        return None
    start, low = frame.__array_interface__["data"][0], owner.__array_interface__["data"][0]
    last = start + (frame.shape[0] - 1) * frame.strides[0] + (frame.shape[1] - 1) * 4 + 3  # the last pixel's fourth byte
    if start < low or last >= low + owner.nbytes:
        return None
    return np.ndarray(frame.shape[:2], "<u4", owner, start - low, frame.strides[:2])


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
    palette = _distinct(levels[:, 0] | (levels[:, 1] << 8) | (levels[:, 2] << 16))
    entries = _keys_to_rgb(palette).astype(np.float32) * scale
    if inverse is None:
        return palette, _nearest(rgb, entries)
    # Many colours: each takes its bucket's entry, except the entries themselves.
    index = _nearest(points, entries)[inverse]
    exact = np.flatnonzero(np.isin(colors, palette))
    index[exact] = np.searchsorted(palette, colors[exact])
    return palette, index


def _distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct ``keys``, sorted, as ``np.unique(keys)`` gives them.
    (That form of ``np.unique`` imports numpy.ma, to look for a mask: some
    15 ms at the start of every figure.)"""
    keys = np.sort(keys, axis=None)
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


def _among(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Which ``keys`` are in ``sorted_keys`` (``np.isin`` of many keys
    imports numpy.ma, as ``_distinct`` says)."""
    if not len(sorted_keys):
        return np.zeros(len(keys), bool)
    return sorted_keys[np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)] == keys


def _entries_used(figure: np.ndarray, entries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(entries, return_inverse=True)`` for ``entries`` of the
    sorted ``figure`` palette (what every colour is drawn with), found by
    place in it rather than by sorting: a few times faster a frame."""
    at = np.minimum(np.searchsorted(figure, entries), max(len(figure) - 1, 0))
    if not len(figure) or not np.array_equal(figure[at], entries):
        return np.unique(entries, return_inverse=True)  # (not all from the figure's palette)
    used = np.zeros(len(figure), bool)
    used[at] = True
    return figure[used], (np.cumsum(used) - 1)[at]


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


class FigurePalette:
    """The palettes of one figure's frames, at most ``n`` entries each, fitted once.

    The first frame is fitted by ``choose_palette``; that palette is the
    figure's (the GIF's global table). Later frames draw from it: each
    colour takes its nearest entry, decided once and remembered, so nothing
    is clustered again. A new flat fill (a frequent colour far from every
    entry) joins the figure's palette, exact. A frame whose colours take
    more than ``MOST_ENTRIES`` entries is fitted on its own; that fit is not remembered.
    """

    def __init__(self, n: int):
        self.n = n
        self.figure = np.zeros(0, np.uint32)  # the figure's palette, sorted
        self._colors = np.zeros(0, np.uint32)  # every colour mapped so far, sorted
        self._entries = np.zeros(0, np.uint32)  # the entry each one is drawn with
        self.fits = 0  # how many times choose_palette ran (for tests and benchmarks)

    def __call__(self, colors: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(palette, index)`` for unique ``colors`` seen ``counts`` times, as ``choose_palette``."""
        if not len(self.figure):
            self.fits += 1
            palette, index = choose_palette(colors, counts, self.n)
            self.figure, self._colors, self._entries = palette, colors, palette[index]
            return palette, index
        pos = np.minimum(np.searchsorted(self._colors, colors), len(self._colors) - 1)
        known = self._colors[pos] == colors
        entries = self._entries[pos]
        new = np.flatnonzero(~known)
        if len(new):
            if len(_distinct(entries[known])) + len(new) <= self.n:
                exact = np.ones(len(new), bool)  # room for them all: exact
            else:
                # New fills (frequent, far from every entry) exact; shades
                # of text take their nearest entry.
                distance, _ = self._nearest(colors[new])
                exact = (counts[new] >= max(16, int(counts.sum()) // 256)) & (distance > _NEW_FILL_DISTANCE)
            if exact.any():
                self._add_fills(colors[new[exact]])
            _, nearest = self._nearest(colors[new])
            entries[new] = self.figure[nearest]
            colors_all = np.concatenate([self._colors, colors[new]])
            order = np.argsort(colors_all, kind="stable")
            self._colors = colors_all[order]
            self._entries = np.concatenate([self._entries, entries[new]])[order]
        palette, index = _entries_used(self.figure, entries)
        if len(palette) > MOST_ENTRIES:  # this frame's colours map to more entries than a GIF table holds
            self.fits += 1
            return choose_palette(colors, counts, self.n)
        return palette, index

    def _add_fills(self, fills: np.ndarray) -> None:
        """Add new ``fills`` to the figure's palette. No entry gives way to
        them: a shade of a text ramp that did would leave its colours to
        the nearest entry left, which after a few such fills can be another
        hue (mid-grey text drawn blue). A frame draws only with the entries
        its own colours take (its local table), ``MOST_ENTRIES`` at most."""
        self.figure = _distinct(np.concatenate([self.figure, fills]))

    def _nearest(self, colors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each colour's distance to its nearest entry of the figure's palette, and that entry's index."""
        scale = np.sqrt(_WEIGHTS)
        points = _keys_to_rgb(colors).astype(np.float64) * scale
        table = _keys_to_rgb(self.figure).astype(np.float64) * scale
        nearest = _nearest(points, table)
        return np.sqrt(((points - table[nearest]) ** 2).sum(1)), nearest


# A frame's own colour table holds 256 entries; one is left for the
# transparent index. A frame whose colours take more than ``n`` of the
# figure's entries (new fills joined them) draws with a wider local table
# rather than another fit: a code a bit wider in that frame, every colour
# as it was drawn before.
MOST_ENTRIES = 255

# A frequent colour this far (weighted RGB levels) from every entry of the
# figure's palette is a new fill, not a shade of text: it must stay exact.
_NEW_FILL_DISTANCE = 12.0
