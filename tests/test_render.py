"""The renderer, judged by its pixels: where cells are, what colour, in what order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import convanim
from convanim.render.layout import compute_layout
from convanim.render import RenderOptions, frames, render
from convanim.render.theme import DEFAULT_THEME, hex_rgb

THEME = DEFAULT_THEME


def _colour_at(frame: np.ndarray, x: float, y: float) -> tuple[int, int, int]:
    return tuple(int(v) for v in frame[int(round(y)), int(round(x))])


def _inside(box):
    """A point inside a cell, clear of its border and of the centred number."""
    return box.x + 5, box.y + 5


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True in a 1-D mask."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2], edges[1::2]))


@settings(max_examples=30, deadline=None)
@given(
    length=st.integers(3, 12),
    kernel=st.integers(1, 4),
    dilation=st.integers(1, 3),
    padding=st.integers(0, 3),
    stride=st.integers(1, 3),
    channels=st.integers(1, 2),
)
def test_each_kernel_cell_is_drawn_under_the_input_cell_its_tap_reads(length, kernel, dilation, padding, stride, channels):
    from convanim.render.record import record

    if dilation * (kernel - 1) + 1 > length + 2 * padding:
        return  # not a valid convolution; the spec tests cover the error
    conv = convanim.conv(size=length, kernel_size=kernel, dilation=dilation, padding=padding, stride=stride, in_channels=channels, out_channels=1)
    trace = convanim.trace(conv)
    layout = compute_layout(trace, 1080, panel=False)
    for picture in record(trace, RenderOptions(panel=False))[:-1]:
        (step,) = [trace.steps[i] for i in picture.shot.steps]
        kernels = [c for c in picture.calls if c.kind == "rect" and c.edge and c.colour in (THEME.kernel, THEME.kernel_alt)]
        assert len(kernels) == len(step.taps)
        for tap in step.taps:
            above, cell = layout.input_cell(tap.in_channel, tap.position), layout.kernel_cell(tap.in_channel, tap.position)
            assert any(k.x == cell.x and k.y == cell.y for k in kernels), f"step {step.index}: no kernel cell for {tap}"
            assert abs(cell.cx - above.cx) < 0.5 and cell.y > above.y  # straight below the input cell it multiplies


def test_groups_compute_together_six_pictures_like_the_article():
    from convanim.render.record import record

    conv = convanim.conv([[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]], [[[2]], [[4]]], groups=2)
    trace = convanim.trace(conv)
    layout = compute_layout(trace, 1080, panel=True)
    pictures = record(trace)
    assert len(pictures) == 6 + 1  # a picture per output position, then the finished output
    for column, picture in enumerate(pictures[:-1]):
        fills = {}
        for call in picture.calls:  # later calls paint over earlier ones
            if call.kind == "rect":
                fills[(round(call.x), round(call.y))] = call.colour
        for step in trace.steps:
            box = layout.output_cell(step.out_channel, step.position)
            fill = fills[(round(box.x), round(box.y))]
            if step.position[0] == column:  # both groups write this column now
                assert fill == THEME.output_current
            elif step.position[0] < column:
                assert fill in (THEME.output_done, THEME.output_done_alt)
            else:
                assert fill == THEME.pending


def test_cells_have_their_roles_colours():
    conv = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1)
    trace = convanim.trace(conv)
    layout = compute_layout(trace, 1080, panel=True)
    first = next(iter(frames(trace)))[0]
    assert _colour_at(first, *_inside(layout.input_cell(0, (0,)))) == hex_rgb(THEME.padding)
    assert _colour_at(first, *_inside(layout.input_cell(0, (7,)))) == hex_rgb(THEME.padding)
    for column in range(1, 7):
        assert _colour_at(first, *_inside(layout.input_cell(0, (column,)))) == hex_rgb(THEME.input)
    for column in range(3):
        assert _colour_at(first, *_inside(layout.kernel_cell(0, (column,)))) == hex_rgb(THEME.kernel)
    assert _colour_at(first, *_inside(layout.kernel_cell(0, (3,)))) == hex_rgb(THEME.background)


def test_copied_padding_has_its_own_colour():
    conv = convanim.conv([1, 2, 3, 4], [1, 1, 1], padding=1, padding_mode="reflect")
    trace = convanim.trace(conv)
    layout = compute_layout(trace, 1080, panel=False)
    first = next(iter(frames(trace, RenderOptions(panel=False))))[0]
    assert _colour_at(first, *_inside(layout.input_cell(0, (0,)))) == hex_rgb(THEME.padding_copy)


def test_the_gif_holds_each_step_and_the_ends_longer(tmp_path):
    conv = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2])
    path = render(conv, tmp_path / "k2.gif", hold=0.5)
    with Image.open(path) as gif:
        durations = []
        for index in range(gif.n_frames):
            gif.seek(index)
            durations.append(gif.info["duration"])
        assert gif.info.get("loop") == 0
    assert durations == [1000, 500, 500, 500, 500, 1000]


def test_glide_moves_the_kernel_between_its_two_windows():
    conv = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2])
    trace = convanim.trace(conv)
    layout = compute_layout(trace, 1080, panel=False)
    pictures = list(frames(trace, RenderOptions(panel=False, glide=True, fps=10)))
    y = int(layout.kernel_cell(0, (0,)).y + 4)
    kernel_rgb = hex_rgb(THEME.kernel)
    lefts = []
    for frame, _ in pictures[: 1 + 4 + 1]:  # step 1, its glide, step 2
        xs = np.flatnonzero((frame[y] == kernel_rgb).all(axis=1))
        lefts.append(xs.min())
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)
    assert lefts[-1] - lefts[0] == pytest.approx(layout.cell, abs=1.5)


def test_long_inputs_wrap_onto_bands_and_never_widen_the_figure():
    short = compute_layout(convanim.trace(convanim.conv(size=6)), 1080)
    longest = compute_layout(convanim.trace(convanim.conv(size=80)), 1080)
    assert short.bands == 1 and longest.bands > 1
    assert short.width == longest.width == 1080
    assert longest.per_band * longest.bands >= 80
    assert longest.cell >= 34  # still legible


def test_numbers_are_the_traces(tmp_path):
    """The product line is built from the trace's taps, not recomputed."""
    from convanim.report import step_terms

    trace = convanim.trace(convanim.conv([1, -2, 3.5], [2, 0.5], bias=[1]))
    assert step_terms(trace.steps[0]) == ["1×2", "(−2)×0.5", "1 (bias)"]
    assert step_terms(trace.steps[1]) == ["(−2)×2", "3.5×0.5", "1 (bias)"]


