"""The PyTorch code that produces a spec's convolution.

Generated from the spec alone, so the code shown next to a figure can never
disagree with it. ``torch_source`` is plain Python (tests exec it against
torch); ``torch_arguments`` gives the pieces with the ones that differ from
PyTorch's defaults marked, for a renderer to set in bold. ``torch_script``
is a whole program that reproduces a figure: the same call, with the data.
"""

from __future__ import annotations

from dataclasses import dataclass

from .spec import Conv, ConvSpec

# PyTorch has no 'causal' padding: the usual idiom pads the left with a
# padding layer of the same mode, then convolves with padding=0.
_PAD_LAYERS = {
    "zeros": "ConstantPad{n}d({pad}, 0.0)",
    "reflect": "ReflectionPad{n}d({pad})",
    "replicate": "ReplicationPad{n}d({pad})",
    "circular": "CircularPad{n}d({pad})",
}


@dataclass(frozen=True)
class Argument:
    name: str
    value: str
    emphasised: bool  # differs from PyTorch's default (in/out channels never are)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


def _axis_value(values: tuple[int, ...]) -> str:
    if len(set(values)) == 1:
        return str(values[0])
    return "(" + ", ".join(map(str, values)) + ")"


def conv_class(spec: ConvSpec) -> str:
    return f"Conv{spec.ndim}d"


def torch_arguments(spec: ConvSpec) -> tuple[Argument, ...]:
    """The keyword arguments of ``torch.nn.ConvNd`` for this spec, defaults left out."""
    args = [
        Argument("in_channels", str(spec.in_channels), False),
        Argument("out_channels", str(spec.out_channels), False),
        Argument("kernel_size", _axis_value(spec.kernel_size), True),
    ]
    if any(s != 1 for s in spec.stride):
        args.append(Argument("stride", _axis_value(spec.stride), True))
    if isinstance(spec.padding_arg, str):
        if spec.padding_arg != "causal":
            args.append(Argument("padding", repr(spec.padding_arg), True))
    elif any(spec.padding_arg):
        args.append(Argument("padding", _axis_value(spec.padding_arg), True))
    if any(d != 1 for d in spec.dilation):
        args.append(Argument("dilation", _axis_value(spec.dilation), True))
    if spec.groups != 1:
        args.append(Argument("groups", str(spec.groups), True))
    if not spec.bias:
        args.append(Argument("bias", "False", True))
    if spec.padding_mode != "zeros" and spec.padding_arg != "causal":
        args.append(Argument("padding_mode", repr(spec.padding_mode), True))
    return tuple(args)


def pad_layer(spec: ConvSpec) -> str | None:
    """The padding layer in front of the convolution, for causal padding."""
    if spec.padding_arg != "causal":
        return None
    before, after = spec.padding[0]
    template = _PAD_LAYERS[spec.padding_mode]
    return "torch.nn." + template.format(n=spec.ndim, pad=f"({before}, {after})")


def torch_source(spec: ConvSpec) -> str:
    """``conv = torch.nn.Conv1d(...)``: a module that maps the input to the output."""
    call = f"torch.nn.{conv_class(spec)}(" + ", ".join(map(str, torch_arguments(spec))) + ")"
    layer = pad_layer(spec)
    if layer:
        return f"conv = torch.nn.Sequential({layer}, {call})"
    return f"conv = {call}"


def conv_title(spec: ConvSpec) -> str:
    """A title made of the parameters that are not PyTorch's defaults, for a
    figure that has no title of its own: ``1-D convolution: kernel size 5, padding 1``."""
    words = []
    if spec.in_channels > 1 or spec.out_channels > 1:
        words.append(f"{spec.in_channels} channel{'s' if spec.in_channels != 1 else ''} in, {spec.out_channels} out")
    for argument in torch_arguments(spec):
        if argument.emphasised and argument.name != "bias":
            words.append(f"{argument.name.replace('_', ' ')} {argument.value.strip(chr(39))}")
    if spec.padding_arg == "causal":
        words.append("causal padding" if spec.padding_mode == "zeros" else f"causal {spec.padding_mode} padding")
    if spec.bias:
        words.append("bias")
    return f"{spec.ndim}-D convolution: " + ", ".join(words)


# Digits the script prints: float64 holds ~16, and torch, summing in another
# order than the trace, may differ in the last of them.
SHOWN_DIGITS = 12


def rounded(values):
    """``values`` (a nested list of floats) to ``SHOWN_DIGITS`` significant
    digits, as the script of ``torch_script`` prints its output."""
    if isinstance(values, list):
        return [rounded(v) for v in values]
    return float(f"{values:.{SHOWN_DIGITS}g}")


def torch_script(subject: Conv, title: str | None = None) -> str:
    """A complete PyTorch program for ``subject``: its input, the module
    made by the figure's own call (``torch_source``), the weights and bias
    copied in, and the output printed to ``SHOWN_DIGITS`` significant digits,
    so that it reads as ``rounded`` of ``convanim trace --json``'s "output".

    Numbers are copied in as Python's shortest exact float repr and computed
    in float64.
    """
    spec = subject.spec
    layer = "conv[-1]" if pad_layer(spec) else "conv"
    lines = [
        f"# {title or 'A convolution'}, drawn by convanim, in PyTorch.",
        "import torch",
        "",
        f"# The input: a batch of one, shape (1, {', '.join(map(str, spec.input_shape))}).",
        f"x = torch.tensor({_nested([subject.input.tolist()])}, dtype=torch.float64)",
        "",
        "# The module, as the figure's panel shows it; float64, as convanim computes.",
        torch_source(spec),
        "conv = conv.double()",
        "with torch.no_grad():",
        f"    {layer}.weight.copy_(torch.tensor({_nested(subject.weight.tolist(), 4)}, dtype=torch.float64))",
    ]
    if subject.bias is not None:
        lines.append(f"    {layer}.bias.copy_(torch.tensor({_nested(subject.bias.tolist(), 4)}, dtype=torch.float64))")
    lines += [
        "    output = conv(x)",
        "",
        f"# Shape (1, {', '.join(map(str, spec.output_shape))}). Printed to {SHOWN_DIGITS} significant digits, as the",
        "# \"output\" of `convanim trace --json` reads rounded the same way: torch adds the",
        "# products in its own order, which can change the last of float64's ~16 digits.",
        "def rounded(values):",
        f"    return [rounded(v) for v in values] if isinstance(values, list) else float(f\"{{values:.{SHOWN_DIGITS}g}}\")",
        "",
        "",
        "print(rounded(output[0].tolist()))",
    ]
    return "\n".join(lines) + "\n"


def _nested(values, indent: int = 0) -> str:
    """A nested list of floats written on a line that starts ``indent``
    spaces in: short lists on one line, long ones a row a line; every
    number exact (the repr of a float reads back as the same float)."""
    if not values or not isinstance(values[0], list):
        return "[" + ", ".join(repr(float(v)) for v in values) + "]"
    inner = [_nested(v, indent + 4) for v in values]
    if all("\n" not in item for item in inner) and sum(map(len, inner)) + 2 * len(inner) <= 72:
        return "[" + ", ".join(inner) + "]"
    pad = " " * (indent + 4)
    return "[\n" + "".join(f"{pad}{item},\n" for item in inner) + " " * indent + "]"

