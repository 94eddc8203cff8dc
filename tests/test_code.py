"""The PyTorch code shown beside a figure must be the code that produces it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings

import convanim
from convanim.code import torch_arguments, torch_source
from strategies import valid_cases

torch = pytest.importorskip("torch", reason="torch==2.13.0 is the reference oracle; install the test extras")


def run_source(trace) -> np.ndarray:
    """Exec the shown code, load the trace's weight and bias, run it on the input."""
    namespace = {"torch": torch}
    exec(torch_source(trace.spec), namespace)
    module = namespace["conv"]
    (conv,) = [m for m in module.modules() if isinstance(m, (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d))]
    module = module.double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(trace.conv.weight))
        if trace.conv.bias is not None:
            conv.bias.copy_(torch.tensor(trace.conv.bias))
        else:
            assert conv.bias is None
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
            out = module(torch.tensor(trace.conv.input)[None])
    return out[0].numpy()


def test_article_case_code_reproduces_its_output(article_case):
    t = convanim.trace(convanim.conv(article_case["input"], article_case["weight"], **article_case["kwargs"]))
    assert run_source(t).tolist() == article_case["output"]


@settings(max_examples=80, deadline=None)
@given(valid_cases(ndims=(1, 2)))
def test_shown_code_reproduces_the_trace(case):
    t = convanim.trace(convanim.conv(**case.kwargs()))
    np.testing.assert_array_equal(run_source(t), t.output)


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_causal_code_pads_the_left_in_the_same_mode(mode):
    t = convanim.trace(convanim.conv([1, 2, 3, 4, 5, 6], [1, 2, 3], padding="causal", dilation=2, padding_mode=mode))
    source = torch_source(t.spec)
    assert source.startswith("conv = torch.nn.Sequential(")
    assert "(4, 0)" in source
    assert "padding_mode" not in source  # the pad layer does the padding, the conv none
    np.testing.assert_array_equal(run_source(t), t.output)


def test_groups_case_shows_the_channels_pytorch_needs():
    """The article's fig-08 printed in_channels=1, out_channels=1 with groups=2."""
    spec = convanim.conv([[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]], [[[2]], [[4]]], groups=2).spec
    assert torch_source(spec) == "conv = torch.nn.Conv1d(in_channels=2, out_channels=2, kernel_size=1, groups=2, bias=False)"


def test_only_non_defaults_are_emphasised():
    spec = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1).spec
    shown = {a.name: (a.value, a.emphasised) for a in torch_arguments(spec)}
    assert shown == {
        "in_channels": ("1", False),
        "out_channels": ("1", False),
        "kernel_size": ("3", True),
        "padding": ("1", True),
        "bias": ("False", True),
    }


def test_hand_built_spec_code_keeps_its_padding():
    spec = convanim.ConvSpec(input_shape=(1, 6), out_channels=1, kernel_size=(3,), stride=(1,), padding=((1, 1),), dilation=(1,))
    t = convanim.trace(convanim.Conv(spec, np.arange(1.0, 7).reshape(1, 6), np.full((1, 1, 3), 2.0)))
    assert "padding=1" in torch_source(spec)
    assert run_source(t).tolist() == [[6, 12, 18, 24, 30, 22]]
