"""Lenses: a large 2-D grid's window and current output, magnified.

A grid too large for its numbers to be read in its cells is drawn as an
overview (cells in their colours, no numbers); a lens beside it draws the
neighbourhood that matters at a legible size, with every number: on each
input channel the window and a ring of one cell around it, each weight in
the corner of the cell it multiplies; on each output channel the cells
around the one being written. Connector lines tie each lens to the region
it magnifies, which is outlined on the overview.

A lens shows a page: a fixed region, often wider than the window and its
ring, that stays still while the window slides inside it (numbers that
stay put are easier to follow than numbers that all shift under a still
window). It turns to the next page only when the window (with its ring)
would leave it, and then puts the window where it has the most room ahead.
So the lenses' numbers are drawn into the background once per page, and
each step draws only the window's outline, the weights and the cell being
written over them.

``Lenses`` is the geometry (part of the 2-D layout); ``lens_pages`` turns a
trace's pictures into the pages shown with each; ``draw_pages`` draws a
page's cells, regions and connectors (the background), ``draw_marks`` what
moves over them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..report import kernel_row
from .layout import Box
from .fonts import text_width

# The cells a lens keeps around the window and around the cell being
# written, most first: where lenses that wide do not fit the width, the
# next, then smaller cells.
RINGS = ((1, 1), (0, 1))

Page = tuple[tuple[int, int], tuple[int, int]]  # top-left cell of the input and of the output lens


@dataclass(frozen=True)
class Lenses:
    """Where each channel's lens goes and how large its cells are."""

    cell: float  # a lens cell's height (its rows are as tall in every lens)
    in_w: float  # an input lens cell's width: its widest number, or a square
    out_w: float  # an output lens cell's width (outputs often run a digit longer)
    value_px: float  # type size of the numbers in lens cells
    tag_px: float  # type size of the weights in their corners
    title_px: float
    inputs: tuple[tuple[float, float], ...]  # each input channel's lens, top left
    outputs: tuple[tuple[float, float], ...]  # each output channel's lens, top left
    in_span: tuple[int, int]  # cells an input lens shows, per axis
    out_span: tuple[int, int]
    padded_shape: tuple[int, int]
    output_shape: tuple[int, int]
    ring: int  # cells kept in view around the window
    out_ring: int = 1  # cells kept in view around the cell being written (along a row: before it)

    @property
    def in_size(self) -> tuple[float, float]:
        return self.in_span[1] * self.in_w, self.in_span[0] * self.cell

    @property
    def out_size(self) -> tuple[float, float]:
        return self.out_span[1] * self.out_w, self.out_span[0] * self.cell

    @property
    def tag_h(self) -> float:
        return 1.3 * self.tag_px

    @property
    def title_room(self) -> float:
        """Height of a lens's title line, under the lens."""
        return 1.5 * self.title_px

    def input_need(self, window) -> tuple[tuple[int, int], ...]:
        """The padded cells, (start, stop) per axis, an input page must
        show around ``window``: the window and its ring, where the grid has one."""
        return tuple((max(0, start - self.ring), min(size, stop + self.ring)) for (start, stop), size in zip(window, self.padded_shape))

    def output_need(self, position) -> tuple[tuple[int, int], ...]:
        """The output cells an output page must show around ``position``:
        the rows around it, and along its row the cells written before it
        (those after it are still empty: a page that need not show them
        lasts longer)."""
        (row, column), rows = position, self.output_shape[0]
        ring = self.out_ring
        return (max(0, row - ring), min(rows, row + ring + 1)), (max(0, column - ring), column + 1)

    def input_cell(self, channel: int, origin, position) -> Box:
        x, y = self.inputs[channel]
        return Box(x + (position[1] - origin[1]) * self.in_w, y + (position[0] - origin[0]) * self.cell, self.in_w, self.cell)

    def output_cell(self, channel: int, origin, position) -> Box:
        x, y = self.outputs[channel]
        return Box(x + (position[1] - origin[1]) * self.out_w, y + (position[0] - origin[0]) * self.cell, self.out_w, self.cell)

    def tag(self, box: Box, text: str) -> Box:
        """A weight's tag in the bottom-right corner of a lens cell."""
        h = self.tag_h
        w = min(box.w - 2, max(h, text_width(text, size=self.tag_px, bold=True) + 6))
        return Box(box.right - w - 1, box.bottom - h - 1, w, h)

    def value_y(self, box: Box) -> float:
        """Where an input lens cell's number stands: over the room of a
        weight's tag, whether or not one is there (the numbers stay still
        as the window passes)."""
        return box.y + 0.5 * (box.h - 1.3 * self.tag_px)


