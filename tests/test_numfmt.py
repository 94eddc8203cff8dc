"""Numbers written for people."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convanim.numfmt import format_number

SUFFIX = {"k": 3, "M": 6, "G": 9, "T": 12}


def read_back(text: str) -> Decimal:
    """Exactly what the text says (a float could overflow: 2e308)."""
    if text[-1] in SUFFIX:
        return Decimal(text[:-1]).scaleb(SUFFIX[text[-1]])
    return Decimal(text)


def relative_error(text: str, x: float) -> Decimal:
    return abs(read_back(text) - Decimal(x)) / abs(Decimal(x)) if x else abs(read_back(text))


@pytest.mark.parametrize(
    ("x", "expected"),
    [(6.0, "6"), (-0.0, "0"), (0.5, "0.5"), (0.1 + 0.2, "0.3"), (-12.0, "-12"), (1 / 3, "0.333333"), (2.5e-7, "2.5e-7"), (1e20, "1e20")],
    ids=["integer", "negative zero", "half", "float noise", "negative", "third", "tiny", "huge"],
)
def test_unlimited(x, expected):
    assert format_number(x) == expected


@pytest.mark.parametrize(
    ("x", "limit", "expected"),
    [(123456.0, 4, "123k"), (-1234567.0, 4, "-1M"), (1234.5, 4, "1234"), (0.000123, 5, "1e-4")],
    ids=["thousands", "negative millions", "drop decimals first", "tiny"],
)
def test_limited(x, limit, expected):
    assert format_number(x, limit) == expected


@settings(max_examples=100, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(7, 12))
def test_fits_and_stays_close(x, limit):
    """Any finite float fits 7 characters or more, and reads back near itself."""
    text = format_number(x, limit)
    assert len(text) <= limit
    # One significant digit, rounded, is the least a limit may leave.
    assert relative_error(text, x) <= Decimal("0.5")


@settings(max_examples=100, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_without_a_limit_six_digits_are_kept(x):
    assert relative_error(format_number(x), x) <= Decimal("5e-6")


@pytest.mark.parametrize(
    ("x", "expected"), [(999999.0, "999999"), (1e6, "1M"), (-2398150.5, "-2.39815M"), (1234567890123.0, "1.23457T")],
    ids=["under a million", "a million", "negative millions", "13 digits"],
)
def test_without_a_limit_large_values_are_written_as_cells_write_them(x, expected):
    """1000000×(−2.25) reads 1M×(−2.25) = −2.25M: one way of writing large values."""
    assert format_number(x) == expected


def test_large_values_take_a_suffix_before_scientific_notation():
    assert format_number(-150005.4, 6) == "-150k"
    assert format_number(1234567.8) == "1.23457M"  # six significant digits without a limit


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
    assert texts.count("1.5e0") == 2 and texts.count("4.9e\u2212221") == 2  # the input row and the output row
    assert not any("2e0" in t for t in texts)
