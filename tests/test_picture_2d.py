"""What a reader sees in a 2-D figure, read through the recording painter:
every number in its cell, the window outlined over the right cells, each
weight in the corner of the cell it multiplies, the kernel's own grid, the
sum lines, the output filling in, and labels on everything."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convanim.report import kernel_row

import convanim
from convanim.render import RenderOptions
from convanim.render.layout import compute_layout
from convanim.render.record import record
from convanim.render.renderer import step_keys
from convanim.render.storyboard import pictures as storyboard_pictures
from convanim.render.theme import DEFAULT_THEME as THEME
from convanim.report import sum_lines
from convanim.templates import load_template

from arrows2d import arrow_shafts, passes, written_cells_crossed

RNG = np.random.default_rng(2024)


def _data(shape, low=-3, high=9):
    return RNG.integers(low, high, size=shape).tolist()


# Cases no template shows: several channels and groups, every padding mode,
# non-square kernels with per-axis stride, padding and dilation, bias.
HELD_OUT = {
    "groups, non-square, per-axis": dict(
        input=_data((4, 5, 6)), weight=_data((4, 2, 2, 3)), bias=[1, -2, 0.5, 3],
        stride=(1, 2), padding=(1, 2), dilation=(2, 1), groups=2,
    ),
    "reflect": dict(input=_data((2, 4, 5)), weight=_data((1, 2, 3, 3)), padding=(1, 2), padding_mode="reflect"),
    "replicate": dict(input=_data((1, 4, 4)), weight=_data((2, 1, 3, 2)), padding=1, padding_mode="replicate", stride=(2, 1)),
    "circular": dict(input=_data((1, 3, 4)), weight=_data((1, 1, 2, 2)), padding=(1, 1), padding_mode="circular"),
    "same, decimals": dict(input=[[[0.5, -1.25, 2], [3.5, 0, -0.75], [1, 2, 3]]], weight=[[[[1.5, -2], [0.25, 1]]]], padding="same"),
}
IDS = list(HELD_OUT)


def _figure(arguments, **options):
    trace = convanim.trace(convanim.conv(**arguments))
    options = RenderOptions(panel=False, **options)
    return trace, compute_layout(trace, options.width, options.panel, decimals=options.decimals), record(trace, options)


def _text_at(picture, box, family=None):
    """The texts drawn centred across ``box`` and within its height (an
    input cell's number stands over its tag's corner), last drawn last."""
    return [
        c.text
        for c in picture.calls
        if c.kind == "text" and abs(c.x - box.cx) < 0.5 and box.y < c.y < box.bottom and (family is None or c.family == family)
    ]


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_every_input_value_is_in_its_cell_copies_in_italics(name):
    trace, layout, pictures = _figure(HELD_OUT[name])
    first = pictures[0]
    for channel in range(trace.spec.in_channels):
        for position in np.ndindex(trace.roles.shape):
            box = layout.input_cell(channel, position)
            value = trace.padded[(channel, *position)]
            italic = trace.roles[position] == "copy"
            texts = _text_at(first, box, "sans-italic" if italic else "sans")
            row = ("input", channel)
            assert texts and texts[0] == layout.cell_label(value, italic, row=row)[0] == layout.formats[row].text(value), (channel, position)


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_each_picture_outlines_its_windows_and_tags_each_weight(name):
    trace, layout, pictures = _figure(HELD_OUT[name])
    for picture in pictures[:-1]:
        steps = [trace.steps[i] for i in picture.shot.steps]
        outlines = {(round(c.x), round(c.y), round(c.w), round(c.h)) for c in picture.calls if c.kind == "rect" and c.colour is None and c.edge == THEME.kernel}
        for step in steps:
            for channel in {tap.in_channel for tap in step.taps}:
                box = layout.outline(channel, step.window)
                edge = layout.heavy_edge
                assert (round(box.x - edge), round(box.y - edge), round(box.w + 2 * edge), round(box.h + 2 * edge)) in outlines
            for tap in step.taps:
                tag = layout.kernel_cell(tap.in_channel, tap.position)
                # The tag sits in the corner of the input cell the weight multiplies.
                cell = layout.input_cell(tap.in_channel, tap.position)
                assert cell.x < tag.x and tag.right <= cell.right + 1e-9 and tag.bottom <= cell.bottom + 1e-9
                row = kernel_row(tap.in_channel, step.out_channel)
                text = layout.cell_label(tap.weight, box=tag, row=row)[0]
                assert text and text in _text_at(picture, tag)
                grid = layout.kernel_grid_cell(tap.in_channel, tap.kernel_index, step.window)
                assert layout.formats[row].text(tap.weight) in _text_at(picture, grid)


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_sum_lines_are_the_traces_and_the_output_fills_in(name):
    trace, layout, pictures = _figure(HELD_OUT[name])
    texts = lambda picture: [c.text for c in picture.calls if c.kind == "text"]  # noqa: E731
    for k, picture in enumerate(pictures[:-1]):
        steps = [trace.steps[i] for i in picture.shot.steps]
        drawn = texts(picture)
        for step in steps:
            assert " ".join(layout.lines(step)).split() == " ".join(sum_lines(step, formats=layout.formats)).split()
            for line in layout.lines(step):
                assert line in drawn
            target = layout.output_cell(step.out_channel, step.position)
            assert _text_at(picture, target)[-1] == layout.cell_label(step.shown, row=("output", step.out_channel))[0]
        assert f"step {k + 1} of {len(pictures) - 1}" in drawn
    done = pictures[-1]
    for step in trace.steps:
        assert _text_at(done, layout.output_cell(step.out_channel, step.position))[-1] == layout.cell_label(step.shown, row=("output", step.out_channel))[0]


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_blocks_and_channels_are_labelled(name):
    trace, _, pictures = _figure(HELD_OUT[name])
    drawn = {c.text for c in pictures[0].calls if c.kind == "text"}
    assert {"Input", "Kernel", "Output"} <= drawn
    if trace.spec.in_channels > 1 or trace.spec.out_channels > 1:
        labels = [c.text for c in pictures[0].calls if c.kind == "text" and c.text.startswith("ch ")]
        assert labels.count("ch 0") == 2  # an input grid and an output grid
        assert sum(text.startswith("ch ") for text in labels) == trace.spec.in_channels + trace.spec.out_channels
    if trace.spec.groups > 1:
        assert f"groups={trace.spec.groups}" in drawn


def test_groups_advance_together_each_in_its_colour():
    trace, _, pictures = _figure(HELD_OUT["groups, non-square, per-axis"])
    first = pictures[0]
    assert [trace.steps[i].group for i in first.shot.steps] == [0, 1]
    ink = {c.text: c.colour for c in first.calls if c.kind == "text"}
    for i in first.shot.steps:
        step = trace.steps[i]
        for line in sum_lines(step):
            assert ink[line] == THEME.group_colour(step.group)


def test_dilated_taps_are_spread_across_the_window():
    trace, layout, pictures = _figure(dict(input=_data((1, 7, 7)), weight=_data((1, 1, 3, 3)), dilation=2))
    step = trace.steps[0]
    assert step.window == ((0, 5), (0, 5))
    tagged = {tap.position for tap in step.taps}
    assert tagged == {(r, c) for r in (0, 2, 4) for c in (0, 2, 4)}
    outline = layout.outline(0, step.window)
    assert outline.w == pytest.approx(5 * layout.cell) and outline.h == pytest.approx(5 * layout.cell)


def _on_border(point, box, tolerance=1.0):
    x, y = point
    inside = box.x - tolerance <= x <= box.right + tolerance and box.y - tolerance <= y <= box.bottom + tolerance
    edge = min(abs(x - box.x), abs(x - box.right), abs(y - box.y), abs(y - box.bottom))
    return inside and edge <= tolerance


def _crosses(points, text, samples=200):
    """Whether the line through ``points`` passes through the text's box."""
    left = text.x - (text.w if text.align == "right" else text.w / 2 if text.align == "centre" else 0)
    return passes(points, lambda x, y: left <= x <= left + text.w and abs(y - text.y) <= text.size / 2, samples)


