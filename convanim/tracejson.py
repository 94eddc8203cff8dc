"""A trace as JSON text, streamed: ``convanim trace --json``.

A large 2-D trace has hundreds of thousands of taps; its text is written a
block of steps at a time, from the trace's arrays, so that it never sits in
memory as one document. Each step reads as ``json.dumps(step.to_dict())``
would write it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .traces import Trace, partial_sums

# This many taps' text at a time: small enough to keep memory flat, large
# enough that numpy does the work.
TAPS_PER_CHUNK = 1 << 15


def json_chunks(trace: Trace) -> Iterator[str]:
    """``trace`` as JSON text, a block of steps at a time."""
    head = json.dumps(trace._head())
    yield head[:-1] + ', "steps": ['
    count = len(trace.steps)
    block = max(1, TAPS_PER_CHUNK // math.prod(trace.spec.weight_shape[1:]))
    texts = _json_texts(trace)
    for start in range(0, count, block):
        text = ", ".join(_steps_json(trace, texts, start, min(start + block, count)))
        yield (", " if start else "") + text
    yield "]}"


def _steps_json(trace: Trace, texts: _JsonTexts, start: int, stop: int) -> Iterator[str]:
    """The JSON text of steps ``start`` to ``stop``, one string each.

    Written from arrays a block at a time (strings joined by numpy over
    object arrays), since a large trace has hundreds of thousands of taps;
    floats are written with ``repr``, as ``json.dumps`` writes them."""
    spec = trace.spec
    steps = np.arange(start, stop)
    channels, positions, sources, weights, values = trace._tap_arrays(steps)
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
    partials = _objects(map(float.__repr__, partial_sums(weights, values).ravel().tolist())).reshape(count, in_per_group)

    position_index, out_channels = np.divmod(steps, spec.out_channels)
    out_positions = np.stack(np.unravel_index(position_index, spec.output_shape[1:]), axis=-1)
    origins = out_positions * np.asarray(spec.stride)
    spans = np.asarray(trace._geometry[2])
    windows = np.stack([origins, origins + spans], axis=-1)  # (B, ndim, 2)
    at = (out_channels, *out_positions.T)
    bias = trace.conv.bias[out_channels].tolist() if trace.conv.bias is not None else [None] * count
    rows = zip(
        steps.tolist(), out_channels.tolist(), out_positions.tolist(), (out_channels // (spec.out_channels // spec.groups)).tolist(),
        taps.tolist(), bias, trace.output[at].tolist(), windows.tolist(), trace.shown[at].tolist(), partials.tolist(),
    )
    for index, out_channel, position, group, tap_texts, bias, result, window, shown, sums in rows:
        yield (
            f'{{"index": {index}, "out_channel": {out_channel}, "position": {position}, "group": {group}, '
            f'"taps": [{", ".join(tap_texts)}], "bias": {json.dumps(bias)}, "result": {result!r}, '
            f'"window": {window}, "shown": {shown!r}, "partial_sums": [{", ".join(sums)}]}}'
        )


def _json_texts(trace: Trace) -> _JsonTexts:
    spec = trace.spec
    cells = trace._geometry[0].tolist()
    return _JsonTexts(
        channels=_objects(f'{{"in_channel": {c}, "kernel_index": ' for c in range(spec.in_channels)),
        cells=_objects(f'{cell}, "position": ' for cell in cells),
        positions=[_objects(map(str, range(len(m)))) for m in trace.index_maps],
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
