"""Lenses: a large 2-D grid's window and current output, magnified.

A grid too large for its numbers to be read in its cells is drawn as an
overview (cells in their colours, no numbers); a lens beside it draws the
neighbourhood that matters at a legible size, with every number: on each
input channel the window and a ring of one cell around it, each weight in
the corner of the cell it multiplies; on each output channel the cells
around the one being written. Connector lines tie each lens to the region
it magnifies, which is outlined on the overview.

``Lenses`` is the geometry (part of the 2-D layout); ``draw_lenses`` draws
one shot's lenses from the trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import Box
from .paint import text_width

# The cells a lens shows around the window and around the cell being
# written (per axis), most first: where lenses that wide do not fit the
# width, the next, then smaller cells.
REACHES = ((1, (1, 2)), (1, (1, 1)), (0, (1, 1)))


@dataclass(frozen=True)
class Lenses:
    """Where each channel's lens goes and how large its cells are."""

    cell: float  # a lens cell's side
    value_px: float  # type size of the numbers in lens cells
    tag_px: float  # type size of the weights in their corners
    title_px: float
    inputs: tuple[tuple[float, float], ...]  # each input channel's lens, top left
    outputs: tuple[tuple[float, float], ...]  # each output channel's lens, top left
    in_span: tuple[int, int]  # cells an input lens shows, per axis
    out_span: tuple[int, int]
    padded_shape: tuple[int, int]
    output_shape: tuple[int, int]
    ring: int  # cells shown around the window

    @property
    def in_size(self) -> tuple[float, float]:
        return self.in_span[1] * self.cell, self.in_span[0] * self.cell

    @property
    def out_size(self) -> tuple[float, float]:
        return self.out_span[1] * self.cell, self.out_span[0] * self.cell

    @property
    def tag_h(self) -> float:
        return 1.3 * self.tag_px

    @property
    def title_room(self) -> float:
        """Height of a lens's title line, over the lens."""
        return 1.5 * self.title_px

    def input_origin(self, window) -> tuple[int, int]:
        """The padded cell at the top left of the input lens around ``window``:
        the window and a ring around it, kept within the grid."""
        return tuple(_clamp(start - self.ring, span, size) for (start, _), span, size in zip(window, self.in_span, self.padded_shape))

    def output_origin(self, position) -> tuple[int, int]:
        return tuple(_clamp(p - span // 2, span, size) for p, span, size in zip(position, self.out_span, self.output_shape))

    def input_cell(self, channel: int, origin, position) -> Box:
        x, y = self.inputs[channel]
        return Box(x + (position[1] - origin[1]) * self.cell, y + (position[0] - origin[0]) * self.cell, self.cell, self.cell)

    def output_cell(self, channel: int, origin, position) -> Box:
        x, y = self.outputs[channel]
        return Box(x + (position[1] - origin[1]) * self.cell, y + (position[0] - origin[0]) * self.cell, self.cell, self.cell)

    def tag(self, box: Box, text: str) -> Box:
        """A weight's tag in the bottom-right corner of a lens cell."""
        h = self.tag_h
        w = min(box.w - 2, max(h, text_width(text, size=self.tag_px, bold=True) + 6))
        return Box(box.right - w - 1, box.bottom - h - 1, w, h)

    def value_y(self, box: Box) -> float:
        """Where a lens cell's number stands: over its tag, when it has one."""
        return box.y + 0.5 * (box.h - 1.3 * self.tag_px)


def _clamp(start: int, span: int, size: int) -> int:
    return max(0, min(start, size - span))


def spans(spec, ring: int, reach) -> tuple[tuple[int, int], tuple[int, int]]:
    """Cells an input lens (the window and ``ring`` cells around it) and an
    output lens (``reach`` cells each side of the one being written) show,
    per axis."""
    window = [d * (k - 1) + 1 for d, k in zip(spec.dilation, spec.kernel_size)]
    inputs = tuple(min(w + 2 * ring, size) for w, size in zip(window, spec.padded_shape))
    outputs = tuple(min(2 * r + 1, size) for r, size in zip(reach, spec.output_shape[1:]))
    return inputs, outputs


def lens_cell(widest: float, value_px: float, tag_px: float, scale: float) -> float:
    """A lens cell wide enough for a number ``widest`` pixels wide and tall
    enough for a number over a weight's tag."""
    return max(54 * scale, widest + 12, value_px * 1.3 + tag_px * 1.3 + 8)


# -- drawing ------------------------------------------------------------------
def draw_lenses(renderer, p, shot) -> None:
    """One shot's lenses, read from the trace: the input around each window
    and the output around each cell being written, tied to the overview."""
    L, theme, trace = renderer.layout, renderer.theme, renderer.trace
    lens: Lenses = L.lens
    steps = [trace.steps[i] for i in (shot.steps or renderer._pictures[-1])]
    first = min(step.index for step in steps)
    done = shot.phase == "done"
    role = trace.roles
    read = {}
    for step in steps:
        for tap in step.taps:
            read.setdefault(tap.in_channel, (step, {}))[1][tap.position] = tap.weight
    for channel, (step, weights) in read.items():
        origin = lens.input_origin(step.window)
        for r in range(lens.in_span[0]):
            for c in range(lens.in_span[1]):
                position = (origin[0] + r, origin[1] + c)
                kind = role[position]
                if kind == "input":
                    fill = theme.input if channel % 2 == 0 else theme.input_alt
                else:
                    fill = theme.padding if kind == "zero" else theme.padding_copy
                box = lens.input_cell(channel, origin, position)
                weight = weights.get(position)
                _number_cell(renderer, p, box, fill, trace.padded[(channel, *position)], ("input", channel), kind == "copy", weight is not None)
                if weight is not None:
                    text = L.cell_label(weight, row=("kernel", channel), box=Box(0, 0, box.w, lens.tag_h))[0]
                    tag = lens.tag(box, text)
                    renderer._kernel_cell(p, tag, channel, weight)
        span = L.outline(0, step.window)
        a = lens.input_cell(channel, origin, (step.window[0][0], step.window[1][0]))
        edge = L.heavy_edge
        w, h = span.w / L.cell * lens.cell, span.h / L.cell * lens.cell
        p.rect(a.x - edge, a.y - edge, w + 2 * edge, h + 2 * edge, None, theme.kernel, edge)
        _region(renderer, p, L.input_cell(channel, origin), lens.in_span, theme.kernel)

    current = {step.out_channel: step for step in steps}
    position = steps[0].position
    origin = lens.output_origin(position)
    c_out = trace.spec.out_channels
    for channel in range(c_out):
        for r in range(lens.out_span[0]):
            for c in range(lens.out_span[1]):
                cell = (origin[0] + r, origin[1] + c)
                index = _step_index(cell, channel, lens.output_shape, c_out)
                box = lens.output_cell(channel, origin, cell)
                if channel in current and cell == position and not done:
                    _number_cell(renderer, p, box, theme.output_current, trace.shown[(channel, *cell)], ("output", channel), edge_px=edge)
                elif index < first or done:
                    fill = theme.output_done if channel % 2 == 0 else theme.output_done_alt
                    _number_cell(renderer, p, box, fill, trace.shown[(channel, *cell)], ("output", channel))
                else:
                    p.rect(box.x, box.y, box.w, box.h, theme.pending, theme.cell_edge, 1)
        region = _region(renderer, p, L.output_cell(channel, origin), lens.out_span, theme.output_current)
        x, y = lens.outputs[channel]
        w, h = lens.out_size
        for start, end in ((region[0], (x, y)), (region[1], (x + w, y))):
            p.line([start, end], theme.output_current, 1)


def _step_index(position, channel: int, shape, channels: int) -> int:
    """A trace step's index: output position by position, channels together."""
    return (position[0] * shape[1] + position[1]) * channels + channel


def _region(renderer, p, first: Box, span, colour) -> tuple[tuple[float, float], tuple[float, float]]:
    """Outline on the overview the cells a lens shows; its bottom corners."""
    w, h = span[1] * first.w, span[0] * first.h
    p.rect(first.x - 1, first.y - 1, w + 2, h + 2, None, colour, 1)
    return (first.x, first.y + h), (first.x + w, first.y + h)


def _number_cell(renderer, p, box: Box, fill: str, value: float, row, italic: bool = False, tagged: bool = False, edge_px: int = 1) -> None:
    L = renderer.layout
    p.rect(box.x, box.y, box.w, box.h, fill, renderer.theme.cell_edge, edge_px)
    text, px = L.cell_label(value, italic, box, row)
    if text:
        y = L.lens.value_y(box) if tagged else box.cy
        p.text(box.cx, y, text, px, renderer.theme.text_on(fill), bold=True, family="sans-italic" if italic else "sans")
