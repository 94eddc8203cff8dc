"""Numbers written for people."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convanim.numfmt import TIMES_TEN, chars, format_number, row_format


def parts(text: str) -> tuple[str, int]:
    """A figure's number as (mantissa with an ASCII minus, power of ten):
    "≈−1.2×10⁻⁴" is ("-1.2", -4), "−3.5" is ("-3.5", 0)."""
    mantissa, _, power = text.removeprefix("≈").replace("\u2212", "-").partition(TIMES_TEN)
    plain = power.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
    return mantissa, int(plain or 0)


def exact(text: str) -> Decimal:
    mantissa, exponent = parts(text)
    return Decimal(mantissa).scaleb(exponent)


def relative_error(text: str, x: float) -> Decimal:
    exact_ = exact(text)
    value = Decimal(repr(x))  # the float as written, not its binary expansion
    return abs(exact_ - value) / abs(value) if x else abs(exact_)


@pytest.mark.parametrize(
    ("x", "expected"),
    [(6.0, "6"), (-0.0, "0"), (0.5, "0.5"), (0.1 + 0.2, "0.3"), (-12.0, "-12"), (1 / 3, "≈0.333333"), (2.5e-7, "2.5e-7"), (1e20, "1e20")],
    ids=["integer", "negative zero", "half", "float noise", "negative", "third", "tiny", "huge"],
)
def test_unlimited(x, expected):
    assert format_number(x) == expected


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_six_digits_are_kept(x):
    assert relative_error(format_number(x), x) <= Decimal("5e-6")


@pytest.mark.parametrize(
    ("x", "expected"), [(999999.0, "999999"), (1e6, "1000000"), (1024.0, "1024"), (-2398150.5, "≈-2.39815e6"), (1234567.8, "≈1.23457e6")],
    ids=["under a million", "a million", "kibi", "negative millions", "non-integer millions"],
)
def test_large_values_have_no_suffix(x, expected):
    """Integers stay whole; large fractions go scientific, as cells write them (≈: rounded)."""
    assert format_number(x) == expected


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ([0.00012, 1e6, -3.5], ["1.2×10⁻⁴", "1000000", "−3.5"]),
        ([7, 0.0001], ["7.0", "1.0×10⁻⁴"]),
        ([1000, 1001, 1024], ["1000", "1001", "1024"]),
        ([1e6, -2], ["1000000", "−2"]),
        ([0.789, 0.1234, -0.568], ["0.7890", "0.1234", "−0.5680"]),
        ([1 / 3, 2.5], ["≈0.33", "2.50"]),
        ([0.1 + 0.2, 1.5], ["0.3", "1.5"]),
        ([1234.56789, 0.5], ["≈1234.57", "0.50"]),
        ([0.25, 1234567.5], ["0.25", "≈1234568"]),
        ([-7, 1234, 0.0001], ["−7.0", "1234", "1.0×10⁻⁴"]),
        ([2.5e-221, 12, -0.5], ["2.5×10⁻²²¹", "12", "−0.50"]),
        ([0.9425, 0.0005, -0.7055], ["0.9425", "0.0005", "−0.7055"]),
        ([0.25, 0.0025, -0.0075], ["0.2500", "0.0025", "−0.0075"]),
        ([0.9425, 0.0005, 3], ["0.9425", "0.0005", "3.0000"]),
        ([0.5, 0.0005], ["0.50", "5.0×10⁻⁴"]),
    ],
    ids=["mixed", "one tiny value", "kibi", "a million", "decimals", "third", "float noise", "long", "range", "plain beside a power", "powers",
         "four exact decimals under 0.001", "exact quarters of a hundredth", "a whole one beside them", "exact either way"],
)
def test_a_row_has_one_form(row, expected):
    fmt = row_format(row)
    assert [fmt.text(v) for v in row] == expected


@pytest.mark.parametrize(
    ("row", "x", "expected"),
    [([1 / 3, 2.5], 1 / 3, "≈0.333333"), ([1 / 3, 2.5], 2.5, "2.50"), ([0.25, 1234567.5], 1234567.5, "≈1234568"), ([0.25, 1.5e-9], 1.234567e-9, "≈1.23457×10⁻⁹"), ([2 / 3e9, 1], 2 / 3e9, "≈6.66667×10⁻¹⁰"), ([-6.264871, 0.0001], -6.264871, "≈−6.26487")],
)
def test_product_lines_keep_the_rows_form_with_more_digits(row, x, expected):
    assert row_format(row).full(x) == expected


# A 2-D figure's output channel (``--padding same`` over 12345.678, 250000, 1e6,
# with a bias of 0.001): values from 1.745 to 3.7 million and a tiny bias.
WIDE = [12.3125, -31.499, 2031294.25, 8.61897, -1.745, 1.88, 229.751, -3749990.3, 0.001]


def test_a_wide_row_writes_plainly_what_fits_and_keeps_three_digits():
    """Once ≈1.2×10¹, ≈−3.1×10¹ and ≈2.0×10⁶: a power of ten for tens, two
    digits left of 12.3125. Plain where the cell holds it; a power of ten
    only for a number too wide (or under 0.001)."""
    fmt = row_format(WIDE, max_chars=8)
    assert [fmt.text(v) for v in WIDE] == ["≈12.3", "≈−31.5", "≈2031294", "≈8.62", "≈−1.75", "1.88", "≈230", "≈−3.75×10⁶", "0.00100"]
    # Six characters hold no third digit of −3.75×10⁶: two digits, as before, still plain where they fit.
    narrow = row_format(WIDE, max_chars=6)
    assert [narrow.text(v) for v in WIDE[:4]] == ["≈12", "≈−31", "≈2.0×10⁶", "≈8.6"]


def test_one_tiny_value_keeps_the_rest_of_its_row_plain():
    """An input channel 12345.678, −0.002, 250000, 1e6, …: once ≈1.2×10⁴ and
    2.5×10⁵ beside 3.0; now every whole digit is kept."""
    row = [12345.678, -0.002, 3, 1, 1e-3, 250000, -7, 2.5, 1e6, 1e-5]
    fmt = row_format(row, max_chars=8)
    assert [fmt.text(v) for v in row] == ["≈12346", "−0.0020", "3.0", "1.0", "0.0010", "250000", "−7.0", "2.5", "1000000", "1.0×10⁻⁵"]
    assert fmt.full(12345.678) == "≈12345.7"  # the product line: the cell's form, six digits


def test_decimals_apply_to_product_lines_too():
    fmt = row_format([1 / 3, 2.5], decimals=1)
    assert (fmt.text(1 / 3), fmt.full(1 / 3), fmt.full(2.5)) == ("≈0.3", "≈0.3", "2.5")


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e30, max_value=1e30)


@settings(max_examples=300, deadline=None)
@given(st.lists(finite, min_size=1, max_size=12), st.sampled_from([None, 0, 2, 5]))
def test_every_value_is_within_its_shown_precision_and_marked_when_rounded(row, decimals):
    """Each text reads back within half a unit of its last digit, and carries
    ≈ exactly when it is not the value; one form (fixed/scientific) per row."""
    fmt = row_format(row, decimals)
    for x in row:
        for text in (fmt.text(x), fmt.full(x)):
            shown = exact(text)
            assert text.startswith("≈") == (abs(float(shown) - x) > 4 * 2.0**-52 * abs(x)), (row, x, text)
            mantissa, exponent = parts(text)
            last = -len(mantissa.partition(".")[2]) + exponent
            assert abs(shown - Decimal(repr(x))) <= Decimal(10) ** last / 2 * (1 + Decimal("1e-9")), (row, x, text)
            assert "e" not in text and (fmt.kind == "scientific" or TIMES_TEN not in text)
    texts = [fmt.text(x) for x in row]
    if fmt.kind == "fixed":
        assert len({len(t.removeprefix("≈").lstrip("\u2212").partition(".")[2]) for t in texts}) == 1
    else:  # one number of significant digits: a mantissa in 1 to 10 with them, or a plain number with all its whole digits
        for t in texts:
            mantissa, _ = parts(t)
            digits = len(mantissa.lstrip("-").replace(".", "").lstrip("0"))
            if TIMES_TEN in t:
                # a power of ten too wide for the row's room with its digits may have fewer, two at least
                assert 1 <= abs(float(mantissa)) < 10 and (digits == fmt.digits or 2 <= digits < fmt.digits and chars(t) + 1 > fmt.room), texts
            elif t != "0":
                assert abs(float(mantissa)) >= 0.001 and (digits == fmt.digits or "." not in mantissa and digits >= fmt.digits), texts


@settings(max_examples=300, deadline=None)
@given(st.lists(finite.filter(lambda v: v == 0 or 1e-12 < abs(v)), min_size=1, max_size=12))
def test_a_row_fits_eight_characters_and_keeps_two_digits(row):
    fmt = row_format(row)
    for x in row:
        text = fmt.text(x)
        assert chars(text) <= 8 or fmt.kind == "scientific", (row, text)
        if x and text.startswith("≈"):
            assert relative_error(text, x) <= Decimal("0.05"), (row, text)


@pytest.mark.parametrize(
    "x, digits, expected",
    [(2.25, 1, "≈2.3"), (-2.25, 1, "≈−2.3"), (0.125, 2, "≈0.13"), (2.675, 2, "≈2.68"), (1.5, 0, "≈2"), (0.0, 3, "0.000"), (-0.0004, 3, "≈0.000")],
)
def test_decimals_round_half_away_from_zero_and_zero_keeps_the_rows_decimals(x, digits, expected):
    from convanim.numfmt import RowFormat

    assert RowFormat("fixed", digits).text(x) == expected


def test_a_fixed_row_writes_zero_with_its_decimals():
    from convanim.numfmt import row_format

    fmt = row_format([0, 0.45679, 1.23457], decimals=3)
    assert [fmt.text(v) for v in (0, 0.45679)] == ["0.000", "≈0.457"]
def test_a_row_of_a_tiny_and_an_ordinary_value_keeps_both_at_320_px():
    """Found by hypothesis: 1.5 beside 4.9e−221 once read "2e0" in its cell."""
    import convanim
    from convanim.render import RenderOptions
    from convanim.render.record import record

    c = convanim.conv(input=[0.0, 1.5, 4.9e-221], weight=[1.0])
    texts = [d.text for d in record(c, RenderOptions(width=320))[-1].calls if d.kind == "text"]
    assert texts.count("1.5") == 2 and texts.count("4.9×10⁻²²¹") == 2  # the input row and the output row
    assert not any(t in ("2", "≈2") for t in texts)


@pytest.mark.parametrize(("x", "expected"), [(0.1234567, "≈0.123457"), (999999.5, "≈1000000"), (-2398150.5, "≈-2.39815e6"), (0.5, "0.5")])
def test_a_table_number_is_marked_where_rounded(x, expected):
    assert format_number(x) == expected


def test_fixed_point_never_switches_to_exponents():
    from convanim.numfmt import RowFormat

    assert RowFormat("fixed", 9, forced=True).text(1e-8) == "0.000000010"
    assert RowFormat("fixed", 2).full(1e-8) == "0.00000001"
    assert RowFormat("fixed", 2).text(-1e-8) == "≈0.00"


@pytest.mark.parametrize(("row", "x"), [([1000000000001, 0.5], 1000000000001), ([1.0000000000009, 2.5], 1.0000000000009)])
def test_a_real_last_digit_is_not_float_noise(row, x):
    """Only a few rounding steps are noise: a row that drops real digits says ≈."""
    fmt = row_format(row)
    assert fmt.text(x).startswith("≈") and fmt.full(x).startswith("≈"), fmt.text(x)
    assert row_format([0.1 + 0.2, 1.5]).text(0.1 + 0.2) == "0.3"


@pytest.mark.parametrize("x", [0.5, -0.5, 0.25, -2.5])
def test_a_row_too_narrow_for_any_form_keeps_the_narrower_fixed_point(x):
    """−0.5 in three characters: −5.0e−1 is wider still."""
    for chars in range(2, 6):
        fmt = row_format([x], max_chars=chars)
        assert fmt.kind == "fixed", (x, chars, fmt.text(x))


@pytest.mark.parametrize("room", [8, 5])
def test_a_product_line_writes_a_rounded_number_in_its_cell_s_form(room):
    """A cell's ≈0.00100 (or ≈0.0010 in a narrow cell) was 9.996×10⁻⁴ (or
    ≈1.0×10⁻³, two digits) in the product line: plain there too, exact."""
    fmt = row_format([0.0009996, 0.5], max_chars=room)
    assert fmt.text(0.0009996).startswith("≈0.00") and TIMES_TEN not in fmt.text(0.0009996)
    assert fmt._full(0.0009996) == "0.0009996"
    big = row_format([12345.678, 0.5, -3.75e6], max_chars=8)
    for value in (12345.678, -3.75e6):
        cell, line = big.text(value), big._full(value)
        assert (TIMES_TEN in cell) == (TIMES_TEN in line), (cell, line)
