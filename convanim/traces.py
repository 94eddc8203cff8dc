"""What a trace holds, and how it is read: ``Trace``, ``Step``, ``Tap``.

The engine computes on arrays; a trace keeps those arrays and builds the
objects a reader asks for (a ``Step``, its ``Tap``s and partial sums) when
they are read; its JSON is written a block of steps at a time
(convanim.tracejson). A trace of a large 2-D convolution has hundreds of
thousands of taps; most readers look at a few.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .shown import product_decimals, settle
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
    rounding noise, else ``result``. ``partial_sums`` holds, for each input
    channel the step reads (in the taps' order: its group's channels), the
    sum of that channel's products, added tap after tap from 0. A traced
    step's ``taps`` and ``partial_sums`` are computed the first time they
    are read.
    """

    index: int
    out_channel: int
    position: tuple[int, ...]
    group: int
    taps: Sequence[Tap]
    bias: float | None
    result: float
    window: tuple[tuple[int, int], ...]
    shown: float
    partial_sums: Sequence[float]

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
            "partial_sums": list(self.partial_sums),
        }


@dataclass(frozen=True, eq=False)
class Trace:
    """Everything a reader sees, computed once.

    ``op`` names the operation traced (``"conv"``; transposed convolution and
    pooling will be other ops drawn with the same vocabulary). ``roles``
    gives every padded spatial cell's part in the picture: ``"input"``,
    ``"zero"`` (zero padding) or ``"copy"`` (padding copied from the input by
    reflect, replicate or circular). ``padded`` is the input after padding,
    ``(C, *padded_spatial)``; ``sources[pos]`` is the input position a padded
    cell shows (itself inside the input, the copied cell for
    reflect/replicate/circular) or None for zero padding. ``output`` holds
    every result and ``shown`` every result as a reader sees it (rounding
    noise as 0), both ``(C_out, *spatial)``. ``steps`` come in reading order:
    output position by position, the output channels of one position
    together; they are built as they are read.
    """

    conv: Conv
    padded: np.ndarray
    roles: np.ndarray
    output: np.ndarray
    shown: np.ndarray
    index_maps: tuple[np.ndarray, ...]  # per axis: the input index each padded index shows, −1 for zero padding
    # The decimals a sum of the products has, worked out exactly
    # (``shown.product_decimals``; None: not short decimals): results and
    # partial sums are shown by it.
    decimals: int | None = None
    op: str = "conv"

    @property
    def spec(self) -> ConvSpec:
        return self.conv.spec

    @cached_property
    def sources(self) -> Mapping[tuple[int, ...], tuple[int, ...] | None]:
        return PaddedSources(self.index_maps)

    @cached_property
    def steps(self) -> Steps:
        return Steps(self, range(self.output.size))

    def _head(self) -> dict:
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
        }

    def to_dict(self) -> dict:
        """The whole trace as plain data: ``json.loads`` of ``json_chunks``."""
        return json.loads("".join(self.json_chunks()))

    def json_chunks(self) -> Iterator[str]:
        """The trace as JSON text, a block of steps at a time, so that a large
        trace never sits in memory as one document. Each step reads as
        ``json.dumps(step.to_dict())`` would write it."""
        from .tracejson import json_chunks

        return json_chunks(self)

    # -- steps, built on demand ------------------------------------------------
    @cached_property
    def _geometry(self):
        """What building a step needs, computed once: per output channel its
        group; per tap its input channel offset, kernel cell and offset from
        the window's start."""
        spec = self.spec
        kernel = spec.kernel_size
        cells = np.indices(kernel).reshape(len(kernel), -1).T  # (K, ndim), in tap order
        offsets = cells * np.asarray(spec.dilation)
        spans = tuple(f.span for f in spec.size_formulas())
        return cells, offsets, spans, spec.output_shape[1:], spec.out_channels // spec.groups

    @cached_property
    def _kernel_cells(self) -> list[tuple[int, ...]]:
        """``_geometry``'s kernel cells as tuples, in tap order (each step's taps name them)."""
        return list(map(tuple, self._geometry[0].tolist()))

    @cached_property
    def _zero_padding(self) -> np.ndarray:
        """Where ``roles`` is zero padding, as booleans (compared once, not at every step)."""
        return self.roles == "zero"

    def _step(self, index: int) -> Step:
        spec = self.spec
        _, _, spans, out_spatial, out_per_group = self._geometry
        position_index, out_channel = divmod(index, spec.out_channels)
        position = []
        for n in reversed(out_spatial):
            position_index, p = divmod(position_index, n)
            position.append(p)
        position = tuple(reversed(position))
        origin = tuple(p * s for p, s in zip(position, spec.stride))
        window = tuple((o, o + span) for o, span in zip(origin, spans))
        group = out_channel // out_per_group
        at = (out_channel, *position)
        bias = float(self.conv.bias[out_channel]) if self.conv.bias is not None else None
        taps = Taps(self, out_channel, group, origin)
        return Step(
            index, out_channel, position, group, taps, bias, float(self.output[at]), window, float(self.shown[at]), PartialSums(taps)
        )

    def _tap_arrays(self, steps: np.ndarray):
        """The taps of ``steps`` (indices) as arrays: input channels ``(B, C')``,
        positions and sources ``(B, K, ndim)`` (sources −1 in zero padding),
        weights and values ``(B, C', K)``, with C' = C_in/groups input channels
        and K kernel cells per step, in tap order."""
        spec = self.spec
        cells, offsets, *_ = self._geometry
        in_per_group = spec.in_channels // spec.groups
        position_index, out_channels = np.divmod(steps, spec.out_channels)
        origins = np.stack(np.unravel_index(position_index, spec.output_shape[1:]), axis=-1) * np.asarray(spec.stride)
        positions = origins[:, None, :] + offsets[None, :, :]  # (B, K, ndim)
        groups = out_channels // (spec.out_channels // spec.groups)
        channels = groups[:, None] * in_per_group + np.arange(in_per_group)  # (B, C')
        values = self.padded[(channels[:, :, None], *(positions[:, None, :, a] for a in range(spec.ndim)))]
        weights = self.conv.weight[out_channels].reshape(len(steps), in_per_group, -1)
        sources = np.stack([m[positions[..., a]] for a, m in enumerate(self.index_maps)], axis=-1)
        return channels, positions, sources, weights, values