@pytest.mark.parametrize("width", [320, 1080, 2160], ids=["small", "default", "large"])
def test_renders_at_any_width(tmp_path, width):
    conv = convanim.conv([[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]], [[[2]], [[4]], [[6]], [[8]]], groups=2)
    path = render(conv, tmp_path / "d.gif", width=width)
    with Image.open(path) as gif:
        assert gif.size[0] == width


def test_render_rejects_bad_options_before_writing(tmp_path):
    with pytest.raises(convanim.SpecError, match="width"):
        render(convanim.conv(size=6), tmp_path / "x.gif", width=5)
    with pytest.raises(convanim.SpecError, match="hold"):
        render(convanim.conv(size=6), tmp_path / "x.gif", hold=0)
    assert not list(tmp_path.iterdir())


def test_render_of_a_3d_convolution_says_it_is_not_drawn(tmp_path):
    with pytest.raises(convanim.SpecError, match="1-D and 2-D"):
        render(convanim.conv(size=(4, 4, 4), kernel_size=(2, 2, 2)), tmp_path / "x.gif")
    assert not list(tmp_path.iterdir())


def test_the_package_functions_stay_functions_after_a_render(tmp_path):
    """A submodule named like a package function would replace it on import."""
    conv = convanim.conv(size=4, kernel_size=2)
    render(conv, tmp_path / "a.gif")
    assert callable(convanim.frames) and callable(convanim.render) and callable(convanim.trace)
    assert len(list(convanim.frames(conv))) == 3 + 1


def test_long_titles_and_credits_stay_inside_the_figure():
    from convanim.render.fonts import fit_text, text_width

    text, size = fit_text("A very long title " * 20, 22, 400, bold=True)
    assert text.endswith("…") and text_width(text, size=size, bold=True) <= 400 and size >= 22 * 0.6
    assert fit_text("Short", 22, 400) == ("Short", 22)
    long = "x" * 500
    first = next(iter(frames(convanim.conv(size=6), RenderOptions(title=long, credit=long))))[0]
    assert first.shape[1] == 1080


