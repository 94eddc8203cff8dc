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


def settled(step: Step) -> float:
    """A step's result as a reader should see it (the trace's ``Step.shown``)."""
    return step.shown


def step_expression(step: Step) -> str:
    """``0(pad)×2 + 1×2 + 2×2 = 6``"""
    return " + ".join(step_terms(step, mark_padding=True)) + f" = {shown(step.shown)}"


def trace_table(trace: Trace) -> str:
    spec = trace.spec
    lines = [torch_source(spec), shape_report(spec), ""]
    width = len(_index(spec.out_channels - 1, tuple(n - 1 for n in spec.output_shape[1:])))
    lines.append(f"{'step':>5}  {'out':<{width}}  {'group':>5}  products")
    for step in trace.steps:
        lines.append(
            f"{step.index + 1:>5}  {_index(step.out_channel, step.position):<{width}}  {step.group:>5}  {step_expression(step)}"
        )
    lines.append("")
    lines.append("output " + _shape(spec.output_shape) + ": " + _nested(trace.shown.tolist()))
    return "\n".join(lines)


def _nested(values) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_nested(v) for v in values) + "]"
    return shown(values)
