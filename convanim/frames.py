"""The renderer: a trace and a storyboard in, RGB frames out, one at a time.

Everything that never changes (labels, input cells, pending output cells, the
info panel) is drawn once into a background; so is each output cell once it
is written. A frame is that background plus what moves: the kernel, the tap
marks, the product line and the cell being written. Every number drawn is
read from the trace; nothing here does arithmetic on values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.text import Text

from .engine import Step, Trace
from .layout import Box, Layout, shown, step_terms, wrap_terms
from .panel import draw_panel
from .storyboard import Shot
from .theme import Theme, hex_rgb

DPI = 100
PT_PER_PX = 72 / DPI


def _pt(px: float) -> float:
    return px * PT_PER_PX


def text_colour_on(fill: str, theme: Theme) -> str:
    """White on dark fills, dark on light ones, so numbers stay legible."""
    r, g, b = (c / 255 for c in hex_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return theme.cell_text if luminance < 0.62 else theme.text


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
        self.figure = Figure(figsize=(layout.width / DPI, layout.height / DPI), dpi=DPI, facecolor=theme.background)
        self.canvas = FigureCanvasAgg(self.figure)
        self.axes = self.figure.add_axes((0, 0, 1, 1))
        self.axes.set_xlim(0, layout.width)
        self.axes.set_ylim(layout.height, 0)
        self.axes.set_axis_off()
        self._draw_static()
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._written = 0  # output cells baked into the background so far

    # -- frames -------------------------------------------------------------
    def frames(self, shots) -> Iterator[tuple[np.ndarray, float]]:
        """Yield ``(rgb array, duration in ms)`` per shot, in order."""
        for shot in shots:
            yield self.draw(shot), shot.duration_ms

    def draw(self, shot: Shot) -> np.ndarray:
        steps = self.trace.steps
        # Outputs before the current step are already written.
        written = len(steps) if shot.phase == "done" else shot.step + (1 if shot.phase == "glide" else 0)
        self._bake_outputs(written)
        self.canvas.restore_region(self._background)
        if shot.phase == "step":
            self._draw_step(steps[shot.step])
        elif shot.phase == "glide":
            self._draw_glide(steps[shot.step], steps[shot.step + 1], shot.progress)
        self._draw_counter(shot)
        return np.asarray(self.canvas.buffer_rgba())[:, :, :3].copy()

    # -- what moves ---------------------------------------------------------
    def _draw_step(self, step: Step) -> None:
        L, theme = self.layout, self.theme
        for tap in step.taps:
            self._outline(L.input_cell(tap.in_channel, tap.position))
        for column in sorted({tap.position for tap in step.taps}):
            box = L.input_cell(0, column)
            self._text(box.cx, L.taps_y, "×", L.label_px * 1.1, theme.muted)
        for tap in step.taps:
            self._kernel_cell(L.kernel_cell(tap.in_channel, tap.position), tap.in_channel, tap.weight)
        target = L.output_cell(step.out_channel, step.position)
        lines = wrap_terms(step_terms(step), shown(step.result), L.expression_chars)
        centre = self._expression_centre(step, lines)
        for i, line in enumerate(lines):
            self._text(centre, L.expression_top + (i + 0.5) * L.expression_line, line, L.expression_px, theme.text)
        # The arrow points into the output block at the cell's column; it
        # stops at the block's top so it never hides a written cell.
        start_y = L.expression_top + len(lines) * L.expression_line
        if L.output_top - start_y > 4 * L.scale:
            arrow = FancyArrowPatch(
                (centre, start_y),
                (target.cx, L.output_top - 1),
                arrowstyle="-|>",
                mutation_scale=12 * L.scale,
                linewidth=1.4 * L.scale,
                color=theme.output_current,
                shrinkA=0,
                shrinkB=0,
                path_effects=[withStroke(linewidth=4 * L.scale, foreground=theme.background)],
            )
            self._draw(arrow)
        self._cell(target, theme.output_current, shown(step.result, L.value_chars), edge_width=2.6)

    def _draw_glide(self, before: Step, after: Step, progress: float) -> None:
        L = self.layout
        # Tap i of one step and tap i of the next are the same kernel cell.
        for a, b in zip(before.taps, after.taps):
            start = L.kernel_cell(a.in_channel, a.position)
            end = L.kernel_cell(b.in_channel, b.position)
            box = Box(start.x + (end.x - start.x) * progress, start.y + (end.y - start.y) * progress, start.w, start.h)
            weight = a.weight if progress < 0.5 else b.weight
            self._kernel_cell(box, a.in_channel if progress < 0.5 else b.in_channel, weight)

    def _draw_counter(self, shot: Shot) -> None:
        L, total = self.layout, len(self.trace.steps)
        if shot.phase == "done":
            label = f"all {total} steps done"
        else:
            label = f"step {shot.step + 1} of {total}"
        self._text(L.width - 28 * L.scale, L.counter_y, label, L.label_px, self.theme.muted, ha="right")

    def _expression_centre(self, step: Step, lines: list[str]) -> float:
        L = self.layout
        columns = [tap.position[0] for tap in step.taps]
        centre = L.column_x((min(columns) + max(columns) + 1) / 2)
        half = max(len(line) for line in lines) * 0.64 * L.expression_px / 2
        return min(max(centre, half + 12 * L.scale), L.width - half - 12 * L.scale)

    # -- the background -----------------------------------------------------
    def _bake_outputs(self, written: int) -> None:
        """Write output cells into the background, in step order."""
        if written <= self._written:
            return
        self.canvas.restore_region(self._background)
        for step in self.trace.steps[self._written : written]:
            self._output_cell(step)
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._written = written

    def _output_cell(self, step: Step) -> None:
        theme = self.theme
        fill = theme.output_done if step.out_channel % 2 == 0 else theme.output_done_alt
        box = self.layout.output_cell(step.out_channel, step.position)
        self._cell(box, fill, shown(step.result, self.layout.value_chars))

    def _draw_static(self) -> None:
        L, theme, trace, spec = self.layout, self.theme, self.trace, self.trace.spec
        ax = self.axes
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
                style = "italic" if (not inside and source is not None) else "normal"
                self._cell(L.input_cell(channel, (column,)), fill, shown(value, L.value_chars), style=style, static=True)

        # Where the padding is, and what it holds.
        if lo or hi:
            word = "padding" if spec.padding_mode == "zeros" else f"{spec.padding_mode} padding"
            px = L.label_px * 0.85
            half = len(word) * 0.6 * px / 2  # keep the label inside the figure
            for start, stop in ((0, lo), (lo + size, L.columns)):
                if stop > start:
                    x = (L.column_x(start) + L.column_x(stop)) / 2
                    x = min(max(x, half + 8 * L.scale), L.width - half - 8 * L.scale)
                    ax.add_artist(self._make_text(x, L.pad_label_y, word, px, theme.padding))

        # Pending output cells: grey and empty until written.
        for step in trace.steps:
            box = L.output_cell(step.out_channel, step.position)
            self._cell(box, theme.pending, "", static=True)

        self._row_labels()
        if L.panel is not None:
            draw_panel(self.figure, self.axes, self.canvas.get_renderer(), L, theme, spec, self.text.title)
        if self.text.credit:
            ax.add_artist(
                self._make_text(L.width - 28 * L.scale, L.height - 14 * L.scale, self.text.credit, L.label_px * 0.8, theme.muted, ha="right")
            )

    def _row_labels(self) -> None:
        L, theme, spec = self.layout, self.theme, self.trace.spec
        ax = self.axes
        in_per_group = spec.in_channels // spec.groups
        out_per_group = spec.out_channels // spec.groups
        blocks = (
            ("Input", L.input_top, spec.in_channels, lambda c: c // in_per_group, "x"),
            ("Kernel", L.kernel_top, spec.in_channels, lambda c: c // in_per_group, "w"),
            ("Output", L.output_top, spec.out_channels, lambda c: c // out_per_group, "y"),
        )
        many = spec.in_channels > 1 or spec.out_channels > 1
        for name, top, rows, group_of, _symbol in blocks:
            x = L.label_right - (44 * L.scale if many else 0)
            ax.add_artist(self._make_text(x, L.block_centre(top, rows), name, L.label_px, theme.text, ha="right", weight="bold"))
            for row in range(rows):
                y = top + (row + 0.5) * L.cell
                if many:
                    ax.add_artist(self._make_text(L.label_right, y, f"ch {row}", L.label_px * 0.8, theme.muted, ha="right"))
                if spec.groups > 1:
                    stripe = Rectangle(
                        (L.grid_x - 16 * L.scale, top + row * L.cell + 1),
                        6 * L.scale,
                        L.cell - 2,
                        facecolor=theme.group_colour(group_of(row)),
                        edgecolor="none",
                    )
                    ax.add_patch(stripe)
        if spec.groups > 1:
            ax.add_artist(
                self._make_text(L.label_right, L.pad_label_y, f"groups={spec.groups}", L.label_px * 0.8, theme.muted, ha="right")
            )

    # -- primitives ---------------------------------------------------------
    def _kernel_cell(self, box: Box, in_channel: int, weight: float) -> None:
        fill = self.theme.kernel if in_channel % 2 == 0 else self.theme.kernel_alt
        self._cell(box, fill, shown(weight, self.layout.value_chars))

    def _cell(self, box: Box, fill: str, label: str, edge_width: float = 1.0, style: str = "normal", static: bool = False) -> None:
        rect = Rectangle((box.x, box.y), box.w, box.h, facecolor=fill, edgecolor=self.theme.cell_edge, linewidth=edge_width, snap=True)
        artists = [rect]
        if label:
            artists.append(
                self._make_text(box.cx, box.cy, label, self.layout.value_size(label), text_colour_on(fill, self.theme), weight="bold", style=style)
            )
        for artist in artists:
            if static:
                self.axes.add_artist(artist)
            else:
                self._draw(artist)

    def _outline(self, box: Box) -> None:
        inset = 1.5 * self.layout.scale
        rect = Rectangle(
            (box.x + inset, box.y + inset),
            box.w - 2 * inset,
            box.h - 2 * inset,
            facecolor="none",
            edgecolor=self.theme.tap_edge,
            linewidth=2.2 * self.layout.scale,
            snap=True,
        )
        self._draw(rect)

    def _text(self, x: float, y: float, text: str, px: float, colour: str, **kwargs) -> None:
        self._draw(self._make_text(x, y, text, px, colour, **kwargs))

    def _make_text(self, x, y, text, px, colour, ha="center", weight="normal", style="normal", family=None) -> Text:
        return Text(
            x,
            y,
            text,
            fontsize=_pt(px),
            color=colour,
            ha=ha,
            va="center_baseline",
            fontweight=weight,
            fontstyle=style,
            fontfamily=family or self.theme.font,
        )

    def _draw(self, artist) -> None:
        artist.set_figure(self.figure)
        artist.axes = self.axes
        artist.set_transform(self.axes.transData)
        self.axes.draw_artist(artist)
