"""Frames that cost what changed: one canvas, patched from frame to frame.

A frame is the background plus what moves. Copying the whole background
for every frame costs as much as the canvas is large (a 2-D figure of a
32×32 input is millions of pixels); instead the canvas is kept, the tiles
the last frame drew over are put back from the background (in one copy of
whole 16-px blocks), and the new frame's marks are drawn. An opaque canvas
is itself the frame the writer reads; the box around everything that
changed is the frame's ``changed``, and the tiles inside it its ``boxes``,
so the encoder compares and stores no more than they hold.
"""

from __future__ import annotations

import numpy as np

from .fonts import text_width
from .paint import BLOCK

Bounds = tuple[int, int, int, int]  # left, top, right, bottom; right and bottom exclusive
SEGMENT = 24  # px: a line is tracked as boxes along it, this long each
TILE = BLOCK  # px: changes are tracked, restored and told to the writer in whole tiles, the canvas's blocks


class Tracked:
    """Forwards drawing calls to a painter and keeps the box each one covers."""

    def __init__(self, painter):
        self.painter = painter
        self.boxes: list[tuple[float, float, float, float]] = []

    def rect(self, x, y, w, h, fill, edge=None, edge_px=1) -> None:
        if fill is None and w > 4 * edge_px and h > 4 * edge_px:
            # An outline: its four sides, not the cells inside it.
            e = edge_px + 1
            self.boxes += [(x, y, x + w, y + e), (x, y + h - e, x + w, y + h), (x, y, x + e, y + h), (x + w - e, y, x + w, y + h)]
        else:
            self.boxes.append((x, y, x + w, y + h))
        self.painter.rect(x, y, w, h, fill, edge, edge_px)

    def line(self, points, colour, width_px=1) -> None:
        self._around(points, width_px)
        self.painter.line(points, colour, width_px)

    def polygon(self, points, colour) -> None:
        self._around(points, 1)
        self.painter.polygon(points, colour)

    def text(self, x, y, text, size, colour, *, align="centre", family="sans", bold=False, valign="middle") -> float:
        width = self.painter.text(x, y, text, size, colour, align=align, family=family, bold=bold, valign=valign)
        left = {"centre": x - width / 2, "left": x, "right": x - width}[align]
        top, bottom = (y - size, y + size) if valign == "middle" else (y, y + 1.5 * size)
        # A little to each side: italics and bold lean past their advance.
        self.boxes.append((left - 0.2 * size, top, left + width + 0.2 * size, bottom))
        return width

    def cell(self, x, y, w, h, fill, edge, edge_px=1, text="", tx=0.0, ty=0.0, size=15, colour="#000000", *, family="sans", bold=False) -> None:
        self.boxes.append((x, y, x + w, y + h))
        if text:  # inside the cell, but for a number too wide for it
            half = 0.5 * text_width(text, family, size, bold) + 0.2 * size
            self.boxes.append((tx - half, ty - size, tx + half, ty + size))
        self.painter.cell(x, y, w, h, fill, edge, edge_px, text, tx, ty, size, colour, family=family, bold=bold)

    def math(self, x, y, source, size, colour) -> tuple[int, int]:
        w, h = self.painter.math(x, y, source, size, colour)
        self.boxes.append((x, y, x + w, y + h))
        return w, h

    def _around(self, points, width_px) -> None:
        """Boxes along each segment, in pieces: a long slanting line's own
        box would take in much that it never touches."""
        pad = width_px / 2 + 1
        ends = [(float(x), float(y)) for x, y in (points if len(points) > 1 else list(points) * 2)]
        for (x0, y0), (x1, y1) in zip(ends[:-1], ends[1:]):
            pieces = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) // SEGMENT))
            if pieces == 1 or x0 == x1 or y0 == y1:  # its own box takes in nothing it does not touch
                self.boxes.append((min(x0, x1) - pad, min(y0, y1) - pad, max(x0, x1) + pad, max(y0, y1) + pad))
                continue
            t = np.arange(pieces + 1) / pieces
            xs, ys = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            boxes = np.column_stack((np.minimum(xs[:-1], xs[1:]) - pad, np.minimum(ys[:-1], ys[1:]) - pad,
                                     np.maximum(xs[:-1], xs[1:]) + pad, np.maximum(ys[:-1], ys[1:]) + pad))
            self.boxes.extend(boxes.tolist())


def each_bounds(boxes, width: int, height: int) -> np.ndarray:
    """``bounds`` of each box, as rows of an (N, 4) int array; boxes wholly
    outside the canvas left out."""
    if not len(boxes):
        return np.zeros((0, 4), np.int64)
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    out = np.empty(b.shape, np.int64)
    out[:, 0] = np.maximum(0, np.floor(b[:, 0]) - 2)
    out[:, 1] = np.maximum(0, np.floor(b[:, 1]) - 2)
    out[:, 2] = np.minimum(width, np.ceil(b[:, 2]) + 3)
    out[:, 3] = np.minimum(height, np.ceil(b[:, 3]) + 3)
    return out[(out[:, 0] < out[:, 2]) & (out[:, 1] < out[:, 3])]


