"""A figure in words, from its trace: alt text and a longer description.

Screen readers read an image's alt text in one go and some cut it short, so
``Description.alt`` stays under ``MAX_ALT`` characters: what slides over
what and what it gives, with the numbers, long lists elided. ``long``
says the rest (the PyTorch call, every value, the first sums) for a
``<figcaption>`` or the text under a Markdown image. Every number is read
from the trace, as the figure shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .code import torch_source
from .engine import Trace
from .report import shown, sum_lines

MAX_ALT = 150  # characters
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_COPIES = {"reflect": "reflected value", "replicate": "repeated edge value", "circular": "wrapped-around value"}


@dataclass(frozen=True)
class Description:
    alt: str  # short: for alt="..."
    long: str  # for a caption under the figure


def describe(trace: Trace) -> Description:
    """What the animation of ``trace`` shows, in words, with its numbers."""
    spec = trace.spec
    outputs = _shown_outputs(trace)
    for limit in (8, 6, 4, 3, 2):
        alt = _alt(trace, outputs, limit)
        if len(alt) <= MAX_ALT:
            break
    else:
        alt = _alt(trace, outputs, 2, terse=True)
    if len(alt) > MAX_ALT:
        alt = alt[:MAX_ALT].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"  # at a word's end, never inside a number
    # A few sums in full; a long one in d2l's form, a bracket per input channel.
    shown_steps = 4 if len(trace.steps[0].taps) <= 9 else 2
    sums = [" ".join(sum_lines(step, mark_padding=True)) for step in trace.steps[:shown_steps]]
    more = f"; … ({len(trace.steps)} steps in all)" if len(trace.steps) > shown_steps else ""
    long = (
        f"{alt}. The code: {torch_source(spec)}. "
        f"Input {_shape(spec.input_shape)}: {_values(trace.conv.input, 24)}. "
        f"Weights {_shape(spec.weight_shape)}: {_values(trace.conv.weight, 24)}."
        + (f" Bias: {_values(trace.conv.bias, 8)}." if trace.conv.bias is not None else "")
        + f" Output {_shape(outputs.shape)}: {_values(outputs, 24)}. "
        f"Each step multiplies the values under the kernel by its weights and adds them up: "
        + "; ".join(sums)
        + more
        + "."
    )
    return Description(alt, long)


def _alt(trace: Trace, outputs: np.ndarray, limit: int, terse: bool = False) -> str:
    spec, conv = trace.spec, trace.conv
    kernels = spec.out_channels
    size = "×".join(map(str, spec.kernel_size)) if spec.ndim > 1 else f"size-{spec.kernel_size[0]}"
    weights = np.asarray(conv.weight)
    if kernels == 1:
        kernel = f"A {size} kernel"
    else:
        kernel = f"{_count(kernels)} {size} kernels".capitalize()
    if not terse:
        kernel += _of(weights, limit if kernels == 1 else 0)
    length = "×".join(map(str, spec.spatial_shape))
    if spec.in_channels == 1 and spec.ndim == 1:
        where = _values(conv.input, limit)
    elif spec.in_channels == 1:
        where = f"a {length} input"
    else:
        where = f"a {spec.in_channels}-channel {length} input" if spec.ndim > 1 else f"{spec.in_channels} channels of {length} values"
    parts = [f"{kernel} {'slide' if kernels > 1 else 'slides'} over {where}"]
    padding = _padding(spec)
    if padding:
        parts.append(padding)
    if not terse:
        if any(s > 1 for s in spec.stride):
            parts.append(f"in steps of {_axes(spec.stride)}")
        if any(d > 1 for d in spec.dilation):
            parts.append(f"with dilation {_axes(spec.dilation)}")
        if spec.groups > 1:
            parts.append(f"in {spec.groups} groups")
    if conv.bias is not None:
        parts.append(f"with {'bias' if kernels == 1 else 'biases'} {_values(conv.bias, 3)}")
    channels = outputs.shape[0]
    grid = "×".join(map(str, outputs.shape[1:]))
    if channels == 1 and spec.ndim == 1:
        gives = _values(outputs, limit)
    elif channels == 1:
        gives = f"a {grid} output, {_values(outputs, limit)}"
    elif channels <= 3:
        gives = " and ".join(_values(outputs[c], max(2, limit // channels)) for c in range(channels))
    else:
        gives = f"{channels} channels of {grid}: {_values(outputs, min(limit, 3))}"
    verb = "give" if kernels > 1 else "gives"
    return ", ".join(parts) + ("," if len(parts) > 1 else "") + f" and {verb} " + gives


def _shown_outputs(trace: Trace) -> np.ndarray:
    """The output as the figure writes it (float noise as 0), channel first."""
    out = np.array(trace.output, dtype=float)
    for step in trace.steps:
        out[(step.out_channel, *step.position)] = step.shown
    return out


def _of(weights: np.ndarray, limit: int) -> str:
    flat = weights.ravel()
    if np.all(flat == flat[0]):
        return f" of {shown(float(flat[0]))}s"
    if limit and flat.size <= limit:
        return f" ({_values(flat, limit)})"
    return ""


def _values(values, limit: int) -> str:
    """``1, 2, 3``; a long list elided: ``1 … 6`` when evenly spaced, else ``6, 12, …, 22``."""
    flat = np.asarray(values, dtype=float).ravel()
    texts = [shown(float(v)) for v in flat]
    steps = np.diff(flat)
    if len(flat) > 3 and np.all(steps == 1):  # 1 … 6: counting needs no list
        return f"{texts[0]} … {texts[-1]}"
    if len(texts) <= max(limit, 2):
        return ", ".join(texts)
    if len(flat) > 3 and np.all(steps == steps[0]) and steps[0] != 0:
        return f"{texts[0]}, {texts[1]} … {texts[-1]}"
    head = max(1, limit - 1)
    return ", ".join(texts[:head]) + ", …, " + texts[-1]


def _padding(spec) -> str:
    amounts = [p for axis in spec.padding for p in axis]
    if not any(amounts):
        return ""
    what = "zero" if spec.padding_mode == "zeros" else _COPIES[spec.padding_mode]
    if spec.ndim == 1:
        (before, after), = spec.padding
        if before == after:
            return f"padded with {_count(before)} {_plural(what, before)} on each side"
        sides = [f"{_count(n)} {_plural(what, n)} on the {side}" for n, side in ((before, "left"), (after, "right")) if n]
        return "padded with " + " and ".join(sides)
    if len(set(amounts)) == 1:
        return f"padded with a ring of {_count(amounts[0])} {_plural(what, amounts[0])}"
    return f"padded with {what}s ({', '.join(f'{a}+{b}' for a, b in spec.padding)} per axis)"


def _count(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def _plural(word: str, n: int) -> str:
    return word if n == 1 else word + "s"


def _axes(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))


def _shape(shape) -> str:
    return "×".join(map(str, shape))
