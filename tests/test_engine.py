"""The engine: the article's ground truth, and what every trace must satisfy."""

from __future__ import annotations

import itertools
import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convanim
from convanim import engine
from convanim.traces import shown_partial_sums
from strategies import valid_cases

NP_PAD_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def test_article_case_through_the_api(article_case):
    c = convanim.conv(article_case["input"], article_case["weight"], **article_case["kwargs"])
    t = convanim.trace(c)
    assert t.output.tolist() == article_case["output"]
    assert c.spec.output_shape == np.shape(article_case["output"])


def test_article_case_with_a_batch_of_one(article_case):
    """The article feeds PyTorch (1, C, L); convanim takes that shape too."""
    batched = np.atleast_2d(np.asarray(article_case["input"], dtype=float))[np.newaxis]
    assert batched.ndim == 3
    t = convanim.trace(convanim.conv(batched, article_case["weight"], **article_case["kwargs"]))
    assert t.output.tolist() == article_case["output"]


def test_padding_1_steps_show_the_padding_cells():
    """Article, padding 1: the first and last steps read one zero each."""
    t = convanim.trace(convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1))
    first, last = t.steps[0], t.steps[-1]
    assert [tap.value for tap in first.taps] == [0, 1, 2]
    assert [tap.source for tap in first.taps] == [None, (0,), (1,)]
    assert [tap.value for tap in last.taps] == [5, 6, 0]
    assert last.taps[-1].source is None
    assert t.padded.tolist() == [[0, 1, 2, 3, 4, 5, 6, 0]]


def test_stride_and_dilation_move_the_taps():
    """Article, stride 3 then dilation 2: where in the padded input each tap reads."""
    strided = convanim.trace(convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], stride=3))
    assert [[tap.position for tap in s.taps] for s in strided.steps] == [[(0,), (1,), (2,)], [(3,), (4,), (5,)]]
    dilated = convanim.trace(convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], dilation=2))
    assert [[tap.position for tap in s.taps] for s in dilated.steps] == [[(0,), (2,), (4,)], [(1,), (3,), (5,)]]


def test_depthwise_steps_take_channels_of_one_position_together():
    c = convanim.conv([[1, 2, 3, 4, 5, 6], [10, 20, 30, 40, 50, 60]], [[[2]], [[4]], [[6]], [[8]]], groups=2)
    steps = convanim.trace(c).steps
    assert [(s.position, s.out_channel, s.group) for s in steps[:4]] == [
        ((0,), 0, 0), ((0,), 1, 0), ((0,), 2, 1), ((0,), 3, 1),
    ]
    assert [tap.in_channel for s in steps[:4] for tap in s.taps] == [0, 0, 1, 1]


def test_bias_is_added_once_per_step():
    t = convanim.trace(convanim.conv([1, 2, 3], [1, 1], bias=[0.5]))
    assert [s.bias for s in t.steps] == [0.5, 0.5]
    assert t.output.tolist() == [[3.5, 5.5]]


def test_trace_arrays_are_read_only():
    t = convanim.trace(convanim.conv([1, 2, 3], [1]))
    for array in (t.output, t.padded, t.conv.input, t.conv.weight):
        with pytest.raises(ValueError):
            array[(0,) * array.ndim] = 1


# -- invariants, over many convolutions -------------------------------------


def expected_sources(case, axis_sizes, pads):
    """Per axis, the input index each padded index shows, from numpy's own padding."""
    per_axis = []
    for n, (lo, hi) in zip(axis_sizes, pads):
        if case.padding_mode == "zeros":
            per_axis.append([None] * lo + list(range(n)) + [None] * hi)
        else:
            per_axis.append(np.pad(np.arange(n), (lo, hi), mode=NP_PAD_MODE[case.padding_mode]).tolist())
    return per_axis


@settings(max_examples=80, deadline=None)
@given(valid_cases(ndims=(1, 2)))
def test_taps_multiply_and_add_up(case):
    t = convanim.trace(convanim.conv(**case.kwargs()))
    for step in t.steps:
        for tap in step.taps:
            assert tap.product == tap.weight * tap.value
        products = [tap.product for tap in step.taps]
        assert step.result == math.fsum(products) + (step.bias or 0.0)  # integers: exact
        assert (step.bias is None) == (case.bias is None)
        if case.bias is not None:
            assert step.bias == case.bias[step.out_channel]
        assert t.output[(step.out_channel, *step.position)] == step.result


