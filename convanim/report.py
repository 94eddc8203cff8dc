"""Plain-text reports of a spec and a trace, for the terminal."""

from __future__ import annotations

from .code import torch_source
from .engine import Step, Trace
from .numfmt import format_number
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


def step_expression(step: Step) -> str:
    """``0×2 + 1×2 + 2×2 (+ bias) = 6``; padding reads are marked."""
    terms = []
    for tap in step.taps:
        value = format_number(tap.value)
        if tap.source is None:
            value += "(pad)"
        terms.append(f"{value}×{format_number(tap.weight)}")
    if step.bias is not None:
        terms.append(f"{format_number(step.bias)}(bias)")
    return " + ".join(terms) + f" = {format_number(step.result)}"


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
    lines.append("output " + _shape(spec.output_shape) + ": " + _nested(trace.output.tolist()))
    return "\n".join(lines)


def _nested(values) -> str:
    if isinstance(values, list):
        return "[" + ", ".join(_nested(v) for v in values) + "]"
    return format_number(values)
