"""The step-tracing engine: the one place where convanim does arithmetic.

``trace(conv)`` computes the convolution as PyTorch does (cross-correlation,
padding applied first in the chosen mode) and records every step: for each
output element, every tap that feeds it, with the weight, the value read, the
product, then the bias and the result. Renderers and writers only read it.

The arithmetic runs on arrays: the padded input is gathered once through an
index map per axis, and each step's products are summed one after another,
in the order its taps are listed, so every result is bit for bit the sum a
reader would work out tap by tap. The ``Trace`` it returns (convanim.traces)
builds ``Step`` and ``Tap`` objects only when they are read.

This module imports numpy alone, so ``convanim trace`` starts fast.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .errors import SpecError
from .spec import Conv, ConvSpec
from .shown import product_decimals, settle
from .traces import Step, Tap, Trace

__all__ = ["MAX_PADDED", "MAX_TAPS", "Step", "Tap", "Trace", "tap_count", "trace"]


def index_map(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """Which input cell each padded cell shows, on one axis; −1 for zero padding."""
    i = np.arange(-before, size + after)
    if mode == "zeros":
        return np.where((i >= 0) & (i < size), i, -1)
    if mode == "reflect":  # mirror without repeating the edge: -1 -> 1 (padding < size)
        i = np.abs(i)
        return np.where(i > size - 1, 2 * (size - 1) - i, i)
    if mode == "replicate":
        return np.clip(i, 0, size - 1)
    return i % size  # circular


def pad(conv: Conv, index_maps: tuple[np.ndarray, ...]) -> np.ndarray:
    """The input as the kernel sees it: padding cells filled per the mode."""
    padded = conv.input
    for axis, m in enumerate(index_maps, start=1):
        padded = np.take(padded, np.maximum(m, 0), axis=axis)
        if m.min() < 0:
            padded[(slice(None),) * axis + (m < 0,)] = 0.0
    padded = np.array(padded, dtype=np.float64)  # its own array even where nothing was padded
    padded.setflags(write=False)
    return padded


def padded_roles(spec: ConvSpec, index_maps: tuple[np.ndarray, ...]) -> np.ndarray:
    """Every padded spatial cell's role: input, zero padding or copied padding."""
    inside = np.ones(spec.padded_shape, dtype=bool)
    zero = np.zeros(spec.padded_shape, dtype=bool)
    for axis, (m, (lo, _), n) in enumerate(zip(index_maps, spec.padding, spec.spatial_shape)):
        shape = [1] * spec.ndim
        shape[axis] = -1
        p = np.arange(len(m))
        inside &= ((p >= lo) & (p < lo + n)).reshape(shape)
        zero |= (m < 0).reshape(shape)
    roles = np.where(inside, "input", np.where(zero, "zero", "copy")).astype("<U5")
    roles.setflags(write=False)
    return roles


# Gathered taps are multiplied in blocks of this many products, so memory
# stays near the size of the output whatever the size of the kernel.
BLOCK = 1 << 20
# Past this many taps a trace takes seconds to compute and gigabytes to print
# (memory stays a few arrays the size of the output), and is far too big to read.
MAX_TAPS = 20_000_000
# The padded input is held whole (values and roles); padding or input past
# this many values is a typo, not a picture.
MAX_PADDED = 10_000_000


def tap_count(spec: ConvSpec) -> int:
    """How many taps a trace of ``spec`` records: one per weight per output element."""
    return math.prod(spec.output_shape) * math.prod(spec.weight_shape[1:])


def _check_size(spec: ConvSpec) -> None:
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
    padded = spec.in_channels * math.prod(spec.padded_shape)
    if padded > MAX_PADDED:
        option = "padding" if any(lo or hi for lo, hi in spec.padding) else "size"
        raise SpecError(option, f"the padded input has {padded:,} values (channels × padded size); a trace holds at most {MAX_PADDED:,}")


# A step's sum is taken tap after tap. Where a group's output has at least
# this many elements, each tap is one vectorised multiply-add over all of them
# (strided views of the padded input, nothing gathered); below it, the taps
# are gathered and numpy's accumulate runs the chain of additions in C.
LONG_ROWS = 64


def _sums(conv: Conv, padded: np.ndarray):
    """Every step's sum of products, taken strictly tap after tap in the taps'
    order from 0, as Python's ``sum`` does, so each result is bit for bit the
    one a reader gets tap by tap (numpy's own ``sum`` pairs terms up); and
    the largest product's size. Both ``(C_out, *spatial)``."""
    spec = conv.spec
    out_spatial = spec.output_shape[1:]
    in_per_group, out_per_group = spec.in_channels // spec.groups, spec.out_channels // spec.groups
    total = np.empty(spec.output_shape)
    largest = np.empty(spec.output_shape)
    sum_group = _sum_taps_in_rows if out_per_group * math.prod(out_spatial) >= LONG_ROWS else _sum_taps_gathered
    for group in range(spec.groups):
        outs = slice(group * out_per_group, (group + 1) * out_per_group)
        channels = padded[group * in_per_group : (group + 1) * in_per_group]
        total[outs], largest[outs] = sum_group(spec, channels, conv.weight[outs])
    return total, largest