@settings(max_examples=80, deadline=None)
@given(valid_cases(ndims=(1, 2)))
def test_one_step_per_output_element_in_reading_order(case):
    t = convanim.trace(convanim.conv(**case.kwargs()))
    out_channels, *out_spatial = t.spec.output_shape
    expected = [(p, o) for p in itertools.product(*map(range, out_spatial)) for o in range(out_channels)]
    assert [(s.position, s.out_channel) for s in t.steps] == expected
    assert [s.index for s in t.steps] == list(range(len(expected)))


@settings(max_examples=80, deadline=None)
@given(valid_cases(ndims=(1, 2)))
def test_taps_read_the_right_cells_with_the_right_weights(case):
    t = convanim.trace(convanim.conv(**case.kwargs()))
    spec = t.spec
    kernel = case.weight.shape[2:]
    in_per_group = case.input.shape[0] // case.groups
    out_per_group = case.weight.shape[0] // case.groups
    for step in t.steps:
        group = step.out_channel // out_per_group
        assert step.group == group
        # Every input channel of the group, every kernel cell, once each.
        expected = [(c, cell) for c in range(group * in_per_group, (group + 1) * in_per_group) for cell in itertools.product(*map(range, kernel))]
        assert [(tap.in_channel, tap.kernel_index) for tap in step.taps] == expected
        for tap in step.taps:
            local_in = tap.in_channel - group * in_per_group
            assert tap.weight == case.weight[(step.out_channel, local_in, *tap.kernel_index)]
            assert tap.position == tuple(
                p * s + k * d for p, s, k, d in zip(step.position, spec.stride, tap.kernel_index, spec.dilation)
            )
            assert tap.value == t.padded[(tap.in_channel, *tap.position)]


@settings(max_examples=100, deadline=None)
@given(valid_cases(ndims=(1, 2)))
def test_tap_sources_point_at_the_cell_they_show(case):
    """Inside the input a tap's source is its own cell; in the padding it is
    None for zeros (value 0), else the cell the mode copies (same value)."""
    t = convanim.trace(convanim.conv(**case.kwargs()))
    pads = case.pads()
    assert t.spec.padding == pads
    per_axis = expected_sources(case, case.input.shape[1:], pads)
    for step in t.steps:
        for tap in step.taps:
            picks = tuple(axis[p] for axis, p in zip(per_axis, tap.position))
            if any(s is None for s in picks):
                assert tap.source is None
                assert tap.value == 0
            else:
                assert tap.source == picks
                assert tap.value == case.input[(tap.in_channel, *tap.source)]


# -- what the picture needs, carried by the trace ----------------------------


def test_trace_names_its_op_and_the_role_of_every_padded_cell():
    t = convanim.trace(convanim.conv([1, 2, 3, 4], [1, 1, 1], padding=2))
    assert t.op == "conv"
    assert t.roles.tolist() == ["zero", "zero", "input", "input", "input", "input", "zero", "zero"]
    copied = convanim.trace(convanim.conv([[[1, 2, 3], [4, 5, 6]]], [[[[1]]]], padding=(1, 2), padding_mode="replicate"))
    assert copied.roles.shape == (4, 7)
    assert copied.roles[1].tolist() == ["copy", "copy", "input", "input", "input", "copy", "copy"]
    assert copied.roles[0].tolist() == ["copy"] * 7
    with pytest.raises(ValueError):
        copied.roles[0, 0] = "input"


def test_windows_cover_the_dilated_span():
    t = convanim.trace(convanim.conv([1, 2, 3, 4, 5, 6, 7], [1, 1, 1], dilation=2, stride=2))
    assert [s.window for s in t.steps] == [((0, 5),), ((2, 7),)]


def test_shown_results_hide_rounding_noise_only():
    noise = convanim.trace(convanim.conv([0.1, 0.2, 1], [0.1, 0.2, -0.05]))
    assert noise.steps[0].result != 0 and noise.steps[0].shown == 0.0
    exact = convanim.trace(convanim.conv([1e6, 1e6], [1e6, -1e6], bias=[0.5]))
    assert exact.steps[0].shown == 0.5
    small = convanim.trace(convanim.conv([1e-3], [1e-3]))
    assert small.steps[0].shown == 1e-6


