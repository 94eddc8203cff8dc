"""The checked shape of a convolution: ``ConvSpec``, ``SizeFormula``, ``Conv``.

A ``ConvSpec`` holds sizes and parameters as per-axis tuples and checks, as
it is made, every rule PyTorch checks (and the few convanim adds); a ``Conv``
adds the input, weight and bias arrays. ``convanim.build.conv`` is the front
door that makes them from what a user gives. Everything after this stage can
trust its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import SpecError

MAX_INT = 2**63 - 1  # PyTorch stores sizes and strides as int64
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
PADDING_WORDS = ("same", "valid", "causal")

# How the size formula names each axis, as the PyTorch docs do.
AXIS_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}

@dataclass(frozen=True)
class SizeFormula:
    """PyTorch's output-size formula for one spatial axis, with numbers in."""

    size_in: int
    pad_before: int
    pad_after: int
    dilation: int
    kernel: int
    stride: int

    @property
    def span(self) -> int:
        """How many cells one window covers: dilation×(kernel−1) + 1."""
        return self.dilation * (self.kernel - 1) + 1

    @property
    def size_out(self) -> int:
        return (self.size_in + self.pad_before + self.pad_after - self.span) // self.stride + 1

    @property
    def symmetric(self) -> bool:
        return self.pad_before == self.pad_after

    def padding_term(self) -> str:
        """``2×1`` for symmetric padding, ``(2 + 0)`` for an uneven split."""
        if self.symmetric:
            return f"2×{self.pad_before}"
        return f"({self.pad_before} + {self.pad_after})"

    def text(self) -> str:
        """``5 = floor((6 + 2×0 − 1×(2 − 1) − 1) / 1 + 1)``"""
        return (
            f"{self.size_out} = floor(({self.size_in} + {self.padding_term()} − "
            f"{self.dilation}×({self.kernel} − 1) − 1) / {self.stride} + 1)"
        )

    def to_dict(self) -> dict:
        return {
            "size_in": self.size_in,
            "padding": [self.pad_before, self.pad_after],
            "dilation": self.dilation,
            "kernel_size": self.kernel,
            "stride": self.stride,
            "size_out": self.size_out,
            "text": self.text(),
        }


