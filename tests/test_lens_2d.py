"""A 2-D grid too large for numbers in its cells, read through the recording
painter: the figure keeps its width, the grids are drawn as overviews, and
lenses magnify the window (with its ring and the weights) and the cells
around the one being written, every number at or above the type floor,
tied to the overview by connector lines, nothing overlapping. A lens shows
a page that stays still while the window slides inside it."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest

from convanim.report import kernel_row

import convanim
from convanim.render import RenderOptions
from convanim.render.layout import compute_layout
from convanim.render.lens2d import lens_pages
from convanim.render.record import record
from convanim.render.renderer import step_keys
from convanim.render.storyboard import pictures as picture_steps

from arrows2d import arrow_shafts, written_cells_crossed

RNG = np.random.default_rng(7)

LARGE = {
    "32x32, 3x3, padding 1": dict(input=np.arange(1, 1025, dtype=float).reshape(1, 32, 32).tolist(), weight=[[[[2] * 3] * 3]], padding=1),
    "3 channels to 2, 24x24, bias": dict(
        input=RNG.integers(-9, 99, (3, 24, 24)).tolist(), weight=RNG.integers(-3, 4, (2, 3, 3, 3)).tolist(), bias=[1, -2]
    ),
    "40x12, padding 1": dict(input=RNG.integers(-50, 50, (1, 40, 12)).tolist(), weight=RNG.integers(-3, 4, (1, 1, 3, 3)).tolist(), padding=1),
    "groups, reflect, dilation, decimals": dict(
        input=RNG.normal(size=(4, 20, 20)).round(3).tolist(), weight=RNG.normal(size=(4, 2, 3, 3)).round(2).tolist(),
        groups=2, padding=2, dilation=2, padding_mode="reflect",
    ),
}
IDS = list(LARGE)
WIDTHS = {"32x32, 3x3, padding 1": 1080, "3 channels to 2, 24x24, bias": 1080, "40x12, padding 1": 1080, "groups, reflect, dilation, decimals": 700}


@functools.lru_cache(maxsize=None)
def _figure(name, steps="1,2,40"):
    trace = convanim.trace(convanim.conv(**LARGE[name]))
    options = RenderOptions(panel=False, width=WIDTHS[name], steps=steps)
    layout = compute_layout(trace, options.width, options.panel)
    return trace, layout, record(trace, options)


@functools.lru_cache(maxsize=None)
def _pages(name):
    """Each picture's (input, output) page, by its first step; the pictures in order."""
    trace, layout, _ = _figure(name)
    shown = picture_steps(step_keys(trace))
    pages = lens_pages(layout.lens, trace, shown)
    return {picture[0]: page for picture, page in zip(shown, pages)}, shown


def _page_of(name, picture):
    return _pages(name)[0][picture.shot.steps[0]]


def _texts_at(picture, x, y):
    return [c for c in picture.calls if c.kind == "text" and abs(c.x - x) < 0.5 and abs(c.y - y) < 0.5]


def _steps(trace, picture):
    return [trace.steps[i] for i in picture.shot.steps]


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_a_large_grid_keeps_the_width_and_is_drawn_as_an_overview(name):
    trace, layout, pictures = _figure(name)
    assert layout.width == WIDTHS[name]
    assert layout.lens is not None
    # No number in an overview cell: they are too small to be read there.
    first = pictures[0]
    for channel in range(trace.spec.in_channels):
        corner, far = layout.input_cell(channel, (0, 0)), layout.input_cell(channel, tuple(n - 1 for n in trace.roles.shape))
        inside = [c for c in first.calls if c.kind == "text" and corner.x <= c.x <= far.right and corner.y <= c.y <= far.bottom]
        assert inside == []


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_the_input_lens_shows_the_window_and_its_ring_with_every_value_and_weight(name):
    trace, layout, pictures = _figure(name)
    for picture in pictures[:-1]:
        for step in _steps(trace, picture):
            for channel in {tap.in_channel for tap in step.taps}:
                weights = {tap.position: tap.weight for tap in step.taps if tap.in_channel == channel}
                _check_input_lens(trace, layout, picture, step, channel, weights, _page_of(name, picture)[0])


