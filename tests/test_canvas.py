"""``--canvas``: a figure laid out for a fixed picture, type sized for the
picture's width (none under 1/60 of it), the panel under the grids or beside
them; or refused, naming a canvas that fits."""

from __future__ import annotations

import re

import numpy as np
import pytest

import convanim
from convanim.render import _figure
from convanim.render.canvas import PanelBeside, canvas_size
from convanim.render.options import RenderOptions
from convanim.render.panel import COMPACT_KEY, general_formula
from convanim.render.record import RecordingPainter
from convanim.render.typeset import SCRIPT_SCALE
from convanim.templates import list_templates, load_template

from arrows2d import crosses  # (beside this file)


def _conv(name):
    """The figure's Conv and its title."""
    if name == "forty":
        return convanim.conv(list(range(1, 41)), [1, 2, 1]), None
    if name == "grid32":
        rng = np.random.default_rng(0)
        return convanim.conv(rng.integers(-9, 9, (1, 32, 32)).astype(float), rng.integers(-3, 4, (1, 1, 3, 3)).astype(float), padding=1), None
    template = load_template(name)
    return template.conv(), template.title


def _drawn(conv, notes=None, **options):
    """The layout and the recorded first and last pictures, or the refusal;
    ``notes`` gets the notes the layout gives."""
    renderer, shots = _figure(conv, RenderOptions(**options), painter=RecordingPainter, notes=notes)
    pictures = [canvas for _, _, canvas in renderer.pictures([shots[0], shots[-1]])]
    return renderer.layout, pictures


def _is_number(text: str) -> bool:
    return text.lstrip("\N{MINUS SIGN}-").replace(".", "").replace("…", "").isdigit()


def _extent(call):
    """A drawing's box: (left, top, right, bottom)."""
    if call.kind == "text":
        left = {"left": call.x, "right": call.x - call.w}.get(call.align, call.x - call.w / 2)
        return left, call.y - 0.6 * call.size, left + call.w, call.y + 0.6 * call.size
    if call.kind == "math":
        return call.x, call.y, call.x + call.w, call.y + call.h
    return call.x, call.y, call.x + call.w, call.y + call.h


def _in_panel(call, panel) -> bool:
    """Whether the panel drew it: its formulas, its code, its title, heading
    and the compact formula's key (text set flush with its left edge)."""
    if call.kind == "math" or (call.kind == "text" and call.family == "mono"):
        return True
    return call.kind == "text" and call.align == "left" and abs(call.x - panel.x) < 0.5


def check_on_canvas(layout, pictures, canvas, ndim, notes=()):
    """What a reader of the canvas sees: legible type, everything inside, the
    panel clear of the grids. Type is at least 1/60 of the canvas's width,
    or, with a note saying so, at least 1/60 of its height."""
    cw, ch = canvas
    floor = 18 * layout.scale - 0.01
    assert floor >= min(cw, max(ch, 600)) / 60 - 0.02, (layout.scale, canvas)
    shrunk = [note for note in notes if "smallest type" in note]
    assert bool(shrunk) == (floor < cw / 60 - 0.02), (notes, floor)
    assert layout.width <= cw and layout.height <= ch
    for picture in pictures:
        for call in picture.calls:
            left, top, right, bottom = _extent(call)
            assert -1 <= left and right <= layout.width + 1 and -1 <= top and bottom <= layout.height + 1, (call.kind, call.text, _extent(call))
            if call.kind == "text":
                # 2-D grids write their numbers as their cells allow (the
                # 2-D rule); every other text is at least the floor.
                if ndim == 1 or not _is_number(call.text):
                    assert call.size >= floor, (call.text, call.size, floor)
                if call.family == "mono":
                    assert call.size > floor  # code larger than the floor
            if call.kind == "math":
                assert call.size * SCRIPT_SCALE >= floor, (call.text, call.size)  # its scripts too
            if layout.panel is not None and not _in_panel(call, layout.panel):
                p = layout.panel
                if call.kind == "line" and call.points:  # a line round the panel is clear of it, though its box is not
                    clear = not any(crosses(a, b, (p.x, p.y, p.right, p.bottom)) for a, b in zip(call.points, call.points[1:]))
                else:
                    clear = right <= p.x or left >= p.right or bottom <= p.y or top >= p.bottom
                assert clear, f"{call.kind} {call.text!r} at {_extent(call)} overlaps the panel {p}"


