"""Wrapped 1-D figures (rows on several bands) read through the recording
painter: gliding kernels, labels, and text kept on the canvas."""

from __future__ import annotations

import pytest

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
    weights = {layout.formats[("kernel", tap.in_channel)][0].text(tap.weight) for step in trace.steps for tap in step.taps}
    for picture in glides:
        top, bottom = layout.kernel_top, layout.kernel_top + layout.in_channels * layout.cell_h
        for call in picture.calls:
            if call.kind == "text" and call.text in weights:
                within = (call.y % layout.band_height)
                if top <= within <= bottom:  # a kernel cell, not an input with the same number
                    assert round(call.y, 3) in kernel_rows, f"kernel cell between rows at y={call.y}"