def test_a_shot_drawn_out_of_order_shows_only_what_was_written_by_then():
    from convanim.render.layout import compute_layout
    from convanim.render.renderer import FigureText, FrameRenderer
    from convanim.render.storyboard import Shot

    trace = convanim.trace(convanim.conv(size=6))
    renderer = FrameRenderer(trace, compute_layout(trace, 1080, panel=False), THEME, FigureText("t"))
    early = renderer.draw(Shot("step", (1,), 1000))
    renderer.draw(Shot("done", (), 1000))
    assert np.array_equal(renderer.draw(Shot("step", (1,), 1000)), early)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=3, max_size=60),
    width=st.sampled_from([320, 700, 1080]),
)
def test_every_cells_number_fits_inside_its_borders_and_reads_back(values, width):
    from convanim.numfmt import ROUNDED, value_of
    from convanim.render.fonts import text_width

    trace = convanim.trace(convanim.conv(values, [1.0]))
    layout = compute_layout(trace, width, panel=False)
    for column, x in enumerate(values):
        text, size = layout.cell_label(x, row=("input", 0))
        assert text and size >= width / 60
        assert text_width(text, size=size, bold=True) <= layout.cell - 2 * layout.heavy_edge
        plain = text.removeprefix(ROUNDED).replace("\u2212", "-")
        exact = value_of(plain) == x or abs(value_of(plain) - x) <= 1e-9 * abs(x)
        assert exact or text.startswith(ROUNDED), f"{x} shown as {text} without a mark"
        if text.startswith(ROUNDED):
            assert abs(value_of(plain) - x) <= 0.05 * abs(x) + 0.01


def test_rounding_noise_is_shown_as_zero_but_kept_in_the_trace():
    from convanim.report import step_expression

    trace = convanim.trace(convanim.conv([0.1, 0.2, 0.3], [0.1, 0.2], bias=[-0.05]))
    first = trace.steps[0]
    assert first.result != 0 and abs(first.result) < 1e-15  # float64, as PyTorch's float64 gives
    assert first.shown == 0.0 and step_expression(first).endswith("= 0")
    assert trace.steps[1].shown == trace.steps[1].result  # not noise: left as it is
    small = convanim.trace(convanim.conv([1e-6, 1.0], [1.0]))  # a genuinely small result stays
    assert small.steps[0].shown == 1e-6
    exact = convanim.trace(convanim.conv([1e6, 1e6], [1e6, -1e6], bias=[0.5]))  # cancels exactly, then 0.5
    assert exact.steps[0].shown == 0.5


API_MISUSE = {
    "trace of a list": lambda c, tmp: convanim.trace([1, 2, 3]),
    "render of a list": lambda c, tmp: render([1, 2, 3], tmp / "x.gif"),
    "frames of text": lambda c, tmp: list(convanim.frames("abc")),
    "an empty path": lambda c, tmp: render(c, ""),
    "a number as path": lambda c, tmp: render(c, 5),
    "no theme": lambda c, tmp: render(c, tmp / "x.gif", theme=None),
    "a dict as options": lambda c, tmp: render(c, tmp / "x.gif", {"width": 800}),
    "unknown option": lambda c, tmp: render(c, tmp / "x.gif", colour=1),
    "two-line title": lambda c, tmp: render(c, tmp / "x.gif", title="a\nb"),
    "text as hold": lambda c, tmp: render(c, tmp / "x.gif", hold="1"),
    "text as glide": lambda c, tmp: render(c, tmp / "x.gif", glide="no"),
}


@pytest.mark.parametrize("misuse", list(API_MISUSE.values()), ids=list(API_MISUSE))
def test_api_misuse_is_a_convanim_error_and_writes_nothing(tmp_path, misuse):
    with pytest.raises(convanim.ConvanimError):
        misuse(convanim.conv(size=4, kernel_size=2), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_shortest_hold_still_shows_every_step(tmp_path):
    conv = convanim.conv([1, 2, 3, 4, 5, 6, 7, 8], [1, 1])
    path = render(conv, tmp_path / "fast.gif", hold=0.05, glide=True, fps=50)
    with Image.open(path) as gif:
        steps = [i for i in range(gif.n_frames) if not gif.seek(i) and gif.info["duration"] >= 30]
    assert len(steps) >= 7 + 1  # every step (and the finished picture) held at least 30 ms


def test_a_row_too_long_is_refused_naming_the_width_asked_for():
    from convanim.errors import SpecError

    values = [round(0.37 * i - 9.13, 2) for i in range(60)]
    trace = convanim.trace(convanim.conv(input=values, weight=[0.25, -1, 0.5, 2], padding="causal"))
    with pytest.raises(SpecError, match=r"px wide \(at 700 px\)"):
        compute_layout(trace, 700, panel=False)