class Steps(Sequence):
    """A trace's steps, built as they are read; slices are lazy too."""

    def __init__(self, trace: Trace, indices: range):
        self._trace = trace
        self._indices = indices

    def __len__(self) -> int:
        return len(self._indices)

    def __getitem__(self, item):
        if isinstance(item, slice):
            return Steps(self._trace, self._indices[item])
        return self._trace._step(self._indices[item])

    def __iter__(self) -> Iterator[Step]:
        return map(self._trace._step, self._indices)

    def __repr__(self) -> str:
        return f"<{len(self)} steps>"


class _Lazy(Sequence):
    """A tuple computed the first time it is read (``_items``); compares
    equal to the same tuple."""

    _items: tuple

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, item):
        return self._items[item]

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __eq__(self, other) -> bool:
        if isinstance(other, (_Lazy, tuple)):
            return self._items == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return repr(self._items)


class Taps(_Lazy):
    """One step's taps, built the first time any of them is read."""

    def __init__(self, trace: Trace, out_channel: int, group: int, origin: tuple[int, ...]):
        self._trace, self._out_channel, self._group, self._origin = trace, out_channel, group, origin

    @cached_property
    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The step's weights and the values they read, ``(C', K)`` each:
        C' = C_in/groups input channels, K kernel cells, in tap order."""
        trace = self._trace
        in_per_group = trace.spec.in_channels // trace.spec.groups
        first = self._group * in_per_group
        positions = np.asarray(self._origin) + trace._geometry[1]  # (K, ndim)
        values = trace.padded[(slice(first, first + in_per_group), *positions.T)]
        return trace.conv.weight[self._out_channel].reshape(in_per_group, -1), values

    @property
    def decimals(self) -> int | None:
        """The trace's ``decimals``: a step's partial sums are shown by the
        rule its result is."""
        return self._trace.decimals

    @property
    def first_channel(self) -> int:
        """The first input channel the step reads (its group's first)."""
        return self._group * (self._trace.spec.in_channels // self._trace.spec.groups)

    @cached_property
    def reads_zero_padding(self) -> tuple[bool, ...]:
        """Per kernel cell, in tap order: whether it reads zero padding."""
        trace = self._trace
        positions = np.asarray(self._origin) + trace._geometry[1]  # (K, ndim)
        return tuple(trace._zero_padding[tuple(positions.T)].tolist())

    @cached_property
    def _items(self) -> tuple[Tap, ...]:
        trace = self._trace
        _, offsets, *_ = trace._geometry
        first = self._group * (trace.spec.in_channels // trace.spec.groups)
        positions = np.asarray(self._origin) + offsets  # (K, ndim)
        weights, values = (array.tolist() for array in self.arrays)
        sources = np.stack([m[p] for m, p in zip(trace.index_maps, positions.T)], axis=1)
        shows = [None if min(s) < 0 else tuple(s) for s in sources.tolist()]
        cells = trace._kernel_cells
        positions = list(map(tuple, positions.tolist()))
        return tuple([
            Tap(first + c, cell, at, source, weight, value, weight * value)
            for c, (channel_weights, channel_values) in enumerate(zip(weights, values))
            for cell, at, source, weight, value in zip(cells, positions, shows, channel_weights, channel_values)
        ])


class PartialSums(_Lazy):
    """One step's partial sums, one per input channel it reads, computed
    from its taps' arrays the first time any is read."""

    def __init__(self, taps: Taps):
        self._taps = taps

    @cached_property
    def _items(self) -> tuple[float, ...]:
        return tuple(partial_sums(*self._taps.arrays).tolist())


def shown_partial_sums(step: Step) -> tuple[float, ...]:
    """A step's ``partial_sums`` as a reader sees them: 0 where a channel's
    products cancel to rounding noise, by the rule ``shown`` follows (the
    trace keeps the sums bit for bit)."""
    arrays = getattr(step.taps, "arrays", None)
    if arrays is not None:  # a traced step: from its arrays, without building its taps
        weights, values = arrays
        largest = np.abs(weights * values).max(axis=1)
        return tuple(settle(np.asarray(step.partial_sums), weights.shape[1], largest, step.taps.decimals).tolist())
    sizes: dict[int, list[float]] = {}
    for tap in step.taps:
        sizes.setdefault(tap.in_channel, []).append(abs(tap.product))
    decimals = product_decimals([tap.value for tap in step.taps], [tap.weight for tap in step.taps], [step.bias] if step.bias is not None else None)
    return tuple(float(settle(partial, len(found), max(found), decimals)) for partial, found in zip(step.partial_sums, sizes.values(), strict=True))


def partial_sums(weights: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each input channel's sum of products: ``(..., C', K)`` weights and
    values -> ``(..., C')``. Each channel's products are added one after
    another in tap order, from 0, as a reader adds them and as the engine
    takes a step's whole sum (numpy's own ``sum`` pairs terms up, which can
    change the last bit)."""
    products = weights * values
    sums = np.zeros(products.shape[:-1])
    for cell in range(products.shape[-1]):
        sums += products[..., cell]
    return sums


class PaddedSources(Mapping):
    """Padded position -> the input position it shows, or None for zero padding."""

    def __init__(self, index_maps: tuple[np.ndarray, ...]):
        self._maps = index_maps

    def __getitem__(self, position):
        if not isinstance(position, tuple) or len(position) != len(self._maps):
            raise KeyError(position)
        picks = []
        for m, p in zip(self._maps, position):
            if not isinstance(p, (int, np.integer)) or not 0 <= p < len(m):
                raise KeyError(position)
            picks.append(int(m[p]))
        return None if min(picks) < 0 else tuple(picks)

    def __iter__(self):
        return itertools.product(*(range(len(m)) for m in self._maps))

    def __len__(self) -> int:
        return math.prod(len(m) for m in self._maps)
