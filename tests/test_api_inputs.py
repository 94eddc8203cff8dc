"""The Python API takes what notebook users have at hand (lists, numpy arrays
of any real dtype, tensors of any dtype, parameters that require grad), and
for anything else raises a convanim error, never another exception."""

from __future__ import annotations

import decimal
import fractions
import inspect
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import convanim
from convanim.errors import ConvanimError

ONE_TO_SIX = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


@pytest.mark.parametrize(
    "dtype", [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64, np.float16, np.float32, np.float64, np.longdouble]
)
def test_numpy_arrays_of_any_real_dtype(dtype):
    c = convanim.conv(np.arange(1, 7, dtype=dtype), np.array([2, 2, 2], dtype=dtype), bias=np.array([1], dtype=dtype))
    assert c.input.dtype == np.float64 and c.input.tolist() == [ONE_TO_SIX]
    assert convanim.trace(c).output.tolist() == [[13.0, 19.0, 25.0, 31.0]]


@pytest.mark.parametrize("data", [ONE_TO_SIX, tuple(ONE_TO_SIX), [np.float32(v) for v in ONE_TO_SIX], np.array(ONE_TO_SIX, dtype=object)], ids=["list", "tuple", "numpy scalars", "object array"])
def test_lists_tuples_and_numbers_of_numpy(data):
    assert convanim.conv(data, [1, 1]).input.tolist() == [ONE_TO_SIX]


@pytest.mark.parametrize("bad", [np.array([True, False]), np.array([1 + 2j, 3]), np.array(["1", "2"]), np.array([], dtype=np.float64)], ids=["bool", "complex", "strings", "empty"])
def test_arrays_that_are_not_real_numbers_are_refused(bad):
    with pytest.raises(convanim.SpecError, match="^input: "):
        convanim.conv(bad, [1])


class RaisingArray:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array today")


class LyingTensor:
    """Looks like a tensor; its methods fail."""

    def detach(self):
        raise RuntimeError("cannot detach")

    def numpy(self):
        raise RuntimeError("cannot")


@pytest.mark.parametrize("bad", [RaisingArray(), LyingTensor(), object(), "1,2,3", {"a": 1}, None.__class__, {1, 2}, b"12", 1 + 2j, decimal.Decimal("1.5")])
def test_odd_objects_are_one_convanim_error(bad):
    with pytest.raises(ConvanimError) as raised:
        convanim.conv([1, 2, 3], bad)
    assert raised.value.option == "weight" and "\n" not in str(raised.value)


def test_fractions_are_numbers():
    assert convanim.conv([fractions.Fraction(1, 2), 1, 2], [1]).input.tolist() == [[0.5, 1.0, 2.0]]


# -- torch tensors, read without importing torch ------------------------------


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="torch==2.13.0 is the reference oracle; install the test extras")


def test_a_modules_own_tensors_are_taken(torch):
    torch.manual_seed(0)
    m = torch.nn.Conv1d(1, 2, 3)
    assert m.weight.requires_grad and m.bias.requires_grad
    c = convanim.conv(torch.arange(1.0, 7.0), m.weight, bias=m.bias)
    # float32 parameters are read exactly; the trace computes in float64.
    np.testing.assert_array_equal(c.weight, m.weight.detach().double().numpy())
    expected = m.double()(torch.arange(1.0, 7.0, dtype=torch.float64)[None]).detach().numpy()
    np.testing.assert_allclose(convanim.trace(c).output, expected, rtol=1e-12)


