"""The spec: what users may give, what convanim infers, and what it refuses."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import convanim
from convanim import ConvanimError, ConvSpec, SizeFormula, SpecError


def spec_of(*args, **kwargs) -> ConvSpec:
    return convanim.conv(*args, **kwargs).spec


def direct_spec(**overrides) -> ConvSpec:
    """A ConvSpec built without conv(): the 1-D article shape unless overridden."""
    fields = dict(input_shape=(1, 6), out_channels=1, kernel_size=(3,), stride=(1,), padding=((0, 0),), dilation=(1,))
    return ConvSpec(**{**fields, **overrides})


# -- the size formula ----------------------------------------------------------


def test_size_formula_of_the_kernel_2_case():
    """Article fig-10: PyTorch's formula with the kernel-2 case substituted."""
    (formula,) = spec_of([1, 2, 3, 4, 5, 6], [2, 2]).size_formulas()
    assert formula.text() == "5 = floor((6 + 2×0 − 1×(2 − 1) − 1) / 1 + 1)"
    assert formula.size_out == 5


def test_uneven_padding_is_written_as_a_sum():
    (formula,) = spec_of(size=6, kernel_size=4, padding="same").size_formulas()
    assert (formula.pad_before, formula.pad_after) == (1, 2)
    assert formula.text() == "6 = floor((6 + (1 + 2) − 1×(4 − 1) − 1) / 1 + 1)"


@pytest.mark.parametrize(
    ("size_in", "pads", "dilation", "kernel", "stride"),
    [(6, (0, 0), 1, 3, 1), (6, (2, 2), 1, 5, 1), (6, (0, 0), 1, 3, 3), (6, (0, 0), 2, 3, 1), (7, (1, 2), 3, 2, 2), (1, (0, 0), 1, 1, 5)],
    ids=["plain", "padding 2", "stride 3", "dilation 2", "uneven, strided, dilated", "stride beyond input"],
)
def test_size_formula_counts_kernel_positions(size_in, pads, dilation, kernel, stride):
    """size_out is the number of places the dilated kernel fits, stepping by stride."""
    formula = SizeFormula(size_in, *pads, dilation, kernel, stride)
    padded = size_in + sum(pads)
    reach = dilation * (kernel - 1) + 1
    assert formula.size_out == len(range(0, padded - reach + 1, stride))
    assert formula.to_dict()["size_out"] == formula.size_out
    assert formula.to_dict()["text"].startswith(f"{formula.size_out} = floor(")


def test_output_shape_is_channels_then_spatial():
    spec = spec_of(in_channels=2, out_channels=4, groups=2, kernel_size=(3, 2), size=(5, 7), stride=(1, 2))
    assert spec.output_shape == (4, 3, 3)
    assert spec.axis_names == ("H", "W")


# -- padding words -------------------------------------------------------------


@pytest.mark.parametrize(
    ("padding", "kernel", "dilation", "expected"),
    [
        ("same", 3, 1, ((1, 1),)),
        ("same", 4, 1, ((1, 2),)),
        ("same", 3, 2, ((2, 2),)),
        ("same", 2, 3, ((1, 2),)),
        ("valid", 3, 1, ((0, 0),)),
        ("causal", 3, 1, ((2, 0),)),
        ("causal", 3, 2, ((4, 0),)),
        (" Same ", 3, 1, ((1, 1),)),
    ],
    ids=["same odd", "same even: extra on the right", "same dilated", "same even dilated", "valid", "causal", "causal dilated", "case and spaces"],
)
def test_padding_words(padding, kernel, dilation, expected):
    spec = spec_of(size=8, kernel_size=kernel, dilation=dilation, padding=padding)
    assert spec.padding == expected
    assert spec.padding_arg == padding.strip().lower()
    if padding.strip().lower() in ("same", "causal"):
        assert spec.output_shape[1:] == (8,)


# -- the data ------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [[1, 2, 3, 4, 5, 6], [[1, 2, 3, 4, 5, 6]], [[[1, 2, 3, 4, 5, 6]]], np.arange(1, 7).reshape(1, 1, 6)],
    ids=["flat", "(C, L)", "(1, C, L)", "numpy (1, C, L)"],
)
def test_input_forms_agree(given):
    c = convanim.conv(given, [2, 2])
    assert c.spec.input_shape == (1, 6)
    assert c.input.tolist() == [[1, 2, 3, 4, 5, 6]]


def test_defaults_follow_the_documented_fill():
    c = convanim.conv(in_channels=2, size=4, kernel_size=2)
    assert c.input.tolist() == [[1, 2, 3, 4], [2, 4, 6, 8]]
    assert c.spec.out_channels == 2  # as many outputs as inputs
    assert c.weight.tolist() == [[[2, 2], [2, 2]], [[4, 4], [4, 4]]]
    bare = convanim.conv()
    assert (bare.spec.input_shape, bare.spec.kernel_size) == ((1, 6), (3,))


