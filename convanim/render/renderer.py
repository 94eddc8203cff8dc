"""The renderer: a trace and a storyboard in, frames out, one at a time.

Everything that never changes (labels, input cells, pending output cells, the
info panel: ``static.py``) is drawn once into a background; so is each output
cell once it is written, and a large grid's lens pages (``lenspages.py``:
their numbers move only when a page turns). A frame is that background plus
what moves (``moving.py``): the kernels, the tap marks, the product lines
and the cells being written, drawn on one canvas patched from frame to
frame (``incremental.py``).

Every number drawn is read from the trace; every place comes from the
layout; every stroke goes through a painter (``paint.Painter`` for pixels,
``record.RecordingPainter`` for tests).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..engine import Step, Trace
from ..report import kernel_row, step_sum
from ..writers import Frame
from .layout import Box, Label, Layout
from .incremental import FrameCanvas
from .lenspages import PageTurner
from .moving import draw_moving
from .static import draw_static
from . import lens2d
from .paint import Painter
from .storyboard import Shot, pictures
from .theme import Theme


RECENT_STEPS = 256  # steps kept built while drawn: a few pictures' worth
MAX_REMEMBERED = 1 << 16  # things kept worked out (``remembered``): a few MB


def text_colour_on(fill: str, theme: Theme) -> str:
    """The theme's cell text colour that reads best on ``fill``."""
    return theme.text_on(fill)


@dataclass(frozen=True)
class FigureText:
    """What the panel says beyond the spec: a title and an optional credit."""

    title: str
    credit: str | None = None


def step_keys(trace: Trace) -> list[tuple[tuple[int, ...], int]]:
    """Each step's (output position, group): what the storyboard composes pictures from."""
    return [(step.position, step.group) for step in trace.steps]