ARROWED = {
    "1x1 over three channels": dict(input=_data((3, 3, 3)), weight=_data((2, 3, 1, 1))),
    "one channel, 2x3 kernel": dict(input=[[[(r * 5 + c) % 7 - 3 for c in range(6)] for r in range(5)]], weight=[[[[1, 0, -1], [2, 0, -2]]]]),
    "groups=3, stride 2, padding 1": dict(input=_data((3, 8, 8)), weight=_data((3, 1, 3, 2)), groups=3, padding=1, stride=2),
}


@pytest.mark.parametrize("name", list(ARROWED), ids=list(ARROWED))
def test_each_arrow_ends_on_the_cell_being_written_clear_of_the_labels(name):
    trace, layout, pictures = _figure(ARROWED[name])
    for picture in pictures[:-1]:
        steps = [trace.steps[i] for i in picture.shot.steps]
        heads = [c for c in picture.calls if c.kind == "polygon"]
        shafts = [c for c in picture.calls if c.kind == "line" and c.edge_px > 1]  # the links are thin
        assert len(heads) == sum(len({tap.in_channel for tap in step.taps}) for step in steps)
        targets = [layout.output_cell(step.out_channel, step.position) for step in steps]
        for head in heads:
            assert any(_on_border(head.points[2], target) for target in targets), (head.points[2], targets)
        labels = [c for c in picture.calls if c.kind == "text" and c.text.startswith(("ch ", "groups="))]
        for shaft in shafts:
            assert not any(_crosses(shaft.points, label) for label in labels)


