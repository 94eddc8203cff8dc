"""Validated, normalised convolution parameters and data.

``conv(...)`` is the front door: it takes what a user gives (numbers, nested
lists, ints or per-axis tuples, ``"same"``), fills what can be inferred, checks
every rule PyTorch checks (and the few convanim adds), and returns a ``Conv``:
an immutable spec plus the input, weight and bias arrays. Everything after
this stage can trust its arguments.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field

import numpy as np

from .errors import SpecError
from .values import to_array

MAX_INT = 2**63 - 1  # PyTorch stores sizes and strides as int64
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
PADDING_WORDS = ("same", "valid", "causal")

# How the size formula names each axis, as the PyTorch docs do.
AXIS_NAMES = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}

# What convanim fills in when the data does not say.
DEFAULT_LENGTH = 6
DEFAULT_KERNEL = 3
# Filled-in data is built in memory before anything is drawn; beyond this many
# values a typo (--length 1000000000) would exhaust memory, not make a picture.
MAX_FILLED = 1_000_000


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
        _check_data(self.spec, self.input, self.weight, self.bias)
        if (self.bias is not None) != self.spec.bias:
            raise SpecError("bias", "bias values must be given exactly when the spec has bias=True")


def _check_data(spec: ConvSpec, input, weight, bias) -> None:
    """The data given agrees with the spec (``None``: not given, nothing to check)."""
    if input is not None and input.shape != spec.input_shape:
        raise SpecError("input", f"shape {_fmt_shape(input.shape)} does not match the spec's {_fmt_shape(spec.input_shape)}")
    if weight is not None and weight.shape != spec.weight_shape:
        raise SpecError(
            "weight",
            f"shape {_fmt_shape(weight.shape)} must be (out_channels, in_channels/groups, *kernel_size) "
            f"= {_fmt_shape(spec.weight_shape)}",
        )
    if bias is not None and bias.shape != (spec.out_channels,):
        raise SpecError("bias", f"needs one value per output channel ({spec.out_channels}), got shape {_fmt_shape(bias.shape)}")


def conv(
    input=None,
    weight=None,
    bias=None,
    *,
    stride=1,
    padding=0,
    dilation=1,
    groups: int = 1,
    padding_mode: str = "zeros",
    in_channels: int | None = None,
    out_channels: int | None = None,
    kernel_size=None,
    size=None,
) -> Conv:
    """Build a checked ``Conv`` from user-level arguments.

    ``input`` is ``(C, *spatial)`` or ``(1, C, *spatial)``; a flat list is one
    channel of 1-D data. ``weight`` is ``(C_out, C_in/groups, *kernel)``; a flat
    list is one 1-D kernel for one channel in and out. The number of spatial
    dimensions comes from the weight, or from any per-axis argument given as
    a tuple, or from the input; they must agree.

    Where data is left out, ``in_channels``, ``out_channels``, ``kernel_size``
    and ``size`` (the spatial size) describe it, and convanim fills it:
    input channel c holds (c+1)×(1, 2, 3, …); every weight of output channel o
    is 2×(o+1) (the article's kernels are all 2s). Defaults: one input
    channel, as many output channels as input channels, kernel 3, size 6.
    """
    spec, in_array, weight_array, bias_array = _parts(**locals())  # locals() here: exactly the arguments
    if in_array is None:
        _check_fill({"in_channels": spec.in_channels, "size": math.prod(spec.spatial_shape)}, "in_channels×size")
        in_array = default_input(spec.input_shape)
    if weight_array is None:
        factors = {"kernel_size": math.prod(spec.kernel_size), "out_channels": spec.out_channels, "in_channels": spec.weight_shape[1]}
        _check_fill(factors, "out_channels×in_channels/groups×kernel_size")
        weight_array = default_weight(spec.weight_shape)
    return Conv(spec, in_array, weight_array, bias_array)


def conv_spec(*args, **kwargs) -> ConvSpec:
    """The ``ConvSpec`` that ``conv`` would build from the same arguments,
    checked the same way, without filling in data: shapes alone, for any size."""
    arguments = inspect.signature(conv).bind(*args, **kwargs)
    arguments.apply_defaults()
    return _parts(**arguments.arguments)[0]


def _parts(input, weight, bias, stride, padding, dilation, groups, padding_mode, in_channels, out_channels, kernel_size, size):
    """The checked spec, and the data arrays that were given (None where not)."""
    groups = _positive_int(groups, "groups")
    in_array = to_array(input, "input") if input is not None else None
    weight_array = to_array(weight, "weight") if weight is not None else None
    bias_array = to_array(bias, "bias") if bias is not None else None

    ndim = _spatial_ndim(in_array, weight_array, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation, size=size)

    # Weight: flat means one 1-D kernel for one channel in and out.
    if weight_array is not None:
        if weight_array.ndim == 1:
            weight_array = weight_array.reshape(1, 1, -1)
        if weight_array.ndim != ndim + 2:
            raise SpecError(
                "weight",
                f"a nested weight has {ndim + 2} levels (out_channels, in_channels/groups, *kernel_size); got {weight_array.ndim}",
            )

    # Input: flat is one channel; a leading batch of one is dropped.
    if in_array is not None:
        if in_array.ndim == 1:
            in_array = in_array.reshape(1, -1)
        if in_array.ndim == ndim + 2:
            if in_array.shape[0] != 1:
                raise SpecError("input", f"the batch dimension must be 1 (convanim draws one example), got {in_array.shape[0]}")
            in_array = in_array[0]
        if in_array.ndim != ndim + 1:
            raise SpecError(
                "input", f"expected (C, *spatial) or (1, C, *spatial) with {ndim} spatial dimension(s); got {in_array.ndim} levels"
            )

    kernel = _per_axis(kernel_size, ndim, "kernel_size", minimum=1) if kernel_size is not None else None
    spatial = _per_axis(size, ndim, "size", minimum=1) if size is not None else None
    if in_channels is not None:
        in_channels = _positive_int(in_channels, "in_channels")
    if out_channels is not None:
        out_channels = _positive_int(out_channels, "out_channels")

    # Agreement between the data and the sizes given beside it.
    if in_array is not None:
        _agree("in_channels", in_channels, in_array.shape[0], "the input has")
        _agree("size", spatial, in_array.shape[1:], "the input has")
        in_channels, spatial = in_array.shape[0], in_array.shape[1:]
    if weight_array is not None:
        _agree("out_channels", out_channels, weight_array.shape[0], "the weight has")
        _agree("kernel_size", kernel, weight_array.shape[2:], "the weight has")
        out_channels, kernel = weight_array.shape[0], weight_array.shape[2:]
        if in_channels is None:
            in_channels = weight_array.shape[1] * groups

    in_channels = in_channels or 1
    out_channels = out_channels or in_channels
    kernel = kernel or (DEFAULT_KERNEL,) * ndim
    spatial = spatial or (DEFAULT_LENGTH,) * ndim

    dilation = _per_axis(dilation, ndim, "dilation", minimum=1)
    resolved_padding, padding_arg = _resolve_padding(padding, ndim, kernel, dilation)
    try:
        spec = ConvSpec(
            input_shape=(in_channels, *spatial),
            out_channels=out_channels,
            kernel_size=tuple(kernel),
            stride=_per_axis(stride, ndim, "stride", minimum=1),
            padding=resolved_padding,
            dilation=dilation,
            groups=groups,
            padding_mode=padding_mode,
            bias=bias_array is not None,
            padding_arg=padding_arg,
        )
    except SpecError as error:
        if error.option == "kernel_size" and weight_array is not None:
            raise SpecError("weight", error.rule) from None  # the kernel's size came from the weight given
        raise
    _check_data(spec, in_array, weight_array, bias_array)
    return spec, in_array, weight_array, bias_array


def _check_fill(factors: dict[str, int], product: str) -> None:
    """Refuse to fill in more values than anyone could read; blame the
    largest factor, the one most worth reducing."""
    count = math.prod(factors.values())
    if count > MAX_FILLED:
        option = max(factors, key=factors.get)
        raise SpecError(
            option, f"filling in default values needs {product} = {count:,} of them; convanim fills at most {MAX_FILLED:,}"
        )


def default_input(shape: tuple[int, ...]) -> np.ndarray:
    """Channel c holds (c+1)×(1, 2, 3, …): small, distinct, easy to follow."""
    channels, spatial = shape[0], shape[1:]
    count = math.prod(spatial)
    ramp = np.arange(1, count + 1, dtype=np.float64).reshape(spatial)
    array = np.stack([(c + 1) * ramp for c in range(channels)])
    array.setflags(write=False)
    return array


def default_weight(shape: tuple[int, ...]) -> np.ndarray:
    """Every weight of output channel o is 2×(o+1), as in the article."""
    scale = 2.0 * np.arange(1, shape[0] + 1, dtype=np.float64)
    array = np.ones(shape, dtype=np.float64) * scale.reshape((-1,) + (1,) * (len(shape) - 1))
    array.setflags(write=False)
    return array


# -- normalisation ---------------------------------------------------------


def _spatial_ndim(in_array, weight_array, **per_axis) -> int:
    """How many spatial dimensions: every source that says must agree."""
    votes: dict[str, int] = {}
    if weight_array is not None:
        votes["weight"] = 1 if weight_array.ndim == 1 else weight_array.ndim - 2
        if votes["weight"] < 1:
            raise SpecError("weight", "a nested weight has shape (out_channels, in_channels/groups, *kernel_size): at least 3 levels")
    if in_array is not None and in_array.ndim <= 2:
        votes["input"] = 1  # flat or (C, L): it cannot be anything else
    for name, value in per_axis.items():
        if isinstance(value, (tuple, list)):
            votes[name] = len(value)
    if in_array is not None and not votes:
        if in_array.ndim == 3:
            raise SpecError(
                "input",
                "a 3-level list is either (1, C, L) or (C, H, W): give the weight, or kernel_size as a tuple, to say which",
            )
        else:
            votes["input"] = in_array.ndim - 2
    # Data (weight, then input) is the reference: the other votes are
    # arguments that may have a typo, so they are the ones named.
    names = list(votes)
    for name in names[1:]:
        if votes[name] != votes[names[0]]:
            raise SpecError(
                name, f"has {votes[name]} spatial dimension(s) but {names[0]} has {votes[names[0]]}; they must agree"
            )
    return votes[names[0]] if votes else 1


def _positive_int(value, option: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise SpecError(option, f"must be a whole number, got {value!r}")
    if value < 1:
        raise SpecError(option, f"must be at least 1, got {value}")
    return int(value)


def _per_axis(value, ndim: int, option: str, minimum: int) -> tuple[int, ...]:
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


def _agree(option: str, given, actual, source: str) -> None:
    if given is None:
        return
    actual = tuple(actual) if isinstance(given, tuple) else actual
    if given != actual:
        raise SpecError(option, f"is {_fmt(given)} but {source} {_fmt(actual)}; give one or make them agree")


def _resolve_padding(padding, ndim, kernel, dilation):
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
    amounts = _per_axis(padding, ndim, "padding", minimum=0)
    return tuple((p, p) for p in amounts), amounts


def _check_counts(spec: ConvSpec) -> None:
    """Sizes and steps that PyTorch needs positive (padding: non-negative),
    checked first so that no later rule divides by zero or loops on nothing."""
    ndim = len(spec.kernel_size)
    if ndim < 1:
        raise SpecError("kernel_size", "needs one entry per spatial dimension, and there must be at least one")
    if len(spec.input_shape) != ndim + 1:
        raise SpecError("input", f"shape {_fmt_shape(spec.input_shape)} must be (C, *spatial) with {ndim} spatial dimension(s)")
    if min(spec.input_shape) < 1:
        raise SpecError("input", f"every dimension must be at least 1, got shape {_fmt_shape(spec.input_shape)}")
    for name in ("out_channels", "groups"):
        if getattr(spec, name) < 1:
            raise SpecError(name, f"must be at least 1, got {getattr(spec, name)}")
    for name in ("kernel_size", "stride", "dilation"):
        values = getattr(spec, name)
        if len(values) != ndim:
            raise SpecError(name, f"needs {ndim} entries, one per spatial dimension")
        if min(values) < 1:
            raise SpecError(name, f"must be at least 1, got {_fmt(values)}")
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
    resolved, normalised = _resolve_padding(arg, spec.ndim, spec.kernel_size, spec.dilation)
    if resolved != spec.padding:
        raise SpecError("padding", f"padding_arg {arg!r} gives the amounts {resolved}, not {spec.padding}")
    return normalised


def _check_spec(spec: ConvSpec) -> None:
    """The rules PyTorch enforces, in the words of the option they concern."""
    if spec.padding_mode not in PADDING_MODES:
        raise SpecError("padding_mode", f"must be one of {', '.join(PADDING_MODES)}; got {spec.padding_mode!r}")
    if spec.in_channels % spec.groups:
        raise SpecError("groups", f"in_channels ({spec.in_channels}) must be divisible by groups ({spec.groups})")
    if spec.out_channels % spec.groups:
        raise SpecError("groups", f"out_channels ({spec.out_channels}) must be divisible by groups ({spec.groups})")
    if spec.padding_arg == "same" and any(s != 1 for s in spec.stride):
        raise SpecError("padding", f"'same' is not supported for strided convolutions (stride={_fmt(spec.stride)})")
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


def _fmt(value) -> str:
    if isinstance(value, tuple):
        return _fmt_shape(value) if len(value) != 1 else str(value[0])
    return str(value)


def _fmt_shape(shape) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ")"