def test_a_2d_modules_tensors_and_a_batch_of_one(torch):
    m = torch.nn.Conv2d(3, 4, 3, padding=1, groups=1)
    x = torch.randn(1, 3, 5, 6, requires_grad=True)
    c = convanim.conv(x, m.weight, m.bias, padding=1)
    with torch.no_grad():
        expected = m.double()(x.double())[0].numpy()
    np.testing.assert_allclose(convanim.trace(c).output, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64"])
def test_tensors_of_any_dtype(torch, dtype):
    t = torch.arange(1, 7).to(getattr(torch, dtype))
    assert convanim.conv(t, torch.tensor([2, 2, 2]).to(getattr(torch, dtype))).input.tolist() == [ONE_TO_SIX]


@pytest.mark.parametrize(
    "make",
    [lambda torch: torch.arange(6.0) * 1j, lambda torch: torch.ones(3, dtype=torch.bool), lambda torch: torch.empty(0), lambda torch: torch.ones(3, device="meta"), lambda torch: torch.tensor([1.0, float("nan")])],
    ids=["complex", "bool", "empty", "meta (no data)", "nan"],
)
def test_tensors_that_are_not_real_data_are_refused(torch, make):
    with pytest.raises(convanim.SpecError, match="^input: "):
        convanim.conv(make(torch), [1])


def test_convanim_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, convanim; convanim.trace(convanim.conv([1, 2, 3], [1, 1])); print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


# -- fuzzing: nothing but a convanim error escapes ---------------------------

junk_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(),
    st.text(max_size=5),
    st.binary(max_size=3),
    st.sampled_from([RaisingArray(), LyingTensor(), object(), decimal.Decimal("1.5"), fractions.Fraction(1, 3), np.float32(2), np.int64(-3), np.bool_(True)]),
    st.sampled_from(["same", "valid", "causal", "zeros", "reflect", "replicate", "circular"]),
    st.builds(lambda n, k: np.ones(n, dtype=k), st.integers(0, 4), st.sampled_from([np.int8, np.float16, np.bool_, np.complex64, np.uint64])),
)
junk = st.recursive(junk_leaves, lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=2), inner, max_size=2), st.frozensets(st.integers(), max_size=2)), max_leaves=12)
sane = {
    "input": st.sampled_from([ONE_TO_SIX, [[1, 2, 3, 4]], np.arange(8.0).reshape(2, 4)]),
    "weight": st.sampled_from([[1, 2], [[[1, 1]]], [2, 2, 2]]),
    "bias": st.sampled_from([None, [0.5], [1, 2]]),
    "stride": st.integers(1, 3),
    "padding": st.sampled_from([0, 1, "same", "valid", "causal"]),
    "dilation": st.integers(1, 2),
    "groups": st.integers(1, 2),
    "padding_mode": st.sampled_from(["zeros", "reflect", "replicate", "circular"]),
    "in_channels": st.integers(1, 3),
    "out_channels": st.integers(1, 3),
    "kernel_size": st.integers(1, 4),
    "size": st.integers(1, 8),
}
ARGUMENTS = list(inspect.signature(convanim.conv).parameters)


@st.composite
def odd_arguments(draw):
    names = draw(st.lists(st.sampled_from(ARGUMENTS), unique=True, min_size=1, max_size=5))
    odd = draw(st.sampled_from(names))
    return {name: draw(junk) if name == odd or draw(st.booleans()) else draw(sane[name]) for name in names}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_arguments())
def test_conv_raises_only_convanim_errors(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy's own casting warnings are not the subject here
        try:
            convanim.trace(convanim.conv(**kwargs))  # or refuses a trace too large, in one line
        except ConvanimError as error:
            assert "\n" not in str(error)


@settings(max_examples=150, deadline=None)
@given(junk)
def test_render_options_raise_only_convanim_errors(value):
    for name in ("width", "hold", "fps", "glide", "panel", "title", "credit", "theme"):
        try:
            convanim.RenderOptions(**{name: value})
        except ConvanimError:
            pass


@settings(max_examples=100, deadline=None)
@given(junk)
def test_render_refuses_odd_paths_and_subjects_with_convanim_errors(value):
    c = convanim.conv([1, 2, 3], [1, 1])
    # (A string is a path: the writers' tests cover those.)
    odd_path = value is not None and not isinstance(value, (str, bytes))
    for call in (lambda: convanim.render(value, "x.gif"), lambda: convanim.render(c, value) if odd_path else None, lambda: convanim.trace(value)):
        try:
            call()
        except ConvanimError:
            pass


@pytest.mark.parametrize(
    "arguments,blamed",
    [
        (dict(size=(6, 6), kernel_size=(3, 3, 3)), "kernel_size"),
        (dict(size=(6, 6), padding=(1, 2, 3)), "padding"),
        (dict(size=(6, 6, 6), dilation=(1, 2)), "dilation"),
        (dict(kernel_size=(3, 3), stride=(1, 1, 1)), "stride"),
    ],
)
def test_a_dimension_count_that_disagrees_names_the_argument_not_the_input_size(arguments, blamed):
    """The input's size, like its data, is what the other arguments are
    checked against: a tuple of the wrong length is the one named."""
    with pytest.raises(ConvanimError) as caught:
        convanim.conv(**arguments)
    assert caught.value.option == blamed
