"""What a 1-D figure's geometry answers the renderer: the boxes of cells,
where the marks, product lines, counter and labels go. ``layout1d``
computes the sizes (``compute_layout``); this holds them and places by them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..report import approximately, step_result, step_terms
from . import arrows1d, labels1d
from .arrows1d import LANE
from .layout import Arrow, Box, Label, wrap_terms
from .fonts import fit_text, text_width

MARGIN = 28  # round the figure, at 1080 px wide


@dataclass(frozen=True)
class Layout1D:
    """Pixel geometry of a 1-D figure (see ``layout1d``'s docstring). Offsets
    ending in ``_y``/``_top`` are within a band; ``band_height`` apart."""

    width: int
    height: int
    scale: float
    cell: float  # a column's width
    cell_h: float  # a row's height
    grid_x: float
    columns: int
    per_band: int  # columns in a band
    bands: int
    band_height: float
    pad_label_y: float
    input_top: float
    taps_y: float
    kernel_top: float
    expression_top: float
    expression_line: float
    output_top: float
    legend_top: float
    panel: Box | None
    label_px: float
    small_px: float
    expression_px: float
    expression_chars: int  # characters per product line
    in_channels: int
    out_channels: int
    groups: int
    causal: bool
    padding_runs: tuple[tuple[int, int], ...]  # (start, stop) of each run of padding cells
    output_centres: tuple[float, ...]  # the column under which each output position sits
    formats: dict  # (block, channel) -> (RowFormat, type px): one per row
    window_bars: bool = True  # the window read is marked by bars over and under it
    lens = None  # every number is in its cell
    gutter: float = 0.0  # between output rows, where arrows into lower rows turn in
    lanes: int = 0  # arrows' lanes left of the grid: one per group (0: one output row)

    # -- cells ---------------------------------------------------------------
    def column_x(self, column: float, band: int) -> float:
        """The x of ``column``'s left edge on ``band``'s row (``column`` may be fractional)."""
        return self.grid_x + (column - band * self.per_band) * self.cell

    def band_of(self, column: int) -> int:
        """The band (wrapped line) that holds ``column``."""
        return min(max(0, column // self.per_band), self.bands - 1)

    def input_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        band = self.band_of(position[0])
        top = band * self.band_height + self.input_top + channel * self.cell_h
        return Box(self.column_x(position[0], band), top, self.cell, self.cell_h)

    def kernel_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """The kernel cell over input channel ``channel`` at padded ``position``.

        Kernel rows repeat the input rows' order, so each weight sits straight
        below the cell it multiplies."""
        band = self.band_of(position[0])
        top = band * self.band_height + self.kernel_top + channel * self.cell_h
        return Box(self.column_x(position[0], band), top, self.cell, self.cell_h)

    def _output_band(self, centre: float) -> int:
        # A cell centred on a band's edge stays with the band on the left,
        # sticking out half a cell into the margin kept for it.
        return self.band_of(math.floor(centre - 0.5))

    def output_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """Output cells sit under the centre of the window that made them
        (causal: under the newest input they read, as TCN figures draw it)."""
        centre = self.output_centres[position[0]]
        band = self._output_band(centre)
        top = band * self.band_height + self.output_top + channel * self.output_pitch
        return Box(self.column_x(centre, band) - self.cell / 2, top, self.cell, self.cell_h)

    @property
    def output_pitch(self) -> float:
        """From one output row's top to the next's."""
        return self.cell_h + self.gutter

    def same_band(self, a: Box, b: Box) -> bool:
        """Whether two boxes lie on one band of a wrapped figure."""
        return int(a.y // self.band_height) == int(b.y // self.band_height)

    @property
    def heavy_edge(self) -> int:
        """The border of the cell being written, in whole pixels: heavy, but
        in proportion to the cell, not to the figure."""
        return max(2, round(min(self.cell, self.cell_h) / 18))

    def cell_label(self, x: float, italic: bool = False, box: Box | None = None, row=None) -> tuple[str, float]:
        """A number's text and type size in a cell of ``row`` ((block, channel)):
        one format and one size for every cell of a row."""
        fmt, px = self.formats[row]
        return fmt.text(x), px

    # -- what moves ------------------------------------------------------------
    def number_y(self, box: Box, row=None) -> float:
        return box.cy  # the kernel row writes the weights: no tags in the cells

    def tap_mark(self, channel: int, position: tuple[int, ...]) -> Label:
        """Under the input rows, at the column read."""
        box = self.input_cell(0, position)
        y = self.band_of(position[0]) * self.band_height + self.taps_y
        return Label(box.cx, y, "×", self.small_px, "muted")

    def wrap(self, terms: list[str], result: str) -> list[str]:
        return wrap_terms(terms, result, self.expression_chars)

    @property
    def row_formats(self) -> dict:
        """(block, channel) -> RowFormat: how each row writes its numbers."""
        return {row: fmt for row, (fmt, _) in self.formats.items()}

    def lines(self, step) -> list[str]:
        """A step's product line, each value written as its row's cells
        write it, broken where it runs out of room."""
        formats = self.row_formats
        return [approximately(line) for line in self.wrap(step_terms(step, formats=formats), step_result(step, formats))]

    def outline(self, channel: int, window) -> Box | None:
        """The window on input row ``channel``: one box round the cells it
        spans (None where it wraps across bands: each cell read is outlined)."""
        ((start, stop),) = window
        if self.band_of(start) != self.band_of(stop - 1):
            return None
        first, last = self.input_cell(channel, (start,)), self.input_cell(channel, (stop - 1,))
        return Box(first.x, first.y, last.right - first.x, first.h)

    def kernel_grid_cell(self, channel: int, index, window) -> None:
        return None  # the kernel row is the kernel

    def links(self, channel: int, window) -> list:
        """A window split across bands: where its bars run on (``arrows1d``)."""
        return arrows1d.links(self, channel, window)

    def arrows(self, lines: int, target: Box, window, channels) -> list[Arrow]:
        """Into the cell being written, crossing no other (``arrows1d``)."""
        arrow = arrows1d.arrow(self, lines, target)
        return [] if arrow is None else [arrow]

    @property
    def lane_right(self) -> float:
        """The innermost arrow lane: clear of the group stripes."""
        return self.grid_x - 22 * self.scale

    def _centre(self, span: tuple[int, int]) -> float:
        return span[1] - 0.5 if self.causal else (span[0] + span[1]) / 2

    def product_lines(self, windows, lines):
        placed = []
        row = 0
        for (span,), step_lines in zip(windows, lines):
            centre = self._centre(span)
            band = self._output_band(centre)
            half = max(text_width(line, size=self.expression_px) for line in step_lines) / 2
            x = min(max(self.column_x(centre, band), self.grid_x - 14 * self.scale + half), self.width - half - 12 * self.scale)
            top = band * self.band_height + self.expression_top
            placed.append([(x, top + (row + i + 0.5) * self.expression_line) for i in range(len(step_lines))])
            row += len(step_lines)
        return placed

    def counter(self, position: tuple[int, ...] | None = None) -> Label:
        """The step counter heads the product lines, in the label column."""
        band = self.bands - 1 if position is None else self._output_band(self.output_centres[position[0]])
        y = band * self.band_height + self.expression_top + 0.5 * self.expression_line
        return Label(self.label_right, y, "", self.small_px, "muted", align="right")

    def kernel_labels(self, steps, owner: str | None) -> list[Label]:
        """The kernel rows' names, and whose kernels they are (``owner``), on
        the bands the kernel is on: a wrapped figure names no empty kernel row."""
        bands = sorted({self.band_of(tap.position[0]) for step in steps for tap in step.taps})
        result = [] if self.bands == 1 else [label for band in bands for label in labels1d.kernel_names(self, band)]
        if owner is not None:
            result += [self.kernel_owner(owner, band) for band in bands[:1]]
        return result

    def kernel_owner(self, text: str, band: int = 0) -> Label:
        """Under "Kernel", right-aligned with it, cut short rather than leave the canvas."""
        y = band * self.band_height + self.block_centre(self.kernel_top, self.in_channels) + self.label_px * 1.1
        right = self.label_right - self._channel_gap
        text, px = fit_text(text, self.small_px, right - MARGIN * self.scale / 2, least=1.0)
        return Label(right, y, text, px, "muted", align="right")

    # -- drawn once ------------------------------------------------------------
    def block_centre(self, top: float, rows: int) -> float:
        return top + rows * self.cell_h / 2

    @property
    def margin(self) -> float:
        return MARGIN * self.scale

    @property
    def label_right(self) -> float:
        return self.grid_x - (22 + self.lanes * LANE) * self.scale

    @property
    def _channel_gap(self) -> float:
        many = self.in_channels > 1 or self.out_channels > 1
        return 50 * self.scale if many else 0

    def labels(self) -> list[Label]:
        return labels1d.labels(self)

    def stripes(self) -> list[tuple[Box, int]]:
        return labels1d.stripes(self)

    def legend(self) -> list[tuple[Box, int, Label]]:
        return labels1d.legend(self)

    def padding_labels(self, word: str) -> list[Label]:
        return labels1d.padding_labels(self, word)

    def credit(self, text: str) -> Label:
        text, px = fit_text(text, self.small_px, self.width - 56 * self.scale, least=1.0)
        return Label(self.width - MARGIN * self.scale, self.height - 14 * self.scale, text, px, "muted", align="right")
