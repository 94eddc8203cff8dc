"""``conv(...)``, the front door: from what a user gives to a checked ``Conv``.

It takes numbers, nested lists, ints or per-axis tuples and ``"same"``;
works out how many spatial dimensions they describe; fills in what can be
inferred (sizes from the data, data from the sizes); and makes the
``ConvSpec`` (convanim.spec) that checks PyTorch's rules.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from .errors import SpecError
from .spec import Conv, ConvSpec, check_data, format_value, per_axis, resolve_padding
from .values import to_array

# What convanim fills in when the data does not say.
DEFAULT_LENGTH = 6
DEFAULT_KERNEL = 3
# Filled-in data is built in memory before anything is drawn; beyond this many
# values a typo (--length 1000000000) would exhaust memory, not make a picture.
MAX_FILLED = 1_000_000


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
    spec, in_array, weight_array, bias_array = _parts(locals())  # locals() here: exactly the arguments
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
    return _parts(arguments.arguments)[0]


def _parts(given: dict):
    """The checked spec, and the data arrays that were given (None where
    not), from ``conv``'s arguments by name."""
    groups = _positive_int(given["groups"], "groups")
    in_array, weight_array, bias_array = (
        to_array(given[name], name) if given[name] is not None else None for name in ("input", "weight", "bias")
    )
    # (``--size 6,6 --kernel-size 3,3,3`` names --kernel-size: see PER_AXIS.)
    per_axis_given = {name: given[name] for name in PER_AXIS}
    ndim = _spatial_ndim(in_array, weight_array, **per_axis_given)

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

    kernel = per_axis(given["kernel_size"], ndim, "kernel_size", minimum=1) if given["kernel_size"] is not None else None
    spatial = per_axis(given["size"], ndim, "size", minimum=1) if given["size"] is not None else None
    in_channels, out_channels = (
        _positive_int(given[name], name) if given[name] is not None else None for name in ("in_channels", "out_channels")
    )

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

    dilation = per_axis(given["dilation"], ndim, "dilation", minimum=1)
    resolved_padding, padding_arg = resolve_padding(given["padding"], ndim, kernel, dilation)
    try:
        spec = ConvSpec(
            input_shape=(in_channels, *spatial),
            out_channels=out_channels,
            kernel_size=tuple(kernel),
            stride=per_axis(given["stride"], ndim, "stride", minimum=1),
            padding=resolved_padding,
            dilation=dilation,
            groups=groups,
            padding_mode=given["padding_mode"],
            bias=bias_array is not None,
            padding_arg=padding_arg,
        )
    except SpecError as error:
        if error.option == "kernel_size" and weight_array is not None:
            raise SpecError("weight", error.rule) from None  # the kernel's size came from the weight given
        if _read_as_image(in_array, given) and error.option in ("kernel_size", "padding", "dilation"):
            # The reading was convanim's, not the user's: say it, for whoever meant (N, C, L).
            shape = ", ".join(map(str, in_array.shape))
            raise SpecError(error.option, f"{error.rule} (the input was read as an image (C, H, W) = ({shape}))") from None
        raise
    check_data(spec, in_array, weight_array, bias_array)
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


# -- inference ---------------------------------------------------------------


# The arguments given one per spatial dimension (or one for all); the input's
# size first: like data, it is the reference the others are checked against.
PER_AXIS = ("size", "kernel_size", "stride", "padding", "dilation")


def _read_as_image(in_array, given) -> bool:
    """Whether a 3-level input was read as (C, H, W) by its first size alone."""
    return (
        in_array is not None and in_array.ndim == 3 and in_array.shape[0] != 1 and given.get("weight") is None
        and not any(isinstance(given.get(name), (tuple, list)) for name in PER_AXIS)
    )


def _spatial_ndim(in_array, weight_array, **per_axis) -> int:
    """How many spatial dimensions: every source that says must agree."""
    votes: dict[str, int] = {}
    if weight_array is not None:
        votes["weight"] = 1 if weight_array.ndim == 1 else weight_array.ndim - 2
        if votes["weight"] < 1:
            raise SpecError("weight", "a nested weight has shape (out_channels, in_channels/groups, *kernel_size): at least 3 levels")
    if in_array is not None and in_array.ndim <= 2:
        votes["input"] = 1  # flat or (C, L): it cannot be anything else
    elif in_array is not None and in_array.ndim == 3 and in_array.shape[0] != 1:
        votes["input"] = 2  # (C, H, W): a batch of more than one, (N, C, L), is not drawn
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


def _agree(option: str, given, actual, source: str) -> None:
    if given is None:
        return
    actual = tuple(actual) if isinstance(given, tuple) else actual
    if given != actual:
        raise SpecError(option, f"is {format_value(given)} but {source} {format_value(actual)}; give one or make them agree")
