"""The PyTorch code that produces a spec's convolution.

Generated from the spec alone, so the code shown next to a figure can never
disagree with it. ``torch_source`` is plain Python (tests exec it against
torch); ``torch_arguments`` gives the pieces with the ones that differ from
PyTorch's defaults marked, for a renderer to set in bold.
"""

from __future__ import annotations

from dataclasses import dataclass

from .spec import ConvSpec

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
        words.append(f"{spec.in_channels} channels in, {spec.out_channels} out")
    for argument in torch_arguments(spec):
        if argument.emphasised and argument.name != "bias":
            words.append(f"{argument.name.replace('_', ' ')} {argument.value.strip(chr(39))}")
    if spec.padding_arg == "causal":
        words.append("causal padding" if spec.padding_mode == "zeros" else f"causal {spec.padding_mode} padding")
    if spec.bias:
        words.append("bias")
    return f"{spec.ndim}-D convolution: " + ", ".join(words)