@pytest.mark.parametrize("name", list(ARROWED), ids=list(ARROWED))
def test_arrows_never_cross_an_output_cell_already_written(name):
    trace, layout, pictures = _figure(ARROWED[name])
    crossed = 0
    for picture in pictures[1:-1]:
        assert arrow_shafts(picture)
        crossed += written_cells_crossed(trace, layout, picture, margin=1.0)
    assert crossed == 0


def test_gliding_moves_along_a_row_then_straight_to_the_next():
    trace, layout, pictures = _figure(dict(input=_data((1, 4, 4)), weight=_data((1, 1, 3, 3))), glide=True)
    glides = [p for p in pictures if p.shot.phase == "glide"]
    assert glides
    for picture in glides:
        before = trace.steps[picture.shot.origin[0]]
        after = trace.steps[picture.shot.steps[0]]
        start, end = layout.outline(0, before.window), layout.outline(0, after.window)
        edge = layout.heavy_edge
        outlines = [c for c in picture.calls if c.kind == "rect" and c.colour is None and c.edge == THEME.kernel]
        (box,) = outlines
        t = picture.shot.progress
        # On the straight line between the two windows: no sweep back across the grid.
        assert box.x + edge == pytest.approx(start.x + (end.x - start.x) * t)
        assert box.y + edge == pytest.approx(start.y + (end.y - start.y) * t)


def test_decimals_write_every_fractional_cell_with_that_many():
    arguments = dict(input=[[[0.5, -1.25, 2], [3.5, 0, -0.75], [1, 2, 3]]], weight=[[[[1.5, -2], [0.25, 1]]]])
    trace, layout, pictures = _figure(arguments, decimals=3)
    first = pictures[0]
    assert _text_at(first, layout.input_cell(0, (0, 1)), "sans") == ["-1.250".replace("-", "\N{MINUS SIGN}")]
    assert _text_at(first, layout.input_cell(0, (0, 0)), "sans") == ["0.500"]
    step = trace.steps[0]
    assert _text_at(first, layout.kernel_cell(0, step.taps[0].position)) == ["1.500"]  # the weight's tag
    assert _text_at(pictures[-1], layout.output_cell(0, (0, 0)))[-1] == "4.125"


@pytest.mark.parametrize("width", [700, 1080])
def test_labels_and_sum_lines_are_no_smaller_than_a_sixtieth_of_the_width(width):
    arguments = dict(input=_data((3, 6, 6)), weight=_data((3, 1, 3, 2)), groups=3, padding=1, stride=2)
    trace, layout, pictures = _figure(arguments, width=width)
    for picture in pictures[:3]:
        for c in picture.calls:
            if c.kind == "text" and not c.text.lstrip("\N{MINUS SIGN}-").replace(".", "").isdigit():
                assert c.size >= layout.width / 60 - 1e-6, (c.text, c.size)


