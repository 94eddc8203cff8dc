"""Numbers as users type them."""

from __future__ import annotations

import numpy as np
import pytest

from convanim import SpecError
from convanim.values import parse_values, to_array


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,2,3", [1, 2, 3]), (" 1 , 2.5 ,-3 ", [1, 2.5, -3]), ("[[1,2],[3,4]]", [[1, 2], [3, 4]]), ("7", [7]), ("1e3", [1000])],
    ids=["commas", "spaces and signs", "JSON", "one number", "exponent"],
)
def test_parse_values(text, expected):
    assert parse_values(text, "input") == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "empty"), ("  ", "empty"), ("1,,2", "''"), ("1;2", "'1;2'"), ("[1,2", "JSON")],
    ids=["empty", "blank", "empty item", "wrong separator", "broken JSON"],
)
def test_parse_values_refuses(text, fragment):
    with pytest.raises(SpecError, match="^weight: ") as raised:
        parse_values(text, "weight")
    assert fragment in raised.value.rule


@pytest.mark.parametrize(
    "values",
    [[1, 2], [[1.5], [2]], ((1, 2), (3, 4)), np.arange(4).reshape(2, 2), np.float32([0.5, 2]), [np.int64(3)]],
    ids=["flat", "nested", "tuples", "numpy ints", "numpy float32", "numpy scalar"],
)
def test_to_array_keeps_shape_and_values(values):
    array = to_array(values, "input")
    assert array.dtype == np.float64
    np.testing.assert_array_equal(array, np.asarray(values, dtype=np.float64))
    assert not array.flags.writeable


def test_to_array_does_not_freeze_the_callers_array():
    mine = np.arange(3.0)
    to_array(mine, "input")
    mine[0] = 9  # still mine to change


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ([], "empty"),
        ([[1], []], "empty"),
        ([[1, 2], [3]], "ragged"),
        ([[1, 2], 3], "ragged"),
        ([1, "2"], "'2' is not a number"),
        ([True, 1], "not a number"),
        ([1, None], "not a number"),
        ([float("nan")], "finite"),
        ([float("-inf")], "finite"),
        (np.array([], dtype=float), "empty"),
        (np.array([True]), "real numbers"),
        (np.array([1 + 2j]), "real numbers"),
        (np.array([np.nan]), "finite"),
    ],
    ids=["empty", "empty inner", "ragged lengths", "ragged depth", "string", "boolean", "None", "NaN", "-inf", "empty array", "bool array", "complex array", "NaN array"],
)
def test_to_array_refuses(values, fragment):
    with pytest.raises(SpecError, match="^bias: ") as raised:
        to_array(values, "bias")
    assert fragment in raised.value.rule