def needs(spec, ring: int, out_ring: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The fewest cells, per axis, an input lens (the window and ``ring``
    cells around it) and an output lens (the cell being written, the
    ``out_ring`` rows around it and cells before it) show."""
    window = [d * (k - 1) + 1 for d, k in zip(spec.dilation, spec.kernel_size)]
    inputs = tuple(min(w + 2 * ring, size) for w, size in zip(window, spec.padded_shape))
    out_rows, out_columns = spec.output_shape[1:]
    outputs = (min(2 * out_ring + 1, out_rows), min(out_ring + 1, out_columns))
    return inputs, outputs


def spans(spec, ring: int, out_ring: int, room: float, widths: tuple[float, float]) -> tuple[tuple[int, int], tuple[int, int]]:
    """Cells each lens shows, per axis, when the two side by side may take
    ``room`` px (``widths``: an input and an output lens cell's): past what
    they need, a column at a time to the lens whose pages would last fewer
    steps (the window moves a stride a step, the cell being written one),
    so both turn pages as rarely as they can."""
    need_in, need_out = needs(spec, ring, out_ring)
    cols, out_cols = spec.padded_shape[1], spec.output_shape[-1]
    c_in, c_out = need_in[1], need_out[1]
    stride = spec.stride[1]
    w_in, w_out = widths
    while True:
        lasts_in, lasts_out = (c_in - need_in[1]) // stride + 1, c_out - need_out[1] + 1
        more_in = c_in < cols and (c_in + 1) * w_in + c_out * w_out <= room
        more_out = c_out < out_cols and c_in * w_in + (c_out + 1) * w_out <= room
        if more_in and (not more_out or lasts_in <= lasts_out):
            c_in += 1
        elif more_out:
            c_out += 1
        else:
            return (need_in[0], c_in), (need_out[0], c_out)


def lens_cells(numbers, value_px: float, tag_px: float, scale: float) -> tuple[int, int, int]:
    """Whole-pixel lens cells: the rows' height (a number over a weight's
    tag), and the input and output cells' widths, each as wide as its own
    lens's widest number (``numbers``: ``RowNumbers``; outputs often run a
    digit longer), and an input cell as wide as a weight's tag. Whole
    pixels: every number in a lens then stands on the same fraction of a
    pixel, and is drawn again as a copy."""
    height = math.ceil(max(54 * scale, value_px * 1.3 + tag_px * 1.3 + 8))
    inputs = max(numbers.block_width("input", value_px) + 12, numbers.block_width("kernel", tag_px) + 10)
    return height, max(height, math.ceil(inputs)), max(height, math.ceil(numbers.block_width("output", value_px) + 12))


def turn_pages(needed, span, size) -> list[tuple[int, ...]]:
    """The origin of the page shown with each of a sequence of ``needed``
    regions ((start, stop) per axis): kept while the region stays inside it;
    else, along each axis it left, moved so the region has as much room
    ahead as it can in the direction it is heading (where it goes next, or
    else where it came from)."""
    n, axes = len(needed), len(span)
    heading = [[0] * n for _ in range(axes)]
    for axis in range(axes):
        ahead = 0
        for i in range(n - 2, -1, -1):  # the next move along this axis
            step = needed[i + 1][axis][0] - needed[i][axis][0]
            ahead = (step > 0) - (step < 0) or ahead
            heading[axis][i] = ahead
        behind = 1
        for i in range(n):
            if i:
                step = needed[i][axis][0] - needed[i - 1][axis][0]
                behind = (step > 0) - (step < 0) or behind
            heading[axis][i] = heading[axis][i] or behind
    origins, page = [], None
    for i, need in enumerate(needed):
        moved = []
        for axis, ((start, stop), length, extent) in enumerate(zip(need, span, size)):
            if page is not None and page[axis] <= start and stop <= page[axis] + length:
                moved.append(page[axis])
            else:
                first = start if heading[axis][i] > 0 else stop - length
                moved.append(max(0, min(first, extent - length)))
        page = tuple(moved)
        origins.append(page)
    return origins


def lens_pages(lens: Lenses, trace, pictures) -> list[Page]:
    """The input and output pages shown with each picture (trace step
    indices shown together, in showing order: ``storyboard.pictures``)."""
    first = [trace.steps[picture[0]] for picture in pictures]
    inputs = turn_pages([lens.input_need(step.window) for step in first], lens.in_span, lens.padded_shape)
    outputs = turn_pages([lens.output_need(step.position) for step in first], lens.out_span, lens.output_shape)
    return list(zip(inputs, outputs))


# -- drawing ------------------------------------------------------------------
def draw_pages(renderer, p, page: Page) -> None:
    """A page's lenses, into the background: every number of the input
    around the window and of the output around the cell being written
    (those written so far)."""
    lens: Lenses = renderer.layout.lens
    draw_inputs(renderer, p, page[0], range(lens.in_span[1]))
    draw_outputs(renderer, p, page[1], range(lens.out_span[1]))


def draw_inputs(renderer, p, origin, columns) -> None:
    """The input lenses' cells in ``columns`` (counted from the page's
    left) of the page whose top-left cell is ``origin``."""
    L, trace = renderer.layout, renderer.trace
    lens: Lenses = L.lens
    role = trace.roles
    for channel in range(trace.spec.in_channels):
        for r in range(lens.in_span[0]):
            for c in columns:
                position = (origin[0] + r, origin[1] + c)
                kind = role[position]
                box = lens.input_cell(channel, origin, position)
                fill = renderer.input_fill(kind, channel)
                _number_cell(renderer, p, box, fill, trace.padded[(channel, *position)], ("input", channel), kind == "copy", tagged=True)


def draw_outputs(renderer, p, origin, columns) -> None:
    """The output lenses' cells in ``columns`` of the page at ``origin``, as written so far."""
    lens: Lenses = renderer.layout.lens
    for channel in range(renderer.trace.spec.out_channels):
        for r in range(lens.out_span[0]):
            for c in columns:
                _output_cell(renderer, p, origin, channel, (origin[0] + r, origin[1] + c))