class FrameRenderer:
    """Draws the shots of one figure. Build once, then iterate ``frames``."""

    def __init__(self, trace: Trace, layout: Layout, theme: Theme, text: FigureText, painter=Painter, show_pending: bool = False):
        self.trace = trace
        self.show_pending = show_pending
        self.layout = layout
        self.theme = theme
        self.text = text
        self._pictures = pictures(step_keys(trace))
        self._picture_of = {step: k for k, picture in enumerate(self._pictures) for step in picture}
        self._memo: dict = {}  # see ``remembered``
        self._static = painter.blank(layout.width, layout.height, theme.background)
        draw_static(self, self._static)
        self._written = 0  # pictures whose output cells are in the background
        self._recent: dict[int, Step] = {}  # steps being drawn, by index (see ``step``)
        self._base = self._static.copy()  # the static drawing and the outputs written
        self._turner = None  # on an overview: the lens pages, shown over the base
        if layout.lens is not None:
            self._pages = lens2d.lens_pages(layout.lens, trace, self._pictures)
            self._shown = {(s.out_channel, s.position): (k, s.shown) for k, p in enumerate(self._pictures) for s in (trace.steps[i] for i in p)}
            self._turner = PageTurner(self, self._base)

    @property
    def _background(self):
        """What every frame starts from: the base and, on an overview, the lens page shown."""
        return self._base if self._turner is None else self._turner.background

    # -- frames -------------------------------------------------------------
    def frames(self, shots, shared: bool = False) -> Iterator[Frame]:
        """Yield a Frame per shot, in order, captioned with its product lines,
        with the box outside which it equals the frame before (and the boxes
        inside that which changed). ``shared``: every Frame's pixels are one
        read-only buffer, redrawn when the next Frame is asked for (no copy
        of the whole picture per frame); otherwise each has its own."""
        canvas = FrameCanvas(self._background)
        for shot in shots:
            changed = self._prepare(shot)
            marks = canvas.begin(self._background, changed)
            self._draw_moving(marks, shot)
            pixels, changed, boxes = canvas.finish(marks, shared)
            yield Frame(pixels, shot.duration_ms, changed, self.caption(shot), boxes)

    def pictures(self, shots) -> Iterator[tuple[Shot, str, object]]:
        """(shot, caption, painter drawn on) per shot, in order."""
        for shot in shots:
            yield shot, self.caption(shot), self._draw(shot)

    def caption(self, shot: Shot) -> str:
        if shot.phase == "done":
            return f"all {len(self.trace.steps)} outputs computed"
        products = "; ".join(step_sum(self.step(i)) for i in shot.steps)
        return f"{self._count(shot)}: {products}"

    def _count(self, shot: Shot) -> str:
        total = len(self._pictures)
        if shot.phase == "done":
            return f"{total} of {total} done"
        return f"step {self.step_number(shot)} of {total}"

    def step_number(self, shot: Shot) -> int | None:
        """The step ``shot`` shows, as the counter numbers it (None: the finished figure)."""
        return None if shot.phase == "done" else self._picture_of[shot.steps[0]] + 1

    def draw(self, shot: Shot) -> np.ndarray:
        """The pixels of one shot."""
        return self._draw(shot).array()

    def _draw(self, shot: Shot):
        self._prepare(shot)
        frame = self._background.copy()
        self._draw_moving(frame, shot)
        return frame

    def _prepare(self, shot: Shot) -> list | None:
        """Bring the background to ``shot``: its outputs written, its lens
        page drawn; the boxes that changed (None: anywhere)."""
        changed = self._write_outputs(self._outputs_before(shot))
        if self.layout.lens is None:
            return changed
        turned = self._turn_page(self._pages[self._picture_index(shot)])
        return None if changed is None or turned is None else changed + turned

    def _picture_index(self, shot: Shot) -> int:
        """The picture a shot shows (the last one, finished)."""
        return len(self._pictures) - 1 if shot.phase == "done" else self._picture_of[shot.steps[0]]

    def written_value(self, channel: int, position) -> float | None:
        """The value an output cell shows once written, None while pending."""
        picture, value = self._shown.get((channel, tuple(position)), (len(self._pictures), None))
        return value if picture < self._written else None

    def _turn_page(self, page) -> list | None:
        """Show ``page``'s lenses in the background; the boxes that changed."""
        return self._turner.turn(self._base, page)

    @property
    def last_picture(self):
        """The trace step indices of the last picture, where a finished
        figure's kernels rest."""
        return self._pictures[-1]

    def step(self, index: int) -> Step:
        """The trace's step ``index``, kept while it is drawn: a trace builds
        its steps (and their taps) anew each time one is read."""
        step = self._recent.get(index)
        if step is None:
            if len(self._recent) > RECENT_STEPS:
                self._recent.clear()
            step = self._recent[index] = self.trace.steps[index]
        return step

    def _outputs_before(self, shot: Shot) -> int:
        """How many pictures' outputs are written when ``shot`` is shown:
        those before it, drawn or skipped."""
        return len(self._pictures) if shot.phase == "done" else self._picture_of[shot.steps[0]]

    def _draw_moving(self, p, shot: Shot) -> None:
        """What a shot adds to the background (``moving``); on an overview,
        first what moves in its lenses, under all the rest."""
        if self.layout.lens is not None:
            page = self._pages[self._picture_index(shot)]
            before = self._pages[self._picture_of[shot.origin[0]]] if shot.phase == "glide" else None
            lens2d.draw_marks(self, p, shot, page, shot.origin if shot.phase == "glide" else None, before)
        draw_moving(self, p, shot, self._count(shot))

    # -- the background -----------------------------------------------------
    def _write_outputs(self, written: int) -> list[Box] | None:
        """Draw the output cells of the first ``written`` pictures into the
        background; return the boxes drawn (None: the background was redrawn)."""
        boxes: list[Box] | None = []
        turner = self._turner
        if written < self._written:  # a shot from earlier on: start again from the blank outputs
            self._base, self._written, boxes = self._static.copy(), 0, None
            if turner is not None:
                turner.reset(self._base)
        start, self._written = self._written, max(self._written, written)
        for picture in self._pictures[start:written]:
            for index in picture:
                step = self.step(index)
                fill = self.theme.output_done if step.out_channel % 2 == 0 else self.theme.output_done_alt
                box = self.layout.output_cell(step.out_channel, step.position)
                for p in dict.fromkeys((self._base, self._background)):
                    self.cell(p, box, fill, step.shown, ("output", step.out_channel))
                drawn = [box]
                if turner is not None and turner.page is not None:
                    # Its lens cell, if the page shows it; the region's outline and
                    # connectors again where either cell was drawn over them.
                    drawn.append(turner.write_output(step.out_channel, step.position))
                    if turner.crossed([cell for cell in drawn if cell is not None]):
                        lens2d.draw_regions(self, turner.background, turner.page)
                if boxes is not None:
                    boxes.extend((b.x, b.y, b.right, b.bottom) for b in drawn if b is not None)
        return boxes

    # -- cells and labels ---------------------------------------------------
    def input_fill(self, kind: str, channel: int) -> str:
        """An input cell's colour: its channel's, or padding's (zero or copied)."""
        theme = self.theme
        if kind == "input":
            return theme.input if channel % 2 == 0 else theme.input_alt
        return theme.padding if kind == "zero" else theme.padding_copy

    def label(self, p, label: Label) -> None:
        p.text(label.x, label.y, label.text, label.px, getattr(self.theme, label.tone), align=label.align, bold=label.bold)

    def kernel_cell(self, p, box: Box, in_channel: int, weight: float, out_channel: int) -> None:
        """A weight of ``out_channel``'s kernel on ``in_channel``, in its kernel grid's format."""
        fill = self.theme.kernel if in_channel % 2 == 0 else self.theme.kernel_alt
        self.cell(p, box, fill, weight, kernel_row(in_channel, out_channel))

    def cell(self, p, box: Box, fill: str, value: float | None, row=None, edge_px: int = 1, italic: bool = False,
             number_y: float | None = None) -> None:
        """A cell and, unless ``value`` is None, its number in ``row``'s format,
        standing at ``number_y`` (None: where the layout puts a number in such a cell)."""
        key = ("cell", box.x, box.y, box.w, box.h, fill, value, value is not None and math.copysign(1.0, value), row, edge_px, italic, number_y)
        args, family = self.remembered(key, lambda: self._cell_call(box, fill, value, row, edge_px, italic, number_y))
        if family is None:
            p.rect(*args)
        else:
            p.cell(*args, family=family, bold=True)

    def _cell_call(self, box: Box, fill: str, value: float | None, row, edge_px: int, italic: bool, number_y: float | None):
        """``cell``'s drawing call: the painter's ``rect`` arguments and None,
        or its ``cell`` arguments and the number's family. A figure draws the
        same cells at the same places over and over (a weight's tag at every
        step): each call is worked out once."""
        label, px = self.cell_label(value, italic, box, row) if value is not None else ("", 0.0)
        if not label:
            return (box.x, box.y, box.w, box.h, fill, self.theme.cell_edge, edge_px), None
        y = self.layout.number_y(box, row) if number_y is None else number_y
        return (box.x, box.y, box.w, box.h, fill, self.theme.cell_edge, edge_px, label, box.cx, y, px, self.text_on(fill)), (
            "sans-italic" if italic else "sans"
        )

    def remembered(self, key, make):
        """``make()``, worked out once per ``key`` for this figure (what a
        figure draws step after step: a cell, its number, a lens tag)."""
        value = self._memo.get(key)
        if value is None:
            if len(self._memo) >= MAX_REMEMBERED:
                self._memo.clear()
            value = self._memo[key] = make()
        return value

    def cell_label(self, value: float, italic: bool, box: Box, row) -> tuple[str, float]:
        """The layout's text and type size for ``value`` in a cell the size of
        ``box``, worked out once: a figure writes the same numbers in the same
        cells frame after frame (the weights, every step)."""
        key = ("label", value, math.copysign(1.0, value), italic, box.w, box.h, row)
        return self.remembered(key, lambda: self.layout.cell_label(value, italic, box, row))

    def text_on(self, fill: str) -> str:
        """The theme's cell text colour that reads best on ``fill``."""
        return self.remembered(("ink", fill), lambda: text_colour_on(fill, self.theme))
