"""The trace carries each step's partial sums, one per input channel it
reads; the report only writes them out."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import convanim
from convanim.report import channel_terms, sum_lines


def by_hand(step) -> list[float]:
    """Each channel's products added one after another, in tap order, from 0."""
    sums: dict[int, float] = {}
    for tap in step.taps:
        sums[tap.in_channel] = sums.get(tap.in_channel, 0.0) + tap.product
    return list(sums.values())


def bits(values) -> list[bytes]:
    return [struct.pack("<d", value) for value in values]


def random_case(rng):
    ndim = int(rng.integers(1, 3))
    in_channels = int(rng.integers(1, 4))
    groups = int(rng.choice([1, in_channels]))
    out_channels = groups * int(rng.integers(1, 3))
    size = [int(n) for n in rng.integers(3, 7, ndim)]
    kernel = [int(n) for n in rng.integers(1, 4, ndim)]
    scale = 10.0 ** int(rng.integers(-6, 7))
    return dict(
        input=(rng.standard_normal((in_channels, *size)) * scale).tolist(),
        weight=rng.standard_normal((out_channels, in_channels // groups, *kernel)).tolist(),
        groups=groups,
        padding=int(rng.integers(0, 2)),
        padding_mode=str(rng.choice(["zeros", "reflect", "replicate", "circular"])),
    )


@pytest.mark.parametrize("seed", range(12))
def test_partial_sums_are_each_channel_s_products_added_in_tap_order_bit_for_bit(seed):
    result = convanim.trace(convanim.conv(**random_case(np.random.default_rng(seed))))
    for step in result.steps:
        assert bits(step.partial_sums) == bits(by_hand(step))


def test_one_partial_sum_per_input_channel_of_the_step_s_group():
    result = convanim.trace(convanim.conv(in_channels=4, out_channels=4, groups=2, size=5, kernel_size=3))
    for step in result.steps:
        assert len(step.partial_sums) == 2
        assert sorted({tap.in_channel for tap in step.taps}) == [2 * step.group, 2 * step.group + 1]
    # channel c holds (c+1)×(1, 2, …), every weight of output channel o is 2×(o+1)
    first = result.steps[0]
    assert list(first.partial_sums) == [2 * (1 + 2 + 3), 2 * 2 * (1 + 2 + 3)]


def test_json_and_to_dict_carry_them():
    result = convanim.trace(convanim.conv(in_channels=2, out_channels=1, size=(4, 4), kernel_size=2, bias=[0.5]))
    data = json.loads("".join(result.json_chunks()))
    for step, written in zip(result.steps, data["steps"]):
        assert written["partial_sums"] == list(step.partial_sums) == step.to_dict()["partial_sums"]


def test_the_report_writes_the_trace_s_partial_sums():
    """Not sums of its own: the report's numbers are the trace's."""
    result = convanim.trace(convanim.conv(in_channels=3, size=(7, 7), kernel_size=5))
    step = result.steps[0]
    assert [partial for _, _, partial in channel_terms(step)] == list(step.partial_sums)

    class Other:  # the same step with other partial sums: the report follows them
        def __getattr__(self, name):
            return getattr(step, name)

        partial_sums = (1.5, 2.5, 3.5)

    assert sum_lines(Other())[:3] == ["ch 0: 25 products = 1.5", "ch 1: 25 products = 2.5", "ch 2: 25 products = 3.5"]
