"""The 2-D templates: conv_arithmetic's direct convolutions under its names,
an RGB image under two filters, a 1×1 convolution and a separable block.
Their data must make the shapes their names promise, and sums a reader can
follow."""

from __future__ import annotations

import numpy as np
import pytest

import convanim
from convanim.report import sum_lines
from convanim.templates import load_template

# name -> (input (C, H, W), kernel, stride, padding per side, dilation,
#          out_channels, groups, bias, output (H, W)): the shapes each name promises.
TWO_D = {
    "no_padding_no_strides": ((1, 4, 4), 3, 1, 0, 1, 1, 1, False, (2, 2)),
    "arbitrary_padding_no_strides": ((1, 5, 5), 4, 1, 2, 1, 1, 1, False, (6, 6)),
    "same_padding_no_strides": ((1, 5, 5), 3, 1, 1, 1, 1, 1, False, (5, 5)),
    "full_padding_no_strides": ((1, 5, 5), 3, 1, 2, 1, 1, 1, False, (7, 7)),
    "no_padding_strides": ((1, 5, 5), 3, 2, 0, 1, 1, 1, False, (2, 2)),
    "padding_strides": ((1, 5, 5), 3, 2, 1, 1, 1, 1, False, (3, 3)),
    "padding_strides_odd": ((1, 6, 6), 3, 2, 1, 1, 1, 1, False, (3, 3)),
    "dilation": ((1, 7, 7), 3, 1, 0, 2, 1, 1, False, (3, 3)),
    "rgb_two_filters": ((3, 5, 5), 3, 2, 1, 1, 2, 1, True, (3, 3)),
    "conv1x1_rgb": ((3, 3, 3), 1, 1, 0, 1, 2, 1, False, (3, 3)),
    "depthwise_3x3": ((3, 4, 4), 3, 1, 1, 1, 3, 3, False, (4, 4)),
    "pointwise_1x1": ((3, 4, 4), 1, 1, 0, 1, 2, 1, False, (4, 4)),
}
NAMES = list(TWO_D)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_2d_template_has_the_shape_its_name_promises(name):
    shape, kernel, stride, pad, dilation, out_channels, groups, bias, out = TWO_D[name]
    spec = load_template(name).conv().spec
    assert spec.ndim == 2
    assert spec.input_shape == shape
    assert spec.kernel_size == (kernel, kernel)
    assert spec.stride == (stride, stride)
    assert spec.padding == ((pad, pad), (pad, pad))
    assert spec.dilation == (dilation, dilation)
    assert (spec.out_channels, spec.groups, spec.bias) == (out_channels, groups, bias)
    assert spec.output_shape == (out_channels, *out)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_2d_template_data_is_small_integers(name):
    """Sums a reader can do in their head: one-digit data, two-digit results."""
    c = load_template(name).conv()
    for array in (c.input, c.weight) + (() if c.bias is None else (c.bias,)):
        assert np.array_equal(array, np.round(array))
    assert np.abs(c.weight).max() <= 2
    if name != "pointwise_1x1":  # its input is another figure's output
        assert np.abs(c.input).max() <= 4
    assert np.abs(convanim.trace(c).output).max() < 100


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_2d_template_sums_read_one_line_per_channel(name):
    c = load_template(name).conv()
    step = convanim.trace(c).steps[0]
    lines = sum_lines(step)
    channels = c.spec.in_channels // c.spec.groups
    taps_per_channel = len(step.taps) // channels
    assert len(lines) == (channels if taps_per_channel > 1 else 1)
    assert lines[-1].endswith(f"= {step.result:g}".replace("-", "\u2212"))


def test_pointwise_1x1_reads_what_depthwise_3x3_writes():
    depthwise = convanim.trace(load_template("depthwise_3x3").conv())
    pointwise = load_template("pointwise_1x1").conv()
    assert np.array_equal(pointwise.input, depthwise.output)


def test_conv1x1_rgb_is_a_sum_and_a_difference_of_channels():
    c = load_template("conv1x1_rgb").conv()
    out = convanim.trace(c).output
    r, g, b = c.input
    assert np.array_equal(out[0], r + g + b)
    assert np.array_equal(out[1], b - r)


def test_rgb_two_filters_has_a_bias_per_filter_in_every_sum():
    t = convanim.trace(load_template("rgb_two_filters").conv())
    for step in t.steps:
        assert step.bias == [1, 0][step.out_channel]
        assert sum_lines(step)[-1].count("(bias)") == 1
