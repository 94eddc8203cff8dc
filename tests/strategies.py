"""Hypothesis strategies for convolutions, shared by the engine, oracle and code tests.

A drawn ``Case`` holds plain data (numpy arrays and per-axis tuples) and
knows how to become ``convanim.conv`` arguments. Values are small integers
stored as float64, so every sum is exact whatever order it is taken in and
outputs can be compared with ``==``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

MODES = ("zeros", "reflect", "replicate", "circular")


@dataclass(frozen=True)
class Case:
    input: np.ndarray  # (C_in, *spatial)
    weight: np.ndarray  # (C_out, C_in/groups, *kernel)
    bias: np.ndarray | None
    stride: tuple[int, ...]
    padding: object  # int, per-axis tuple, or 'same' / 'valid' / 'causal'
    dilation: tuple[int, ...]
    groups: int
    padding_mode: str

    @property
    def ndim(self) -> int:
        return self.weight.ndim - 2

    def kwargs(self) -> dict:
        return dict(
            input=self.input,
            weight=self.weight,
            bias=self.bias,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
            groups=self.groups,
            padding_mode=self.padding_mode,
        )

    def pads(self) -> tuple[tuple[int, int], ...]:
        """(before, after) per axis, worked out here independently of convanim."""
        kernel = self.weight.shape[2:]
        if self.padding == "valid":
            return ((0, 0),) * self.ndim
        if self.padding == "same":
            totals = [d * (k - 1) for d, k in zip(self.dilation, kernel)]
            return tuple((t // 2, t - t // 2) for t in totals)
        if self.padding == "causal":
            return ((self.dilation[0] * (kernel[0] - 1), 0),)
        amounts = self.padding if isinstance(self.padding, tuple) else (self.padding,) * self.ndim
        return tuple((p, p) for p in amounts)


def _values(draw, shape) -> np.ndarray:
    count = int(np.prod(shape))
    items = draw(st.lists(st.integers(-9, 9), min_size=count, max_size=count))
    return np.array(items, dtype=np.float64).reshape(shape)


def _per_axis(draw, ndim, low, high):
    return tuple(draw(st.integers(low, high)) for _ in range(ndim))


@st.composite
def valid_cases(draw, ndims=(1, 2), modes=MODES, causal=True) -> Case:
    """A convolution PyTorch accepts: sizes are chosen after the padding so
    that every limit (kernel reach, reflect < size, circular <= size) holds."""
    ndim = draw(st.sampled_from(ndims))
    small = ndim > 1  # keep 2-D and 3-D cases quick to trace
    groups = draw(st.integers(1, 3))
    in_per_group = draw(st.integers(1, 2))
    out_per_group = draw(st.integers(1, 2))
    kernel = _per_axis(draw, ndim, 1, 3 if small else 4)
    dilation = _per_axis(draw, ndim, 1, 2 if small else 3)
    mode = draw(st.sampled_from(modes))
    words = ["same", "valid"] + (["causal"] if causal and ndim == 1 else [])
    padding = draw(
        st.one_of(
            st.integers(0, 2 if small else 3),
            st.tuples(*[st.integers(0, 2)] * ndim),
            st.sampled_from(words),
        )
    )
    stride = (1,) * ndim if padding == "same" else _per_axis(draw, ndim, 1, 3)

    probe = Case(np.zeros(1), np.zeros((1, 1, *kernel)), None, stride, padding, dilation, groups, mode)
    sizes = []
    for (lo, hi), k, d in zip(probe.pads(), kernel, dilation):
        least = max(1, d * (k - 1) + 1 - lo - hi)
        if mode == "reflect":
            least = max(least, lo + 1, hi + 1)
        if mode == "circular":
            least = max(least, lo, hi)
        sizes.append(least + draw(st.integers(0, 2 if small else 4)))

    in_channels, out_channels = groups * in_per_group, groups * out_per_group
    bias = _values(draw, (out_channels,)) if draw(st.booleans()) else None
    return Case(
        input=_values(draw, (in_channels, *sizes)),
        weight=_values(draw, (out_channels, in_per_group, *kernel)),
        bias=bias,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        padding_mode=mode,
    )


@st.composite
def any_cases(draw) -> Case:
    """Parameters drawn without regard to PyTorch's limits (channels still fit
    the groups, since a mismatched weight cannot be built as a module)."""
    ndim = draw(st.sampled_from((1, 2)))
    groups = draw(st.integers(1, 2))
    kernel = _per_axis(draw, ndim, 1, 5)
    words = ["same", "valid"] + (["causal"] if ndim == 1 else [])
    padding = draw(st.one_of(st.integers(0, 4), st.sampled_from(words)))
    return Case(
        input=_values(draw, (groups, *_per_axis(draw, ndim, 1, 5))),
        weight=_values(draw, (groups, 1, *kernel)),
        bias=None,
        stride=_per_axis(draw, ndim, 1, 3),
        padding=padding,
        dilation=_per_axis(draw, ndim, 1, 3),
        groups=groups,
        padding_mode=draw(st.sampled_from(MODES)),
    )