def test_in_channels_come_from_the_weight_and_groups():
    spec = spec_of(weight=[[[1, 1]], [[1, 1]], [[1, 1]]], groups=3)
    assert spec.in_channels == 3
    assert spec.weight_shape == (3, 1, 2)


def test_two_dimensional_from_the_weight():
    spec = spec_of(np.ones((1, 4, 5)), np.ones((1, 1, 2, 3)), stride=(1, 2), padding=(1, 0))
    assert spec.ndim == 2
    assert spec.padding == ((1, 1), (0, 0))
    assert spec.output_shape == (1, 5, 2)


def test_json_ready_dict():
    spec = spec_of([1, 2, 3, 4, 5, 6], [2, 2, 2], padding="same")
    d = json.loads(json.dumps(spec.to_dict()))
    assert d["padding"] == "same"
    assert d["padding_amounts"] == [[1, 1]]
    assert d["output_shape"] == [1, 6]


def test_arrays_are_float64_and_frozen():
    c = convanim.conv([1, 2, 3], [1, 1], bias=[1])
    for array in (c.input, c.weight, c.bias):
        assert array.dtype == np.float64
        assert not array.flags.writeable


def test_spec_is_immutable():
    spec = spec_of()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.groups = 2


# -- refusals, with the option they concern ---------------------------------------

BAD = {
    "kernel beyond padded input": (dict(input=[1, 2], weight=[1, 1, 1]), "weight"),
    "kernel size beyond padded length": (dict(size=2, kernel_size=3), "kernel_size"),
    "dilated kernel beyond input": (dict(size=4, kernel_size=3, dilation=2), "kernel_size"),
    "groups not dividing in": (dict(in_channels=3, out_channels=2, groups=2), "groups"),
    "groups not dividing out": (dict(in_channels=2, out_channels=3, groups=2), "groups"),
    "same with stride": (dict(padding="same", stride=2), "padding"),
    "reflect padding == size": (dict(size=3, kernel_size=1, padding=3, padding_mode="reflect"), "padding"),
    "circular padding > size": (dict(size=3, kernel_size=1, padding=4, padding_mode="circular"), "padding"),
    "weight disagrees with groups": (dict(input=[[1, 2, 3], [4, 5, 6]], weight=[[[1, 1]]]), "weight"),
    "weight with too few levels": (dict(weight=[[1, 1]]), "weight"),
    "input batch of two": (dict(input=[[[1, 2, 3]], [[4, 5, 6]]], weight=[1]), "input"),
    "3-level input, no weight": (dict(input=[[[1, 2, 3]]]), "input"),
    "ragged input": (dict(input=[[1, 2], [3]]), "input"),
    "empty weight": (dict(weight=[]), "weight"),
    "text in input": (dict(input=[1, "2", 3]), "input"),
    "NaN in weight": (dict(weight=[1, float("nan")]), "weight"),
    "infinite bias": (dict(bias=[float("inf")]), "bias"),
    "zero kernel": (dict(kernel_size=0), "kernel_size"),
    "negative stride": (dict(stride=-1), "stride"),
    "zero dilation": (dict(dilation=0), "dilation"),
    "fractional stride": (dict(stride=1.5), "stride"),
    "boolean dilation": (dict(dilation=True), "dilation"),
    "negative padding": (dict(padding=-1), "padding"),
    "zero groups": (dict(groups=0), "groups"),
    "unknown padding mode": (dict(padding_mode="mirror"), "padding_mode"),
    "unknown padding word": (dict(padding="full"), "padding"),
    "causal in 2-D": (dict(kernel_size=(3, 3), padding="causal"), "padding"),
    "in_channels vs input": (dict(input=[1, 2, 3], in_channels=2), "in_channels"),
    "kernel_size vs weight": (dict(weight=[1, 1], kernel_size=3), "kernel_size"),
    "size vs input": (dict(input=[1, 2, 3], size=4), "size"),
    "out_channels vs weight": (dict(weight=[1, 1], out_channels=2), "out_channels"),
    "bias of wrong length": (dict(bias=[1, 2]), "bias"),
    "per-axis count vs weight": (dict(weight=np.ones((1, 1, 2, 2)), stride=(1, 1, 1)), "stride"),
    "per-axis count vs flat input": (dict(input=[1, 2, 3, 4], padding=(1, 1)), "padding"),
    "flat input vs 2-D weight": (dict(input=[1, 2, 3, 4], weight=np.ones((1, 1, 2, 2))), "input"),
    "huge default input": (dict(size=10**21, kernel_size=1), "size"),
    "huge default weight": (dict(size=10**6, kernel_size=10**6, out_channels=10**6), "kernel_size"),
}


