"""The info panel says what produced the figure: its code runs in PyTorch and
gives the trace's numbers; its formula has the figure's numbers in."""

from __future__ import annotations

import numpy as np
import pytest

import convanim
from convanim.code import torch_source
from convanim.render.panel import code_runs, substituted_formula, wrap_runs

CASES = {
    "padding1": dict(input=[1, 2, 3, 4, 5, 6], weight=[2, 2, 2], padding=1),
    "groups2": dict(input=[[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]], weight=[[[2]], [[4]]], groups=2),
    "same-reflect-bias": dict(input=[3, 1, 4, 1, 5, 9, 2, 6], weight=[0.5, -1, 0.5], bias=[1], padding="same", padding_mode="reflect"),
    "causal-dilated": dict(input=[1, 2, 3, 4, 5, 6], weight=[1, -1, 0.5], padding="causal", dilation=2),
    "causal-replicate": dict(input=[1, 2, 3, 4, 5, 6], weight=[1, 2], padding="causal", padding_mode="replicate"),
    "stride-uneven-tuple": dict(input=[[1, 2, 3, 4, 5, 6, 7]], weight=[[[1, 2, 3]], [[3, 2, 1]]], stride=2, padding=(2,)),
}


def panel_text(spec) -> str:
    """The code exactly as the panel draws it, lines joined."""
    return "\n".join("".join(text for text, _ in line) for line in wrap_runs(code_runs(spec), 48))


def _one_line(code: str) -> str:
    return " ".join(code.split()).replace("( ", "(")


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_the_panels_code_is_the_call_that_reproduces_the_trace(name):
    torch = pytest.importorskip("torch", reason="torch==2.13.0 is the reference oracle; install the test extras")
    trace = convanim.trace(convanim.conv(**CASES[name]))
    code = panel_text(trace.spec)
    # What the panel shows is the module torch_source builds, word for word.
    assert _one_line(code) == _one_line(torch_source(trace.spec).removeprefix("conv = "))
    scope = {"torch": torch}
    exec("conv = " + code, scope)  # the panel's text, as a reader would paste it
    module = scope["conv"]
    layer = module[-1] if isinstance(module, torch.nn.Sequential) else module
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(trace.conv.weight, dtype=torch.float32))
        if trace.conv.bias is not None:
            layer.bias.copy_(torch.tensor(trace.conv.bias, dtype=torch.float32))
        result = module(torch.tensor(trace.conv.input, dtype=torch.float32).unsqueeze(0))[0]
    np.testing.assert_allclose(result.numpy(), trace.output, rtol=1e-5, atol=1e-5)


def test_non_default_arguments_are_bold_and_channels_are_not():
    spec = convanim.conv(**CASES["same-reflect-bias"]).spec
    bold = {text.strip(" ,)") for text, emphasised in code_runs(spec) if emphasised}
    plain = {text.strip(" ,)") for text, emphasised in code_runs(spec) if not emphasised}
    assert {"kernel_size=3", "padding='same'", "padding_mode='reflect'"} <= bold
    assert {"in_channels=1", "out_channels=1"} <= plain
    assert not any("bias" in text for text in bold | plain)  # bias=True is PyTorch's default


def test_the_formula_has_the_figures_numbers():
    spec = convanim.conv(**CASES["padding1"]).spec
    assert substituted_formula(spec.size_formulas()[0]) == (
        r"$6 = \left\lfloor \dfrac{6 + 2 \times 1 - 1 \times (3 - 1) - 1}{1} + 1 \right\rfloor$"
    )
    causal = convanim.conv(**CASES["causal-dilated"]).spec
    assert r"(4 + 0)" in substituted_formula(causal.size_formulas()[0])


@pytest.mark.parametrize("width", [320, 360, 700])
@pytest.mark.parametrize(
    "arguments",
    [dict(size=(5, 5), kernel_size=3, padding=1), dict(input=list(range(1, 13)), weight=[1, -1, 2, 1], padding="same", dilation=3)],
    ids=["2-D", "1-D, uneven padding"],
)
def test_every_formula_stays_inside_the_figure(arguments, width):
    # At 320 px the formula with the numbers ran past the right edge; its
    # rule now goes on a line of its own where the whole does not fit.
    from convanim.render import RenderOptions
    from convanim.render.record import record

    trace = convanim.trace(convanim.conv(**arguments))
    (picture, *_) = record(trace, RenderOptions(width=width, steps="1"))
    formulas = [c for c in picture.calls if c.kind == "math"]
    assert formulas and all(c.x >= 0 and c.x + c.w <= width for c in formulas), [(c.text, c.x, c.w) for c in formulas]
    assert any("lfloor" in c.text and any(ch.isdigit() for ch in c.text) for c in formulas)


@pytest.mark.parametrize("size", [(7,), (5, 5)], ids=["1-D", "2-D"])
def test_an_empty_title_is_no_title_line_not_a_gap(size):
    """``--title ''`` leaves the title out: the panel starts with the call,
    the figure a title line shorter than with a one-word title."""
    from convanim.render import RenderOptions
    from convanim.render.record import record

    subject = convanim.conv(size=size, kernel_size=3)
    untitled, titled = (record(subject, RenderOptions(title=title, steps="1"))[-1] for title in ("", "Convolution"))
    assert untitled.canvas.height < titled.canvas.height
    assert "Convolution" in [c.text for c in titled.calls if c.kind == "text"]
    assert not [c for c in untitled.calls if c.kind == "text" and not c.text.strip()], "no empty text drawn"
    gap = titled.canvas.height - untitled.canvas.height
    assert gap >= 20, "a title line's height"
