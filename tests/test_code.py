"""The PyTorch code shown beside a figure must be the code that produces it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convanim
from convanim.code import rounded, torch_arguments, torch_script, torch_source
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


# -- the whole script that `convanim code` prints ------------------------------


def run_script(script: str) -> tuple[dict, list]:
    """Exec a script as `python script.py` would; its namespace and what it printed."""
    import ast
    import contextlib
    import io

    printed = io.StringIO()
    namespace: dict = {"__name__": "__main__"}
    with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
        warnings.filterwarnings("ignore", message="Using padding='same'", category=UserWarning)
        exec(compile(script, "figure.py", "exec"), namespace)
    return namespace, ast.literal_eval(printed.getvalue())


def check_script(c: convanim.Conv, exact: bool) -> None:
    t = convanim.trace(c)
    namespace, printed = run_script(torch_script(c))
    # The data is copied in exactly, as float64.
    assert namespace["x"].dtype == torch.float64
    np.testing.assert_array_equal(namespace["x"][0].numpy(), c.input)
    conv = [m for m in namespace["conv"].modules() if isinstance(m, torch.nn.modules.conv._ConvNd)][0]
    np.testing.assert_array_equal(conv.weight.detach().numpy(), c.weight)
    if c.bias is None:
        assert conv.bias is None
    else:
        np.testing.assert_array_equal(conv.bias.detach().numpy(), c.bias)
    # The module is made by the very call the panel shows.
    assert torch_source(c.spec) in torch_script(c).splitlines()
    if exact:
        assert printed == rounded(t.output.tolist())
    else:  # float64 sums taken in another order may differ in the last bit, and 12 digits are printed
        np.testing.assert_allclose(np.array(printed), t.output, rtol=1e-11, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(valid_cases(ndims=(1, 2)))
def test_script_prints_the_traces_output(case):
    check_script(convanim.conv(**case.kwargs()), exact=True)


@settings(max_examples=60, deadline=None)
@given(valid_cases(ndims=(1, 2)), st.integers(0, 2**32 - 1))
def test_script_copies_awkward_floats_exactly(case, seed):
    """Values with every digit of a float64 (thirds, tiny, huge) survive the copy."""
    rng = np.random.default_rng(seed)

    def awkward(array):
        scale = 10.0 ** rng.integers(-8, 8, size=array.shape)
        return rng.standard_normal(array.shape) * scale / 3

    kwargs = case.kwargs()
    kwargs.update(input=awkward(case.input), weight=awkward(case.weight))
    if case.bias is not None:
        kwargs["bias"] = awkward(case.bias)
    check_script(convanim.conv(**kwargs), exact=False)


@pytest.mark.parametrize(
    "argv",
    [
        ("--template", "groups2"),
        ("--template", "kernel3", "--kernel-size", "5", "--bias", "0.1"),
        ("--input", "3,1,4,1,5,9,2,6", "--weight", "0.5,-1,0.25", "--padding", "causal", "--padding-mode", "reflect", "--dilation", "2"),
        ("--input", "[[[1,2,3,4],[5,6,7,8],[9,10,11,12]]]", "--weight", "[[[[1,0],[0,-1]]]]", "--padding", "same"),
        # torch sums these in another order: -0.3999999999999999 where the trace has -0.4
        ("--input", "3,1,-4,1,5,-9,2", "--weight", "[[[0.5,-1,0.5]],[[1,1,1]]]", "--bias", "0.1,-0.3", "--padding", "same", "--padding-mode", "circular"),
        ("--input", "0.1,0.2,0.3,0.7,1.1", "--weight", "0.1,0.2,0.3", "--bias", "0.05"),
    ],
    ids=["template", "template changed", "causal reflect", "2-D same", "floats summed in another order", "floats"],
)
def test_code_command_prints_a_script_that_runs_on_its_own(run_cli, tmp_path, argv):
    import json
    import subprocess
    import sys

    code, script, err = run_cli("code", *argv)
    assert (code, err) == (0, "")
    path = tmp_path / "figure.py"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    traced = json.loads(run_cli("trace", "--json", *argv)[1])["output"]
    assert json.loads(done.stdout) == rounded(traced)
    assert "12 significant digits" in script  # the script says how it prints


def test_code_command_errors_are_one_line(run_cli):
    code, out, err = run_cli("code", "--template", "kernel3", "--stride", "0")
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("convanim: error: --stride: ")



@pytest.mark.parametrize(
    "channels,words",
    [((1, 2), "1 channel in, 2 out"), ((2, 1), "2 channels in, 1 out"), ((3, 2), "3 channels in, 2 out")],
)
def test_a_default_title_counts_its_channels_in_words(channels, words):
    from convanim.code import conv_title

    spec = convanim.conv(size=(5, 5), in_channels=channels[0], out_channels=channels[1]).spec
    assert words in conv_title(spec)
    assert "1 channels" not in conv_title(spec)