def draw_output(renderer, p, page: Page, channel: int, cell) -> Box | None:
    """An output lens cell as the background has it: written (with its
    number) or pending; the box drawn, None where the page does not show it."""
    lens: Lenses = renderer.layout.lens
    origin = page[1]
    if not all(o <= v < o + n for o, v, n in zip(origin, cell, lens.out_span)):
        return None
    return _output_cell(renderer, p, origin, channel, cell)


def _output_cell(renderer, p, origin, channel: int, cell) -> Box:
    lens: Lenses = renderer.layout.lens
    theme = renderer.theme
    box = lens.output_cell(channel, origin, cell)
    value = renderer.written_value(channel, cell)
    if value is None:
        p.rect(box.x, box.y, box.w, box.h, theme.pending, theme.cell_edge, 1)
    else:
        fill = theme.output_done if channel % 2 == 0 else theme.output_done_alt
        _number_cell(renderer, p, box, fill, value, ("output", channel))
    return box


def draw_regions(renderer, p, page: Page) -> list[Box]:
    """The regions a page magnifies, outlined on the overviews, and the
    lines that tie each to its lens; the box of each stroke."""
    L, theme = renderer.layout, renderer.theme
    lens: Lenses = L.lens
    drawn = []
    for first, (x, y), span, size, colour in [
        *((L.input_cell(ch, page[0]), lens.inputs[ch], lens.in_span, lens.in_size, theme.kernel) for ch in range(len(lens.inputs))),
        *((L.output_cell(ch, page[1]), lens.outputs[ch], lens.out_span, lens.out_size, theme.output_current) for ch in range(len(lens.outputs))),
    ]:
        w, h = span[1] * first.w, span[0] * first.h
        p.rect(first.x - 1, first.y - 1, w + 2, h + 2, None, colour, 1)
        drawn.append(Box(first.x - 1, first.y - 1, w + 2, h + 2))
        for start, end in (((first.x, first.y + h), (x, y)), ((first.x + w, first.y + h), (x + size[0], y))):
            p.line([start, end], colour, 1)
            drawn.append(Box(min(start[0], end[0]), min(start[1], end[1]), abs(end[0] - start[0]), abs(end[1] - start[1])))
    return drawn


