"""What a reader sees, read through the recording painter: texts, where
they are, in what colour, and which cells each picture marks."""

from __future__ import annotations

import numpy as np
import pytest

from convanim.report import kernel_row

import convanim
from convanim.render import RenderOptions
from convanim.render.layout import compute_layout
from convanim.render.record import RecordingPainter, record
from convanim.render.theme import DEFAULT_THEME as THEME
from convanim.render.typeset import SCRIPT_SCALE

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


# -- what every figure must show ------------------------------------------------

CASES = {
    "padding1": PADDING1,
    "groups2": GROUPS2,
    "depthwise": dict(input=[[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]], weight=[[[1, 2]], [[3, 4]], [[5, 6]], [[7, 8]]], groups=2),
    "dilation2-bias": dict(input=[1, 2, 3, 4, 5, 6], weight=[1, 2], dilation=2, bias=[0.5]),
    "reflect": dict(input=[3, 1, 4, 1, 5, 9, 2, 6], weight=[0.5, -1, 0.5], padding="same", padding_mode="reflect"),
    "causal": dict(input=[1, 2, 3, 4, 5, 6], weight=[1, -1, 0.5], padding="causal", dilation=2),
    "forty": dict(input=list(range(1, 41)), weight=[1, 2, 1]),
}


def _record(name, **options):
    trace = convanim.trace(convanim.conv(**CASES[name]))
    options = RenderOptions(**options)
    from convanim.render import default_title

    return trace, compute_layout(trace, options.width, options.panel, title=default_title(trace)), record(trace, options)


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_each_picture_counts_its_step_and_writes_every_steps_product_line(name):
    from convanim.report import approximately, step_result, step_terms

    trace, layout, pictures = _record(name)
    formats = layout.row_formats
    total = len(pictures) - 1
    for k, picture in enumerate(pictures[:-1]):
        texts = _texts(picture)
        assert f"step {k + 1} of {total}" in texts
        for index in picture.shot.steps:
            step = trace.steps[index]
            line = " ".join(layout.lines(step))
            assert line == approximately(" + ".join(step_terms(step, formats=formats)) + f" = {step_result(step, formats)}")
            assert all(part in texts for part in layout.lines(step)), f"picture {k}: {line} not drawn"
    assert f"{total} of {total} done" in _texts(pictures[-1])


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_the_arrow_points_at_each_cell_written_and_marks_sit_under_the_cells_read(name):
    trace, layout, pictures = _record(name)
    for picture in pictures[:-1]:
        steps = [trace.steps[i] for i in picture.shot.steps]
        tips = [c.points[2] for c in picture.calls if c.kind == "polygon"]
        assert len(tips) == len(steps)
        for step in steps:
            target = layout.output_cell(step.out_channel, step.position)
            assert any(target.x < x < target.right and abs(y - target.y) <= 2 for x, y in tips), f"no arrow into {target}"
        marks = [c for c in picture.calls if c.kind == "text" and c.text == "×"]
        read = {(tap.position) for step in steps for tap in step.taps}
        assert len(marks) == len(read)
        for position in read:
            cell = layout.input_cell(len(trace.padded) - 1, position)  # the last input row
            assert any(abs(m.x - cell.cx) < 1 and cell.bottom < m.y < cell.bottom + layout.cell_h for m in marks)


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_every_cell_shows_its_number(name):
    """Inputs, kernels as they appear, outputs once written: none empty."""
    trace, layout, pictures = _record(name, show_pending=True)

    def numbers_in(picture, boxes):
        found = {}
        for c in picture.calls:
            if c.kind == "text":
                for key, box in boxes.items():
                    if box.x < c.x < box.right and box.y < c.y < box.bottom:
                        found[key] = c.text
        return found

    first = pictures[0]
    inputs = {(ch, col): layout.input_cell(ch, (col,)) for ch in range(len(trace.padded)) for col in range(trace.padded.shape[1])}
    shown_inputs = numbers_in(first, inputs)
    for (ch, col), box in inputs.items():
        fmt, _ = layout.formats[("input", ch)]
        assert shown_inputs.get((ch, col)) == fmt.text(trace.padded[ch, col])
    outputs = {s.index: layout.output_cell(s.out_channel, s.position) for s in trace.steps}
    done = numbers_in(pictures[-1], outputs)
    for step in trace.steps:
        fmt, _ = layout.formats[("output", step.out_channel)]
        assert done.get(step.index) == fmt.text(step.shown)
    for picture in pictures[:-1]:
        for index in picture.shot.steps:
            for tap in trace.steps[index].taps:
                box = layout.kernel_cell(tap.in_channel, tap.position)
                fmt, _ = layout.formats[kernel_row(tap.in_channel, trace.steps[index].out_channel)]
                assert numbers_in(picture, {0: box}).get(0) == fmt.text(tap.weight)