@dataclass(frozen=True)
class ConvSpec:
    """The shape of a convolution: sizes and parameters, no data.

    Per-axis values are tuples with one entry per spatial dimension;
    ``padding`` holds the resolved (before, after) amount for each axis and
    ``padding_arg`` what was asked for (a tuple of ints, or one of
    ``"same"``, ``"valid"``, ``"causal"``), which the code panel shows.
    """

    input_shape: tuple[int, ...]
    out_channels: int
    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]
    groups: int = 1
    padding_mode: str = "zeros"
    bias: bool = False
    padding_arg: tuple[int, ...] | str = field(default=(), compare=False)

    def __post_init__(self):
        _check_counts(self)
        # conv() always says how the padding was asked for; a spec built by
        # hand gets it from the amounts, so its code panel can still be written.
        arg = self.padding_arg if self.padding_arg != () else _padding_arg_of(self.padding)
        object.__setattr__(self, "padding_arg", _check_padding_arg(self, arg))
        _check_spec(self)

    @property
    def ndim(self) -> int:
        return len(self.kernel_size)

    @property
    def in_channels(self) -> int:
        return self.input_shape[0]

    @property
    def spatial_shape(self) -> tuple[int, ...]:
        return self.input_shape[1:]

    @property
    def padded_shape(self) -> tuple[int, ...]:
        return tuple(n + lo + hi for n, (lo, hi) in zip(self.spatial_shape, self.padding))

    @property
    def weight_shape(self) -> tuple[int, ...]:
        return (self.out_channels, self.in_channels // self.groups, *self.kernel_size)

    @property
    def axis_names(self) -> tuple[str, ...]:
        return AXIS_NAMES.get(self.ndim, tuple(f"x{i}" for i in range(self.ndim)))

    def size_formulas(self) -> tuple[SizeFormula, ...]:
        return tuple(
            SizeFormula(n, lo, hi, d, k, s)
            for n, (lo, hi), d, k, s in zip(self.spatial_shape, self.padding, self.dilation, self.kernel_size, self.stride)
        )

    @property
    def output_shape(self) -> tuple[int, ...]:
        """``(C_out, *spatial)``, computed from the formula, never given."""
        return (self.out_channels, *(f.size_out for f in self.size_formulas()))

    def to_dict(self) -> dict:
        return {
            "input_shape": list(self.input_shape),
            "output_shape": list(self.output_shape),
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": self.padding_arg if isinstance(self.padding_arg, str) else list(self.padding_arg),
            "padding_amounts": [list(p) for p in self.padding],
            "dilation": list(self.dilation),
            "groups": self.groups,
            "padding_mode": self.padding_mode,
            "bias": self.bias,
        }


@dataclass(frozen=True, eq=False)
class Conv:
    """A convolution with its data: the spec, input ``(C, *spatial)``,
    weight ``(C_out, C_in/groups, *kernel)`` and bias ``(C_out,)`` or None."""

    spec: ConvSpec
    input: np.ndarray
    weight: np.ndarray
    bias: np.ndarray | None = None

    def __post_init__(self):
        check_data(self.spec, self.input, self.weight, self.bias)
        if (self.bias is not None) != self.spec.bias:
            raise SpecError("bias", "bias values must be given exactly when the spec has bias=True")


def check_data(spec: ConvSpec, input, weight, bias) -> None:
    """The data given agrees with the spec (``None``: not given, nothing to check)."""
    if input is not None and input.shape != spec.input_shape:
        raise SpecError("input", f"shape {format_shape(input.shape)} does not match the spec's {format_shape(spec.input_shape)}")
    if weight is not None and weight.shape != spec.weight_shape:
        raise SpecError(
            "weight",
            f"shape {format_shape(weight.shape)} must be (out_channels, in_channels/groups, *kernel_size) "
            f"= {format_shape(spec.weight_shape)}",
        )
    if bias is not None and bias.shape != (spec.out_channels,):
        raise SpecError("bias", f"needs one value per output channel ({spec.out_channels}), got shape {format_shape(bias.shape)}")


# -- normalisation and rules ---------------------------------------------------


def per_axis(value, ndim: int, option: str, minimum: int) -> tuple[int, ...]:
    """An int for every axis, or a tuple with one entry per axis."""
    items = list(value) if isinstance(value, (tuple, list)) else [value] * ndim
    if len(items) != ndim:
        raise SpecError(option, f"needs 1 or {ndim} values (one per spatial dimension), got {len(items)}")
    out = []
    for item in items:
        whole = isinstance(item, (int, np.integer)) or (isinstance(item, (float, np.floating)) and float(item).is_integer())
        if isinstance(item, (bool, np.bool_)) or not whole:
            raise SpecError(option, f"must be whole numbers, got {item!r}")
        if item < minimum:
            rule = "non-negative" if minimum == 0 else f"at least {minimum}"
            raise SpecError(option, f"must be {rule}, got {int(item)}")
        if item > MAX_INT:
            raise SpecError(option, f"must be at most {MAX_INT} (PyTorch's int64), got {int(item)}")
        out.append(int(item))
    return tuple(out)


def resolve_padding(padding, ndim, kernel, dilation):
    """(before, after) per axis, as PyTorch computes them, and the argument as asked."""
    if isinstance(padding, str):
        word = padding.strip().lower()
        if word not in PADDING_WORDS:
            raise SpecError("padding", f"must be a whole number, a tuple, or one of {', '.join(PADDING_WORDS)}; got {padding!r}")
        if word == "valid":
            return ((0, 0),) * ndim, word
        if word == "causal":
            if ndim != 1:
                raise SpecError("padding", f"'causal' is for 1-D convolutions only; this one has {ndim} spatial dimensions")
            return ((dilation[0] * (kernel[0] - 1), 0),), word
        # 'same': PyTorch puts the odd one on the right.
        pads = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            pads.append((total // 2, total - total // 2))
        return tuple(pads), word
    amounts = per_axis(padding, ndim, "padding", minimum=0)
    return tuple((p, p) for p in amounts), amounts


def _check_counts(spec: ConvSpec) -> None:
    """Sizes and steps that PyTorch needs positive (padding: non-negative),
    checked first so that no later rule divides by zero or loops on nothing."""
    ndim = len(spec.kernel_size)
    if ndim < 1:
        raise SpecError("kernel_size", "needs one entry per spatial dimension, and there must be at least one")
    if len(spec.input_shape) != ndim + 1:
        raise SpecError("input", f"shape {format_shape(spec.input_shape)} must be (C, *spatial) with {ndim} spatial dimension(s)")
    if min(spec.input_shape) < 1:
        raise SpecError("input", f"every dimension must be at least 1, got shape {format_shape(spec.input_shape)}")
    for name in ("out_channels", "groups"):
        if getattr(spec, name) < 1:
            raise SpecError(name, f"must be at least 1, got {getattr(spec, name)}")
    for name in ("kernel_size", "stride", "dilation"):
        values = getattr(spec, name)
        if len(values) != ndim:
            raise SpecError(name, f"needs {ndim} entries, one per spatial dimension")
        if min(values) < 1:
            raise SpecError(name, f"must be at least 1, got {format_value(values)}")
    if len(spec.padding) != ndim or any(len(pair) != 2 for pair in spec.padding):
        raise SpecError("padding", f"needs {ndim} (before, after) pairs, one per spatial dimension")
    if min(min(pair) for pair in spec.padding) < 0:
        raise SpecError("padding", f"must be non-negative, got {spec.padding}")


def _padding_arg_of(padding: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    if any(lo != hi for lo, hi in padding):
        # nn.ConvNd pads both sides alike; only 'same' and 'causal' split unevenly.
        raise SpecError("padding", f"uneven padding {padding} needs padding_arg 'same' or 'causal' to say where it comes from")
    return tuple(lo for lo, _ in padding)


def _check_padding_arg(spec: ConvSpec, arg):
    """The argument shown in the code panel must give exactly the padding drawn."""
    resolved, normalised = resolve_padding(arg, spec.ndim, spec.kernel_size, spec.dilation)
    if resolved != spec.padding:
        raise SpecError("padding", f"padding_arg {arg!r} gives the amounts {resolved}, not {spec.padding}")
    return normalised


def _check_spec(spec: ConvSpec) -> None:
    """The rules PyTorch enforces, in the words of the option they concern."""
    if not isinstance(spec.padding_mode, str) or spec.padding_mode not in PADDING_MODES:
        raise SpecError("padding_mode", f"must be one of {', '.join(PADDING_MODES)}; got {spec.padding_mode!r}")
    if spec.in_channels % spec.groups:
        raise SpecError("groups", f"in_channels ({spec.in_channels}) must be divisible by groups ({spec.groups})")
    if spec.out_channels % spec.groups:
        raise SpecError("groups", f"out_channels ({spec.out_channels}) must be divisible by groups ({spec.groups})")
    if spec.padding_arg == "same" and any(s != 1 for s in spec.stride):
        raise SpecError("padding", f"'same' is not supported for strided convolutions (stride={format_value(spec.stride)})")
    # PyTorch's limits: reflect mirrors without repeating the edge, so it
    # needs padding < size; circular may wrap the whole input once, not more.
    if spec.padding_mode == "reflect":
        for n, (lo, hi) in zip(spec.spatial_shape, spec.padding):
            if max(lo, hi) >= n:
                raise SpecError("padding", f"reflect padding ({max(lo, hi)}) must be smaller than the input size ({n}) on every axis")
    if spec.padding_mode == "circular":
        for n, (lo, hi) in zip(spec.spatial_shape, spec.padding):
            if max(lo, hi) > n:
                raise SpecError("padding", f"circular padding ({max(lo, hi)}) must not exceed the input size ({n}): it would wrap around more than once")
    for n, f in zip(spec.padded_shape, spec.size_formulas()):
        reach = f.span
        if reach > n:
            raise SpecError(
                "kernel_size",
                f"the kernel spans {reach} cells (dilation×(kernel_size−1)+1) but the padded input has only {n}",
            )


def format_value(value) -> str:
    """An int as itself, a one-axis tuple as its entry, a longer one as ``(a, b)``."""
    if isinstance(value, tuple):
        return format_shape(value) if len(value) != 1 else str(value[0])
    return str(value)


def format_shape(shape) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ")"
