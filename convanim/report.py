"""Plain-text reports of a spec and a trace, for the terminal."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from .code import torch_source
from .engine import Step, Trace
from .numfmt import MINUS, ROUNDED, TIMES_TEN, RowFormat, fitting_number, format_number
from .spec import ConvSpec
from .traces import shown_partial_sums


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
    ``max_chars`` (a cell), ≈-marked where rounded, and empty when it cannot
    be shown faithfully there."""
    text = format_number(x) if max_chars is None else fitting_number(x, max_chars)
    return text.replace("-", MINUS)


# A figure's rows of cells, each with its one number format: (block, channel)
# -> RowFormat, block "input", "kernel" or "output", and a kernel grid's own
# (``kernel_row``). Product lines write each value the way its cell does;
# without them (tables), ``shown``.
Formats = Mapping[tuple, RowFormat] | None


def kernel_row(in_channel: int, out_channel: int) -> tuple[str, int, int]:
    """The row of one kernel grid: the weights of ``out_channel`` on
    ``in_channel``, written in a format of their own (whole weights 0, 1, 1, 0
    stay whole beside another output channel's 0.125 on the same input
    channel)."""
    return ("kernel", in_channel, out_channel)


def written(x: float, row: tuple[str, int], formats: Formats = None) -> str:
    """``x`` as a product line writes it: in ``row``'s format where given."""
    return _shown(x) if formats is None else _full(formats[row], x)


# A figure writes the same few numbers in thousands of product lines (a
# large grid's every step, and its caption): each is worked out once.
@functools.lru_cache(maxsize=1 << 16)
def _shown(x: float) -> str:
    return shown(x)


@functools.lru_cache(maxsize=1 << 16)
def _full(fmt: RowFormat, x: float) -> str:
    return fmt.full(x)


def _factor(x: float, row: tuple[str, int], formats: Formats = None, mark: str = "") -> str:
    return _factored(None if formats is None else formats[row], x, mark)


@functools.lru_cache(maxsize=1 << 16)
def _factored(fmt: RowFormat | None, x: float, mark: str) -> str:
    """``_factor`` in ``fmt`` (None: ``shown``), worked out once: a figure's
    captions write the same few values and weights thousands of times."""
    text = (_shown(x) if fmt is None else _full(fmt, x)) + mark
    # A power of ten's × is not the product's: (1.2×10⁻⁴)×2, as (−3)×2.
    return f"({text})" if x < 0 or TIMES_TEN in text else text


def step_terms(step: Step, mark_padding: bool = False, formats: Formats = None) -> list[str]:
    """A step's products as terms, ``3×2``, …, and ``2 (bias)``; the one
    wording of the product line, in figures and in the terminal.

    ``mark_padding`` tags values read from zero padding, which a figure
    shows by colour but a table cannot. ``formats``: a figure's row formats
    (the bias and sums are written as the output row writes them)."""
    terms = [term for words in _grouped_terms(step, mark_padding, formats).values() for term in words]
    if step.bias is not None:
        terms.append(f"{_factor(step.bias, ('output', step.out_channel), formats)} (bias)")
    return terms


def _grouped_terms(step: Step, mark_padding: bool, formats: Formats) -> dict[int, list[str]]:
    """A step's products as terms (no bias), by input channel, in tap order."""
    groups: dict[int, list[str]] = {}
    for channel, value, weight, padding in _products(step, mark_padding):
        term = f"{_factor(value, ('input', channel), formats, '(pad)' if padding else '')}×{_factor(weight, kernel_row(channel, step.out_channel), formats)}"
        words = groups.get(channel)
        if words is None:
            groups[channel] = [term]
        else:
            words.append(term)
    return groups


def _products(step: Step, mark_padding: bool):
    """(input channel, value, weight, read from zero padding) per tap, in tap order."""
    arrays = getattr(step.taps, "arrays", None)
    if arrays is None:
        return [(t.in_channel, t.value, t.weight, mark_padding and t.source is None) for t in step.taps]
    # A traced step: from its arrays, without building a Tap per product.
    weights, values = (a.tolist() for a in arrays)
    zero = step.taps.reads_zero_padding if mark_padding else [False] * len(weights[0])
    first = step.taps.first_channel
    return [
        (first + c, value, weight, padding)
        for c, (channel_weights, channel_values) in enumerate(zip(weights, values))
        for value, weight, padding in zip(channel_values, channel_weights, zero)
    ]


def step_result(step: Step, formats: Formats = None) -> str:
    """What a step's sum comes to, as its output cell's row writes it."""
    return written(step.shown, ("output", step.out_channel), formats)


def approximately(line: str) -> str:
    """``… = ≈5.00005e5`` read as ``… ≈ 5.00005e5``."""
    return line.replace(f" = {ROUNDED}", f" {ROUNDED} ")


def step_expression(step: Step) -> str:
    """``0(pad)×2 + 1×2 + 2×2 = 6``"""
    return approximately(" + ".join(step_terms(step, mark_padding=True)) + f" = {shown(step.shown)}")


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


def channel_terms(step: Step, mark_padding: bool = False, formats: Formats = None) -> list[tuple[int, list[str], float]]:
    """A step's products grouped by input channel, in tap order:
    ``(channel, terms, partial sum)`` for each channel it reads (the
    partial sums are the trace's, rounding noise shown as 0)."""
    groups = _grouped_terms(step, mark_padding, formats)
    return [(channel, words, partial) for (channel, words), partial in zip(groups.items(), shown_partial_sums(step), strict=True)]


def sum_lines(
    step: Step, max_terms: int | None = MAX_TERMS_PER_CHANNEL, mark_padding: bool = False, formats: Formats = None
) -> list[str]:
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
    groups = _grouped_terms(step, mark_padding, formats)
    out = ("output", step.out_channel)
    bias = f" + {_factor(step.bias, out, formats)} (bias)" if step.bias is not None else ""
    result = f" = {step_result(step, formats)}"
    many = max_terms is not None and len(groups) > 1 and any(len(words) > max_terms for words in groups.values())
    if many:  # only here are the partial sums written (a figure draws thousands of sums)
        channels = channel_terms(step, mark_padding, formats)
        lines = [f"ch {channel}: {len(words)} products = {written(partial, out, formats)}" for channel, words, partial in channels]
        lines.append(" + ".join(_factor(partial, out, formats) for _, _, partial in channels) + bias + result)
        return [approximately(line) for line in lines]
    if len(groups) == 1 or all(len(words) == 1 for words in groups.values()):
        return [approximately(" + ".join(term for words in groups.values() for term in words) + bias + result)]
    lines = [("+ " if i else "") + "(" + " + ".join(words) + ")" for i, words in enumerate(groups.values())]
    lines[-1] = approximately(lines[-1] + bias + result)
    return lines


def step_sum(step: Step) -> str:
    """A step's whole sum on one line, zero padding marked: the product line
    in 1-D, d2l's grouping by channel in 2-D and up."""
    if len(step.position) == 1:
        return step_expression(step)
    return " ".join(sum_lines(step, None, mark_padding=True))