@pytest.mark.parametrize("width", [320, 700, 1080, 1920], ids=["320", "700", "1080", "1920"])
@pytest.mark.parametrize("name", ["padding1", "groups2", "forty"])
def test_no_text_is_smaller_than_a_sixtieth_of_the_width(name, width):
    trace, layout, pictures = _record(name, width=width)
    least = width / 60 - 0.01
    for picture in (pictures[0], pictures[1], pictures[-1]):
        small = [(c.text, c.size) for c in picture.calls if c.kind == "text" and c.size < least]
        assert not small, f"text under {width / 60:.1f} px: {small[:5]}"
        # A formula's sub- and superscripts are its smallest type.
        scripts = [(c.text, c.size) for c in picture.calls if c.kind == "math" and c.size * SCRIPT_SCALE < least]
        assert not scripts, f"formula scripts under {width / 60:.1f} px: {scripts}"
        code = [c for c in picture.calls if c.kind == "text" and c.family == "mono"]
        assert code and min(c.size for c in code) > width / 60  # code larger than the floor
        assert all(c.w <= width and c.x <= width for c in picture.calls if c.kind in ("text", "math"))


def test_the_panel_shows_the_call_and_both_formulas():
    from convanim.code import torch_source
    from convanim.render.panel import general_formula, substituted_formula

    trace, layout, pictures = _record("padding1")
    first = pictures[0]
    code = "".join(c.text for c in first.calls if c.kind == "text" and c.family == "mono")
    assert " ".join(code.split()).replace("( ", "(") == " ".join(torch_source(trace.spec).removeprefix("conv = ").split())
    formulas = [c.text for c in first.calls if c.kind == "math"]
    assert formulas == [general_formula("L", True), substituted_formula(trace.spec.size_formulas()[0])]
    from convanim.render import default_title

    title = [c for c in first.calls if c.kind == "text" and c.bold and c.family == "sans" and c.size > layout.label_px]
    assert " ".join(c.text for c in title) == default_title(trace)


def test_padding_is_labelled_over_each_run_of_padding():
    trace, layout, pictures = _record("padding1")
    labels = [c for c in pictures[0].calls if c.kind == "text" and c.text == "padding"]
    assert len(labels) == 2
    left, right = layout.input_cell(0, (0,)), layout.input_cell(0, (7,))
    assert abs(labels[0].x - left.cx) < left.w and labels[0].y < left.y
    assert abs(labels[1].x - right.cx) < right.w and labels[1].y < right.y
    _, _, reflect = _record("reflect")
    assert "reflect padding" in _texts(reflect[0])


def test_causal_output_t_sits_under_input_t():
    trace, layout, _ = _record("causal")
    lo = trace.spec.padding[0][0]
    for t in range(trace.spec.output_shape[1]):
        assert abs(layout.output_cell(0, (t,)).cx - layout.input_cell(0, (lo + t,)).cx) < 0.5


def test_groups_have_distinct_colours_and_a_legend():
    conv = convanim.conv(size=4, in_channels=12, out_channels=12, groups=12, kernel_size=2)
    pictures = record(conv, RenderOptions(panel=False))
    first = pictures[0]
    legend = {c.text: c for c in first.calls if c.kind == "text" and c.text.startswith("group ")}
    assert set(legend) == {f"group {g}" for g in range(12)}
    swatches = []
    for g in range(12):
        label = legend[f"group {g}"]
        swatch = [c for c in first.calls if c.kind == "rect" and c.right < label.x and abs(c.cy - label.y) < 2 and label.x - c.right < 20]
        swatches.append(swatch[-1].colour)
    assert len(set(swatches)) == 12
    # Every row's stripe is its group's colour, the one its legend swatch shows.
    layout = compute_layout(convanim.trace(conv), 1080, panel=False)
    for box, group in layout.stripes():
        drawn = [c for c in first.calls if c.kind == "rect" and c.x == box.x and c.y == box.y and c.w == box.w]
        assert drawn and drawn[-1].colour == swatches[group]
    lines = [c.colour for c in first.calls if c.kind == "text" and " = " in c.text]
    assert len(lines) == 12 and len(set(lines)) == 12  # each group's products in its own colour


def test_tiny_values_are_written_in_scientific_notation_not_left_out():
    conv = convanim.conv([0.00012, 0.00034, -0.00056, 0.00078], [0.00012, 0.5])
    texts = _texts(record(conv)[0])
    assert {"1.2×10⁻⁴", "3.4×10⁻⁴", "−5.6×10⁻⁴", "7.8×10⁻⁴"} <= set(texts)