def _check_input_lens(trace, layout, picture, step, channel, weights, origin):
    lens, floor = layout.lens, layout.width / 60
    # The ring: the window and a cell around it, where the grid has one.
    for axis in range(2):
        (start, stop), size = step.window[axis], trace.roles.shape[axis]
        assert origin[axis] <= max(0, start - lens.ring)
        assert origin[axis] + lens.in_span[axis] >= min(size, stop + lens.ring)
    for r, c in itertools.product(range(lens.in_span[0]), range(lens.in_span[1])):
        position = (origin[0] + r, origin[1] + c)
        box = lens.input_cell(channel, origin, position)
        value = trace.padded[(channel, *position)]
        italic = trace.roles[position] == "copy"
        y = lens.value_y(box)  # over a tag's room, tagged or not: the numbers stay still
        (text,) = _texts_at(picture, box.cx, y)
        assert text.text == layout.cell_label(value, italic, box, ("input", channel))[0] != ""
        assert text.size >= floor - 1e-9
        # Written as its row writes every number (rounded only with a mark).
        assert text.text == layout.formats[("input", channel)].text(value)
    for position, weight in weights.items():
        row = kernel_row(channel, step.out_channel)
        tag = lens.tag(lens.input_cell(channel, origin, position), layout.cell_label(weight, box=_tag_box(lens), row=row)[0])
        (text,) = _texts_at(picture, tag.cx, tag.cy)
        assert text.text == layout.formats[row].text(weight) and text.size >= floor - 1e-9


def _tag_box(lens):
    from convanim.render.layout import Box

    return Box(0, 0, lens.in_w, lens.tag_h)


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_connectors_tie_each_lens_to_the_region_it_magnifies(name):
    trace, layout, pictures = _figure(name)
    lens = layout.lens
    for picture in pictures[:-1]:
        steps = _steps(trace, picture)
        lines = {tuple((round(x), round(y)) for x, y in c.points) for c in picture.calls if c.kind == "line"}
        in_page, out_page = _page_of(name, picture)
        for step in steps:
            channel = step.taps[0].in_channel
            first = layout.input_cell(channel, in_page)
            x, y = lens.inputs[channel]
            bottom = round(first.y + lens.in_span[0] * layout.cell)
            assert ((round(first.x), bottom), (round(x), round(y))) in lines
            assert ((round(first.x + lens.in_span[1] * layout.cell), bottom), (round(x + lens.in_size[0]), round(y))) in lines
            out = layout.output_cell(step.out_channel, out_page)
            x, y = lens.outputs[step.out_channel]
            bottom = round(out.y + lens.out_span[0] * layout.cell)
            assert ((round(out.x), bottom), (round(x), round(y))) in lines


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_the_output_lens_shows_the_written_neighbours_and_the_cell_being_written(name):
    trace, layout, pictures = _figure(name)
    lens = layout.lens
    for picture in pictures[1:-1]:
        steps = _steps(trace, picture)
        position = steps[0].position
        origin = _page_of(name, picture)[1]
        assert origin[0] <= position[0] < origin[0] + lens.out_span[0] and origin[1] <= position[1] < origin[1] + lens.out_span[1]
        # Written: the outputs of the pictures before this one, as on the overview.
        before = itertools.takewhile(lambda p: p[0] != picture.shot.steps[0], _pages(name)[1])
        written = {(s.out_channel, s.position): s.shown for s in (trace.steps[i] for p in before for i in p)}
        current = {(s.out_channel, s.position): s.shown for s in steps}
        for channel in range(trace.spec.out_channels):
            for r, c in itertools.product(range(lens.out_span[0]), range(lens.out_span[1])):
                cell = (origin[0] + r, origin[1] + c)
                box = lens.output_cell(channel, origin, cell)
                texts = _texts_at(picture, box.cx, box.cy)
                value = written.get((channel, cell), current.get((channel, cell)))
                if value is None:
                    assert texts == []  # not written yet
                else:
                    (text,) = texts
                    assert text.text == layout.cell_label(value, False, box, ("output", channel))[0]
                    assert text.size >= layout.width / 60 - 1e-9


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_every_window_is_inside_its_page_with_its_ring_and_pages_turn_only_when_they_must(name):
    trace, layout, _ = _figure(name)
    lens = layout.lens
    pages, shown = _pages(name)
    before, turns = None, 0
    for picture in shown:
        step = trace.steps[picture[0]]
        page = pages[picture[0]]
        needs = (lens.input_need(step.window), lens.output_need(step.position))
        spans, sizes = (lens.in_span, lens.out_span), (trace.roles.shape, layout.output_shape)
        for origin, need, span, size in zip(page, needs, spans, sizes):
            for o, (start, stop), n, extent in zip(origin, need, span, size):
                assert 0 <= o and o + n <= extent
                assert o <= start and stop <= o + n  # the window (or cell) and its ring, where the grid has one
        for window_axis, ((start, stop), (ring_start, ring_stop)) in enumerate(zip(step.window, needs[0])):
            assert ring_start == max(0, start - lens.ring) and ring_stop == min(trace.roles.shape[window_axis], stop + lens.ring)
        if before is not None:
            inside = all(o <= start and stop <= o + n for origin, need, span in zip(before, needs, spans) for o, (start, stop), n in zip(origin, need, span))
            if inside:
                assert page == before  # no turn while the page shown still holds the window
            else:
                turns += 1
        before = page
    # Where the width leaves room beside the window and the written cell, a page lasts more than a step.
    need_in, need_out = lens.input_need(trace.steps[0].window), lens.output_need(trace.steps[0].position)
    if lens.in_span[1] > need_in[1][1] - need_in[1][0] + 1 and lens.out_span[1] > need_out[1][1] - need_out[1][0] + 1:
        assert turns <= len(shown) / 2