@pytest.mark.parametrize(("kwargs", "option"), list(BAD.values()), ids=list(BAD))
def test_bad_arguments_name_their_option(kwargs, option):
    with pytest.raises(SpecError) as raised:
        convanim.conv(**kwargs)
    assert raised.value.option == option
    assert str(raised.value).startswith(f"{option}: ")
    assert "\n" not in str(raised.value)


def test_errors_are_one_family():
    assert issubclass(SpecError, ConvanimError)
    assert issubclass(ConvanimError, ValueError)  # callers may catch ValueError


# -- ConvSpec built directly ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "option"),
    [
        (dict(groups=0), "groups"),
        (dict(kernel_size=(0,)), "kernel_size"),
        (dict(stride=(0,)), "stride"),
        (dict(dilation=(-1,)), "dilation"),
        (dict(padding=((-1, 0),)), "padding"),
        (dict(input_shape=(0, 6)), "input"),
        (dict(input_shape=(1, 0)), "input"),
        (dict(out_channels=0), "out_channels"),
        (dict(padding=((1, 1),), padding_arg=(2,)), "padding"),
        (dict(padding=((1, 1),), padding_arg="valid"), "padding"),
        (dict(padding=((0, 1),)), "padding"),
        (dict(input_shape=(1,), kernel_size=(), stride=(), padding=(), dilation=()), "kernel_size"),
    ],
    ids=["no spatial axes", "zero groups", "zero kernel", "zero stride", "negative dilation", "negative padding", "no channels", "empty input", "no outputs", "padding_arg disagrees", "word disagrees", "uneven without a word"],
)
def test_direct_spec_checks_the_same_rules(overrides, option):
    with pytest.raises(SpecError) as raised:
        direct_spec(**overrides)
    assert raised.value.option == option


def test_direct_spec_names_its_padding():
    """Built without conv(), symmetric padding still knows how to be written."""
    spec = direct_spec(padding=((1, 1),))
    assert spec.padding_arg == (1,)
    assert spec == spec_of(size=6, kernel_size=3, padding=1)


def test_numpy_scalars_and_one_element_tuples_are_accepted():
    import numpy as np

    spec = convanim.conv_spec(size=np.int64(6), kernel_size=(3,), stride=np.float32(2), padding=np.int32(1))
    assert (spec.stride, spec.padding, spec.kernel_size) == ((2,), ((1, 1),), (3,))


def test_sizes_beyond_int64_are_refused_as_pytorch_refuses_them():
    with pytest.raises(SpecError) as raised:
        convanim.conv_spec(size=6, kernel_size=3, stride=2**63)
    assert raised.value.option == "stride"


def test_a_3_level_input_of_several_channels_is_an_image():
    # (1, C, L) needs a first size of 1: any other is (C, H, W), no weight needed to say so.
    c = convanim.conv(input=[[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0, 1], [0, 1, 0], [1, 0, 1]]])
    assert c.spec.ndim == 2 and c.spec.in_channels == 2 and c.spec.input_shape[-2:] == (3, 3)
    with pytest.raises(SpecError, match="either \\(1, C, L\\) or \\(C, H, W\\)"):
        convanim.conv(input=[[[1, 2, 3], [4, 5, 6]]])  # a first size of 1: still either


def test_an_image_beside_a_1d_weight_says_the_two_disagree():
    # (A weight a level short once read the image as a batch of two 1-D inputs.)
    with pytest.raises(SpecError, match="2 spatial dimension.* weight has 1") as raised:
        convanim.conv(input=[[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0, 1], [0, 1, 0], [1, 0, 1]]], weight=[[[1, 2], [3, 4]]])
    assert raised.value.option == "input"


def test_an_image_read_by_its_first_size_says_so_when_refused():
    # Whoever meant a batch (N, C, L) of two learns how the input was read.
    with pytest.raises(SpecError, match=r"read as an image \(C, H, W\) = \(2, 1, 5\)") as raised:
        convanim.conv(input=[[[1, 2, 3, 4, 5]], [[6, 7, 8, 9, 10]]])
    assert raised.value.option == "kernel_size"
    with pytest.raises(SpecError) as raised:  # a weight says the reading: nothing added
        convanim.conv(input=[[[1, 2, 3, 4, 5]], [[6, 7, 8, 9, 10]]], weight=[[[[1, 1], [1, 1]]], [[[1, 1], [1, 1]]]])
    assert "read as" not in str(raised.value)
