"""Wrapped 1-D figures (rows on several bands) read through the recording
painter: gliding kernels, labels, and text kept on the canvas."""

from __future__ import annotations

import pytest

from convanim.report import kernel_row

import convanim
from convanim.render import RenderOptions, default_title
from convanim.render.layout import compute_layout
from convanim.render.record import record

WRAPPED = {
    "padded": dict(input=[0.5, -2, 3.25, 0.0001, 7, -1, 2, 9], weight=[1, -2, 1], padding=1),
    "forty": dict(input=list(range(40)), weight=[1, 1, 1]),
    "dilated": dict(input=[i * 1.37 for i in range(60)], weight=[1, -1], dilation=3, stride=2),
    "two-channels": dict(input=[[i * 0.1 for i in range(50)], [i * 0.2 for i in range(50)]], weight=[[[1, 2, 1], [0, 1, 0]]], padding=2),
}


def _glide(case, width=1080):
    trace = convanim.trace(convanim.conv(**case))
    layout = compute_layout(trace, width, True, title=default_title(trace))
    return trace, layout, record(trace, RenderOptions(width=width, glide=True))


@pytest.mark.parametrize("name", list(WRAPPED), ids=list(WRAPPED))
def test_a_gliding_kernel_stays_on_its_rows_of_a_wrapped_figure(name):
    trace, layout, pictures = _glide(WRAPPED[name], width=700 if name == "padded" else 1080)
    assert layout.bands > 1
    glides = [p for p in pictures if p.shot.phase == "glide"]
    assert glides
    kernel_rows = {
        round(band * layout.band_height + layout.kernel_top + (ch + 0.5) * layout.cell_h, 3)
        for band in range(layout.bands)
        for ch in range(layout.in_channels)
    }
    weights = {layout.formats[kernel_row(tap.in_channel, step.out_channel)][0].text(tap.weight) for step in trace.steps for tap in step.taps}
    for picture in glides:
        top, bottom = layout.kernel_top, layout.kernel_top + layout.in_channels * layout.cell_h
        for call in picture.calls:
            if call.kind == "text" and call.text in weights:
                within = (call.y % layout.band_height)
                if top <= within <= bottom:  # a kernel cell, not an input with the same number
                    assert round(call.y, 3) in kernel_rows, f"kernel cell between rows at y={call.y}"


def _extent(call) -> tuple[float, float]:
    if call.align == "right":
        return call.x - call.w, call.x
    if call.align == "left":
        return call.x, call.x + call.w
    return call.x - call.w / 2, call.x + call.w / 2


def _figures():
    from hypothesis import strategies as st

    value = st.sampled_from([0.5, -2, 3.25, 1e-4, 7, 1e6, -0.001, 42, 2.71828, 0.457, 123.456])

    @st.composite
    def figure(draw):
        groups = draw(st.sampled_from([1, 2, 3]))
        in_channels = groups * draw(st.integers(1, 2))
        out_channels = groups * draw(st.integers(1, 3))
        length = draw(st.integers(3, 30))
        kernel = draw(st.integers(1, 3))
        rows = [[draw(value) for _ in range(length)] for _ in range(in_channels)]
        weight = [[[draw(value) for _ in range(kernel)] for _ in range(in_channels // groups)] for _ in range(out_channels)]
        return dict(input=rows, weight=weight, groups=groups, padding=draw(st.integers(0, 1))), draw(st.sampled_from([320, 700, 1080]))

    return figure()


def test_no_text_leaves_the_canvas_of_any_figure():
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_figures())
    def check(case):
        arguments, width = case
        pictures = record(convanim.trace(convanim.conv(**arguments)), RenderOptions(width=width))
        for picture in (pictures[0], pictures[1], pictures[-1]):
            canvas = picture.canvas
            for call in canvas.texts():
                left, right = _extent(call)
                assert -0.5 <= left and right <= canvas.width + 0.5, f"{call.text!r} runs off the canvas ({left:.0f}..{right:.0f} of {canvas.width})"

    check()


def test_the_kernels_owner_is_named_in_full_inside_the_canvas():
    x = [[round((i * 0.37 + c) * 1.23456789, 6) for i in range(9)] for c in range(8)]
    conv = convanim.conv(input=x, weight=[[[1, 2]] * 4] * 4, groups=2, bias=[0.1, -0.2, 1e6, 0.00012])
    pictures = record(convanim.trace(conv), RenderOptions(decimals=3))
    owners = [c for c in pictures[0].canvas.texts() if c.text.startswith("of out ch")]
    assert [c.text for c in owners] == ["of out ch 0, 2"]
    assert owners[0].x - owners[0].w >= 0


@pytest.mark.parametrize("name", ["forty", "two-channels"])
def test_a_wrapped_figure_names_the_kernel_rows_only_where_the_kernel_is(name):
    trace = convanim.trace(convanim.conv(**WRAPPED[name]))
    layout = compute_layout(trace, 1080, True, title=default_title(trace))
    pictures = record(trace, RenderOptions())
    assert layout.bands > 1
    for picture in (pictures[0], pictures[len(pictures) // 2], pictures[-2], pictures[-1]):
        steps = picture.shot.steps or trace.steps[-1:] and [trace.steps[-1].index]
        bands = {layout.band_of(tap.position[0]) for i in steps for tap in trace.steps[i].taps}
        names = [c for c in picture.canvas.texts() if c.text == "Kernel"]
        assert sorted(int(c.y // layout.band_height) for c in names) == sorted(bands)
        assert len([c for c in picture.canvas.texts() if c.text == "Input"]) == layout.bands


def test_a_window_split_across_bands_shows_each_bands_taps_and_where_it_goes_on():
    """Taps on both bands, each marked × under its cell with its weight below;
    the bars run on to the band's edge on each side of the break; one arrow."""
    import convanim
    from convanim.render import RenderOptions
    from convanim.render.layout import compute_layout
    from convanim.render.record import record

    trace = convanim.trace(convanim.conv(list(range(1, 41)), [1, 2, 1, 3]))
    layout = compute_layout(trace, 700, panel=False)
    pictures = record(trace, RenderOptions(width=700, panel=False))
    step = next(s for s in trace.steps if layout.band_of(s.window[0][0]) != layout.band_of(s.window[0][1] - 1))
    picture = next(p for p in pictures if p.shot.steps == (step.index,))
    texts = [c for c in picture.calls if c.kind == "text"]
    for tap in step.taps:
        mark = layout.tap_mark(0, tap.position)
        assert any(t.text == "×" and abs(t.x - mark.x) < 0.5 and abs(t.y - mark.y) < 0.5 for t in texts)
        kernel = layout.kernel_cell(0, tap.position)
        assert layout.input_cell(0, tap.position).x == kernel.x
        assert any(t.text == layout.formats[kernel_row(0, step.out_channel)][0].text(tap.weight) and abs(t.x - kernel.cx) < 0.5 and abs(t.y - kernel.cy) < 0.5 for t in texts)
    bands = {layout.band_of(tap.position[0]) for tap in step.taps}
    assert len(bands) == 2
    links = layout.links(0, step.window)
    edge = layout.column_x(min(bands) * layout.per_band + layout.per_band, min(bands))
    assert any(end[0] > edge for _, end in links) and any(start[0] < layout.grid_x for start, _ in links)
    for start, end in links:
        assert any(c.kind == "line" and c.points[0] == start and c.points[-1] == end for c in picture.calls)
    arrows = [c for c in picture.calls if c.kind == "polygon"]
    assert len(arrows) == 1