def test_a_turned_page_puts_the_window_where_it_has_most_room_ahead():
    name = "32x32, 3x3, padding 1"
    trace, layout, _ = _figure(name)
    lens = layout.lens
    assert lens.in_span[1] > 3 + 2 * lens.ring  # wider than the window and its ring
    pages, shown = _pages(name)
    turns = 0
    for previous, picture in zip(shown, shown[1:]):
        page, step = pages[picture[0]][0], trace.steps[picture[0]]
        if page != pages[previous[0]][0]:
            turns += 1
            (r0, _), (c0, _) = lens.input_need(step.window)
            # Along a row, left to right: the page starts with the window's ring.
            assert page[1] == min(c0, trace.roles.shape[1] - lens.in_span[1])
            assert page[0] == min(r0, trace.roles.shape[0] - lens.in_span[0])
    assert 0 < turns <= len(shown) / 2


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_numbers_stay_still_while_the_window_slides_within_a_page(name):
    trace, layout, _ = _figure(name)
    lens = layout.lens
    pages, shown = _pages(name)
    # The first two pictures on one page, as the figure shows them.
    k = next(
        (
            k
            for k in range(len(shown) - 1)
            if pages[shown[k][0]] == pages[shown[k + 1][0]] and trace.steps[shown[k][0]].window != trace.steps[shown[k + 1][0]].window
        ),
        None,
    )
    if k is None:  # no room beside the window and its ring: every step turns the page
        need = lens.input_need(trace.steps[0].window)
        assert lens.in_span[1] == need[1][1] - need[1][0]
        return
    a, b = record(trace, RenderOptions(panel=False, width=WIDTHS[name], steps=f"{k + 1},{k + 2}"))[:2]
    origin = pages[shown[k][0]][0]

    def numbers(picture):
        cells = [lens.input_cell(0, origin, (origin[0] + r, origin[1] + c)) for r, c in itertools.product(*map(range, lens.in_span))]
        return [[t.text for t in _texts_at(picture, box.cx, lens.value_y(box))] for box in cells]

    assert numbers(a) == numbers(b) and all(len(texts) == 1 for texts in numbers(a))


def _box(c):
    left = c.x - (c.w if c.align == "right" else c.w / 2 if c.align == "centre" else 0)
    return left, c.y - c.size / 2, left + c.w, c.y + c.size / 2


def _overlap(a, b):
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_no_text_overlaps_another_and_all_is_at_the_type_floor(name):
    trace, layout, pictures = _figure(name)
    for picture in pictures:
        texts = [c for c in picture.calls if c.kind == "text"]
        for c in texts:
            assert c.size >= layout.width / 60 - 1e-9, (c.text, c.size)
            left, top, right, bottom = _box(c)
            assert 0 <= left and right <= layout.width and 0 <= top and bottom <= layout.height, c.text
        for a, b in itertools.combinations(texts, 2):
            assert not _overlap(_box(a), _box(b)), (a.text, b.text)


