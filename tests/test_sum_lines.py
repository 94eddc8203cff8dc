"""The sum of a 2-D step as a reader follows it: d2l's form, a line per
input channel, and partial sums where the products are too many."""

from __future__ import annotations

import convanim
from convanim.report import channel_terms, sum_lines
from convanim.traces import shown_partial_sums

# d2l's multi-input-channel example (section 7.4), with a bias of 1 added.
D2L_INPUT = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
D2L_WEIGHT = [[[[0, 1], [2, 3]], [[1, 2], [3, 4]]]]


def d2l_trace(bias=None):
    return convanim.trace(convanim.conv(D2L_INPUT, D2L_WEIGHT, bias))


def test_a_line_per_input_channel_in_d2ls_form():
    step = d2l_trace([1]).steps[0]
    assert sum_lines(step) == ["(0×0 + 1×1 + 3×2 + 4×3)", "+ (1×1 + 2×2 + 4×3 + 5×4) + 1 (bias) = 57"]
    assert d2l_trace().steps[0].result == 56


def test_one_channel_needs_no_parentheses():
    step = convanim.trace(convanim.conv([[[1, 2], [3, 4]]], [[[[2, -1], [0, 0.5]]]])).steps[0]
    assert sum_lines(step) == ["1×2 + 2×(−1) + 3×0 + 4×0.5 = 2"]


def test_a_1x1_kernel_is_one_dot_product_through_the_channels():
    step = convanim.trace(convanim.conv([[[1]], [[10]], [[100]]], [[[[3]], [[2]], [[1]]]])).steps[0]
    assert sum_lines(step) == ["1×3 + 10×2 + 100×1 = 123"]


def test_many_products_per_channel_become_partial_sums_then_their_total():
    # 5×5 kernels over three channels: 75 products would not be read.
    c = convanim.conv(in_channels=3, out_channels=1, size=(5, 5), kernel_size=5, bias=[-1])
    step = convanim.trace(c).steps[0]
    partials = [partial for _, _, partial in channel_terms(step)]
    assert partials == [650, 1300, 1950]  # channel c holds (c+1)×(1..25), every weight 2
    assert sum_lines(step) == [
        "ch 0: 25 products = 650",
        "ch 1: 25 products = 1300",
        "ch 2: 25 products = 1950",
        "650 + 1300 + 1950 + (−1) (bias) = 3899",
    ]
    # Without a limit (the terminal's table), every product is written.
    assert sum_lines(step, None)[0].count("×") == 25


def test_terminal_table_writes_a_2d_step_on_one_line_grouped_by_channel(run_cli):
    code, out, _ = run_cli(
        "trace", "--input", str(D2L_INPUT), "--weight", str(D2L_WEIGHT), "--bias", "1"
    )
    assert code == 0
    assert "(0×0 + 1×1 + 3×2 + 4×3) + (1×1 + 2×2 + 4×3 + 5×4) + 1 (bias) = 57" in out


def test_a_channel_whose_products_cancel_shows_0_as_its_partial_sum():
    """0.1×0.1 + 0.2×0.2 − 1×0.05 is 6.9e−18 in float64: noise, as ``shown`` says."""
    weight = [[[[0.1, 0.2, -0.05, 0, 0], [0] * 5], [[1] * 5, [1] * 5]]]
    step = convanim.trace(convanim.conv([[[0.1, 0.2, 1, 0, 0], [0] * 5], [[1] * 5, [1] * 5]], weight)).steps[0]
    assert step.partial_sums[0] != 0  # the trace keeps the raw sum, bit for bit
    assert shown_partial_sums(step) == (0.0, 10.0)
    lines = sum_lines(step, max_terms=4)
    assert lines[0] == "ch 0: 10 products = 0" and lines[-1] == "0 + 10 = 10", lines


def test_a_table_line_reads_approximately_where_its_sum_is_rounded():
    from convanim.report import step_sum

    step = convanim.trace(convanim.conv([0.1234567, 1], [1])).steps[0]
    assert step_sum(step) == "≈0.123457×1 ≈ 0.123457"