def test_a_sum_of_short_decimals_is_shown_as_the_decimal_it_is():
    # float64 makes 0.1 + 0.2 - 0.27 into 0.030000000000000027; the exact
    # sum of two-decimal numbers has two decimals: 0.03, not "≈0.03".
    t = convanim.trace(convanim.conv([1, 1, 1], [0.1, 0.2, -0.27]))
    assert t.steps[0].result == 0.1 + 0.2 - 0.27 != 0.03 and t.steps[0].shown == 0.03
    assert convanim.trace(convanim.conv([0.7, 1.25, 0.1], [0.1, 0.2, 0.3], bias=[0.25])).steps[0].shown == 0.6
    # Only noise goes: a real last digit stays, however large the terms.
    real = convanim.trace(convanim.conv([1e6, 1e6], [1e6, -1e6], bias=[0.4996]))
    assert real.steps[0].shown == 0.4996
    # Numbers that are not short decimals (a float32 0.7, 0.1 + 0.2) are shown as they are.
    odd = convanim.trace(convanim.conv([float(np.float32(0.7)), 0.1 + 0.2], [3, 1]))
    assert odd.steps[0].shown == odd.steps[0].result
    # A channel's partial sum follows the same rule.
    two = convanim.trace(convanim.conv([[[1, 1, 1], [2, 2, 2]]], [[[0.1, 0.2, -0.27], [1, 1, 1]]]))
    assert shown_partial_sums(two.steps[0]) == (0.03, 6.0)


def test_a_steps_result_and_its_partial_sums_are_shown_by_one_rule():
    # A value that is no short decimal (1/3), outside the first window:
    # neither the result nor the partial sums are then read as decimals
    # (they were: "ch 0: … = 0.03", "0.03 + 0 ≈ 0.03").
    t = convanim.trace(convanim.conv([[1, 1, 1, 1 / 3], [0, 0, 0, 0]], [[[0.1, 0.2, -0.27], [1, 1, 1]]]))
    step = t.steps[0]
    assert step.shown == step.result != 0.03
    assert shown_partial_sums(step) == tuple(step.partial_sums)


@settings(max_examples=80, deadline=None)
@given(valid_cases(ndims=(1, 2, 3)))
def test_roles_and_windows_agree_with_the_taps(case):
    t = convanim.trace(convanim.conv(**case.kwargs()))
    spec = t.spec
    assert t.roles.shape == spec.padded_shape
    for position, source in t.sources.items():
        inside = all(lo <= p < lo + n for p, (lo, _), n in zip(position, spec.padding, spec.spatial_shape))
        expected = "input" if inside else ("zero" if source is None else "copy")
        assert t.roles[position] == expected
    for step in t.steps:
        for axis, (start, stop) in enumerate(step.window):
            reads = [tap.position[axis] for tap in step.taps]
            assert (start, stop - 1) == (min(reads), max(reads))
        assert step.shown in (0.0, step.result)


# -- the array engine against the arithmetic written out tap by tap -------------


def per_tap_steps(c):
    """Every step as the straightforward computation gives it: a loop over
    output positions, output channels, then taps, summed as Python sums."""
    spec = c.spec
    maps = expected_sources(c.spec, spec.spatial_shape, spec.padding)
    in_per_group, out_per_group = spec.in_channels // spec.groups, spec.out_channels // spec.groups
    steps = []
    for position in itertools.product(*map(range, spec.output_shape[1:])):
        origin = [p * s for p, s in zip(position, spec.stride)]
        for out_channel in range(spec.out_channels):
            group = out_channel // out_per_group
            taps = []
            for local_in in range(in_per_group):
                channel = group * in_per_group + local_in
                for cell in itertools.product(*map(range, spec.kernel_size)):
                    at = tuple(o + k * d for o, k, d in zip(origin, cell, spec.dilation))
                    picks = tuple(m[p] for m, p in zip(maps, at))
                    source = None if None in picks else picks
                    value = 0.0 if source is None else float(c.input[(channel, *source)])
                    weight = float(c.weight[(out_channel, local_in, *cell)])
                    taps.append((channel, cell, at, source, repr(weight), repr(value), repr(weight * value)))
            bias = None if c.bias is None else float(c.bias[out_channel])
            terms = [float(product) for *_, product in taps]
            result = sum(terms) + (bias if bias is not None else 0.0)
            terms += [bias] if bias is not None else []
            shown = 0.0 if abs(result) <= len(terms) * 2.0**-52 * max(map(abs, terms)) else result
            window = tuple((o, o + d * (k - 1) + 1) for o, k, d in zip(origin, spec.kernel_size, spec.dilation))
            steps.append((out_channel, position, group, taps, repr(bias), repr(result), window, repr(shown)))
    return steps


def as_reprs(step):
    taps = [(t.in_channel, t.kernel_index, t.position, t.source, repr(t.weight), repr(t.value), repr(t.product)) for t in step.taps]
    return (step.out_channel, step.position, step.group, taps, repr(step.bias), repr(step.result), step.window, repr(step.shown))


