"""What is worked out once and drawn again (a cell's place and number, a
lens tag, a colour's ink) is keyed by everything that changes it: drawn
again with one thing changed, it shows the change."""

from __future__ import annotations

import numpy as np

import convanim
from convanim.render import RenderOptions, _figure
from convanim.render.layout import Box
from convanim.render.paint import Painter
from convanim.render.record import RecordingPainter, record


def _drawn_alone(calls) -> np.ndarray:
    """The pixels of ``calls`` (rect, then text) on a fresh canvas."""
    p = Painter.blank(120, 80, "#ffffff")
    for kind, args, kwargs in calls:
        getattr(p, kind)(*args, **kwargs)
    return p.array()


def test_a_cell_drawn_again_at_its_place_shows_its_own_number_colours_and_edge():
    cells = [
        ("12", "#f5a623", "#222222", 1),
        ("13", "#f5a623", "#222222", 1),  # another number
        ("12", "#d35400", "#222222", 1),  # another fill
        ("12", "#f5a623", "#ffffff", 1),  # another ink
        ("12", "#f5a623", "#222222", 3),  # a heavier edge
        ("", "#f5a623", "#222222", 1),  # no number
    ]
    p = Painter.blank(120, 80, "#ffffff")
    for text, fill, ink, edge_px in cells:
        p.cell(20.4, 10.6, 60, 40, fill, "#000000", edge_px, text, 50.4, 30.6, 17.5, ink, bold=True)
        alone = [("rect", (20.4, 10.6, 60, 40, fill, "#000000", edge_px), {})]
        if text:
            alone.append(("text", (50.4, 30.6, text, 17.5, ink), {"bold": True}))
        expected = _drawn_alone(alone)
        assert np.array_equal(p.array()[11:52, 20:81], expected[11:52, 20:81]), (text, fill, ink, edge_px)


def test_a_renderer_cell_drawn_again_in_its_box_follows_its_value_fill_and_place():
    renderer, _ = _figure(convanim.conv(size=(4, 4), kernel_size=3), RenderOptions())
    box = renderer.layout.output_cell(0, (0, 0))
    p = RecordingPainter(renderer.layout.width, renderer.layout.height, "#ffffff")
    row = ("output", 0)
    for value, fill, number_y in [(2.0, "#f5a623", None), (3.0, "#f5a623", None), (2.0, "#d35400", None), (2.0, "#f5a623", box.y + 5)]:
        p.calls.clear()
        renderer.cell(p, box, fill, value, row, number_y=number_y)
        rect, text = p.calls
        assert rect.colour == fill
        assert text.text == renderer.layout.cell_label(value, False, box, row)[0]
        assert text.y == (renderer.layout.number_y(box, row) if number_y is None else number_y)
    p.calls.clear()
    renderer.cell(p, box, "#f5a623", None, row)  # pending: no number
    assert [c.kind for c in p.calls] == ["rect"]


def test_each_lens_tag_shows_the_weight_over_its_cell_at_every_step():
    # Weights that differ cell by cell: as the window slides, each lens cell
    # is tagged with one weight, then another.
    weight = [[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]
    options = RenderOptions(steps="1-6")
    trace = convanim.trace(convanim.conv(size=(24, 24), weight=weight, padding=1))
    renderer, _ = _figure(trace, options)
    lens = renderer.layout.lens
    assert lens is not None  # drawn as an overview with lenses
    for picture in record(trace, options)[:6]:
        step = trace.steps[picture.shot.steps[0]]
        tags = [c for c in picture.calls if c.kind == "text" and c.size == lens.tag_px]
        weights = {(round(c.x), round(c.y)): c.text for c in tags}
        assert sorted(weights.values()) == [str(k) for k in range(1, 10)]
        # Each tag sits in the lens cell its weight multiplies.
        origin = renderer._pages[renderer._picture_of[step.index]][0]
        for tap in step.taps:
            cell = lens.input_cell(0, origin, tap.position)
            (text,) = [t for (x, y), t in weights.items() if cell.x <= x <= cell.right and cell.y <= y <= cell.bottom]
            assert text == str(int(tap.weight))