def _refusal_size(message: str) -> tuple[int, int] | None:
    found = re.search(r"use at least (\d+)x(\d+)", message)
    return (int(found[1]), int(found[2])) if found else None


CANVASES = [("1920x1080", 1080), ("16:9", 700), ("16:9", 1080), ("4:3", 1080), ("1:1", 1080)]
CASES = [("depthwise", 1), ("groups2", 1), ("forty", 1), ("rgb_two_filters", 2), ("dilation", 2), ("conv1x1_rgb", 2)]


@pytest.mark.parametrize("canvas, width", CANVASES, ids=[f"{c}@{w}" for c, w in CANVASES])
@pytest.mark.parametrize("name, ndim", CASES, ids=[name for name, _ in CASES])
def test_a_canvas_shows_legible_type_or_refuses_naming_what_fits(name, ndim, canvas, width):
    conv, title = _conv(name)
    size = canvas_size(canvas, width)
    notes = []
    try:
        layout, pictures = _drawn(conv, notes, width=width, canvas=canvas, title=title)
    except convanim.SpecError as refused:
        assert refused.option == "canvas"
        if ":" in canvas and "canvas up to" not in str(refused):  # a ratio: a wider canvas of that shape, as --width
            found = re.search(rf"use --width (\d+) \(a {canvas} canvas, (\d+)x(\d+)\)", str(refused))
            assert found and (int(found[2]), int(found[3])) == canvas_size(canvas, int(found[1])), str(refused)
            layout, pictures = _drawn(conv, notes, width=int(found[1]), canvas=canvas, title=title)
            check_on_canvas(layout, pictures, canvas_size(canvas, int(found[1])), ndim, notes)
            with pytest.raises(convanim.SpecError):  # the least such width
                _drawn(conv, width=int(found[1]) - 1, canvas=canvas, title=title)
            return
        needed = _refusal_size(str(refused))
        assert needed and needed[0] == size[0] and needed[1] > size[1], str(refused)
        # What it says fits, fits, at 1/60 of the width.
        layout, pictures = _drawn(conv, notes, width=width, canvas=f"{needed[0]}x{needed[1]}", title=title)
        check_on_canvas(layout, pictures, needed, ndim, notes)
        assert not notes
        # The least such canvas: one pixel shorter needs smaller type, or does not fit.
        try:
            _drawn(conv, notes, width=width, canvas=f"{needed[0]}x{needed[1] - 1}", title=title)
            assert notes
        except convanim.SpecError:
            pass
        notes.clear()
        if "--no-panel" in str(refused):
            layout, pictures = _drawn(conv, notes, width=width, canvas=canvas, title=title, panel=False)
            check_on_canvas(layout, pictures, size, ndim, notes)
        return
    check_on_canvas(layout, pictures, size, ndim, notes)


# Every 1-D template fits a slide, 1920x1080, and 16:9 at 1080 px wide.
ONE_D = [name for name in list_templates() if load_template(name).conv().spec.ndim == 1]


@pytest.mark.parametrize("canvas", ["1920x1080", "16:9"])
@pytest.mark.parametrize("name", ONE_D)
def test_every_1d_template_fits_a_slide(name, canvas):
    conv, title = _conv(name)
    notes = []
    layout, pictures = _drawn(conv, notes, canvas=canvas, title=title)
    check_on_canvas(layout, pictures, canvas_size(canvas, 1080), 1, notes)
    assert not notes  # at 1/60 of the width: no type had to shrink
    frame = next(iter(convanim.frames(conv, RenderOptions(canvas=canvas, title=title))))
    assert frame.pixels.shape[:2] == canvas_size(canvas, 1080)[::-1]


# Every 2-D template fits them too, its type at 1/60 of the canvas's height or more.
TWO_D = [name for name in list_templates() if load_template(name).conv().spec.ndim == 2]


@pytest.mark.parametrize("canvas", ["1920x1080", "16:9"])
@pytest.mark.parametrize("name", TWO_D)
def test_every_2d_template_fits_a_slide(name, canvas):
    _fits_with_numbers_in_cells(*_conv(name), canvas)