def tiles(boxes, width: int, height: int) -> np.ndarray:
    """The TILE×TILE tiles of a ``width`` × ``height`` canvas that ``boxes``
    (whole-pixel bounds, as ``each_bounds`` gives) touch, as a bool array."""
    marks = np.zeros(((height - 1) // TILE + 2, (width - 1) // TILE + 2), np.int32)
    b = np.asarray(boxes, np.int64).reshape(-1, 4)
    b = b[(b[:, 0] < b[:, 2]) & (b[:, 1] < b[:, 3])]
    if len(b):
        # +1 at a box's first tile, -1 past its last along each axis, all in
        # one count; two running sums fill the boxes in.
        c0, r0 = b[:, 0] // TILE, b[:, 1] // TILE
        c1, r1 = (b[:, 2] - 1) // TILE + 1, (b[:, 3] - 1) // TILE + 1
        n = marks.shape[1]
        corners = np.concatenate([r0 * n + c0, r0 * n + c1, r1 * n + c0, r1 * n + c1])
        signs = np.repeat(np.array([1, -1, -1, 1]), len(b))
        marks += np.bincount(corners, signs, marks.size).astype(np.int32).reshape(marks.shape)
    return marks.cumsum(0).cumsum(1)[:-1, :-1] > 0


def tile_boxes(touched: np.ndarray, width: int, height: int) -> list[Bounds]:
    """A few boxes covering the ``touched`` tiles: runs along each row of
    tiles, joined down where runs line up (for a reader of boxes, whose
    every box costs a fixed overhead)."""
    steps = np.diff(touched.astype(np.int8), axis=1, prepend=0, append=0)
    rows, starts = np.nonzero(steps == 1)
    ends = np.nonzero(steps == -1)[1] - 1
    done: list[Bounds] = []
    open_runs: dict[tuple[int, int], list[int]] = {}  # (first, last column) -> [top row, bottom row]
    for row, run in zip(rows.tolist(), zip(starts.tolist(), ends.tolist())):
        span = open_runs.get(run)
        if span is not None and span[1] == row - 1:
            span[1] = row
            continue
        if span is not None:
            done.append(_tile_box(run, span, width, height))
        open_runs[run] = [row, row]
    done.extend(_tile_box(run, span, width, height) for run, span in open_runs.items())
    return done


def restore(canvas, source, touched: np.ndarray) -> None:
    """Copy ``source``'s pixels into ``canvas`` in the ``touched`` tiles: a
    box for each band of tile rows that touched tiles run through, as wide
    as they reach in it. The boxes take in tiles not touched, where the
    canvas should equal ``source`` or is redrawn after (a lens page's cells
    are pasted back over the base); a few plain slice copies cost less than
    many small ones."""
    rows = touched.any(axis=1)
    if not rows.any():
        return
    edges = np.flatnonzero(np.diff(rows.astype(np.int8), prepend=0, append=0))
    for top, bottom in zip(edges[::2].tolist(), edges[1::2].tolist()):
        columns = np.flatnonzero(touched[top:bottom].any(axis=0))
        canvas.paste_from(source, _tile_box((int(columns[0]), int(columns[-1])), (top, bottom - 1), canvas.width, canvas.height))


def _tile_box(run, span, width, height) -> Bounds:
    return (run[0] * TILE, span[0] * TILE, min(width, (run[1] + 1) * TILE), min(height, (span[1] + 1) * TILE))


class FrameCanvas:
    """A canvas drawn on frame after frame (see the module's docstring)."""

    def __init__(self, background):
        self._canvas = background.copy()
        self._width, self._height = background.width, background.height
        # An opaque canvas is its own frame: its RGB bytes, read in place (a
        # view, four bytes a pixel). A transparent one keeps its frame apart,
        # the alpha divided out where the canvas changed.
        self._in_place = self._canvas.alpha is None
        self._pixels = self._canvas.pixels[: self._height, : self._width, :3] if self._in_place else background.array().copy()
        no_tiles = tiles([], self._width, self._height)
        self._drawn, self._drawn_tiles = np.zeros((0, 4), np.int64), no_tiles  # what the last frame drew over the background
        self._restored, self._restored_tiles = np.zeros((0, 4), np.int64), no_tiles
        self._first = True  # no frame before it to compare with

    def begin(self, background, written) -> Tracked:
        """Put the background back where the last frame drew, and where
        ``written`` boxes of it changed since (None: anywhere); return the
        painter for this frame's marks."""
        if written is None:
            self._restored = np.array([(0, 0, self._width, self._height)], np.int64)
            self._restored_tiles = np.ones_like(self._drawn_tiles)
        else:
            written = each_bounds(written, self._width, self._height)
            self._restored = np.concatenate([self._drawn, written])
            self._restored_tiles = self._drawn_tiles | tiles(written, self._width, self._height)
        restore(self._canvas, background, self._restored_tiles)
        return Tracked(self._canvas)

    def finish(self, tracked: Tracked, shared: bool = False) -> tuple[np.ndarray, Bounds | None, tuple[Bounds, ...] | None]:
        """The frame's pixels (a copy of its own; ``shared``: a read-only view
        of the buffer the next frame is drawn in), the box outside which it
        equals the frame before, and boxes inside that which hold every
        change more closely (None, None for the first frame)."""
        self._drawn = each_bounds(tracked.boxes, self._width, self._height)
        self._drawn_tiles = tiles(self._drawn, self._width, self._height)
        touched = np.concatenate([self._restored, self._drawn])
        boxes = tile_boxes(self._restored_tiles | self._drawn_tiles, self._width, self._height)
        if not self._in_place:
            for box in boxes:
                self._canvas.read_into(self._pixels, box)
        first, self._first = self._first, False
        if shared:
            pixels = self._pixels.view()
            pixels.flags.writeable = False
        else:
            # A copy of its own: packed from the canvas by Pillow, several
            # times faster than numpy copies three bytes out of every four.
            pixels = self._canvas.array() if self._in_place else self._pixels.copy()
        if first:
            return pixels, None, None
        if not boxes:
            return pixels, (0, 0, 0, 0), ()
        left, top = (int(v) for v in touched[:, :2].min(axis=0))
        right, bottom = (int(v) for v in touched[:, 2:].max(axis=0))
        boxes = tuple((max(l, left), max(t, top), min(r, right), min(b, bottom)) for l, t, r, b in boxes)
        return pixels, (left, top, right, bottom), boxes
