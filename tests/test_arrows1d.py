"""Arrows into a 1-D figure's output rows, read from the drawing: each in its
group's colour, ending on the cell being written, crossing no other output
cell, and apart from the other groups' arrows drawn with it."""

from __future__ import annotations

import pytest

import convanim
from convanim.render import RenderOptions
from convanim.render.layout import compute_layout
from convanim.render.record import record
from convanim.render.theme import DEFAULT_THEME as THEME

CASES = {
    "groups2": dict(in_channels=2, out_channels=2, groups=2, size=6),
    "depthwise x2": dict(in_channels=4, out_channels=8, groups=4, size=6),
    "12 groups": dict(in_channels=12, out_channels=24, groups=12, size=5),
    "one group, 3 out": dict(in_channels=1, out_channels=3, groups=1, size=5),
}


def _segments(points):
    return list(zip(points, points[1:]))


def _crosses(segment, box, inset: float = 1.5) -> bool:
    """Whether an axis-aligned segment passes through ``box``'s inside."""
    (x0, y0), (x1, y1) = segment
    left, right = sorted((x0, x1))
    top, bottom = sorted((y0, y1))
    return left < box.right - inset and right > box.x + inset and top < box.bottom - inset and bottom > box.y + inset


@pytest.mark.parametrize("width", [700, 1080])
@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_each_arrow_is_its_groups_colour_and_crosses_no_other_output_cell(name, width):
    trace = convanim.trace(convanim.conv(**CASES[name]))
    layout = compute_layout(trace, width, panel=False)
    pictures = record(trace, RenderOptions(width=width, panel=False))
    spec = trace.spec
    cells = [layout.output_cell(c, (i,)) for c in range(spec.out_channels) for i in range(spec.output_shape[1])]
    for picture in pictures[:-1]:
        lines = [c for c in picture.calls if c.kind == "line"]
        paths = []
        for index in picture.shot.steps:
            step = trace.steps[index]
            target = layout.output_cell(step.out_channel, step.position)
            colour = THEME.group_ink(step.group) if spec.groups > 1 else THEME.output_current
            drawn = [c for c in lines if c.colour == colour and abs(c.points[-1][0] - target.cx) < 1.5 and abs(c.points[-1][1] - target.y) < 12 * layout.scale]
            assert len(drawn) == 1, f"step {index}: its arrow, in its colour, ending on its cell"
            path = drawn[0].points
            assert any(c.kind == "polygon" and c.colour == colour and abs(c.points[-1][1] - (target.y - 1)) < 1.5 for c in picture.calls)
            for segment in _segments(path):
                assert not any(_crosses(segment, cell) for cell in cells if cell != target), (index, segment)
            paths.append(path)
        # Arrows of one picture share no stretch of line.
        for i, a in enumerate(paths):
            for b in paths[i + 1 :]:
                for sa in _segments(a):
                    for sb in _segments(b):
                        same_x = sa[0][0] == sa[1][0] == sb[0][0] == sb[1][0]
                        same_y = sa[0][1] == sa[1][1] == sb[0][1] == sb[1][1]
                        if same_x:
                            overlap = min(max(sa[0][1], sa[1][1]), max(sb[0][1], sb[1][1])) - max(min(sa[0][1], sa[1][1]), min(sb[0][1], sb[1][1]))
                            assert overlap <= 0, (sa, sb)
                        if same_y:
                            overlap = min(max(sa[0][0], sa[1][0]), max(sb[0][0], sb[1][0])) - max(min(sa[0][0], sa[1][0]), min(sb[0][0], sb[1][0]))
                            assert overlap <= 0, (sa, sb)


def test_without_groups_or_channels_the_arrow_drops_straight():
    trace = convanim.trace(convanim.conv(size=6))
    layout = compute_layout(trace, 1080, panel=False)
    target = layout.output_cell(0, (2,))
    (arrow,) = layout.arrows(1, target, None, [0])
    assert len(arrow.shaft) == 2 and arrow.shaft[0][0] == arrow.shaft[1][0] == target.cx