# Wide canvases suit grids side by side: channels' tiles, the outputs in columns.
@pytest.mark.parametrize("name", ["2 channels, 6x7, circular", "groups 2, 6 outputs"])
def test_wide_2d_figures_fit_a_full_hd_slide(name):
    if name == "groups 2, 6 outputs":
        conv = convanim.conv(size=(5, 5), in_channels=2, out_channels=6, groups=2, kernel_size=3, padding=1)
    else:
        conv = convanim.conv(np.arange(84.0).reshape(2, 6, 7) % 10, np.ones((2, 2, 3, 3)), padding=1, padding_mode="circular")
    _fits_with_numbers_in_cells(conv, None, "1920x1080")


def _fits_with_numbers_in_cells(conv, title, canvas):
    notes = []
    layout, pictures = _drawn(conv, notes, canvas=canvas, title=title)
    check_on_canvas(layout, pictures, canvas_size(canvas, 1080), 2, notes)
    assert layout.lens is None  # every number in its cell


def test_a_large_grids_overview_fits_a_slide_with_its_numbers_in_the_lenses():
    conv, _ = _conv("grid32")
    trace = convanim.trace(conv)
    notes = []
    layout, pictures = _drawn(trace, notes, canvas="1920x1080", steps="40")
    assert layout.lens is not None and isinstance(layout, PanelBeside)
    check_on_canvas(layout, pictures, (1920, 1080), 2, notes)
    written = trace.steps[39].shown
    fmt = layout.formats[("output", 0)]
    assert fmt.text(written) in [c.text for c in pictures[0].texts()]  # in its lens cell, not blank


def test_lenses_too_small_for_their_numbers_get_smaller_type_not_drawn_blank():
    conv, _ = _conv("grid32")
    trace = convanim.trace(conv)
    notes = []
    layout, pictures = _drawn(trace, notes, width=700, canvas="16:9", steps="40")
    check_on_canvas(layout, pictures, (700, 394), 2, notes)
    assert layout.lens is not None
    fmt = layout.formats[("output", 0)]
    assert fmt.text(trace.steps[39].shown) in [c.text for c in pictures[0].texts()]


def test_a_canvas_wider_than_the_figure_puts_the_panel_beside_the_grids():
    conv, title = _conv("kernel3")
    layout, pictures = _drawn(conv, canvas="1080x400", title=title, credit="made with convanim")
    assert isinstance(layout, PanelBeside) and layout.panel.y + layout.panel.h <= 400
    check_on_canvas(layout, pictures, (1080, 400), 1)
    # The grids on the left, the panel on their right: the call and both formulas.
    grids = [c for c in pictures[0].calls if c.kind == "rect" and c.w < 200]
    assert grids and max(c.x + c.w for c in grids) < layout.panel.x
    assert any(c.family == "mono" and c.text.startswith("torch.nn.Conv1d(") for c in pictures[0].texts())
    assert len(pictures[0].find("math")) == 2
    credit = pictures[0].find("text", "made with convanim")
    assert credit and credit[0].y > layout.panel.bottom  # under the panel, not over it
    # The panel under the grids, at the same type, would make it too tall.
    assert _drawn(conv, title=title)[0].height > 400


def test_a_figure_that_fits_is_drawn_as_at_that_width():
    conv, title = _conv("groups2")
    layout, _ = _drawn(conv, canvas="1080x810", title=title)
    plain, _ = _drawn(conv, title=title)
    assert (layout.width, layout.height, layout.panel) == (plain.width, plain.height, plain.panel)


def test_a_refused_canvas_writes_nothing_and_says_what_to_change(run_cli, tmp_path):
    out = tmp_path / "f.gif"
    tall = ("--in-channels", "8", "--out-channels", "8")
    code, _, err = run_cli("render", *tall, "--canvas", "16:9", "--width", "700", "-o", str(out))
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and "--canvas" in err and "1/60 of the canvas's height" in err, err
    needed = re.search(r"use --width (\d+) \(a 16:9 canvas, \d+x\d+\)", err)
    assert needed and int(needed[1]) > 700, err
    code, _, err = run_cli("render", *tall, "--canvas", "16:9", "--width", needed[1], "-o", str(out))
    assert code == 0 and out.exists(), err