def _cell_texts(picture, box):
    return [c for c in picture.calls if c.kind == "text" and abs(c.x - box.cx) < 0.5 and box.y < c.y < box.bottom]


@pytest.mark.parametrize(
    "arguments, options",
    [
        # Negative scientific values beside weights of four characters and more.
        (dict(input=[[[0.00012, -3.5e-5, 2e-4, 7e-6], [1e-4, -2e-4, 3e-4, 0.0009], [5e-5, 6e-5, -7e-5, 8e-5]]],
              weight=[[[[1000, -2000], [0.5, 3]]]], bias=[0.25]), {}),
        # Fixed decimals on outputs wider than integer inputs.
        (dict(input=np.random.default_rng(3).integers(-9, 10, (2, 5, 6)).tolist(),
              weight=(np.random.default_rng(4).integers(-20, 21, (4, 1, 2, 3)) / 10).tolist(), groups=2, padding="same"),
         dict(decimals=2)),
    ],
    ids=["scientific negatives", "decimals"],
)
def test_every_cell_is_written_at_one_size_per_row_and_tags_are_smaller(arguments, options):
    trace, layout, pictures = _figure(arguments, **options)
    last = pictures[-1]
    sizes = {}
    for channel in range(trace.spec.in_channels):
        for position in np.ndindex(trace.roles.shape):
            texts = _cell_texts(pictures[0], layout.input_cell(channel, position))
            assert texts and texts[0].text == layout.formats[("input", channel)].text(trace.padded[(channel, *position)])
            sizes.setdefault(("input", channel), set()).add(texts[0].size)
    for step in trace.steps:
        texts = [t for t in _cell_texts(last, layout.output_cell(step.out_channel, step.position)) if t.text]
        assert texts and texts[-1].text == layout.formats[("output", step.out_channel)].text(step.shown)
        sizes.setdefault(("output", step.out_channel), set()).add(texts[-1].size)
    assert all(len(found) == 1 for found in sizes.values()), sizes
    smallest = min(size for found in sizes.values() for size in found)
    weights = {layout.formats[kernel_row(tap.in_channel, step.out_channel)].text(tap.weight) for step in trace.steps for tap in step.taps}
    tags = [c for c in pictures[1].calls if c.kind == "text" and c.text in weights and c.size < smallest]
    assert tags and {c.size for c in tags} == {layout.tag_px}


def _text_box(c):
    left = {"left": c.x, "right": c.x - c.w}.get(c.align, c.x - c.w / 2)
    return left, c.y - c.size / 2, left + c.w, c.y + c.size / 2


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_groups_label_overlaps_no_cell_and_no_text():
    # The outputs (4 grids) stand higher than the inputs (2): the label goes over them.
    arguments = dict(input=_data((2, 5, 6)), weight=_data((4, 1, 2, 3)), groups=2, padding="same")
    _, _, pictures = _figure(arguments)
    picture = pictures[0]
    (label,) = [c for c in picture.calls if c.kind == "text" and c.text == "groups=2"]
    box = _text_box(label)
    cells = [c for c in picture.calls if c.kind == "rect" and c.w < picture.canvas.width / 2]
    assert not [c for c in cells if _overlap(box, (c.x, c.y, c.right, c.y + c.h))]
    others = [c for c in picture.calls if c.kind == "text" and c is not label and c.text]
    assert not [c.text for c in others if _overlap(box, _text_box(c))]


def test_groups_have_a_legend_in_their_stripes_colours_clear_of_the_grids():
    arguments = dict(input=_data((4, 4, 4)), weight=_data((2, 2, 2, 2)), groups=2)
    _, layout, pictures = _figure(arguments)
    picture = pictures[0]
    stripe_colours = {}
    for box, group in layout.stripes():
        (drawn,) = [c for c in picture.calls if c.kind == "rect" and abs(c.x - box.x) < 0.5 and abs(c.y - box.y) < 0.5 and abs(c.w - box.w) < 0.5]
        stripe_colours.setdefault(group, set()).add(drawn.colour)
    grids_bottom = max(c.y + c.h for c in picture.calls if c.kind == "rect" and c.edge and c.w < 100)
    for group in (0, 1):
        (label,) = [c for c in picture.calls if c.kind == "text" and c.text == f"group {group}"]
        assert label.y - label.size / 2 > grids_bottom and label.size >= layout.least_px - 0.01
        swatches = [c for c in picture.calls if c.kind == "rect" and abs(c.cy - label.y) < 1 and c.right <= label.x]
        assert swatches and {swatches[-1].colour} == stripe_colours[group]


