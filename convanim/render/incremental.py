"""Frames that cost what changed: one canvas, patched from frame to frame.

A frame is the background plus what moves. Copying the whole background
for every frame costs as much as the canvas is large (a 2-D figure of a
32×32 input is millions of pixels); instead the canvas is kept, the boxes
the last frame drew over are put back from the background, the new frame's
marks are drawn, and only the box that holds all of it is read back into
the frame's pixels. That box is the frame's ``changed``, so the encoder
compares and stores no more than it either.
"""

from __future__ import annotations

import math

import numpy as np

Bounds = tuple[int, int, int, int]  # left, top, right, bottom; right and bottom exclusive
SEGMENT = 24  # px: a line is tracked as boxes along it, this long each
TILE = 32  # px: boxes are read and restored in whole tiles


class Tracked:
    """Forwards drawing calls to a painter and keeps the box each one covers."""

    def __init__(self, painter):
        self.painter = painter
        self.boxes: list[tuple[float, float, float, float]] = []

    def rect(self, x, y, w, h, fill, edge=None, edge_px=1) -> None:
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

    def math(self, x, y, source, size, colour) -> tuple[int, int]:
        w, h = self.painter.math(x, y, source, size, colour)
        self.boxes.append((x, y, x + w, y + h))
        return w, h

    def _around(self, points, width_px) -> None:
        """Boxes along each segment, in pieces: a long slanting line's own
        box would take in much that it never touches."""
        pad = width_px / 2 + 1
        for (x0, y0), (x1, y1) in zip(points, points[1:] or points):
            pieces = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) // SEGMENT))
            for i in range(pieces):
                ax, ay = x0 + (x1 - x0) * i / pieces, y0 + (y1 - y0) * i / pieces
                bx, by = x0 + (x1 - x0) * (i + 1) / pieces, y0 + (y1 - y0) * (i + 1) / pieces
                self.boxes.append((min(ax, bx) - pad, min(ay, by) - pad, max(ax, bx) + pad, max(ay, by) + pad))


def bounds(boxes, width: int, height: int) -> Bounds | None:
    """The whole-pixel box around ``boxes`` (with a pixel to spare for
    anti-aliasing), within the canvas; None when there are none."""
    if not boxes:
        return None
    left = max(0, math.floor(min(b[0] for b in boxes)) - 2)
    top = max(0, math.floor(min(b[1] for b in boxes)) - 2)
    right = min(width, math.ceil(max(b[2] for b in boxes)) + 3)
    bottom = min(height, math.ceil(max(b[3] for b in boxes)) + 3)
    return (left, top, right, bottom) if left < right and top < bottom else None


def coalesce(boxes: list[Bounds], width: int, height: int) -> list[Bounds]:
    """A few boxes covering ``boxes``: the tiles they touch, joined along
    each row of tiles and down where runs line up. Every box read or pasted
    costs a fixed overhead, and a union of far-apart boxes would read much
    that never changed; tiles sit between the two."""
    rows: dict[int, set[int]] = {}
    for left, top, right, bottom in boxes:
        columns = range(left // TILE, (right - 1) // TILE + 1)
        for row in range(top // TILE, (bottom - 1) // TILE + 1):
            rows.setdefault(row, set()).update(columns)
    done: list[Bounds] = []
    open_runs: dict[tuple[int, int], list[int]] = {}  # (first, last column) -> [top row, bottom row]
    for row in sorted(rows):
        columns = sorted(rows[row])
        runs, start = [], columns[0]
        for a, b in zip(columns, columns[1:] + [None]):
            if b != a + 1:
                runs.append((start, a))
                start = b
        still = {}
        for run in runs:
            span = open_runs.pop(run, None)
            if span is not None and span[1] == row - 1:
                still[run] = [span[0], row]
            else:
                if span is not None:
                    done.append(_tile_box(run, span, width, height))
                still[run] = [row, row]
        done.extend(_tile_box(run, span, width, height) for run, span in open_runs.items())
        open_runs = still
    done.extend(_tile_box(run, span, width, height) for run, span in open_runs.items())
    return done


def _tile_box(run, span, width, height) -> Bounds:
    return (run[0] * TILE, span[0] * TILE, min(width, (run[1] + 1) * TILE), min(height, (span[1] + 1) * TILE))


class FrameCanvas:
    """A canvas drawn on frame after frame (see the module's docstring)."""

    def __init__(self, background):
        self._canvas = background.copy()
        self._pixels = background.array().copy()
        self._height, self._width = self._pixels.shape[:2]
        self._drawn: list[Bounds] = []  # what the last frame drew over the background
        self._restored: list[Bounds] = []
        self._first = True  # no frame before it to compare with

    def begin(self, background, written) -> Tracked:
        """Put the background back where the last frame drew, and where
        ``written`` boxes of it changed since (None: anywhere); return the
        painter for this frame's marks."""
        if written is None:
            full = (0, 0, self._width, self._height)
            self._canvas.paste_from(background, full)
            self._restored = [full]
        else:
            self._restored = self._drawn + [b for b in (bounds([box], self._width, self._height) for box in written) if b]
            for box in coalesce(self._restored, self._width, self._height):
                self._canvas.paste_from(background, box)
        return Tracked(self._canvas)

    def finish(self, tracked: Tracked) -> tuple[np.ndarray, Bounds | None]:
        """The frame's pixels (a copy of its own) and the box outside which
        it equals the frame before."""
        drawn = [b for b in (bounds([box], self._width, self._height) for box in tracked.boxes) if b]
        touched = self._restored + drawn
        changed = bounds(touched, self._width, self._height)
        self._drawn = drawn
        for left, top, right, bottom in coalesce(touched, self._width, self._height):
            self._pixels[top:bottom, left:right] = self._canvas.array((left, top, right, bottom))
        first, self._first = self._first, False
        return self._pixels.copy(), None if first else (changed or (0, 0, 0, 0))
