"""The step-tracing engine: the one place where convanim does arithmetic.

``trace(conv)`` computes the convolution as PyTorch does (cross-correlation,
padding applied first in the chosen mode) and records every step: for each
output element, every tap that feeds it, with the weight, the value read, the
product, then the bias and the result. Renderers and writers only read it.

This module imports numpy alone, so ``convanim trace`` starts fast.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from .errors import SpecError
from .spec import Conv, ConvSpec


@dataclass(frozen=True)
class Tap:
    """One multiplication: a kernel cell over an input cell."""

    in_channel: int
    kernel_index: tuple[int, ...]
    position: tuple[int, ...]  # in the padded input
    source: tuple[int, ...] | None  # the input cell read or copied; None for zero padding
    weight: float
    value: float
    product: float

    def to_dict(self) -> dict:
        return {
            "in_channel": self.in_channel,
            "kernel_index": list(self.kernel_index),
            "position": list(self.position),
            "source": None if self.source is None else list(self.source),
            "weight": self.weight,
            "value": self.value,
            "product": self.product,
        }


@dataclass(frozen=True)
class Step:
    """One output element: its taps, the bias and the sum they make.

    ``window`` is the span the kernel covers, per axis ``(start, stop)`` in
    padded coordinates (stop exclusive, dilation gaps included); ``shown`` is
    the result as a reader sees it: 0 for a sum that cancels to float64
    rounding noise, else ``result``.
    """

    index: int
    out_channel: int
    position: tuple[int, ...]
    group: int
    taps: tuple[Tap, ...]
    bias: float | None
    result: float
    window: tuple[tuple[int, int], ...]
    shown: float

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "out_channel": self.out_channel,
            "position": list(self.position),
            "group": self.group,
            "taps": [tap.to_dict() for tap in self.taps],
            "bias": self.bias,
            "result": self.result,
            "window": [list(span) for span in self.window],
            "shown": self.shown,
        }


@dataclass(frozen=True, eq=False)
class Trace:
    """Everything a reader sees, computed once.

    ``op`` names the operation traced (``"conv"``; transposed convolution and
    pooling will be other ops drawn with the same vocabulary). ``roles``
    gives every padded spatial cell's part in the picture: ``"input"``,
    ``"zero"`` (zero padding) or ``"copy"`` (padding copied from the input by
    reflect, replicate or circular). ``padded`` is the input after padding, ``(C, *padded_spatial)``;
    ``sources[pos]`` is the input position a padded cell shows (itself inside
    the input, the copied cell for reflect/replicate/circular) or None for
    zero padding. ``steps`` come in reading order: output position by
    position, the output channels of one position together.
    """

    conv: Conv
    padded: np.ndarray
    sources: Mapping[tuple[int, ...], tuple[int, ...] | None]
    steps: tuple[Step, ...]
    output: np.ndarray
    roles: np.ndarray
    op: str = "conv"

    @property
    def spec(self) -> ConvSpec:
        return self.conv.spec

    def to_dict(self) -> dict:
        return {
            "op": self.op,
            "spec": self.spec.to_dict(),
            "input_shape": list(self.spec.input_shape),
            "output_shape": list(self.spec.output_shape),
            "size_formulas": [f.to_dict() for f in self.spec.size_formulas()],
            "input": self.conv.input.tolist(),
            "weight": self.conv.weight.tolist(),
            "bias": None if self.conv.bias is None else self.conv.bias.tolist(),
            "padded_input": self.padded.tolist(),
            "roles": self.roles.tolist(),
            "output": self.output.tolist(),
            "steps": [step.to_dict() for step in self.steps],
        }


def source_index(p: int, size: int, before: int, mode: str) -> int | None:
    """Which input cell a padded cell at padded index ``p`` shows, on one axis."""
    i = p - before
    if 0 <= i < size:
        return i
    if mode == "zeros":
        return None
    if mode == "reflect":  # mirror without repeating the edge: -1 -> 1
        return -i if i < 0 else 2 * (size - 1) - i
    if mode == "replicate":
        return min(max(i, 0), size - 1)
    return i % size  # circular


def padded_sources(spec: ConvSpec) -> dict[tuple[int, ...], tuple[int, ...] | None]:
    """The source of every padded position (the same for every channel)."""
    per_axis = [
        [source_index(p, n, lo, spec.padding_mode) for p in range(n + lo + hi)]
        for n, (lo, hi) in zip(spec.spatial_shape, spec.padding)
    ]
    sources = {}
    for position in itertools.product(*(range(len(axis)) for axis in per_axis)):
        picks = tuple(axis[p] for axis, p in zip(per_axis, position))
        sources[position] = None if any(s is None for s in picks) else picks
    return sources


def pad(conv: Conv, sources) -> np.ndarray:
    """The input as the kernel sees it: padding cells filled per the mode."""
    spec = conv.spec
    padded = np.zeros((spec.in_channels, *spec.padded_shape), dtype=np.float64)
    for position, source in sources.items():
        if source is not None:
            padded[(slice(None), *position)] = conv.input[(slice(None), *source)]
    padded.setflags(write=False)
    return padded


def padded_roles(spec: ConvSpec, sources) -> np.ndarray:
    """Every padded spatial cell's role: input, zero padding or copied padding."""
    roles = np.full(spec.padded_shape, "copy", dtype="<U5")
    for position, source in sources.items():
        inside = all(lo <= p < lo + n for p, (lo, _), n in zip(position, spec.padding, spec.spatial_shape))
        if inside:
            roles[position] = "input"
        elif source is None:
            roles[position] = "zero"
    roles.setflags(write=False)
    return roles


