"""What a reader sees, read through the recording painter: texts, where
they are, in what colour, and which cells each picture marks."""

from __future__ import annotations

import pytest

import convanim
from convanim.render import RenderOptions
from convanim.render.layout import compute_layout
from convanim.render.record import RecordingPainter, record
from convanim.render.theme import DEFAULT_THEME as THEME

GROUPS2 = dict(input=[[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]], weight=[[[2]], [[4]]], groups=2)
PADDING1 = dict(input=[1, 2, 3, 4, 5, 6], weight=[2, 2, 2], padding=1)


def _texts(picture) -> list[str]:
    return [call.text for call in picture.calls if call.kind == "text"]


def test_the_recording_painter_keeps_every_call_with_its_place_size_and_colour():
    p = RecordingPainter.blank(100, 50, "#ffffff")
    width = p.text(10, 20, "7", 12, "#000000", align="left", bold=True)
    p.rect(1, 2, 3, 4, "#ff0000", "#000000", 2)
    p.polygon([(0, 0), (4, 0), (2, 3)], "#00ff00")
    copy = p.copy()
    copy.line([(0, 0), (0, 9)], "#0000ff")
    text, rect, polygon = p.calls
    assert (text.text, text.x, text.y, text.size, text.colour, text.bold, text.w) == ("7", 10, 20, 12, "#000000", True, width)
    assert (rect.x, rect.y, rect.w, rect.h, rect.colour, rect.edge_px) == (1, 2, 3, 4, "#ff0000", 2)
    assert (polygon.w, polygon.h) == (4, 3)
    assert len(p.calls) == 3 and len(copy.calls) == 4  # a copy draws on its own


def test_each_picture_of_groups2_writes_every_groups_products_in_its_colour():
    trace = convanim.trace(convanim.conv(**GROUPS2))
    pictures = record(trace, RenderOptions(panel=False))
    for column, picture in enumerate(pictures[:-1]):
        ink = {call.text: call.colour for call in picture.calls if call.kind == "text"}
        ONE, TEN = column + 1, 10 * (column + 1)
        assert ink[f"{ONE}×2 = {2 * ONE}"] == THEME.group_ink(0)
        assert ink[f"{TEN}×4 = {4 * TEN}"] == THEME.group_ink(1)
        assert f"step {column + 1} of 6" in ink
        assert picture.caption == f"step {column + 1} of 6: {ONE}×2 = {2 * ONE}; {TEN}×4 = {4 * TEN}"
    assert "6 of 6 done" in _texts(pictures[-1])


def test_every_groups_arrow_ends_on_the_cell_it_writes():
    trace = convanim.trace(convanim.conv(**GROUPS2))
    layout = compute_layout(trace, 1080, panel=False)
    for column, picture in enumerate(record(trace, RenderOptions(panel=False))[:-1]):
        tips = sorted((c.points[2][1], c.points[2][0]) for c in picture.calls if c.kind == "polygon")
        assert len(tips) == 2
        for channel, (y, x) in enumerate(tips):
            target = layout.output_cell(channel, (column,))
            assert target.x < x < target.right and abs(y - target.y) <= 2


@pytest.mark.parametrize("options", [RenderOptions(), RenderOptions(width=320, glide=True)], ids=["default", "narrow glide"])
def test_record_draws_what_the_pixels_show(options):
    """The recording and the GIF come from one drawing code: as many frames, same captions."""
    conv = convanim.conv(**PADDING1)
    recorded = record(conv, options)
    drawn = list(convanim.frames(conv, options))
    assert [p.caption for p in recorded] == [f.caption for f in drawn]
    assert [p.shot.duration_ms for p in recorded] == [f.duration_ms for f in drawn]