def test_the_finished_picture_keeps_the_kernel_grid_under_its_heading_and_the_window_outlined():
    arguments = dict(input=_data((1, 4, 4)), weight=_data((1, 1, 2, 2)))
    trace, layout, pictures = _figure(arguments)
    done = pictures[-1]
    assert [c for c in done.calls if c.kind == "text" and c.text == "Kernel"]
    last = trace.steps[-1]
    for tap in last.taps:
        box = layout.kernel_grid_cell(tap.in_channel, tap.kernel_index, last.window)
        assert _text_at(done, box) == [layout.formats[kernel_row(tap.in_channel, last.out_channel)].text(tap.weight)]
    span = layout.outline(0, last.window)
    edge = layout.heavy_edge
    assert [c for c in done.calls if c.kind == "rect" and c.colour is None and abs(c.x + edge - span.x) < 1 and abs(c.w - 2 * edge - span.w) < 1]


def _along_one_line(a, b) -> float:
    """How long two shafts run along the same line, one over the other."""
    total = 0.0
    for (ax0, ay0), (ax1, ay1) in zip(a.points, a.points[1:]):
        for (bx0, by0), (bx1, by1) in zip(b.points, b.points[1:]):
            if ax0 == ax1 and bx0 == bx1 and abs(ax0 - bx0) < 1:  # both down one line
                total += max(0.0, min(max(ay0, ay1), max(by0, by1)) - max(min(ay0, ay1), min(by0, by1)))
            if ay0 == ay1 and by0 == by1 and abs(ay0 - by0) < 1:  # both along one line
                total += max(0.0, min(max(ax0, ax1), max(bx0, bx1)) - max(min(ax0, ax1), min(bx0, bx1)))
    return total


def _crossings(a, b) -> int:
    """How many times two shafts (legs across and down) cross."""
    count = 0
    for p0, p1 in zip(a.points, a.points[1:]):
        for q0, q1 in zip(b.points, b.points[1:]):
            for (h0, h1), (v0, v1) in (((p0, p1), (q0, q1)), ((q0, q1), (p0, p1))):
                if h0[1] == h1[1] and v0[0] == v1[0]:
                    if min(h0[0], h1[0]) < v0[0] < max(h0[0], h1[0]) and min(v0[1], v1[1]) < h0[1] < max(v0[1], v1[1]):
                        count += 1
    return count


_rng = np.random.default_rng(5)


@pytest.mark.parametrize("arguments, options, one_row", [
    # Input tiles in two columns, the outputs under them (a slide the
    # canvas names): both groups' arrows turned down the same gutter, one
    # colour over the other, so a group's kernel looked wired to the other's output.
    (dict(input=_rng.integers(0, 10, (4, 6, 6)).tolist(), weight=_rng.integers(-2, 3, (4, 2, 3, 3)).tolist(), groups=2, padding=1),
     dict(canvas="1920x3041", steps="3"), False),
    # Tiles in one row, outputs in one row under them: the groups' arrows
    # ran along one lane under the tiles and one under the outputs.
    ("depthwise_3x3", dict(canvas="1920x1080", steps="5"), True),
    (dict(input=_rng.integers(0, 10, (4, 5, 5)).tolist(), weight=_rng.integers(-2, 3, (4, 1, 3, 3)).tolist(), groups=4, padding=1),
     dict(canvas="1920x1080", steps="7"), True),
])
def test_arrows_of_different_groups_never_run_along_one_line(arguments, options, one_row):
    if isinstance(arguments, str):
        template = load_template(arguments)
        trace, options = convanim.trace(template.conv()), RenderOptions(**{**template.render_kwargs(), **options})
    else:
        trace, options = convanim.trace(convanim.conv(**arguments)), RenderOptions(**options)
    (picture, *_) = record(trace, options)
    shafts = arrow_shafts(picture)
    assert len({s.colour for s in shafts}) == trace.spec.groups
    for a in shafts:
        for b in shafts:
            if a.colour != b.colour:
                assert _along_one_line(a, b) < 1, (a.colour, b.colour)
                if one_row:  # and, all in one row, across each other once (a kernel's path to its output must cross an earlier group's loop)
                    assert _crossings(a, b) <= 1, (a.colour, b.colour)