def test_a_canvas_that_needs_smaller_type_says_so_in_one_note(run_cli, tmp_path):
    out = tmp_path / "f.gif"
    code, _, err = run_cli("render", "--in-channels", "6", "--out-channels", "6", "--canvas", "16:9", "-o", str(out))
    notes = [line for line in err.splitlines() if line.startswith("convanim: note:")]
    assert code == 0 and out.exists() and len(notes) == 1 and "--canvas 1080x608" in notes[0] and "smallest type" in notes[0], err
    code, _, err = run_cli("render", "--template", "padding1", "--canvas", "16:9", "-o", str(out))
    assert code == 0 and "note" not in err, err


def test_a_slide_tightens_the_rows_and_puts_a_compact_panel_beside_them():
    conv, title = _conv("depthwise")
    plain, _ = _drawn(conv, title=title)
    layout, pictures = _drawn(conv, canvas="16:9", title=title)
    # Rows lower than the figure's own (56 px for 19 px numbers), not lower than the numbers need.
    assert 1.5 * 19 <= layout.cell_h < plain.cell_h
    assert isinstance(layout, PanelBeside)
    sources = [c.text for c in pictures[0].find("math")]
    assert sources[0] == general_formula("L", True, compact=True) and len(sources) == 2
    key = " ".join(c.text for c in pictures[0].texts() if c.align == "left" and abs(c.x - layout.panel.x) < 0.5 and not c.bold)
    assert all(entry in key for entry in COMPACT_KEY), key
    # The figure at its own width keeps PyTorch's names.
    assert plain.panel is not None and general_formula("L", True) in [c.text for c in _drawn(conv, title=title)[1][0].find("math")]


# A grouped figure with four channels a side: on a 16:9 slide the tiles
# stand in one row, the outputs in a row under them.
FOUR_GROUPS = dict(size=(5, 5), kernel_size=3, padding=1, in_channels=4, out_channels=4, groups=4)


def test_four_groups_fit_a_full_hd_slide_their_outputs_in_a_row_under_the_tiles():
    notes = []
    layout, pictures = _drawn(convanim.conv(**FOUR_GROUPS), notes, canvas="1920x1080", panel=False, steps="3")
    check_on_canvas(layout, pictures, (1920, 1080), 2, notes)
    assert layout.lens is None and layout.stacked
    assert len({y for _, y in layout.inputs}) == 1 and len({y for _, y in layout.outputs}) == 1  # a row each
    texts = [c.text for c in pictures[0].calls if c.kind == "text"]
    assert all(f"ch {k}" in texts for k in range(4))


@pytest.mark.parametrize("canvas, panel", [("1920x1080", True), ("1920x2160", True), ("1080x608", True), ("1080x608", False), ("700x394", True)])
def test_a_refusal_is_one_line_naming_a_canvas_that_fits(canvas, panel):
    conv = convanim.conv(**FOUR_GROUPS)
    try:
        _drawn(conv, canvas=canvas, panel=panel, steps="3")
        return  # it fits: nothing to name
    except convanim.SpecError as refused:
        message, option = str(refused), refused.option
    assert option == "canvas" and "\n" not in message
    assert "tall enough" not in message  # a height named as none there is
    if "--no-panel" in message:  # what it says fits, fits
        assert panel
        layout, pictures = _drawn(conv, notes := [], canvas=canvas, panel=False, steps="3")
        check_on_canvas(layout, pictures, canvas_size(canvas, 1080), 2, notes)
    found = re.search(r"use (?:at least )?(\d+)x(\d+)", message)
    assert found, message
    named = (int(found[1]), int(found[2]))
    assert named[0] <= 3840 and named[1] <= 3840 and named != canvas_size(canvas, 1080)
    notes = []
    layout, pictures = _drawn(conv, notes, canvas=f"{named[0]}x{named[1]}", panel=panel, steps="3")
    check_on_canvas(layout, pictures, named, 2, notes)