def test_a_number_rounded_for_its_cell_is_marked_and_decimals_set_the_precision():
    conv = convanim.conv([1 / 3, 0.5, 2], [1.0])
    assert {"≈0.33", "0.50", "2.00"} <= set(_texts(record(conv)[0]))
    assert {"≈0.3", "0.5", "2.0"} <= set(_texts(record(conv, RenderOptions(decimals=1))[0]))


def test_show_pending_writes_the_pending_values_in_grey():
    conv = convanim.conv(**PADDING1)
    plain, pending = record(conv)[0], record(conv, RenderOptions(show_pending=True))[0]
    grey = [c.text for c in pending.calls if c.kind == "text" and c.colour == THEME.muted]
    assert {"12", "18", "24", "30", "22"} <= set(grey)
    assert not {"12", "18"} & {c.text for c in plain.calls if c.kind == "text" and c.colour == THEME.muted}


@pytest.mark.parametrize("canvas, size", [("1920x1080", (1920, 1080)), ("16:9", (800, 450)), ("700x1200", (700, 1200))])
def test_a_canvas_is_exactly_its_size_with_the_figure_centred(canvas, size):
    pictures = list(convanim.frames(convanim.conv(**PADDING1), RenderOptions(width=800, canvas=canvas)))
    for frame in pictures:
        assert frame.pixels.shape[:2] == (size[1], size[0])
    corner = tuple(pictures[0].pixels[0, 0])
    assert corner == (255, 255, 255)
    assert not np.array_equal(pictures[0].pixels, pictures[1].pixels)  # each frame its own picture


def test_a_canvas_too_small_for_the_figure_is_refused_by_name():
    with pytest.raises(convanim.SpecError) as raised:
        list(convanim.frames(convanim.conv(size=6, in_channels=8, out_channels=8), RenderOptions(canvas="1920x200")))
    assert raised.value.option == "canvas"
    with pytest.raises(convanim.SpecError) as raised:
        RenderOptions(canvas="big")
    assert raised.value.option == "canvas"


def test_forty_values_wrap_onto_bands_with_every_number():
    trace, layout, pictures = _record("forty", width=800)
    assert layout.bands >= 2 and layout.width == 800
    assert [str(v) for v in range(1, 41)] == [t for t in _texts(pictures[0]) if t.isdigit() and int(t) <= 40][:40]


def test_a_long_title_wraps_onto_two_lines_before_it_shrinks():
    from convanim.render.panel import TITLE_PX, title_lines

    long = "Depthwise convolution with a channel multiplier of two, drawn step by step for a class"
    lines, px = title_lines(long, 600, 1.0)
    assert len(lines) == 2 and px == TITLE_PX and " ".join(lines) == long
    conv = convanim.conv(**PADDING1)
    layout = compute_layout(convanim.trace(conv), 700, True, title=long)
    lines, px = title_lines(long, layout.panel.w, layout.scale)
    drawn = [c for c in record(conv, RenderOptions(width=700, title=long))[0].calls if c.kind == "text" and c.text in lines]
    assert [c.text for c in drawn] == lines and len(lines) == 2
    assert all(c.x + c.w <= 700 and c.size == TITLE_PX * layout.scale for c in drawn)


def test_the_legend_stays_inside_the_figure_and_above_the_panel():
    conv = convanim.conv(size=4, in_channels=16, out_channels=16, groups=16, kernel_size=2)
    layout = compute_layout(convanim.trace(conv), 700, True, title="t")
    first = record(conv, RenderOptions(width=700))[0]
    entries = [c for c in first.calls if c.kind == "text" and c.text.startswith("group ")]
    assert len(entries) == 16
    assert all(c.x + c.w <= 700 and c.y + c.size / 2 < layout.panel.y for c in entries)


def test_the_finished_picture_keeps_every_groups_products_under_the_resting_kernel():
    """No empty band where the product lines were: 12 groups' lines, each in its colour."""
    conv = convanim.conv(size=4, in_channels=12, out_channels=12, groups=12, kernel_size=2)
    trace = convanim.trace(conv)
    pictures = record(conv, RenderOptions(panel=False))
    last, done = pictures[-2], pictures[-1]
    assert done.shot.phase == "done"
    lines = lambda picture: [(c.text, c.colour, round(c.y, 1)) for c in picture.calls if c.kind == "text" and " = " in c.text]
    assert len(lines(done)) == 12 and lines(done) == lines(last)  # where the last step wrote them
    assert f"{len(trace.steps) // 12} of {len(trace.steps) // 12} done" in _texts(done)
    # The last step's arrows and current cells are gone: every output written, none current.
    assert not [c for c in done.calls if c.kind == "line" and c.colour in {THEME.group_ink(g) for g in range(12)}]