def _areas(trace, layout):
    """Each lens with its title and each overview grid, as (left, top, right, bottom)."""
    lens = layout.lens
    rows, columns = trace.roles.shape
    out_rows, out_columns = layout.output_shape
    areas = []
    for channel, (x, y) in enumerate(lens.inputs):
        areas.append((x, y, x + lens.in_size[0], y + lens.in_size[1] + lens.title_room))
        first = layout.input_cell(channel, (0, 0))
        areas.append((first.x, first.y, first.x + columns * layout.cell, first.y + rows * layout.cell))
    for channel, (x, y) in enumerate(lens.outputs):
        areas.append((x, y, x + lens.out_size[0], y + lens.out_size[1] + lens.title_room))
        first = layout.output_cell(channel, (0, 0))
        areas.append((first.x, first.y, first.x + out_columns * layout.cell, first.y + out_rows * layout.cell))
    return areas


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_lenses_overlap_no_grid_and_no_other_lens(name):
    trace, layout, _ = _figure(name, steps="1")
    areas = _areas(trace, layout)
    for a, b in itertools.combinations(areas, 2):
        assert not _overlap(a, b), (a, b)
    assert max(a[2] for a in areas) <= layout.width


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_the_sum_goes_under_the_output_lens_where_it_fits_and_over_nothing(name):
    """One group, an output lens shorter than the input lens, room for the
    step's lines: the counter and the sum go under the output lens, by the
    cell they write (the figure is shorter); else under the grids. Either
    way they cross no lens, no grid and no other text."""
    trace, layout, pictures = _figure(name)
    lens, areas = layout.lens, _areas(trace, layout)
    beside = layout.expression_left == min(x for x, _ in lens.outputs)
    if name == "32x32, 3x3, padding 1":
        assert beside, "room under the output lens: the sum goes there"
    if trace.spec.groups > 1:
        assert not beside, "with groups, the legend and the sums go under the grids"
    for picture in pictures[:-1]:
        written = {line.strip() for step in _steps(trace, picture) for line in layout.lines(step)}
        counter = [c for c in picture.calls if c.kind == "text" and " of " in c.text and c.text.split()[0] == "step"]
        sums = [c for c in picture.calls if c.kind == "text" and c.text.strip() in written]
        assert sums and len(counter) == 1 and len(sums) >= len(written)
        for c in sums + counter:
            assert all(not _overlap(_box(c), area) for area in areas), (c.text, _box(c))
            assert _box(c)[2] <= layout.width
        lowest_lens = max(area[3] for area in areas)
        if beside:
            assert all(c.x >= lens.outputs[0][0] and _box(c)[3] <= lowest_lens for c in sums + counter), "beside the input lens"
        else:
            assert all(_box(c)[1] >= lowest_lens for c in sums + counter), "under the grids and lenses"