# A figure whose automatic title is long (fractional values, a padding mode, ...).
LONG_TITLED = dict(
    input=[[[0.5, 1.59, 1.1, -1.1, -0.8], [1.49, -1.98, 1.28, 1.19, -0.13], [-0.79, -0.89, -0.98, -0.22, 0.02], [0.21, 1.98, 1.17, 0.49, 1.96]],
           [[-1.14, -1.36, 0.45, -1.82, -1.86], [0.06, -0.14, 1.67, 0.52, 0.06], [-0.01, -1.01, -1.95, -1.23, 0.77], [-1.2, -0.52, -1.99, 1.32, -1.38]],
           [[-0.93, 1.52, 0.04, 1.39, 0.56], [0.97, -1.63, 0.16, 0.03, 1.49], [-0.55, 0.39, -1.76, -0.45, -0.71], [-1.4, 1.27, -0.48, 1.91, 0.36]]],
    weight=[[[[0.2, 0.3, 0.4], [-0.7, -0.1, -0.5]], [[-0.2, -0.8, 0.9], [-0.6, 0.3, -0.4]], [[0.7, 0.3, -0.7], [0.7, 0.9, 0.8]]],
            [[[0.1, -0.7, -0.6], [0.9, 0.1, -0.6]], [[0.8, 0.3, 0.1], [-0.2, -0.2, -0.5]], [[-0.9, 0.8, -0.1], [0.1, -0.4, 0.5]]]],
    bias=[0.5, -1.25], stride=(1, 2), padding=(1, 1), padding_mode="circular",
)


@pytest.mark.parametrize("title", [None, "A very long title " * 8])
def test_a_long_title_never_decides_how_a_figure_fits_a_slide(title):
    conv = convanim.conv(**LONG_TITLED)
    notes, short_notes = [], []
    layout, pictures = _drawn(conv, notes, canvas="1920x1080", title=title, steps="3")
    short, _ = _drawn(conv, short_notes, canvas="1920x1080", title="A", steps="3")
    check_on_canvas(layout, pictures, (1920, 1080), 2, notes)
    # The same type and grids as with a one-letter title: the title takes lines, not room.
    assert layout.scale == pytest.approx(short.scale) and layout.cell_h == pytest.approx(short.cell_h)
    assert isinstance(layout, PanelBeside) and isinstance(short, PanelBeside)
    words = (title or "").split()
    drawn = " ".join(c.text for c in pictures[0].calls if c.kind == "text" and c.bold and abs(c.x - layout.panel.x) < 0.5)
    assert all(word in drawn for word in words)  # every word of it written, none cut off


RGB_TWO_FILTERS = dict(size=(5, 5), in_channels=3, out_channels=2, kernel_size=3, padding=1, stride=2, bias=[1.0, 0.0])


@pytest.mark.parametrize("case", [FOUR_GROUPS, RGB_TWO_FILTERS], ids=["four groups", "rgb two filters"])
@pytest.mark.parametrize("width", [700, 900, 1080])
def test_a_ratio_canvas_is_refused_naming_a_canvas_of_its_shape_and_no_panel_where_it_fits(case, width):
    """--canvas 16:9 takes its width from --width: the refusal names the
    width whose 16:9 canvas fits (checked by drawing it), and --no-panel
    exactly when this canvas without the panel fits."""
    conv = convanim.conv(**case)
    try:
        _drawn(conv, canvas="16:9", width=width, steps="3")
        return  # it fits: nothing to name
    except convanim.SpecError as refused:
        message = str(refused)
    size = canvas_size("16:9", width)
    assert message.startswith(f"canvas: {size[0]}x{size[1]} (16:9 at --width {width}) is too small") and "\n" not in message
    found = re.search(r"use --width (\d+) \(a 16:9 canvas, (\d+)x(\d+)\)", message)
    assert found, message
    named = int(found[1])
    assert width < named <= 3840
    assert (int(found[2]), int(found[3])) == canvas_size("16:9", named)
    notes = []
    layout, pictures = _drawn(conv, notes, canvas="16:9", width=named, steps="3")
    check_on_canvas(layout, pictures, canvas_size("16:9", named), 2, notes)
    try:
        _drawn(conv, canvas="16:9", width=width, panel=False, steps="3")
        bare = True
    except convanim.SpecError:
        bare = False
    assert ("--no-panel" in message) == bare, message


