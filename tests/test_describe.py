"""Alt text and long descriptions, read from the trace."""

from __future__ import annotations

import pytest

import numpy as np

from convanim import conv
from convanim import describe as describe_module
from convanim.describe import MAX_ALT, describe
from convanim.engine import trace
from convanim.templates import list_templates, load_template


def words(**kwargs):
    return describe(trace(conv(**kwargs)))


def test_the_padding_case_in_words():
    d = describe(trace(load_template("padding1").conv()))
    assert d.alt == "A size-3 kernel of 2s slides over 1 … 6, padded with one zero on each side, and gives 6, 12, 18, 24, 30, 22"
    assert "torch.nn.Conv1d(in_channels=1, out_channels=1, kernel_size=3, padding=1, bias=False)" in d.long
    assert "0(pad)×2 + 1×2 + 2×2 = 6" in d.long and "(6 steps in all)" in d.long


@pytest.mark.parametrize("name", list_templates())
def test_every_template_has_a_short_alt_with_its_numbers(name):
    t = trace(load_template(name).conv())
    d = describe(t)
    assert len(d.alt) <= MAX_ALT
    first = t.steps[0].shown
    assert f"{first:g}".replace("-", "−") in d.alt, "the first output is named"
    assert d.alt in d.long


@pytest.mark.parametrize(
    "kwargs, phrase",
    [
        (dict(input=[1, 2, 3, 4], weight=[1, -1], padding="causal"), "padded with one zero on the left"),
        (dict(input=[1, 2, 3, 4, 5], weight=[1, 0, -1], padding=2, padding_mode="reflect"), "two reflected values on each side"),
        (dict(input=[1, 2, 3, 4, 5], weight=[1, 1, 1], padding=1, padding_mode="replicate"), "one repeated edge value"),
        (dict(input=[1, 2, 3, 4, 5], weight=[1, 1, 1], padding=1, padding_mode="circular"), "one wrapped-around value"),
        (dict(input=[1, 2, 3, 4, 5], weight=[1, 1], stride=2), "in steps of 2"),
        (dict(input=[1, 2, 3, 4, 5], weight=[1, 1], dilation=3), "with dilation 3"),
        (dict(input=[1, 2, 3, 4], weight=[0.5, 0.25], bias=[0.1]), "with bias 0.1"),
        (dict(input=[1, 2, 3, 4], weight=[1, 0, -1]), "kernel (1, 0, −1)"),
        (dict(size=(5, 5), kernel_size=3, padding=1), "a 5×5 input, padded with a ring of one zero"),
        (dict(size=(5, 6), kernel_size=(2, 3), in_channels=2, out_channels=2), "Two 2×3 kernels slide over a 2-channel 5×6 input"),
        (dict(size=6, in_channels=4, out_channels=4, kernel_size=1, groups=2), "in 2 groups"),
    ],
)
def test_parameters_are_said(kwargs, phrase):
    d = words(**kwargs)
    assert phrase in d.alt and len(d.alt) <= MAX_ALT


def test_long_lists_are_elided_but_keep_first_and_last():
    d = words(input=[3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7], weight=[1, 2, 1])
    assert len(d.alt) <= MAX_ALT and "…" in d.alt
    out = trace(conv(input=[3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7], weight=[1, 2, 1])).output
    assert d.alt.endswith(f"{out[0, -1]:g}")


def test_float_noise_is_said_as_zero():
    d = words(input=[0.1, 0.2, 0.3], weight=[1, 1, -2.0 / 3 * 1.5 + 0.0], padding=0)
    assert "e-17" not in d.alt and "e-16" not in d.alt


def test_an_alt_text_cut_short_ends_at_a_word():
    rng = np.random.default_rng(1)  # cut short: "… and give 4 c" before
    c = conv(
        input=rng.normal(size=(3, 6, 7)).round(3).tolist(), weight=rng.normal(size=(4, 3, 3, 2)).round(3).tolist(),
        bias=rng.normal(size=4).round(3).tolist(), padding=(1, 2), stride=(2, 1), dilation=(1, 2), padding_mode="reflect",
    )
    t = trace(c)
    alt = describe(t).alt
    assert len(alt) <= MAX_ALT and alt.endswith("…")
    whole = describe_module._alt(t, describe_module._shown_outputs(t), 2, terse=True)  # before it was cut
    kept = alt[:-1]
    assert whole.startswith(kept) and whole[len(kept)] in " ,;:"  # cut where a word ends, not inside a number