FINISHED = {
    **{name: (arguments, {}) for name, arguments in HELD_OUT.items()},
    "overview with lenses": (dict(size=(24, 24), weight=[[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], padding=1), {"steps": "1-2"}),
}


@pytest.mark.parametrize("name", list(FINISHED), ids=list(FINISHED))
def test_the_finished_picture_keeps_the_last_steps_sum_with_every_output_written(name):
    """A finished figure reads as finished, not emptied: the last step's sum
    lines stay written out (where that step wrote them, in its colours, when
    it was drawn); every output is in its cell, none marked as being written,
    no arrow, and the counter says all are done."""
    arguments, options = FINISHED[name]
    trace, layout, pictures = _figure(arguments, **options)
    done = pictures[-1]
    assert done.shot.phase == "done"
    last_steps = [trace.steps[i] for i in storyboard_pictures(step_keys(trace))[-1]]

    def sums(picture):
        return [(c.text, c.colour, round(c.x, 1), round(c.y, 1)) for c in picture.calls
                if c.kind == "text" and c.size == layout.expression_px and c.y > layout.sums_top
                and c.x - c.w / 2 >= layout.expression_left - 0.5]  # (an overview's sum may stand beside a lens's title)

    written = [line for step in last_steps for line in layout.lines(step)]
    assert [text for text, *_ in sums(done)] == written and written
    assert written[-1].endswith("= " + layout.formats[("output", last_steps[-1].out_channel)].text(last_steps[-1].shown))
    total = len(storyboard_pictures(step_keys(trace)))
    assert f"{total} of {total} done" in [c.text for c in done.calls if c.kind == "text"]
    if not options:  # every step drawn: the last one wrote them there, in these colours
        assert list(pictures[-2].shot.steps) == [step.index for step in last_steps]
        assert sums(done) == sums(pictures[-2])
    assert not [c for c in done.calls if c.kind == "rect" and c.colour == THEME.output_current]
    assert not [c for c in done.calls if c.kind == "polygon"]  # no arrow into a cell
    if layout.lens is None:
        for step in trace.steps:
            target = layout.output_cell(step.out_channel, step.position)
            assert _text_at(done, target)[-1] == layout.cell_label(step.shown, row=("output", step.out_channel))[0]


@pytest.mark.parametrize(
    "arguments",
    [
        dict(in_channels=6, out_channels=3, groups=3, size=(3, 3), kernel_size=(2, 2)),
        dict(in_channels=4, out_channels=4, groups=2, size=(4, 5), kernel_size=(2, 3), padding=1),
        dict(in_channels=4, out_channels=4, groups=4, size=(3, 3), kernel_size=2),
        dict(in_channels=6, out_channels=6, groups=6, size=(4, 4), kernel_size=2),
    ],
    ids=["3 groups", "2 groups", "4 groups", "6 groups"],
)
@pytest.mark.parametrize("options", [{"width": 700}, {"width": 1080}, {"canvas": "1920x1080"}], ids=["700", "1080", "slide"])
def test_arrows_of_different_groups_never_run_on_one_line(arguments, options):
    """Group 1's arrow once came down the same line as group 0's for a
    stretch, drawn over it: where it turned off, group 0's seemed to come
    out of group 1's."""
    trace, layout, pictures = _figure(arguments, **options)
    for picture in pictures[1:-1]:
        shafts = arrow_shafts(picture)
        assert len({c.colour for c in shafts}) == trace.spec.groups
        for a, b in itertools.combinations(shafts, 2):
            if a.colour != b.colour:
                assert _along_one_line(a, b) < 1, (picture.shot, a.colour, b.colour)