# Small classroom figures (3 channels, 5x6 to 6x7) that a 1920x1080 slide
# refused with their panel, though the grids left room for it.
THREE_IN_ONE_OUT = dict(size=(5, 6), in_channels=3, out_channels=1, kernel_size=(2, 3), padding=(1, 2))
DEPTHWISE_BIAS = dict(
    size=(6, 7), in_channels=3, out_channels=6, groups=3, kernel_size=(2, 3), padding="valid", dilation=(2, 2),
    bias=[-1, 2, -3.5, 0, 0.25, -0.125],
)


@pytest.mark.parametrize("case", [THREE_IN_ONE_OUT, DEPTHWISE_BIAS], ids=["3 in 1 out, padding (1, 2)", "depthwise, bias"])
def test_a_small_multichannel_figure_fits_a_full_hd_slide_with_its_panel(case):
    notes = []
    layout, pictures = _drawn(convanim.conv(**case), notes, canvas="1920x1080", steps="3")
    check_on_canvas(layout, pictures, (1920, 1080), 2, notes)
    assert layout.panel is not None


def test_a_panel_beside_the_grids_is_as_narrow_as_its_formulas_drawn_there():
    """Its least width: each output-size line names only the axes it is
    for (``H_out = 6 = …``, not ``H_out = W_out = 6 = …`` where the axes
    differ), as the panel writes it; a panel that wide holds them."""
    from convanim.render.fonts import math_size
    from convanim.render.panel import _formulas, least_width, substituted_formula

    spec = convanim.conv(**THREE_IN_ONE_OUT).spec
    least = least_width(spec, 1.0, "2-D convolution")
    both_axes = substituted_formula(spec.size_formulas()[0], spec.axis_names)
    assert least < math_size(both_axes, 0.8 * 22)[0]
    for source, size in _formulas(spec, least, 1.0):
        assert math_size(source, size)[0] <= least + 0.5, source


def test_output_grids_with_long_numbers_go_in_columns_at_cells_that_fit_the_width():
    """Output cells wider than tall (``1800.25``) take more room across
    than square ones: the arrangement takes the tallest cells whose widths
    fit, rather than being dropped for cells too wide at the square size."""
    from convanim.engine import trace
    from convanim.render.layout import compute_layout

    layout = compute_layout(trace(convanim.conv(**DEPTHWISE_BIAS)), 1472, False, scale=1.0, height=1080)
    assert layout.height <= 1080
    assert len({x for x, _ in layout.outputs}) == 2  # six outputs, in two columns beside the inputs


@pytest.mark.parametrize(
    "case",
    [
        THREE_IN_ONE_OUT,
        dict(size=(6, 7), in_channels=3, out_channels=1, kernel_size=(2, 3), padding=(1, 2)),
        dict(size=(6, 7), in_channels=3, out_channels=1, kernel_size=3, padding=1),  # its sums go under the panel
        DEPTHWISE_BIAS,
    ],
    ids=["5x6", "6x7", "6x7, kernel 3", "depthwise, bias"],
)
def test_a_row_of_tiles_on_a_slide_has_the_panel_right_of_the_outputs_under_them(case):
    """The tiles in a row leave the room right of the outputs under them
    empty: the panel goes there, the arrows round it (along the gap over
    the outputs), and the type is larger than with the panel beside all
    the grids (18 px, the least a 1080-line slide allows)."""
    notes = []
    layout, pictures = _drawn(convanim.conv(**case), notes, canvas="1920x1080", steps="3")
    check_on_canvas(layout, pictures, (1920, 1080), 2, notes)
    assert layout.stacked and layout.turn is not None
    outputs_right = max(x for x, _ in layout.outputs) + layout.output_shape[1] * layout.output_w
    tiles_bottom = max(y for _, y in layout.inputs) + layout.padded_shape[0] * layout.cell_h
    panel = layout.panel
    assert panel.x > outputs_right and panel.y >= tiles_bottom and panel.right <= 1920
    assert panel.x < max(x for x, _ in layout.inputs) + layout.padded_shape[1] * layout.cell  # under the tiles, not beside them
    assert 18 * layout.scale > 18.5
