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

from math import ceil, floor

import numpy as np

from .fonts import text_width
from .paint import BLOCK

Bounds = tuple[int, int, int, int]  # left, top, right, bottom; right and bottom exclusive
SEGMENT = 24  # px: a line is tracked as boxes along it, this long each
TILE = BLOCK  # px: changes are tracked, restored and told to the writer in whole tiles, the canvas's blocks


class Covered:
    """What a frame's drawing calls cover, kept as they come: each box as
    whole pixels (a little to each side, for anti-aliasing; clipped to the
    canvas), the TILE×TILE tiles they touch (``Tiles``), and the box around
    them all."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.bounds: list[Bounds] = []
        self.tiles = no_tiles(width, height)
        self._extent = [width, height, 0, 0]

    @property
    def extent(self) -> Bounds | None:
        """The box around them all (None: nothing on the canvas)."""
        return tuple(self._extent) if self.bounds else None

    def add(self, x0, y0, x1, y1) -> None:
        """The box (x0, y0)-(x1, y1) in pixels, fractions allowed."""
        # Plain Python: a frame has a few dozen boxes, each too small for numpy to pay.
        left, top, right, bottom = floor(x0) - 2, floor(y0) - 2, ceil(x1) + 3, ceil(y1) + 3
        if left < 0:
            left = 0
        if top < 0:
            top = 0
        if right > self.width:
            right = self.width
        if bottom > self.height:
            bottom = self.height
        if left >= right or top >= bottom:
            return  # wholly outside the canvas
        self.bounds.append((left, top, right, bottom))
        _mark(self.tiles, left, top, right, bottom)
        extent = self._extent
        if left < extent[0]:
            extent[0] = left
        if top < extent[1]:
            extent[1] = top
        if right > extent[2]:
            extent[2] = right
        if bottom > extent[3]:
            extent[3] = bottom


class Tracked:
    """Forwards drawing calls to a painter and keeps what each one covers (``covered``)."""

    def __init__(self, painter):
        self.painter = painter
        self.covered = Covered(painter.width, painter.height)
        self._add = self.covered.add

    def rect(self, x, y, w, h, fill, edge=None, edge_px=1) -> None:
        if fill is None and w > 4 * edge_px and h > 4 * edge_px:
            # An outline: its four sides, not the cells inside it.
            e = edge_px + 1
            add = self._add
            add(x, y, x + w, y + e)
            add(x, y + h - e, x + w, y + h)
            add(x, y, x + e, y + h)
            add(x + w - e, y, x + w, y + h)
        else:
            self._add(x, y, x + w, y + h)
        self.painter.rect(x, y, w, h, fill, edge, edge_px)

    def line(self, points, colour, width_px=1) -> None:
        self._around(points, width_px)
        self.painter.line(points, colour, width_px)

    def polygon(self, points, colour) -> None:
        self._around(points, 1)
        self.painter.polygon(points, colour)

    def text(self, x, y, text, size, colour, *, align="centre", family="sans", bold=False, valign="middle") -> float:
        width = self.painter.text(x, y, text, size, colour, align=align, family=family, bold=bold, valign=valign)
        left = x - width / 2 if align == "centre" else x if align == "left" else x - width
        top, bottom = (y - size, y + size) if valign == "middle" else (y, y + 1.5 * size)
        # A little to each side: italics and bold lean past their advance.
        self._add(left - 0.2 * size, top, left + width + 0.2 * size, bottom)
        return width

    def cell(self, x, y, w, h, fill, edge, edge_px=1, text="", tx=0.0, ty=0.0, size=15, colour="#000000", *, family="sans", bold=False) -> None:
        self._add(x, y, x + w, y + h)
        if text:  # inside the cell, but for a number too wide for it
            half = 0.5 * text_width(text, family, size, bold) + 0.2 * size
            if tx - half < x or ty - size < y or tx + half > x + w or ty + size > y + h:
                self._add(tx - half, ty - size, tx + half, ty + size)
        self.painter.cell(x, y, w, h, fill, edge, edge_px, text, tx, ty, size, colour, family=family, bold=bold)

    def math(self, x, y, source, size, colour) -> tuple[int, int]:
        w, h = self.painter.math(x, y, source, size, colour)
        self._add(x, y, x + w, y + h)
        return w, h

    def _around(self, points, width_px) -> None:
        """Boxes along each segment, in pieces: a long slanting line's own
        box would take in much that it never touches."""
        pad = width_px / 2 + 1
        add = self._add
        ends = [(float(x), float(y)) for x, y in (points if len(points) > 1 else list(points) * 2)]
        for (x0, y0), (x1, y1) in zip(ends[:-1], ends[1:]):
            pieces = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) // SEGMENT))
            if pieces == 1 or x0 == x1 or y0 == y1:  # its own box takes in nothing it does not touch
                add(min(x0, x1) - pad, min(y0, y1) - pad, max(x0, x1) + pad, max(y0, y1) + pad)
                continue
            xs = [x0 + (x1 - x0) * (i / pieces) for i in range(pieces + 1)]
            ys = [y0 + (y1 - y0) * (i / pieces) for i in range(pieces + 1)]
            for a, b, c, d in zip(xs, ys, xs[1:], ys[1:]):
                add(min(a, c) - pad, min(b, d) - pad, max(a, c) + pad, max(b, d) + pad)


# A canvas's tiles, some marked: a list with an int per row of tiles, bit
# c set where the row's tile c is marked. A frame marks a few dozen boxes
# and asks for the runs of tiles they make: as bits, a box marks a row in
# one operation and a row's runs are found a few operations each, where
# numpy's per-call cost on arrays this small would be most of the work.
Tiles = list[int]


def no_tiles(width: int, height: int) -> Tiles:
    """No tile marked of a ``width`` × ``height`` canvas."""
    return [0] * ((height - 1) // TILE + 1)


def all_tiles(width: int, height: int) -> Tiles:
    """Every tile of a ``width`` × ``height`` canvas marked."""
    return [(1 << ((width - 1) // TILE + 1)) - 1] * ((height - 1) // TILE + 1)


def either(a: Tiles, b: Tiles) -> Tiles:
    """The tiles marked in ``a`` or ``b``."""
    return [x | y for x, y in zip(a, b)]


def _mark(marks: Tiles, left: int, top: int, right: int, bottom: int) -> None:
    """Mark in ``marks`` the tiles a (non-empty, whole-pixel) box touches."""
    first = left // TILE
    columns = ((1 << ((right - 1) // TILE + 1 - first)) - 1) << first
    for row in range(top // TILE, (bottom - 1) // TILE + 1):
        marks[row] |= columns


def tile_boxes(touched: Tiles, width: int, height: int) -> list[Bounds]:
    """A few boxes covering the ``touched`` tiles: runs along each row of
    tiles, joined down where runs line up (for a reader of boxes, whose
    every box costs a fixed overhead)."""
    done: list[Bounds] = []
    open_runs: dict[tuple[int, int], list[int]] = {}  # (first, last column) -> [top row, bottom row]
    for row, mask in enumerate(touched):
        while mask:  # each run of the row's marked tiles, left to right: (first, last) column
            low = mask & -mask
            past = mask + low  # the run's bits carry into the one past it
            run = low.bit_length() - 1, (past & -past).bit_length() - 2
            mask &= past  # the run cleared, the bits above it kept
            span = open_runs.get(run)
            if span is not None and span[1] == row - 1:
                span[1] = row
                continue
            if span is not None:
                done.append(_tile_box(run, span, width, height))
            open_runs[run] = [row, row]
    done.extend(_tile_box(run, span, width, height) for run, span in open_runs.items())
    return done


def restore(canvas, source, touched: Tiles) -> None:
    """Copy ``source``'s pixels into ``canvas`` in the ``touched`` tiles: a
    box for each band of tile rows that touched tiles run through, as wide
    as they reach in it. The boxes take in tiles not touched, where the
    canvas should equal ``source`` or is redrawn after (a lens page's cells
    are pasted back over the base); a few plain slice copies cost less than
    many small ones."""
    top, columns = None, 0
    for row, mask in enumerate([*touched, 0]):
        if mask:
            if top is None:
                top = row
            columns |= mask
        elif top is not None:
            first, last = (columns & -columns).bit_length() - 1, columns.bit_length() - 1
            canvas.paste_from(source, _tile_box((first, last), (top, row - 1), canvas.width, canvas.height))
            top, columns = None, 0


def _tile_box(run, span, width, height) -> Bounds:
    return (run[0] * TILE, span[0] * TILE, min(width, (run[1] + 1) * TILE), min(height, (span[1] + 1) * TILE))


def _union(a: Bounds | None, b: Bounds | None) -> Bounds | None:
    """The box around two boxes (None: no box)."""
    if a is None or b is None:
        return b if a is None else a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


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
        self._drawn = Covered(self._width, self._height)  # what the last frame drew over the background
        self._restored_tiles, self._restored = self._drawn.tiles, None  # and where this one put the background back
        self._first = True  # no frame before it to compare with

    def begin(self, background, written) -> Tracked:
        """Put the background back where the last frame drew, and where
        ``written`` boxes of it changed since (None: anywhere); return the
        painter for this frame's marks."""
        if written is None:
            self._restored = (0, 0, self._width, self._height)
            self._restored_tiles = all_tiles(self._width, self._height)
        else:
            changed = Covered(self._width, self._height)
            for box in written:
                changed.add(*box)
            self._restored = _union(self._drawn.extent, changed.extent)
            self._restored_tiles = either(self._drawn.tiles, changed.tiles)
        restore(self._canvas, background, self._restored_tiles)
        return Tracked(self._canvas)

    def finish(self, tracked: Tracked, shared: bool = False) -> tuple[np.ndarray, Bounds | None, tuple[Bounds, ...] | None]:
        """The frame's pixels (a copy of its own; ``shared``: a read-only view
        of the buffer the next frame is drawn in), the box outside which it
        equals the frame before, and boxes inside that which hold every
        change more closely (None, None for the first frame)."""
        self._drawn = tracked.covered
        touched = _union(self._restored, self._drawn.extent)
        boxes = tile_boxes(either(self._restored_tiles, self._drawn.tiles), self._width, self._height)
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
        left, top, right, bottom = touched
        boxes = tuple((max(l, left), max(t, top), min(r, right), min(b, bottom)) for l, t, r, b in boxes)
        return pixels, touched, boxes
