"""Random 2-D convolutions (channels, groups, depthwise and with channel
multipliers, kernel sizes, padding modes, odd values: tiny, huge,
negative, many decimals) at the widths figures are shown at, a phone's
column (320 px) included, read through the recording painter: no text
under the type floor, every cell's number inside its cell, a grid's or a
lens's (none blank), no two texts on top of each other. A figure too
narrow for that is refused, naming a width that holds it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import convanim
from convanim.errors import SpecError
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
WIDTHS = (320, 700, 1080, 1920)


@st.composite
def odd_cases(draw):
    # Groups of one or two channels each, depthwise and with multipliers.
    case = draw(valid_cases(ndims=(2,)))
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


def _cells(layout, trace, done: bool, page=None):
    """Every cell a reader sees a number in: (box, what it is). On an
    overview, the lenses' cells on ``page`` (the output's, once written)."""
    spec = trace.spec
    lens = layout.lens
    if lens is None:
        rows, columns = spec.padded_shape
        for channel in range(spec.in_channels):
            for position in np.ndindex(rows, columns):
                yield layout.input_cell(channel, position), ("input", channel, position)
        if done:
            for step in trace.steps:
                yield layout.output_cell(step.out_channel, step.position), ("output", step.out_channel, step.position)
        return
    origin, out_origin = page
    for channel in range(spec.in_channels):
        for r, c in np.ndindex(*lens.in_span):
            position = (origin[0] + r, origin[1] + c)
            yield lens.input_cell(channel, origin, position), ("input", channel, position)
    if done:
        for channel in range(spec.out_channels):
            for r, c in np.ndindex(*lens.out_span):
                position = (out_origin[0] + r, out_origin[1] + c)
                yield lens.output_cell(channel, out_origin, position), ("output", channel, position)


# Found: a weight too long for a cell's tag at 320 px makes an overview
# whose lenses stand under each other; their cells kept too short for a
# number over a tag.
_LONG_TAG = np.zeros((2, 1, 2, 3))
_LONG_TAG[1, 0, 1, 2] = -99999.5


@settings(max_examples=30, deadline=None)
@given(arguments=odd_cases(), width=st.sampled_from(WIDTHS))
@example(
    arguments=dict(input=np.zeros((2, 2, 4)), weight=_LONG_TAG, bias=np.array([0.0, -10.0]), stride=(1, 1), padding=1, dilation=(1, 2), groups=2, padding_mode="zeros"),
    width=320,
)
def test_every_2d_text_is_legible_in_its_place(arguments, width):
    trace = convanim.trace(convanim.conv(**arguments))
    try:
        _check_legible(trace, width)
    except SpecError as refused:
        # Too narrow to write every number: said so, naming a width that does.
        wider = re.fullmatch(r"width: \d+ px is too narrow to write every number of this 2-D figure .*: use --width (\d+) or more", str(refused))
        assert wider, str(refused)
        assert width < int(wider[1]) <= 3840
        _check_legible(trace, int(wider[1]))


def _check_legible(trace, width):
    renderer, shots = _figure(trace, RenderOptions(width=width), painter=RecordingPainter)
    layout = renderer.layout
    floor = width / 60 - 0.01
    chosen = [shots[0], shots[len(shots) // 2], shots[-1]]
    pages = [renderer._pages[renderer._picture_index(shot)] for shot in chosen] if layout.lens is not None else [None] * 3
    for index, ((shot, _, canvas), page) in enumerate(zip(renderer.pictures(chosen), pages)):
        texts = canvas.texts()
        for call in texts:
            assert call.size >= floor, (call.text, call.size, width)
        # Every cell's number inside its cell, none blank: a grid's cells,
        # or on an overview the cells of the lenses' page.
        for box, what in _cells(layout, trace, done=index == 2, page=page):
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
    return layout


def test_a_5x5_input_of_four_decimal_numbers_is_drawn_whole_at_700_px():
    """Long numbers in a small grid: each kernel under its grid, level with
    the window's columns, rather than an overview with a thumbnail."""
    rng = np.random.default_rng(5)
    arguments = dict(
        input=rng.uniform(-9.9, 9.9, (1, 5, 5)).round(4), weight=rng.uniform(-1, 1, (1, 1, 3, 3)).round(4),
        bias=[-0.75], padding=1, padding_mode="reflect",
    )
    trace = convanim.trace(convanim.conv(**arguments))
    layout = _check_legible(trace, 700)
    assert layout.lens is None and layout.kernel_below
    step = trace.steps[7]
    window = layout.outline(0, step.window)
    first = layout.kernel_grid_cell(0, (0, 0), step.window)
    assert first.y > layout.input_cell(0, (6, 0)).bottom  # under the grid
    assert abs(first.x - window.x) < 1 and abs(layout.kernel_w - layout.cell) < 1e-9  # under the window's columns


def test_a_figure_too_narrow_for_its_numbers_is_refused_naming_a_width_that_holds_them():
    """A window 13 cells wide (5 taps, dilation 3) of four-digit sums: its lens cannot write them at 320 px."""
    rng = np.random.default_rng(3)
    arguments = dict(input=rng.integers(-99, 99, (1, 40, 40)), weight=rng.integers(-9, 9, (1, 1, 5, 5)), padding=2, stride=4, dilation=3)
    trace = convanim.trace(convanim.conv(**arguments))
    with pytest.raises(SpecError) as refused:
        _figure(trace, RenderOptions(width=320), painter=RecordingPainter)
    wider = re.fullmatch(r"width: 320 px is too narrow to write every number of this 2-D figure .*: use --width (\d+) or more", str(refused.value))
    assert wider, str(refused.value)
    layout = _check_legible(trace, int(wider[1]))
    assert layout.lens is not None
