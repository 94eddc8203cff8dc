"""The engine against PyTorch, the reference it promises to match exactly.

Zero padding goes through ``torch.nn.functional.convNd``; the other padding
modes through the ``nn.ConvNd`` modules, which pad the way PyTorch users see;
causal padding through ``F.pad`` on the left, then a convolution.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convanim
from convanim import SpecError
from strategies import any_cases, valid_cases

torch = pytest.importorskip("torch", reason="torch==2.13.0 is the reference oracle; install the test extras")
F = torch.nn.functional

FUNCTIONAL = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
MODULES = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}
PAD_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate", "circular": "circular"}


def _tensor(array):
    return None if array is None else torch.tensor(array, dtype=torch.float64)


def torch_output(case) -> np.ndarray:
    """What PyTorch computes for ``case``, as (C_out, *spatial)."""
    x, w, b = _tensor(case.input)[None], _tensor(case.weight), _tensor(case.bias)
    with warnings.catch_warnings():
        # PyTorch warns that even kernels with 'same' may copy the input: not our concern.
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        with torch.no_grad():
            if case.padding == "causal":
                k, d = case.weight.shape[2], case.dilation[0]
                x = F.pad(x, (d * (k - 1), 0), mode=PAD_MODE[case.padding_mode])
                out = F.conv1d(x, w, b, case.stride, 0, case.dilation, case.groups)
            elif case.padding_mode == "zeros":
                out = FUNCTIONAL[case.ndim](x, w, b, case.stride, case.padding, case.dilation, case.groups)
            else:
                module = MODULES[case.ndim](
                    case.input.shape[0],
                    case.weight.shape[0],
                    case.weight.shape[2:],
                    stride=case.stride,
                    padding=case.padding,
                    dilation=case.dilation,
                    groups=case.groups,
                    bias=b is not None,
                    padding_mode=case.padding_mode,
                    dtype=torch.float64,
                )
                module.weight.copy_(w)
                if b is not None:
                    module.bias.copy_(b)
                out = module(x)
    return out[0].numpy()


def engine_output(case) -> np.ndarray:
    return convanim.trace(convanim.conv(**case.kwargs())).output


@settings(max_examples=100, deadline=None)
@given(valid_cases())
def test_engine_matches_torch(case):
    expected = torch_output(case)
    got = engine_output(case)
    assert got.shape == expected.shape
    # Integer-valued data: every sum is exact, so any difference is a bug.
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=60, deadline=None)
@given(valid_cases(), st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False))
def test_engine_matches_torch_on_fractional_values(case, scale):
    """Non-integer values: only the order of the additions may differ."""
    case = type(case)(**{**case.__dict__, "input": case.input * scale + 0.5, "weight": case.weight / 7})
    np.testing.assert_allclose(engine_output(case), torch_output(case), rtol=1e-12, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(valid_cases(ndims=(3,)))
def test_engine_matches_torch_in_3d(case):
    np.testing.assert_array_equal(engine_output(case), torch_output(case))


@settings(max_examples=100, deadline=None)
@given(any_cases())
def test_spec_rejects_exactly_what_torch_rejects(case):
    """Kernel reach, reflect and circular limits, 'same' with stride: convanim
    raises SpecError precisely when PyTorch raises, and agrees otherwise."""
    try:
        expected = torch_output(case)
    except (RuntimeError, ValueError):
        with pytest.raises(SpecError):
            convanim.conv(**case.kwargs())
    else:
        np.testing.assert_array_equal(engine_output(case), expected)


@pytest.mark.parametrize(
    ("mode", "size", "padding", "accepted"),
    [
        ("circular", 3, 3, True),
        ("circular", 3, 4, False),
        ("reflect", 3, 2, True),
        ("reflect", 3, 3, False),
        ("replicate", 2, 5, True),
    ],
    ids=["circular pad == size", "circular pad > size", "reflect pad < size", "reflect pad == size", "replicate pad > size"],
)
def test_padding_limits_follow_torch(mode, size, padding, accepted):
    """The edges of PyTorch's padding limits, on both sides."""
    x = np.arange(1.0, size + 1).reshape(1, size)
    w = np.ones((1, 1, 1))
    module = torch.nn.Conv1d(1, 1, 1, padding=padding, padding_mode=mode, bias=False, dtype=torch.float64)
    with torch.no_grad():
        module.weight.fill_(1.0)
        if not accepted:
            with pytest.raises(RuntimeError):
                module(_tensor(x)[None])
            with pytest.raises(SpecError, match="padding"):
                convanim.conv(x, w, padding=padding, padding_mode=mode)
            return
        expected = module(_tensor(x)[None])[0].numpy()
    got = convanim.trace(convanim.conv(x, w, padding=padding, padding_mode=mode)).output
    np.testing.assert_array_equal(got, expected)
