"""Plain-text reports of a spec and a trace, for the terminal."""

from __future__ import annotations

from .code import torch_source
from .engine import Step, Trace
from .numfmt import fitting_number, format_number
from .spec import ConvSpec


def _shape(shape) -> str:
    return "(" + ", ".join(map(str, shape)) + ")"


def shape_report(spec: ConvSpec) -> str:
    lines = [f"input  {_shape(spec.input_shape)}  ->  output {_shape(spec.output_shape)}"]
    for name, formula in zip(spec.axis_names, spec.size_formulas()):
        lines.append(f"{name}_out: {formula.text()}")
    return "\n".join(lines)


def _index(channel: int, position: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, (channel, *position))) + "]"


def shown(x: float, max_chars: int | None = None) -> str:
    """A number as written for a reader, with a true minus sign. With
    ``max_chars`` (a cell), empty when it cannot be shown faithfully there."""
    text = format_number(x) if max_chars is None else fitting_number(x, max_chars)
    return text.replace("-", "\u2212")


def _factor(x: float, mark: str = "") -> str:
    text = shown(x) + mark
    return f"({text})" if x < 0 else text


def step_terms(step: Step, mark_padding: bool = False) -> list[str]:
    """A step's products as terms, ``3×2``, …, and ``2 (bias)``; the one
    wording of the product line, in figures and in the terminal.

    ``mark_padding`` tags values read from zero padding, which a figure
    shows by colour but a table cannot."""
    terms = [
        f"{_factor(t.value, '(pad)' if mark_padding and t.source is None else '')}×{_factor(t.weight)}"
        for t in step.taps
    ]
    if step.bias is not None:
        terms.append(f"{_factor(step.bias)} (bias)")
    return terms


def step_expression(step: Step) -> str:
    """``0(pad)×2 + 1×2 + 2×2 = 6``"""
    return " + ".join(step_terms(step, mark_padding=True)) + f" = {shown(step.shown)}"


def trace_table(trace: Trace) -> str:
    spec = trace.spec
    lines = [torch_source(spec), shape_report(spec), ""]
    width = len(_index(spec.out_channels - 1, tuple(n - 1 for n in spec.output_shape[1:])))
    lines.append(f"{'step':>5}  {'out':<{width}}  {'group':>5}  products")
    for step in trace.steps:
        lines.append(f"{step.index + 1:>5}  {_index(step.out_channel, step.position):<{width}}  {step.group:>5}  {step_sum(step)}")
    lines.append("")
    lines.append("output " + _shape(spec.output_shape) + ": " + _nested(trace.shown.tolist()))
    return "\n".join(lines)


def _nested(values) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_nested(v) for v in values) + "]"
    return shown(values)


# Products one reader can follow on a line: a 3×3 kernel's nine. A channel
# with more is shown by its partial sum.
MAX_TERMS_PER_CHANNEL = 9


def channel_terms(step: Step, mark_padding: bool = False) -> list[tuple[int, list[str], float]]:
    """A step's products grouped by input channel, in tap order:
    ``(channel, terms, partial sum)`` for each channel it reads (the
    partial sums are the trace's)."""
    groups: dict[int, list[str]] = {}
    for tap, term in zip(step.taps, step_terms(step, mark_padding)):
        groups.setdefault(tap.in_channel, []).append(term)
    return [(channel, words, partial) for (channel, words), partial in zip(groups.items(), step.partial_sums, strict=True)]


def sum_lines(step: Step, max_terms: int | None = MAX_TERMS_PER_CHANNEL, mark_padding: bool = False) -> list[str]:
    """A step's sum as a reader follows it, one line per input channel (d2l's form)::

        (1×1 + 2×2 + 4×3 + 5×4)
        + (0×0 + 1×1 + 3×2 + 4×3) + 1 (bias) = 57

    One channel needs no parentheses; a kernel of one tap per channel (1×1)
    is one line, a dot product through the channels. Where several channels
    have more than ``max_terms`` products each (None: no limit), each channel
    is its partial sum, and the last line adds them up::

        ch 0: 25 products = 45
        ch 1: 25 products = 12
        45 + 12 + 1 (bias) = 58
    """
    channels = channel_terms(step, mark_padding)
    bias = f" + {_factor(step.bias)} (bias)" if step.bias is not None else ""
    result = f" = {shown(step.shown)}"
    many = max_terms is not None and len(channels) > 1 and any(len(words) > max_terms for _, words, _ in channels)
    if many:
        lines = [f"ch {channel}: {len(words)} products = {shown(partial)}" for channel, words, partial in channels]
        return lines + [" + ".join(_factor(partial) for _, _, partial in channels) + bias + result]
    if len(channels) == 1 or all(len(words) == 1 for _, words, _ in channels):
        return [" + ".join(term for _, words, _ in channels for term in words) + bias + result]
    lines = [("+ " if i else "") + "(" + " + ".join(words) + ")" for i, (_, words, _) in enumerate(channels)]
    lines[-1] += bias + result
    return lines


def step_sum(step: Step) -> str:
    """A step's whole sum on one line, zero padding marked: the product line
    in 1-D, d2l's grouping by channel in 2-D and up."""
    if len(step.position) == 1:
        return step_expression(step)
    return " ".join(sum_lines(step, None, mark_padding=True))
