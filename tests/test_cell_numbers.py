"""The numbers a reader sees in a 1-D figure, read back from the drawing:
each within the precision it is written with, marked ≈ exactly when it is
rounded, one form per row, and the product line writing each value as its
cell does."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convanim
from convanim.numfmt import CELL_DIGITS, MINUS, ROUNDED, TIMES_TEN
from convanim.render import RenderOptions
from convanim.render.layout import compute_layout
from convanim.render.record import record

# Odd values on purpose: tiny, huge, negative, many decimals, integers.
odd = st.one_of(
    st.integers(-2000, 2000).map(float),
    st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 3)),
    st.floats(-1e7, 1e7, allow_nan=False),
    st.floats(1e-7, 1e-3).flatmap(lambda v: st.sampled_from([v, -v])),
    st.sampled_from([0.0, 1 / 3, 2.5e-7, 1e6, -2.25, 1024.0]),
)


def _parts(text: str) -> tuple[str, int]:
    """(mantissa with an ASCII minus, power of ten) of a figure's number."""
    mantissa, _, power = text.removeprefix(ROUNDED).replace(MINUS, "-").partition(TIMES_TEN)
    return mantissa, int(power.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")) or 0)


def _number(text: str) -> Decimal:
    mantissa, exponent = _parts(text)
    return Decimal(mantissa).scaleb(exponent)


def _within_its_precision(text: str, x: float) -> bool:
    """Within half a unit of the text's last digit, ≈ exactly when not the value."""
    plain = text.removeprefix(ROUNDED)
    shown, value = _number(text), Decimal(repr(float(x)))
    mantissa, exponent = _parts(plain)
    last = -len(mantissa.partition(".")[2]) + exponent
    rounded = abs(float(shown) - x) > 4 * 2.0**-52 * abs(x)
    return text.startswith(ROUNDED) == rounded and abs(shown - value) <= Decimal(10) ** last / 2 * (1 + Decimal("1e-9"))


def _forms(text: str) -> set[tuple[str, int]]:
    """The forms a number may be written in: ("scientific", significant
    digits), ("fixed", decimals). A row of significant digits writes a
    number plainly where it can (−3.5, ≈12.3, 0.0020; a whole number with
    all its digits, so ≈12346 has 5 or fewer), so a plain number may be
    either; one with a power of ten is scientific."""
    mantissa, exponent = _parts(text)
    mantissa = mantissa.lstrip("-")
    digits = len(mantissa.replace(".", "").lstrip("0")) or 1
    if TIMES_TEN in text:  # a power of ten too wide for its cell may have a digit fewer than its row (two at least)
        shown = len(mantissa.replace(".", ""))
        return {("scientific", d) for d in range(shown, max(shown, CELL_DIGITS if shown >= 2 else 1) + 1)}
    fixed = {("fixed", len(mantissa.partition(".")[2]))}
    if "." in mantissa:
        return fixed | {("scientific", digits)}
    return fixed | {("scientific", d) for d in range(1, digits + 1)}


def _drawn(picture, box) -> list[str]:
    return [c.text for c in picture.calls if c.kind == "text" and abs(c.x - box.cx) < 0.5 and abs(c.y - box.cy) < 0.5]


def _figure(conv, **options):
    trace = convanim.trace(conv)
    options = RenderOptions(panel=False, **options)
    return trace, compute_layout(trace, options.width, panel=False, decimals=options.decimals), record(trace, options)


@settings(max_examples=25, deadline=None)
@given(values=st.lists(odd, min_size=3, max_size=9), weights=st.lists(odd, min_size=1, max_size=3), bias=odd)
def test_every_drawn_number_is_within_its_precision_one_form_per_row(values, weights, bias):
    trace, layout, pictures = _figure(convanim.conv(values, weights, bias=[bias]))
    done = pictures[-1]
    rows = {
        "input": [(layout.input_cell(0, (i,)), x) for i, x in enumerate(trace.padded[0].tolist())],
        "output": [(layout.output_cell(0, step.position), step.shown) for step in trace.steps],
    }
    step = trace.steps[0]
    rows["kernel"] = [(layout.kernel_cell(0, tap.position), tap.weight) for tap in step.taps]
    for block, cells in rows.items():
        picture = done if block != "kernel" else pictures[0]
        texts = []
        for box, x in cells:
            drawn = _drawn(picture, box)
            assert drawn, f"{block} cell of {x} is empty"
            assert _within_its_precision(drawn[-1], x), (block, x, drawn[-1])
            texts.append(drawn[-1])
        forms = [_forms(t) for t in texts if t not in ("0",)]
        assert not forms or set.intersection(*forms), (block, texts)  # one form for the row


@settings(max_examples=25, deadline=None)
@given(values=st.lists(odd, min_size=2, max_size=6), weight=odd)
def test_the_product_line_writes_each_value_as_its_cell_does(values, weight):
    trace, layout, pictures = _figure(convanim.conv(values, [weight]))
    for picture in pictures[:-1]:
        drawn = [c.text for c in picture.calls if c.kind == "text"]
        for index in picture.shot.steps:
            step = trace.steps[index]
            line = " ".join(layout.lines(step))
            assert all(part in drawn for part in layout.lines(step))
            factor, result = re.split(r" [=≈] ", line)
            value_text, weight_text = re.fullmatch(r"\(?([^()]+?)\)?×\(?([^()]+?)\)?", factor).groups()
            tap = step.taps[0]
            for text, x, cell in (
                (value_text, tap.value, layout.input_cell(0, tap.position)),
                (weight_text, tap.weight, layout.kernel_cell(0, tap.position)),
            ):
                assert _within_its_precision(text, x), (line, x)
                shown_in_cell = _drawn(picture, cell)[-1]
                kinds = [{kind for kind, _ in _forms(t)} for t in (text, shown_in_cell)]
                assert kinds[0] & kinds[1], (text, shown_in_cell)
                if not shown_in_cell.startswith(ROUNDED):
                    assert text == shown_in_cell  # exact in the cell: the very same text
            result = (ROUNDED if " ≈ " in line else "") + result
            assert _within_its_precision(result, step.shown), (line, step.shown)


def test_a_rounded_sum_reads_approximately_and_large_values_take_no_suffix():
    trace, layout, _ = _figure(convanim.conv([0.00012, 1e6, -3.5], [0.5, -1.5]))
    lines = [" ".join(layout.lines(step)) for step in trace.steps]
    assert lines[0] == "(1.2×10⁻⁴)×0.5 + 1000000×(\u22121.5) \u2248 \u22121.50000×10⁶"  # six digits, as the cell's form
    assert not any(suffix in line for line in lines for suffix in "kMGT")


@pytest.mark.parametrize("decimals", [0, 1, 3])
def test_decimals_apply_to_cells_and_product_lines_alike(decimals):
    trace, layout, pictures = _figure(convanim.conv([1 / 3, 0.25, 2.0, -1.125], [0.5, 1 / 7]), decimals=decimals)
    for step in trace.steps:
        line = " ".join(layout.lines(step))
        numbers = re.findall(r"[\u2212-]?\d+(?:\.\d+)?", line)
        assert numbers and all(len(n.partition(".")[2]) == decimals for n in numbers), line


def test_thousands_keep_their_digits():
    """1000..1024 once all read "1k": a grid of identical, unmarked cells."""
    values = [1000.0, 1001.0, 1023.0, 1024.0]
    trace, layout, pictures = _figure(convanim.conv(values, [1.0]))
    assert [_drawn(pictures[-1], layout.input_cell(0, (i,)))[-1] for i in range(4)] == ["1000", "1001", "1023", "1024"]


def test_a_tiny_bias_counts_in_its_output_row_and_is_never_written_with_an_exponent_letter():
    from convanim.render.cells import row_values

    trace, layout, _ = _figure(convanim.conv(input=[1.5, 2.5, 3.5], weight=[1, 1], bias=[1e-8]))
    assert 1e-8 in row_values(trace)[("output", 0)]
    line = " ".join(layout.lines(trace.steps[0]))
    assert line == f"1.5×1 + 2.5×1 + (1.00×10⁻⁸) (bias) {ROUNDED} 4.00000", line


# A 2-D figure of the report's: huge, tiny and whole numbers, ``padding='same'``.
WIDE_INPUT = [[[12345.678, -0.002, 3, 1], [1e-3, 250000, -7, 2.5], [0, 1, 1e6, -1], [4, 4, 4, 4]],
              [[1e-5, 2e-5, -3e-5, 0], [1, 2, 3, 4], [5, 6, 7, 8], [-9, -8, -7, -6]]]
WIDE_WEIGHT = [[[[0.125, -3.75], [1e-3, 2]], [[1, 1], [1, 1]]], [[[0, 1], [1, 0]], [[-0.5, 0.5], [2, 2]]]]


def _wide_2d():
    return convanim.trace(convanim.conv(WIDE_INPUT, WIDE_WEIGHT, bias=[1e-3, -12345.678], padding="same"))


def _texts_at(picture) -> list[str]:
    return [c.text for c in picture.calls if c.kind == "text"]


def test_a_2d_figure_writes_tens_and_thousands_plainly_at_700_px():
    """Once ≈1.2×10¹ for 12.3125, ≈−3.1×10¹ for −31.499, ≈2.0×10⁶ for
    2031294.25 and ≈1.2×10⁴ for the input 12345.678: read back from the
    drawing of the last step, every number inside its cell."""
    trace = _wide_2d()
    last = record(trace, RenderOptions(width=700))[-1]
    texts = _texts_at(last)
    for expected in ("≈12.3", "≈−31.5", "≈8.62", "1.88", "≈12346", "250000", "1000000", "1.0×10⁻⁵"):
        assert expected in texts, expected
    assert not any(t in texts for t in ("≈1.2×10¹", "≈−3.1×10¹", "≈1.2×10⁴", "2.5×10⁵")), texts
    assert any(t in texts for t in ("≈2031294", "≈2.03×10⁶")), texts


def test_each_kernel_grid_has_a_format_of_its_own():
    """Output channel 1's whole weights 0, 1, 1, 0 once took three decimals
    from output channel 0's 0.125 and 0.001 on the same input channel."""
    from convanim.render.cells import RowNumbers, kernel_row

    numbers = RowNumbers.of(_wide_2d(), None, 7)
    texts = {row: [numbers.formats[row].text(v) for v in numbers.values[row]] for row in numbers.values}
    assert texts[kernel_row(0, 1)] == ["0", "1"]
    assert texts[kernel_row(0, 0)] == ["0.125", "−3.750", "0.001", "2.000"]
    assert texts[kernel_row(1, 0)] == ["1"]
    assert texts[kernel_row(1, 1)] == ["−0.5", "0.5", "2.0"]


def test_whole_weights_are_drawn_whole():
    trace = _wide_2d()
    pictures = record(trace, RenderOptions(width=700))
    second = next(p for p in pictures if 1 in p.shot.steps)  # output channel 1's first step
    assert "1.000" not in _texts_at(second) and "0.000" not in _texts_at(second)


def test_kernel_cells_are_as_wide_as_the_numbers_their_grids_write():
    """Every kernel row is one kernel grid's: no row of all output channels'
    weights (written 100.0 beside 0.5, drawn nowhere) sizes the cells."""
    from convanim.render.cells import RowNumbers
    from convanim.render.fonts import text_width

    trace = convanim.trace(convanim.conv(input=[[1.0, 2.0, 3.0, 4.0]], weight=[[[100, 200, 300]], [[0.5, 0.5, 0.5]]]))
    numbers = RowNumbers.of(trace, None, 7)
    kernels = [row for row in numbers.values if row[0] == "kernel"]
    assert sorted(kernels) == [("kernel", 0, 0), ("kernel", 0, 1)]
    texts = [numbers.formats[row].text(v) for row in kernels for v in numbers.values[row]]
    assert texts == ["100", "200", "300", "0.5"]
    widest = max(text_width(t, "sans", 20, bold=True) for t in texts)
    assert numbers.block_width("kernel", 20) == widest
