"""What the layout refuses before any work is done."""

from __future__ import annotations

import pytest

import convanim
from convanim.errors import SpecError
from convanim.render.layout import check_drawable
from convanim.render.layout1d import MAX_COLUMNS, MAX_ROWS, MAX_STEPS


@pytest.mark.parametrize(
    "arguments, option",
    [
        (dict(size=MAX_COLUMNS + 1, kernel_size=1), "size"),
        (dict(size=6, in_channels=MAX_ROWS // 2, out_channels=1), "in_channels"),
        (dict(size=6, in_channels=1, out_channels=MAX_ROWS), "out_channels"),
        (dict(size=MAX_STEPS // 4 + 1, kernel_size=1, in_channels=1, out_channels=4), "size"),
        (dict(size=(4, 4, 4), kernel_size=(2, 2, 2)), "input"),
    ],
    ids=["long row", "many input channels", "many output channels", "many steps", "3-D"],
)
def test_undrawable_convolutions_are_refused_by_name(arguments, option):
    with pytest.raises(SpecError) as raised:
        check_drawable(convanim.conv_spec(**arguments))
    assert raised.value.option == option


def test_figures_at_the_limits_are_accepted():
    check_drawable(convanim.conv_spec(size=MAX_COLUMNS, kernel_size=1))  # 300 columns, 300 steps
    check_drawable(convanim.conv_spec(size=6, in_channels=MAX_ROWS // 3, out_channels=MAX_ROWS // 3))  # 48 rows
