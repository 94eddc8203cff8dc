"""The renderer: a trace and a storyboard in, RGB frames out, one at a time.

Everything that never changes (labels, input cells, pending output cells, the
info panel) is drawn once into a background; so is each output cell once it
is written. A frame is a copy of that background plus what moves: the
kernel, the tap marks, the product line and the cell being written. Every
number drawn is read from the trace; nothing here does arithmetic on values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..engine import Step, Trace
from .layout import Box, Layout, wrap_terms
from ..report import settled, shown, step_expression, step_terms
from ..writers import Frame
from .paint import Painter, fit_text, text_width
from .panel import draw_panel
from .storyboard import Shot
from .theme import Theme


def text_colour_on(fill: str, theme: Theme) -> str:
    """The theme's cell text colour that reads best on ``fill``."""
    return theme.text_on(fill)


@dataclass(frozen=True)
class FigureText:
    """What the panel says beyond the spec: a title and an optional credit."""

    title: str
    credit: str | None = None


class FrameRenderer:
    """Draws the shots of one figure. Build once, then iterate ``frames``."""

    def __init__(self, trace: Trace, layout: Layout, theme: Theme, text: FigureText):
        self.trace = trace
        self.layout = layout
        self.theme = theme
        self.text = text
        self._static = Painter.blank(layout.width, layout.height, theme.background)
        self._draw_static(self._static)
        self._background = self._static.copy()
        self._written = 0  # output cells drawn into the background so far

    # -- frames -------------------------------------------------------------
    def frames(self, shots) -> Iterator[Frame]:
        """Yield a Frame per shot, in order, captioned with its product line."""
        steps = self.trace.steps
        for shot in shots:
            if shot.phase == "done":
                caption = f"all {len(steps)} outputs computed"
            else:
                caption = f"step {shot.step + 1} of {len(steps)}: {step_expression(steps[shot.step])}"
            yield Frame(self.draw(shot), shot.duration_ms, caption=caption)

    def draw(self, shot: Shot) -> np.ndarray:
        steps = self.trace.steps
        # Outputs before the current step are already written.
        written = len(steps) if shot.phase == "done" else shot.step + (1 if shot.phase == "glide" else 0)
        self._write_outputs(written)
        frame = self._background.copy()
        if shot.phase == "step":
            self._draw_step(frame, steps[shot.step])
        elif shot.phase == "glide":
            self._draw_glide(frame, steps[shot.step], steps[shot.step + 1], shot.progress)
        self._draw_counter(frame, shot)
        return frame.array()

    # -- what moves ---------------------------------------------------------
    def _draw_step(self, p: Painter, step: Step) -> None:
        L, theme = self.layout, self.theme
        for column in sorted({tap.position for tap in step.taps}):
            box = L.input_cell(0, column)
            p.text(box.cx, L.taps_y, "×", min(L.label_px * 1.1, 0.8 * L.cell), theme.muted)
        for tap in step.taps:
            self._kernel_cell(p, L.kernel_cell(tap.in_channel, tap.position), tap.in_channel, tap.weight)
        self._kernel_owner(p, step.out_channel)
        target = L.output_cell(step.out_channel, step.position)
        lines = wrap_terms(step_terms(step), shown(settled(step)), L.expression_chars)
        centre = self._expression_centre(step, lines)
        for i, line in enumerate(lines):
            p.text(centre, L.expression_top + (i + 0.5) * L.expression_line, line, L.expression_px, theme.text)
        self._arrow(p, target.cx, L.expression_top + len(lines) * L.expression_line, L.output_top)
        self._cell(p, target, theme.output_current, settled(step), edge_px=L.heavy_edge)

    def _draw_glide(self, p: Painter, before: Step, after: Step, progress: float) -> None:
        L = self.layout
        # Tap i of one step and tap i of the next are the same kernel cell. The
        # next kernel slides along its own rows: moving across rows would pass
        # over channels it never reads.
        for a, b in zip(before.taps, after.taps):
            start = L.kernel_cell(b.in_channel, a.position)
            end = L.kernel_cell(b.in_channel, b.position)
            box = Box(start.x + (end.x - start.x) * progress, end.y, end.w, end.h)
            self._kernel_cell(p, box, b.in_channel, b.weight)
        self._kernel_owner(p, after.out_channel)

    def _kernel_owner(self, p: Painter, out_channel: int) -> None:
        """Each output channel has its own kernel: say whose is shown."""
        L, spec = self.layout, self.trace.spec
        if spec.out_channels > 1:
            y = L.block_centre(L.kernel_top, spec.in_channels) + L.label_px * 1.2
            p.text(L.label_right - 44 * L.scale, y, f"of out ch {out_channel}", L.label_px * 0.8, self.theme.muted, align="right")

    def _draw_counter(self, p: Painter, shot: Shot) -> None:
        """The step counter heads the product line, in the label column: it
        names the line, and a frame's changes stay in one region."""
        L, total = self.layout, len(self.trace.steps)
        label = f"all {total} done" if shot.phase == "done" else f"step {shot.step + 1} of {total}"
        y = L.expression_top + 0.5 * L.expression_line
        p.text(L.label_right, y, label, L.label_px * 0.9, self.theme.muted, align="right")

    def _expression_centre(self, step: Step, lines: list[str]) -> float:
        L = self.layout
        columns = [tap.position[0] for tap in step.taps]
        centre = L.column_x((min(columns) + max(columns) + 1) / 2)
        half = max(text_width(line, size=L.expression_px) for line in lines) / 2
        return min(max(centre, L.expression_left + half), L.width - half - 12 * L.scale)

    def _arrow(self, p: Painter, x: float, top: float, bottom: float) -> None:
        """From the product line down to the output block, at the cell's column.

        It stops at the block's top, so it never hides a written cell."""
        L = self.layout
        head = 7 * L.scale
        if bottom - top < head + 3 * L.scale:
            return
        colour = self.theme.output_current
        p.line([(x, top + 2 * L.scale), (x, bottom - head)], colour, max(1, round(2 * L.scale)))
        p.polygon([(x - head * 0.7, bottom - head), (x + head * 0.7, bottom - head), (x, bottom - 1)], colour)

    # -- the background -----------------------------------------------------
    def _write_outputs(self, written: int) -> None:
        """Draw output cells into the background, in step order."""
        if written < self._written:  # a shot from earlier on: start again from the blank outputs
            self._background, self._written = self._static.copy(), 0
        for step in self.trace.steps[self._written : written]:
            fill = self.theme.output_done if step.out_channel % 2 == 0 else self.theme.output_done_alt
            box = self.layout.output_cell(step.out_channel, step.position)
            self._cell(self._background, box, fill, settled(step))
        self._written = max(self._written, written)

    def _draw_static(self, p: Painter) -> None:
        L, theme, trace, spec = self.layout, self.theme, self.trace, self.trace.spec
        lo, hi = spec.padding[0]
        size = spec.spatial_shape[0]

        # Input rows, padding included, each cell showing the value it holds.
        for channel in range(spec.in_channels):
            for column in range(L.columns):
                source = trace.sources[(column,)]
                inside = lo <= column < lo + size
                if inside:
                    fill = theme.input if channel % 2 == 0 else theme.input_alt
                elif source is None:
                    fill = theme.padding
                else:
                    fill = theme.padding_copy
                value = trace.padded[channel, column]
                self._cell(p, L.input_cell(channel, (column,)), fill, value, italic=not inside and source is not None)

        # Where the padding is, and what it holds: a label over each run, kept
        # over the grid (clear of the label column) and apart from each other.
        if lo or hi:
            word = "padding" if spec.padding_mode == "zeros" else f"{spec.padding_mode} padding"
            px = L.label_px * 0.85
            half = text_width(word, size=px) / 2
            left, right = L.column_x(0), L.column_x(L.columns)
            spots = []
            if lo:
                spots.append(max((left + L.column_x(lo)) / 2, left + half))
            if hi:
                spots.append(min((L.column_x(lo + size) + right) / 2, right - half))
            if len(spots) == 2 and spots[1] - spots[0] < 2 * half + 12 * L.scale:
                spots = [(left + right) / 2]  # too close to tell apart: one label over the row
            for x in spots:
                x = min(max(x, half + 8 * L.scale), L.width - half - 8 * L.scale)
                p.text(x, L.pad_label_y, word, px, theme.padding)

        # Pending output cells: grey and empty until written.
        for step in trace.steps:
            self._cell(p, L.output_cell(step.out_channel, step.position), theme.pending, None)

        self._row_labels(p)
        if L.panel is not None:
            draw_panel(p, L, theme, spec, self.text.title)
        if self.text.credit:
            credit, px = fit_text(self.text.credit, L.label_px * 0.8, L.width - 56 * L.scale, least=0.9)
            p.text(L.width - 28 * L.scale, L.height - 14 * L.scale, credit, px, theme.muted, align="right")

    def _row_labels(self, p: Painter) -> None:
        L, theme, spec = self.layout, self.theme, self.trace.spec
        in_per_group = spec.in_channels // spec.groups
        out_per_group = spec.out_channels // spec.groups
        blocks = (
            ("Input", L.input_top, spec.in_channels, in_per_group),
            ("Kernel", L.kernel_top, spec.in_channels, in_per_group),
            ("Output", L.output_top, spec.out_channels, out_per_group),
        )
        many = spec.in_channels > 1 or spec.out_channels > 1
        for name, top, rows, per_group in blocks:
            x = L.label_right - (44 * L.scale if many else 0)
            p.text(x, L.block_centre(top, rows), name, L.label_px, theme.text, align="right", bold=True)
            for row in range(rows):
                if many:
                    p.text(L.label_right, top + (row + 0.5) * L.cell, f"ch {row}", L.label_px * 0.8, theme.muted, align="right")
                if spec.groups > 1:
                    # A stripe in the group's colour: rows of one colour feed each other.
                    stripe = Box(L.grid_x - 16 * L.scale, top + row * L.cell + 1, 6 * L.scale, L.cell - 2)
                    p.rect(stripe.x, stripe.y, stripe.w, stripe.h, theme.group_colour(row // per_group))
        if spec.groups > 1:
            p.text(L.label_right, L.pad_label_y, f"groups={spec.groups}", L.label_px * 0.8, theme.muted, align="right")

    # -- cells --------------------------------------------------------------
    def _kernel_cell(self, p: Painter, box: Box, in_channel: int, weight: float) -> None:
        fill = self.theme.kernel if in_channel % 2 == 0 else self.theme.kernel_alt
        self._cell(p, box, fill, weight)

    def _cell(self, p: Painter, box: Box, fill: str, value: float | None, edge_px: int = 1, italic: bool = False) -> None:
        """A cell and, unless ``value`` is None, its number."""
        p.rect(box.x, box.y, box.w, box.h, fill, self.theme.cell_edge, edge_px)
        if value is not None:
            label, px = self.layout.cell_label(value, italic)
            if label:
                family = "sans-italic" if italic else "sans"
                p.text(box.cx, box.cy, label, px, text_colour_on(fill, self.theme), bold=True, family=family)
