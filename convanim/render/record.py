"""A painter that records instead of drawing, so tests can read a figure.

``RecordingPainter`` has the methods the renderer draws with and keeps one
``Drawn`` per call: what it is (rect, line, polygon, text, math), where,
how big, in what colour and, for text and formulas, what it says and at
what size. ``record(subject, options)`` renders a whole figure through it,
a list of ``Picture``s, one per frame, without making a single pixel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fonts import math_size, text_width


@dataclass(frozen=True)
class Drawn:
    """One drawing call. ``x, y, w, h`` is its box (text: the anchor point,
    ``w`` its width, ``h`` its type size; line and polygon: bounding box)."""

    kind: str
    x: float
    y: float
    w: float
    h: float
    colour: str | None
    text: str = ""
    size: float = 0.0
    bold: bool = False
    family: str = ""
    align: str = ""
    points: tuple[tuple[float, float], ...] = ()
    edge: str | None = None
    edge_px: int = 0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2 if self.kind in ("rect", "line", "polygon") else self.x

    @property
    def cy(self) -> float:
        return self.y + self.h / 2 if self.kind in ("rect", "line", "polygon") else self.y

    @property
    def right(self) -> float:
        return self.x + self.w

    def contains(self, x: float, y: float) -> bool:
        return self.x - 0.5 <= x <= self.x + self.w + 0.5 and self.y - 0.5 <= y <= self.y + self.h + 0.5


def _bounds(points) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


class RecordingPainter:
    """Stands in for ``paint.Painter``: same methods, a list of calls instead of pixels."""

    def __init__(self, width: int, height: int, background: str, calls: list[Drawn] | None = None):
        self.width, self.height, self.background = width, height, background
        self.calls: list[Drawn] = [] if calls is None else calls

    @classmethod
    def blank(cls, width: int, height: int, colour: str) -> RecordingPainter:
        return cls(width, height, colour)

    def copy(self) -> RecordingPainter:
        return RecordingPainter(self.width, self.height, self.background, list(self.calls))

    def rect(self, x, y, w, h, fill, edge=None, edge_px=1) -> None:
        self.calls.append(Drawn("rect", x, y, w, h, fill, edge=edge, edge_px=edge_px if edge else 0))

    def line(self, points, colour, width_px=1) -> None:
        self.calls.append(Drawn("line", *_bounds(points), colour, points=tuple(points), edge_px=width_px))

    def polygon(self, points, colour) -> None:
        self.calls.append(Drawn("polygon", *_bounds(points), colour, points=tuple(points)))

    def text(self, x, y, text, size, colour, *, align="centre", family="sans", bold=False, valign="middle") -> float:
        width = text_width(text, family, size, bold)
        self.calls.append(Drawn("text", x, y, width, size, colour, text=text, size=size, bold=bold, family=family, align=align))
        return width

    def cell(self, x, y, w, h, fill, edge, edge_px=1, text="", tx=0.0, ty=0.0, size=15, colour="#000000", *, family="sans", bold=False) -> None:
        """Recorded as what it draws: the rect, then its text."""
        self.rect(x, y, w, h, fill, edge, edge_px)
        if text:
            self.text(tx, ty, text, size, colour, family=family, bold=bold)

    def math(self, x, y, source, size, colour) -> tuple[int, int]:
        w, h = math_size(source, size)
        self.calls.append(Drawn("math", x, y, w, h, colour, text=source, size=size))
        return w, h

    def array(self):
        return None

    # -- reading it back -----------------------------------------------------
    def texts(self) -> list[Drawn]:
        return [c for c in self.calls if c.kind == "text"]

    def find(self, kind: str | None = None, text: str | None = None, colour: str | None = None) -> list[Drawn]:
        """Calls of ``kind`` that say exactly ``text`` and are ``colour`` (each if given)."""
        return [
            c
            for c in self.calls
            if (kind is None or c.kind == kind) and (text is None or c.text == text) and (colour is None or c.colour == colour)
        ]


@dataclass(frozen=True)
class Picture:
    """One frame of a recorded figure: its shot, its caption and every call
    that made it (background first)."""

    shot: object
    caption: str
    canvas: RecordingPainter = field(repr=False)

    @property
    def calls(self) -> list[Drawn]:
        return self.canvas.calls


def record(subject, options=None) -> list[Picture]:
    """Render ``subject`` (a Conv or Trace) through a RecordingPainter."""
    from . import _figure

    renderer, shots = _figure(subject, options, painter=RecordingPainter)
    return [Picture(shot, caption, canvas) for shot, caption, canvas in renderer.pictures(shots)]
