"""A PyTorch layer as convanim sees it: ``from_module(nn.Conv1d(...), x)``.

The module is read, not imported against: its weight, bias, stride, padding
(numbers, ``'same'`` or ``'valid'``), dilation, groups and padding mode, and
the input as numbers. torch stays out of convanim's dependencies; anything
with the attributes of ``nn.Conv1d`` or ``nn.Conv2d`` works.
"""

from __future__ import annotations

import numpy as np

from .engine import Trace, trace
from .errors import SpecError

# The classes convanim can draw, by name, with their spatial dimensions.
SUPPORTED = {"Conv1d": 1, "Conv2d": 2}


def from_module(module, input) -> Trace:
    """The trace of ``module`` applied to ``input``: that very layer, with its
    own weights and settings. ``input`` is ``(C, *spatial)`` or, with a batch
    of one, ``(1, C, *spatial)``. Render it as any trace:
    ``convanim.render(convanim.from_module(m, x), "layer.gif")``.
    """
    from .build import conv

    ndim = _dimensions(module)
    weight = _numbers(module.weight, "weight")
    x = _numbers(input, "input")
    if x.ndim == ndim + 2:
        if x.shape[0] != 1:
            raise SpecError("input", f"is a batch of {x.shape[0]}; convanim draws one example: pass input[:1]")
    elif x.ndim != ndim + 1:
        raise SpecError("input", f"must be (C, {_axes(ndim)}) or (1, C, {_axes(ndim)}) for {type(module).__name__}; got shape {tuple(x.shape)}")
    channels, wanted = x.shape[-ndim - 1], getattr(module, "in_channels", None)
    if wanted is not None and channels != wanted:
        raise SpecError("input", f"has {channels} channels; this {type(module).__name__} takes in_channels={wanted}")
    bias = getattr(module, "bias", None)
    return trace(
        conv(
            x,
            weight,
            None if bias is None else _numbers(bias, "bias"),
            stride=tuple(module.stride),
            padding=module.padding if isinstance(module.padding, str) else tuple(module.padding),
            dilation=tuple(module.dilation),
            groups=int(module.groups),
            padding_mode=str(module.padding_mode),
        )
    )


def _dimensions(module) -> int:
    """1 or 2 for a Conv1d or Conv2d (or a subclass); anything else is refused."""
    kind = type(module).__name__
    if getattr(module, "transposed", False):
        raise SpecError("module", f"{kind} is a transposed convolution; convanim draws nn.Conv1d and nn.Conv2d")
    for cls in type(module).__mro__:
        if cls.__name__ in SUPPORTED and hasattr(module, "weight") and hasattr(module, "padding_mode"):
            return SUPPORTED[cls.__name__]
    if kind == "Conv3d" or any(cls.__name__ == "Conv3d" for cls in type(module).__mro__):
        raise SpecError("module", "Conv3d is not drawn; convanim draws nn.Conv1d and nn.Conv2d")
    raise SpecError("module", f"expected a torch nn.Conv1d or nn.Conv2d; got {kind}")


def _numbers(value, name: str) -> np.ndarray:
    """float64 numbers from a tensor (detached, on the CPU), an array or a list."""
    if type(value).__name__.startswith("Uninitialized"):
        raise SpecError(name, "is not made yet (a lazy module): call the module once on an input first")
    try:
        if hasattr(value, "detach"):
            value = value.detach()
        if hasattr(value, "cpu"):
            value = value.cpu()
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{array.dtype} numbers")
        return array.astype(np.float64)
    except (TypeError, ValueError, RuntimeError) as error:
        # An uninitialised lazy module's weight, complex numbers, a string...
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SpecError(name, f"must be real numbers, as a tensor, array or list ({reason})") from None


def _axes(ndim: int) -> str:
    return "L" if ndim == 1 else "H, W"
