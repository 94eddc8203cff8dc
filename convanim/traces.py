"""What a trace holds, and how it is read: ``Trace``, ``Step``, ``Tap``.

The engine computes on arrays; a trace keeps those arrays and builds the
objects a reader asks for (a ``Step``, its ``Tap``s) when they are read, and
writes its JSON a block of steps at a time. A trace of a large 2-D
convolution has hundreds of thousands of taps; most readers look at a few.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .spec import Conv, ConvSpec

# trace --json writes this many taps' text at a time: small enough to keep
# memory flat, large enough that numpy does the work.
TAPS_PER_CHUNK = 1 << 15


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
    rounding noise, else ``result``. A traced step's ``taps`` are built the
    first time they are read.
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
        head = json.dumps(self._head())
        yield head[:-1] + ', "steps": ['
        count = len(self.steps)
        block = max(1, TAPS_PER_CHUNK // self._taps_per_step)
        for start in range(0, count, block):
            text = ", ".join(self._steps_json(start, min(start + block, count)))
            yield (", " if start else "") + text
        yield "]}"

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
    def _taps_per_step(self) -> int:
        return math.prod(self.spec.weight_shape[1:])

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
        return Step(index, out_channel, position, group, taps, bias, float(self.output[at]), window, float(self.shown[at]))

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

    def _steps_json(self, start: int, stop: int) -> Iterator[str]:
        """The JSON text of steps ``start`` to ``stop``, one string each.

        Written from arrays a block at a time (strings joined by numpy over
        object arrays), since a large trace has hundreds of thousands of taps;
        floats are written with ``repr``, as ``json.dumps`` writes them."""
        spec = self.spec
        texts = self._json_texts
        steps = np.arange(start, stop)
        channels, positions, sources, weights, values = self._tap_arrays(steps)
        count, in_per_group, cells = weights.shape

        def floats(array, suffix):
            return _objects(map(float.__repr__, array.ravel().tolist())).reshape(array.shape) + suffix

        where = "[" + _join(texts.positions, positions, ", ") + "], "
        shows = np.where((sources < 0).any(axis=-1), "null", "[" + _join(texts.sources, np.maximum(sources, 0), ", ") + "]")
        taps = (
            texts.channels[channels][:, :, None]
            + texts.cells[None, None, :]
            + (where + '"source": ' + shows + ', "weight": ')[:, None, :]
            + floats(weights, ', "value": ')
            + floats(values, ', "product": ')
            + floats(weights * values, "}")
        ).reshape(count, -1)

        position_index, out_channels = np.divmod(steps, spec.out_channels)
        out_positions = np.stack(np.unravel_index(position_index, spec.output_shape[1:]), axis=-1)
        origins = out_positions * np.asarray(spec.stride)
        spans = np.asarray(self._geometry[2])
        windows = np.stack([origins, origins + spans], axis=-1)  # (B, ndim, 2)
        at = (out_channels, *out_positions.T)
        bias = self.conv.bias[out_channels].tolist() if self.conv.bias is not None else [None] * count
        rows = zip(
            steps.tolist(), out_channels.tolist(), out_positions.tolist(), (out_channels // (spec.out_channels // spec.groups)).tolist(),
            taps.tolist(), bias, self.output[at].tolist(), windows.tolist(), self.shown[at].tolist(),
        )
        for index, out_channel, position, group, tap_texts, bias, result, window, shown in rows:
            yield (
                f'{{"index": {index}, "out_channel": {out_channel}, "position": {position}, "group": {group}, '
                f'"taps": [{", ".join(tap_texts)}], "bias": {json.dumps(bias)}, "result": {result!r}, '
                f'"window": {window}, "shown": {shown!r}}}'
            )

    @cached_property
    def _json_texts(self) -> _JsonTexts:
        spec = self.spec
        cells = self._geometry[0].tolist()
        return _JsonTexts(
            channels=_objects(f'{{"in_channel": {c}, "kernel_index": ' for c in range(spec.in_channels)),
            cells=_objects(f'{cell}, "position": ' for cell in cells),
            positions=[_objects(map(str, range(len(m)))) for m in self.index_maps],
            sources=[_objects(map(str, range(n))) for n in spec.spatial_shape],
        )


@dataclass(frozen=True)
class _JsonTexts:
    """Pieces of a tap's JSON text, indexed by channel, kernel cell, or index on an axis."""

    channels: np.ndarray
    cells: np.ndarray
    positions: list[np.ndarray]
    sources: list[np.ndarray]


def _objects(texts) -> np.ndarray:
    """Strings as a numpy object array, so that ``+`` joins them element-wise."""
    texts = list(texts)
    array = np.empty(len(texts), dtype=object)
    array[:] = texts
    return array


def _join(per_axis: list[np.ndarray], indices: np.ndarray, separator: str) -> np.ndarray:
    """``indices[..., a]`` looked up in ``per_axis[a]``, joined along the last axis."""
    joined = per_axis[0][indices[..., 0]]
    for a in range(1, len(per_axis)):
        joined = joined + separator + per_axis[a][indices[..., a]]
    return joined


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


class Taps(Sequence):
    """One step's taps, built the first time any of them is read. Compares
    equal to the tuple of the same taps."""

    def __init__(self, trace: Trace, out_channel: int, group: int, origin: tuple[int, ...]):
        self._trace, self._out_channel, self._group, self._origin = trace, out_channel, group, origin

    @cached_property
    def _taps(self) -> tuple[Tap, ...]:
        trace = self._trace
        spec = trace.spec
        cells, offsets, *_ = trace._geometry
        in_per_group = spec.in_channels // spec.groups
        positions = np.asarray(self._origin) + offsets  # (K, ndim)
        first = self._group * in_per_group
        values = trace.padded[(slice(first, first + in_per_group), *positions.T)].tolist()
        weights = trace.conv.weight[self._out_channel].reshape(in_per_group, -1).tolist()
        sources = np.stack([m[p] for m, p in zip(trace.index_maps, positions.T)], axis=1)
        shows = [None if min(s) < 0 else tuple(s) for s in sources.tolist()]
        cells = list(map(tuple, cells.tolist()))
        positions = list(map(tuple, positions.tolist()))
        return tuple(
            Tap(first + c, cell, at, source, weight, value, weight * value)
            for c, (channel_weights, channel_values) in enumerate(zip(weights, values))
            for cell, at, source, weight, value in zip(cells, positions, shows, channel_weights, channel_values)
        )

    def __len__(self) -> int:
        return len(self._taps)

    def __getitem__(self, item):
        return self._taps[item]

    def __iter__(self) -> Iterator[Tap]:
        return iter(self._taps)

    def __eq__(self, other) -> bool:
        if isinstance(other, (Taps, tuple)):
            return self._taps == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._taps)

    def __repr__(self) -> str:
        return repr(self._taps)


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