def noisy(case, seed: int) -> dict:
    """The case's shapes with float data: wide magnitudes, signs, exact zeros
    and negative zeros, so that the order of every sum shows in its bits."""
    rng = np.random.default_rng(seed)

    def draw(shape):
        values = rng.normal(size=shape) * 10.0 ** rng.integers(-8, 9, size=shape)
        values[rng.random(shape) < 0.1] = 0.0
        values[rng.random(shape) < 0.05] = -0.0
        return values

    kwargs = case.kwargs()
    kwargs.update(input=draw(case.input.shape), weight=draw(case.weight.shape))
    if case.bias is not None:
        kwargs["bias"] = draw(case.bias.shape)
    return kwargs


@settings(max_examples=80, deadline=None)
@given(valid_cases(ndims=(1, 2, 3)), st.integers(0, 2**32 - 1))
def test_array_engine_equals_the_per_tap_computation_bit_for_bit(case, seed):
    c = convanim.conv(**noisy(case, seed))
    expected = per_tap_steps(c)
    # Both ways of summing: a multiply-add per tap over whole rows, and taps gathered.
    for long_rows in (0, math.inf):
        with mock.patch.object(engine, "LONG_ROWS", long_rows):
            t = convanim.trace(c)
        assert [as_reprs(step) for step in t.steps] == expected
        for step in t.steps:
            assert repr(t.output[(step.out_channel, *step.position)]) == repr(np.float64(step.result))
            assert repr(t.shown[(step.out_channel, *step.position)]) == repr(np.float64(step.shown))


def test_sums_that_cancel_keep_the_sign_python_gives():
    """0 + (−0.0) is 0.0 in Python: a step whose products are all −0.0 sums to 0.0."""
    t = convanim.trace(convanim.conv([[-0.0, 1.0]], [[[1.0]]]))
    assert repr(t.steps[0].result) == "0.0"
    with_bias = convanim.trace(convanim.conv([[-0.0, 1.0]], [[[1.0]]], bias=[-0.0]))
    assert repr(with_bias.steps[0].result) == "0.0"


# -- steps on demand, JSON as a stream --------------------------------------------


def test_steps_are_a_lazy_sequence():
    t = convanim.trace(convanim.conv(in_channels=2, size=(5, 4), out_channels=3, kernel_size=(2, 3), padding=1))
    steps = t.steps
    assert len(steps) == t.output.size == 3 * 6 * 4
    assert steps[-1].index == len(steps) - 1 and steps[-1] == steps[len(steps) - 1]
    middle = steps[5:20:3]
    assert len(middle) == 5 and [s.index for s in middle] == [5, 8, 11, 14, 17]
    assert [s.index for s in middle[1:]] == [8, 11, 14, 17]
    assert [s.index for s in steps] == list(range(len(steps)))
    assert steps[7].taps == tuple(steps[7].taps) and len(steps[7].taps) == 2 * 2 * 3
    with pytest.raises(IndexError):
        steps[len(steps)]


def test_sources_is_a_mapping_over_every_padded_cell():
    t = convanim.trace(convanim.conv([1, 2, 3], [1], padding=1, padding_mode="circular"))
    assert dict(t.sources) == {(0,): (2,), (1,): (0,), (2,): (1,), (3,): (2,), (4,): (0,)}
    for missing in [(5,), (-1,), (0, 0), 0]:
        assert missing not in t.sources


@settings(max_examples=60, deadline=None)
@given(valid_cases(ndims=(1, 2, 3)), st.integers(0, 2**32 - 1))
def test_streamed_json_is_the_json_of_every_step(case, seed):
    import json

    t = convanim.trace(convanim.conv(**noisy(case, seed)))
    text = "".join(t.json_chunks())
    steps = ", ".join(json.dumps(step.to_dict()) for step in t.steps)
    assert text == json.dumps(t._head())[:-1] + ', "steps": [' + steps + "]}"
    assert json.loads(text) == t.to_dict()


def test_limits_name_what_to_reduce():
    from convanim.engine import MAX_PADDED, MAX_TAPS

    with pytest.raises(convanim.SpecError) as caught:
        convanim.trace(convanim.conv(in_channels=1, size=(1000, 1000), out_channels=30, kernel_size=1))
    assert caught.value.option == "size" and f"{MAX_TAPS:,}" in caught.value.rule
    with pytest.raises(convanim.SpecError) as caught:
        convanim.trace(convanim.conv(size=(2, 2), kernel_size=1, padding=2000, stride=2000))
    assert caught.value.option == "padding" and f"{MAX_PADDED:,}" in caught.value.rule