def _tap_cells(spec: ConvSpec):
    """Every tap of a group, in order: its input channel (within the group) and kernel cell."""
    return itertools.product(range(spec.in_channels // spec.groups), itertools.product(*map(range, spec.kernel_size)))


def _sum_taps_in_rows(spec: ConvSpec, channels: np.ndarray, weight: np.ndarray):
    """One vectorised multiply-add per tap over the whole group's output."""
    out_spatial = spec.output_shape[1:]
    total = largest = None
    for channel, cell in _tap_cells(spec):
        # What this tap reads at every output position: a strided view.
        reads = channels[channel][
            tuple(slice(k * d, k * d + s * (n - 1) + 1, s) for k, d, s, n in zip(cell, spec.dilation, spec.stride, out_spatial))
        ]
        products = weight[(slice(None), channel, *cell)].reshape((-1,) + (1,) * spec.ndim) * reads
        if total is None:
            total, largest = products + 0.0, np.abs(products)  # 0 + (−0.0) is 0.0, as in Python
        else:
            total += products
            np.maximum(largest, np.abs(products), out=largest)
    return total, largest


def _sum_taps_gathered(spec: ConvSpec, channels: np.ndarray, weight: np.ndarray):
    """Few output elements and (perhaps) many taps: gather the taps' values,
    a block of taps at a time, and let accumulate add them in order."""
    out_spatial = spec.output_shape[1:]
    out_per_group = weight.shape[0]
    # Offsets into the group's flattened channels: where each output
    # position's window starts, and how far each tap reads from that start.
    strides = np.array(channels.strides) // channels.itemsize
    starts = np.zeros(out_spatial, dtype=np.intp)
    for axis, (n, s) in enumerate(zip(out_spatial, spec.stride)):
        starts = starts + (np.arange(n) * s * strides[axis + 1]).reshape([-1 if a == axis else 1 for a in range(spec.ndim)])
    starts = starts.reshape(-1)
    cells = np.indices(spec.kernel_size).reshape(spec.ndim, -1).T
    reach = (cells * np.asarray(spec.dilation)) @ strides[1:]
    offsets = (np.arange(channels.shape[0])[:, None] * strides[0] + reach[None, :]).reshape(-1)  # in tap order
    weights = np.ascontiguousarray(weight.reshape(out_per_group, -1).T)[:, :, None]  # (T, out, 1)
    flat = channels.reshape(-1)

    total = np.zeros((1, out_per_group, starts.size))  # Python's sum starts from 0
    largest = np.zeros((out_per_group, starts.size))
    block = max(1, BLOCK // total.size)
    for first in range(0, offsets.size, block):
        taps = slice(first, first + block)
        products = weights[taps] * flat[offsets[taps, None] + starts[None, :]][:, None, :]  # (T', out, P)
        total = np.add.accumulate(np.concatenate([total, products]), axis=0)[-1:]
        np.maximum(largest, np.abs(products).max(axis=0), out=largest)
    shape = (out_per_group, *out_spatial)
    return total.reshape(shape), largest.reshape(shape)


def trace(conv: Conv) -> Trace:
    """Compute ``conv`` step by step, exactly as PyTorch's ConvNd would."""
    if not isinstance(conv, Conv):
        raise SpecError("conv", f"trace takes a Conv, made by convanim.conv(...); got {type(conv).__name__}")
    spec = conv.spec
    _check_size(spec)
    index_maps = tuple(
        index_map(n, lo, hi, spec.padding_mode) for n, (lo, hi) in zip(spec.spatial_shape, spec.padding)
    )
    for m in index_maps:
        m.setflags(write=False)
    padded = pad(conv, index_maps)
    terms = math.prod(spec.weight_shape[1:])
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused below, in one line
        total, largest = _sums(conv, padded)
        if conv.bias is not None:
            bias = conv.bias.reshape((-1,) + (1,) * spec.ndim)
            output = total + bias
            largest = np.maximum(largest, np.abs(bias))
            terms += 1
        else:
            output = total + 0.0
    if not np.all(np.isfinite(output)):
        # float64 overflowed: a trace of infinities explains nothing (and is not valid JSON).
        raise SpecError("input", "values too large: a product or sum exceeds the range of 64-bit floats")
    decimals = product_decimals(conv.input, conv.weight, conv.bias)
    shown = settle(output, terms, largest, decimals)
    for array in (output, shown):
        array.setflags(write=False)
    return Trace(conv, padded, padded_roles(spec, index_maps), output, shown, index_maps, decimals)