def _nine_products_line(bias=None):
    """Channel 2's line of a 3×3 window over three channels, as a figure writes it."""
    c = convanim.conv(in_channels=3, out_channels=1, size=(5, 5), kernel_size=3, bias=bias)
    return sum_lines(convanim.trace(c).steps[0])[-1]


def _room_for(line: str, terms: int, px: float = 14) -> float:
    """The room that holds the line's first ``terms`` terms and no more."""
    from convanim.render.fonts import text_width

    words = line.split(" + ")
    return (text_width(" + ".join(words[:terms]), size=px) + text_width(" + ".join(words[: terms + 1]), size=px)) / 2


def test_a_3x3_windows_products_break_at_its_row_ends_where_they_fit():
    """Once 5 + 4 in two lines (the even break), which cuts a window row in two."""
    from convanim.render.sums2d import broken

    line = _nine_products_line([0.5])
    assert line.startswith("+ (") and line.count("×") == 9
    lines = broken(line, _room_for(line, 7), 14, row=3)  # room for seven products: two lines, 6 + 3
    assert [part.count("×") for part in lines] == [6, 3], lines
    assert lines[1].startswith("  + ") and "(bias)" in lines[1]
    line = _nine_products_line()
    assert [part.count("×") for part in broken(line, _room_for(line, 6), 14, row=3)] == [6, 3]
    assert [part.count("×") for part in broken(line, _room_for(line, 4), 14, row=3)] == [3, 3, 3]
    assert [part.count("×") for part in broken(line, _room_for(line, 6), 14)] == [5, 4]  # rows not known: even


def test_products_not_known_as_rows_break_evenly():
    """Six products (a 2×3 or a 3×2 window: the line does not say) break
    evenly unless the caller says how long a row is."""
    from convanim.render.sums2d import broken

    c = convanim.conv(in_channels=2, out_channels=1, size=(5, 5), kernel_size=(3, 2))
    line = sum_lines(convanim.trace(c).steps[0])[-1]
    room = _room_for(line, 4)
    assert [part.count("×") for part in broken(line, room, 14)] == [3, 3]
    assert [part.count("×") for part in broken(line, room, 14, row=2)] == [4, 2]


def test_a_row_that_does_not_fit_falls_back_to_the_even_break():
    """Where whole rows would take more lines than the even break, the even break."""
    from convanim.render.sums2d import broken

    line = _nine_products_line()
    room = _room_for(line, 5)  # 5 + 4 fits in two lines; rows of three would take three
    assert [part.count("×") for part in broken(line, room, 14, row=3)] == [5, 4]


def test_whole_rows_are_shared_evenly():
    """A 4×4 window's sixteen products in two lines are 8 + 8, two rows
    each, not 12 + 4 (three rows where they fit, then one)."""
    from convanim.render.sums2d import broken

    c = convanim.conv(size=(6, 6), kernel_size=4)
    line = sum_lines(convanim.trace(c).steps[0])[0]
    assert line.count("×") == 16
    assert [part.count("×") for part in broken(line, _room_for(line, 13), 14, row=4)] == [8, 8]


def test_a_figure_breaks_its_sums_at_its_kernel_s_own_row_ends(monkeypatch):
    """A 2×8 kernel's sixteen products are two rows of eight: the layout says
    so wherever it breaks or counts sum lines (unsaid, sixteen products were
    read as a 4×4 window's rows, 8 + 4 + 4)."""
    from convanim.render import sums2d
    from convanim.render.layout import compute_layout

    rows = []
    broken = sums2d.broken
    monkeypatch.setattr(sums2d, "broken", lambda line, room, px, row=None: rows.append(row) or broken(line, room, px, row))
    data = [[[round(0.25 + 1.37 * (r * 10 + c), 2) for c in range(10)] for r in range(4)]]
    trace = convanim.trace(convanim.conv(input=data, kernel_size=(2, 8)))
    layout = compute_layout(trace, 500)
    for step in trace.steps:
        assert sum(line.count("×") for line in layout.lines(step)) == 16
    assert rows and set(rows) == {8}