EPSILON = 2.0**-52  # float64's relative rounding step


def settle(result: float, terms) -> float:
    """A sum as a reader should see it: 0 when it cancels to rounding noise,
    else ``result`` as it is.

    Summing n terms in float64 can be off by n rounding steps of the largest
    term, so a result that small cannot be told from 0: 0.1×0.1 + 0.2×0.2 −
    0.05 gives 6.9e−18, while 10⁶×10⁶ − 10⁶×10⁶ + 0.5 is a true 0.5."""
    bound = len(terms) * EPSILON * max(abs(term) for term in terms)
    return 0.0 if abs(result) <= bound else result


# Each tap is a Python object (about 500 bytes); past this a trace is too big
# to hold, and far too big to read.
MAX_TAPS = 500_000


def tap_count(spec: ConvSpec) -> int:
    """How many taps a trace of ``spec`` records: one per weight per output element."""
    return math.prod(spec.output_shape) * math.prod(spec.weight_shape[1:])


def trace(conv: Conv) -> Trace:
    """Compute ``conv`` step by step, exactly as PyTorch's ConvNd would."""
    if not isinstance(conv, Conv):
        raise SpecError("conv", f"trace takes a Conv, made by convanim.conv(...); got {type(conv).__name__}")
    spec = conv.spec
    taps = tap_count(spec)
    if taps > MAX_TAPS:
        # Blame the largest factor: the one most worth reducing.
        factors = {
            "size": math.prod(spec.output_shape[1:]),
            "out_channels": spec.out_channels,
            "in_channels": spec.weight_shape[1],
            "kernel_size": math.prod(spec.kernel_size),
        }
        raise SpecError(
            max(factors, key=factors.get),
            f"this convolution has {taps:,} taps (output elements × weights per output); a trace holds at most {MAX_TAPS:,}",
        )
    sources = padded_sources(spec)
    padded = pad(conv, sources)
    in_per_group = spec.in_channels // spec.groups
    out_per_group = spec.out_channels // spec.groups
    kernel_cells = list(itertools.product(*(range(k) for k in spec.kernel_size)))
    out_spatial = spec.output_shape[1:]
    output = np.zeros(spec.output_shape, dtype=np.float64)

    steps = []
    for position in itertools.product(*(range(n) for n in out_spatial)):
        origin = tuple(p * s for p, s in zip(position, spec.stride))
        window = tuple((o, o + f.span) for o, f in zip(origin, spec.size_formulas()))
        for out_channel in range(spec.out_channels):
            group = out_channel // out_per_group
            taps = []
            for local_in in range(in_per_group):
                in_channel = group * in_per_group + local_in
                for cell in kernel_cells:
                    at = tuple(o + k * d for o, k, d in zip(origin, cell, spec.dilation))
                    weight = float(conv.weight[(out_channel, local_in, *cell)])
                    value = float(padded[(in_channel, *at)])
                    taps.append(Tap(in_channel, cell, at, sources[at], weight, value, weight * value))
            bias = float(conv.bias[out_channel]) if conv.bias is not None else None
            result = sum(tap.product for tap in taps) + (bias if bias is not None else 0.0)
            output[(out_channel, *position)] = result
            shown = settle(result, [tap.product for tap in taps] + ([bias] if bias is not None else []))
            steps.append(Step(len(steps), out_channel, position, group, tuple(taps), bias, result, window, shown))
    if not np.all(np.isfinite(output)):
        # float64 overflowed: a trace of infinities explains nothing (and is not valid JSON).
        raise SpecError("input", "values too large: a product or sum exceeds the range of 64-bit floats")
    output.setflags(write=False)
    return Trace(conv, padded, MappingProxyType(sources), tuple(steps), output, padded_roles(spec, sources))