def draw_marks(renderer, p, shot, page: Page, before=None, before_page: Page | None = None) -> None:
    """What moves over a page: the window outlined in each input lens, each
    weight in the corner of the cell it multiplies, the cell being written.
    Gliding from ``before``'s windows on the same page, they slide."""
    L, theme = renderer.layout, renderer.theme
    lens: Lenses = L.lens
    steps = [renderer.step(i) for i in (shot.steps or renderer.last_picture)]
    origin = page[0]
    gliding = before is not None and before_page == page
    olds = [renderer.step(i) for i in before] if gliding else [None] * len(steps)
    edge = L.heavy_edge
    drawn = set()
    for step, old in zip(steps, olds):
        for channel in dict.fromkeys(tap.in_channel for tap in step.taps):
            if channel in drawn:
                continue
            drawn.add(channel)
            outline = _window_box(lens, L, channel, origin, step.window)
            if old is not None:
                outline = _window_box(lens, L, channel, origin, old.window).toward(outline, shot.progress)
            p.rect(outline.x - edge, outline.y - edge, outline.w + 2 * edge, outline.h + 2 * edge, None, theme.kernel, edge)
            taps = [tap for tap in step.taps if tap.in_channel == channel]
            was = [tap for tap in old.taps if tap.in_channel == channel] if old is not None else taps
            for tap, then in zip(taps, was):
                tag = _tag(renderer, channel, origin, tap.position, tap.weight, step.out_channel)
                if old is not None:
                    tag = _tag(renderer, channel, origin, then.position, tap.weight, step.out_channel).toward(tag, shot.progress)
                renderer.kernel_cell(p, tag, channel, tap.weight, step.out_channel)
    if shot.phase == "step":
        for step in steps:
            box = lens.output_cell(step.out_channel, page[1], step.position)
            _number_cell(renderer, p, box, theme.output_current, step.shown, ("output", step.out_channel), edge_px=edge)


def _tag(renderer, channel: int, origin, position, weight: float, out_channel: int) -> Box:
    """The tag of ``weight`` in the lens cell at padded ``position`` of the
    page at ``origin`` (worked out once per cell of the lens: the window
    passes over the same cells step after step, page after page)."""
    lens: Lenses = renderer.layout.lens

    def tag():
        text = renderer.cell_label(weight, False, Box(0, 0, lens.in_w, lens.tag_h), kernel_row(channel, out_channel))[0]
        return lens.tag(lens.input_cell(channel, origin, position), text)

    cell = (position[0] - origin[0], position[1] - origin[1])  # where in the lens: all a lens cell's place hangs on
    return renderer.remembered(("lens tag", channel, out_channel, cell, weight, math.copysign(1.0, weight)), tag)


def _window_box(lens: Lenses, L, channel: int, origin, window) -> Box:
    """A window's outline in its lens."""
    span = L.outline(0, window)
    a = lens.input_cell(channel, origin, (window[0][0], window[1][0]))
    return Box(a.x, a.y, span.w / L.cell * lens.in_w, span.h / L.cell_h * lens.cell)


def _number_cell(renderer, p, box: Box, fill: str, value: float, row, italic: bool = False, tagged: bool = False, edge_px: int = 1) -> None:
    y = renderer.layout.lens.value_y(box) if tagged else box.cy
    renderer.cell(p, box, fill, value, row, edge_px, italic, number_y=y)