def test_a_sum_breaks_into_as_few_lines_as_it_must_each_as_full_as_the_others():
    """Nine products too wide for their room in two lines break three to a
    line, as the window's rows, not as many as fit on the first."""
    trace, layout, pictures = _figure("32x32, 3x3, padding 1")
    step = trace.steps[300]  # (three-digit values: three lines)
    lines = layout.lines(step)
    assert [line.count("×") for line in lines] == [3, 3, 3]
    values = [tap.value for tap in step.taps]
    assert [[float(term.split("×")[0].strip(" +(")) for term in line.split(" + ") if "×" in term] for line in lines] == [values[0:3], values[3:6], values[6:9]]
    assert [line.count("×") for line in layout.lines(trace.steps[40])] == [6, 3], "two lines, ending at the window's row ends"


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_arrows_on_an_overview_never_cross_a_written_output_cell(name):
    trace, layout, pictures = _figure(name)
    for picture in pictures[1:-1]:
        assert arrow_shafts(picture)
        assert written_cells_crossed(trace, layout, picture, margin=0.5) == 0


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_an_overview_arrow_stays_by_the_row_being_written(name):
    # It turns up into the cell from a row or two under it, not from under
    # the whole grid: what it covers moves with the row, and each frame's
    # changes stay in a few rows (what a frame costs to encode).
    trace, layout, pictures = _figure(name, steps="1,2,40,41")
    rows = layout.output_shape[0]
    checked = 0
    for picture in pictures[1:-1]:
        steps = [trace.steps[i] for i in picture.shot.steps]
        targets = [(layout.output_cell(step.out_channel, step.position), step.position[0]) for step in steps]
        for shaft in arrow_shafts(picture):
            x, y = shaft.points[-1]  # the head's base, under its cell
            target, row = min((t for t in targets if abs(t[0].cx - x) < 0.5 and t[0].bottom <= y), key=lambda t: y - t[0].bottom)
            if row + 2 >= rows:
                continue  # the last rows: the gutter under the grid is as near
            # The last leg, across to the cell and up into it (from a window
            # far below, on another channel, it climbs to there), no lower
            # than the arrowhead's length (9 px at 1080) and a row.
            assert max(y for _, y in shaft.points[-3:]) <= target.bottom + 9 * layout.scale + 2 + layout.cell_h + 0.5
            checked += 1
    assert checked


def test_a_grid_whose_numbers_fit_keeps_them_in_its_cells():
    trace = convanim.trace(convanim.conv(input=RNG.integers(0, 9, (1, 6, 6)).tolist(), weight=[[[[1] * 3] * 3]], padding=1))
    layout = compute_layout(trace, 1080, False)
    assert layout.lens is None
    assert layout.cell_label(7.0, box=layout.input_cell(0, (1, 1)), row=("input", 0)) == ("7", layout.value_px)
    assert layout.value_px >= 1080 / 60


def _labels_of(picture):
    """The texts that are not numbers: titles, channel names, counter, sums."""
    return [c for c in picture.calls if c.kind == "text" and not c.text.lstrip("\N{MINUS SIGN}\N{ALMOST EQUAL TO}-").replace(".", "").isdigit()]


SMALL = {
    "1x1 over 3 channels, 9x9": dict(input=RNG.integers(0, 9, (3, 9, 9)).tolist(), weight=RNG.integers(-2, 3, (2, 3, 1, 1)).tolist()),
    "one column, reflect padding": dict(input=RNG.integers(0, 9, (1, 6, 1)).tolist(), weight=[[[[1], [2]]]], padding=(2, 0), padding_mode="reflect"),
}


@pytest.mark.parametrize("width", [700, 1080])
@pytest.mark.parametrize("name", list(SMALL), ids=list(SMALL))
def test_titles_and_labels_never_overlap_with_or_without_lenses(name, width):
    trace = convanim.trace(convanim.conv(**SMALL[name]))
    layout = compute_layout(trace, width, False)
    (picture, *_) = record(trace, RenderOptions(panel=False, width=width, steps="2"))
    labels = _labels_of(picture)
    assert {"Input", "Output"} | ({"Kernel"} if layout.lens is None else set()) <= {c.text for c in labels}
    for a, b in itertools.combinations(labels, 2):
        assert not _overlap(_box(a), _box(b)), (a.text, b.text)


def test_a_sum_too_wide_to_break_under_the_output_lens_goes_under_the_grids():
    """A sum whose last piece (bias and a long result) is wider than the room
    under the output lens cannot be broken there: it goes under the grids,
    every line inside the figure."""
    rng = np.random.default_rng(3)
    arguments = dict(input=(rng.normal(size=(4, 24, 24)) * 1e7).round(1).tolist(), weight=rng.normal(size=(1, 4, 1, 1)).round(5).tolist(), bias=[-0.12345])
    trace = convanim.trace(convanim.conv(**arguments))
    options = RenderOptions(width=1080, steps="1-3")
    layout = compute_layout(trace, options.width, options.panel)
    assert layout.lens is not None
    for picture in record(trace, options)[:-1]:
        written = {line.strip() for step in _steps(trace, picture) for line in layout.lines(step)}
        sums = [c for c in picture.calls if c.kind == "text" and c.text.strip() in written]
        assert sums and all(_box(c)[2] <= layout.width for c in sums), [(c.text, _box(c)[2]) for c in sums]
