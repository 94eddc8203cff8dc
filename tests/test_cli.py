"""The trace and shape commands, and the command line's single error boundary."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import convanim

ARTICLE_INPUT = ["--input", "1,2,3,4,5,6"]


def test_article_case_through_trace_json(run_cli, article_case):
    code, out, err = run_cli("trace", "--json", *article_case["argv"])
    assert (code, err) == (0, "")
    data = json.loads(out)
    expected = article_case["output"]
    channels, length = len(expected), len(expected[0])
    assert data["output"] == expected
    assert data["output_shape"] == [channels, length]
    assert data["input_shape"] == [len(data["input"]), 6]

    steps = data["steps"]
    assert len(steps) == channels * length
    # Reading order: position by position, the channels of one position together.
    assert [(s["position"], s["out_channel"]) for s in steps] == [([p], o) for p in range(length) for o in range(channels)]
    for step in steps:
        assert step["bias"] is None  # the article's convolutions have no bias
        assert step["result"] == expected[step["out_channel"]][step["position"][0]]
        assert isinstance(step["group"], int)
        assert sum(tap["product"] for tap in step["taps"]) == step["result"]
        for tap in step["taps"]:
            assert set(tap) >= {"in_channel", "position", "source", "weight", "value", "product"}
            assert tap["product"] == tap["weight"] * tap["value"]
            assert isinstance(tap["position"], list)
            if tap["source"] is None:
                assert tap["value"] == 0
            else:
                assert data["input"][tap["in_channel"]][tap["source"][0]] == tap["value"]


def test_trace_json_matches_the_api(run_cli):
    argv = ["--input", "[[1,2,3,4],[5,6,7,8]]", "--weight", "[[[1,-1]],[[2,0.5]]]", "--bias", "0.25,-1", "--groups", "2", "--padding", "1", "--padding-mode", "reflect"]
    code, out, _ = run_cli("trace", "--json", *argv)
    assert code == 0
    api = convanim.trace(
        convanim.conv([[1, 2, 3, 4], [5, 6, 7, 8]], [[[1, -1]], [[2, 0.5]]], [0.25, -1], groups=2, padding=1, padding_mode="reflect")
    )
    assert json.loads(out) == json.loads(json.dumps(api.to_dict()))
    assert [s["bias"] for s in json.loads(out)["steps"][:2]] == [0.25, -1]


def test_trace_table_shows_code_formula_and_output(run_cli):
    code, out, err = run_cli("trace", *ARTICLE_INPUT, "--weight", "2,2,2", "--padding", "1")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "conv = torch.nn.Conv1d(in_channels=1, out_channels=1, kernel_size=3, padding=1, bias=False)"
    assert "L_out: 6 = floor((6 + 2×1 − 1×(3 − 1) − 1) / 1 + 1)" in lines
    assert lines[-1] == "output (1, 6): [[6, 12, 18, 24, 30, 22]]"
    assert sum("(pad)" in line for line in lines) == 2


def test_shape_prints_output_shape_and_formula(run_cli):
    code, out, err = run_cli("shape", "--length", "6", "--kernel-size", "3", "--padding", "1")
    assert (code, err) == (0, "")
    first, formula = out.splitlines()
    assert first.endswith("output (1, 6)")
    assert formula == "L_out: 6 = floor((6 + 2×1 − 1×(3 − 1) − 1) / 1 + 1)"


def test_shape_of_the_kernel_2_case(run_cli):
    """Article fig-10: the formula with the kernel-2 case substituted."""
    code, out, _ = run_cli("shape", "--length", "6", "--kernel-size", "2")
    assert code == 0
    assert "output (1, 5)" in out
    assert "5 = floor((6 + 2×0 − 1×(2 − 1) − 1) / 1 + 1)" in out


def test_shape_json_for_two_dimensions(run_cli):
    code, out, _ = run_cli("shape", "--json", "--length", "5,7", "--kernel-size", "3,2", "--stride", "1,2", "--in-channels", "2")
    assert code == 0
    data = json.loads(out)
    assert data["input_shape"] == [2, 5, 7]
    assert data["output_shape"] == [2, 3, 3]
    assert [f["size_out"] for f in data["size_formulas"]] == [3, 3]


def test_circular_padding_equal_to_the_size_is_accepted(run_cli):
    """PyTorch wraps a whole input once; so does convanim (one more is refused below)."""
    code, out, err = run_cli("trace", "--json", "--input", "1,2,3", "--weight", "1", "--padding", "3", "--padding-mode", "circular")
    assert (code, err) == (0, "")
    assert json.loads(out)["output"] == [[1, 2, 3, 1, 2, 3, 1, 2, 3]]


# Every rule a user can break, with the option the one-line message must name.
BAD = {
    "kernel beyond padded input": (["--input", "1,2", "--weight", "1,1,1"], "--weight"),
    "kernel size beyond padded length": (["--length", "2", "--kernel-size", "3"], "--kernel-size"),
    "default kernel beyond input": (["--length", "2"], "--kernel-size"),
    "groups not dividing in_channels": (["--in-channels", "3", "--out-channels", "2", "--groups", "2"], "--groups"),
    "groups not dividing out_channels": (["--in-channels", "2", "--out-channels", "3", "--groups", "2"], "--groups"),
    "same with stride 2": (["--padding", "same", "--stride", "2"], "--padding"),
    "reflect padding == size": (["--length", "3", "--kernel-size", "1", "--padding", "3", "--padding-mode", "reflect"], "--padding"),
    "reflect padding > size": (["--length", "3", "--kernel-size", "1", "--padding", "5", "--padding-mode", "reflect"], "--padding"),
    "circular padding > size": (["--length", "3", "--kernel-size", "1", "--padding", "4", "--padding-mode", "circular"], "--padding"),
    "weight vs input channels": (["--input", "[[1,2,3],[4,5,6]]", "--weight", "[[[1,1]]]"], "--weight"),
    "weight vs groups": (["--input", "[[1,2,3],[4,5,6]]", "--weight", "[[[1,1],[1,1]],[[1,1],[1,1]]]", "--groups", "2"], "--weight"),
    "weight with two levels": (["--weight", "[[1,1]]"], "--weight"),
    "ragged input": (["--input", "[[1,2],[3]]"], "--input"),
    "ragged weight": (["--weight", "[[[1,2]],[[3]]]"], "--weight"),
    "empty input list": (["--input", "[]"], "--input"),
    "empty weight": (["--weight", ""], "--weight"),
    "empty item": (["--input", "1,,2"], "--input"),
    "word in input": (["--input", "1,a,3"], "--input"),
    "string in JSON weight": (["--weight", '[1,"2"]'], "--weight"),
    "boolean bias": (["--bias", "[true]"], "--bias"),
    "broken JSON": (["--input", "[1,2"], "--input"),
    "NaN input": (["--input", "1,nan,3"], "--input"),
    "JSON NaN weight": (["--weight", "[NaN]"], "--weight"),
    "infinite input": (["--input", "1,inf"], "--input"),
    "zero kernel": (["--kernel-size", "0"], "--kernel-size"),
    "negative kernel": (["--kernel-size", "-2"], "--kernel-size"),
    "zero stride": (["--stride", "0"], "--stride"),
    "negative stride": (["--stride", "-1"], "--stride"),
    "fractional stride": (["--stride", "1.5"], "--stride"),
    "zero dilation": (["--dilation", "0"], "--dilation"),
    "negative dilation": (["--dilation", "-3"], "--dilation"),
    "negative padding": (["--padding", "-1"], "--padding"),
    "zero groups": (["--groups", "0"], "--groups"),
    "word for groups": (["--groups", "two"], "--groups"),
    "zero in_channels": (["--in-channels", "0"], "--in-channels"),
    "zero out_channels": (["--out-channels", "0"], "--out-channels"),
    "unknown padding mode": (["--padding-mode", "mirror"], "--padding-mode"),
    "unknown padding word": (["--padding", "full"], "--padding"),
    "causal in 2-D": (["--padding", "causal", "--kernel-size", "3,3"], "--padding"),
    "in_channels vs input": (["--input", "1,2,3", "--in-channels", "2"], "--in-channels"),
    "out_channels vs weight": (["--weight", "1,1", "--out-channels", "2"], "--out-channels"),
    "kernel_size vs weight": (["--weight", "1,1", "--kernel-size", "3"], "--kernel-size"),
    "length vs input": (["--input", "1,2,3", "--length", "4"], "--length"),
    "zero length": (["--length", "0"], "--length"),
    "zero size, spelt --size": (["--size", "0,3"], "--size"),
    "size vs input, spelt --size=": (["--input", "1,2,3", "--size=4"], "--size"),
    "absurd length": (["--length", "1000000000000000000000", "--kernel-size", "1"], "--length"),
    "per-axis count vs weight": (["--weight", "[[[[1,1],[1,1]]]]", "--stride", "1,1,1"], "--stride"),
    "per-axis count vs flat input": (["--input", "1,2,3,4", "--padding", "1,1"], "--padding"),
    "bias of wrong length": (["--bias", "1,2"], "--bias"),
    "batch of two": (["--input", "[[[1,2,3]],[[4,5,6]]]", "--weight", "1"], "--input"),
    "unknown option": (["--bogus", "1"], "--bogus"),
    "option without value": (["--stride"], "--stride"),
}


# shape fills in no data, so any length has a shape (test_shape_of_any_length).
BAD_CASES = [(command, name) for name in BAD for command in ("trace", "shape") if (command, name) != ("shape", "absurd length")]


@pytest.mark.parametrize(("command", "name"), BAD_CASES, ids=[f"{name}-{command}" for command, name in BAD_CASES])
def test_bad_input_is_one_line_and_exit_2(run_cli, command, name):
    argv, option = BAD[name]
    code, out, err = run_cli(command, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("convanim: error: ")
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert option in err
    assert "Traceback" not in err


def test_unknown_command(run_cli):
    code, out, err = run_cli("nosuch")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "nosuch" in err


def test_help_exits_0(run_cli):
    code, out, err = run_cli("trace", "--help")
    assert (code, err) == (0, "")
    assert "--kernel-size" in out


def test_no_command_shows_help_not_an_error(run_cli):
    code, out, err = run_cli()
    assert code in (0, 2)  # click 8.1 exits 0 here, 8.2 and later 2
    assert "error" not in (out + err).lower()
    assert "trace" in out + err


def test_a_real_process_fails_in_one_line():
    """Outside pytest's capture: what a shell sees."""
    done = subprocess.run(
        [sys.executable, "-m", "convanim", "trace", "--kernel-size", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "convanim: error: --kernel-size: must be at least 1, got 0\n"


def test_an_overflow_fails_in_one_line_with_no_warning_before_it(tmp_path):
    """numpy warns of an overflow on stderr, before convanim's own line."""
    target = tmp_path / "big.gif"
    done = subprocess.run(
        [sys.executable, "-m", "convanim", "render", "--input", "[[[1e200,1]]]", "--weight", "[[[[1e200]]]]", "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and not target.exists()
    assert done.stderr == "convanim: error: --input: values too large: a product or sum exceeds the range of 64-bit floats\n"


def test_trace_table_for_two_dimensions(run_cli):
    code, out, _ = run_cli("trace", "--length", "3,4", "--kernel-size", "2,2", "--in-channels", "2", "--groups", "2", "--bias", "1,-1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("conv = torch.nn.Conv2d(in_channels=2, out_channels=2, kernel_size=2, groups=2)")
    assert [line.split(":")[0] for line in lines if line.startswith(("H_out", "W_out"))] == ["H_out", "W_out"]
    steps = [line for line in lines if line.strip()[:1].isdigit()]
    assert len(steps) == 2 * 2 * 3  # out_channels × H_out × W_out
    assert all("(bias)" in line for line in steps)
    assert lines[-1].startswith("output (2, 2, 3): ")


def test_shape_of_any_length(run_cli):
    """Shapes need no data: a length no trace could hold still has one."""
    code, out, err = run_cli("shape", "--length", "1000000000000000000", "--kernel-size", "1")
    assert (code, err) == (0, "")
    assert "output (1, 1000000000000000000)" in out
