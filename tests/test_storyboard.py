"""The storyboard: which pictures, in what order, for how long."""

from __future__ import annotations

import pytest

from convanim.errors import SpecError
from convanim.render.storyboard import FIRST_LAST_HOLD, Timing, pictures, storyboard


def _one_group(*positions):
    return [(position, 0) for position in positions]


def test_every_step_is_a_shot_in_order_then_the_finished_picture():
    shots = storyboard(_one_group((0,), (1,), (2,)), Timing(hold=0.5))
    assert [(shot.phase, shot.steps) for shot in shots] == [("step", (0,)), ("step", (1,)), ("step", (2,)), ("done", ())]
    assert [shot.duration_ms for shot in shots] == [500 * FIRST_LAST_HOLD, 500, 500, 500 * FIRST_LAST_HOLD]


def test_groups_compute_together_and_a_groups_channels_take_turns():
    # Trace order: position by position, output channels 0..3 of groups 0, 0, 1, 1.
    steps = [((p,), g) for p in range(3) for g in (0, 0, 1, 1)]
    assert pictures(steps) == ((0, 2), (1, 3), (4, 6), (5, 7), (8, 10), (9, 11))
    # One output channel per group (the article's groups figure): one picture per position.
    assert pictures([((p,), g) for p in range(6) for g in (0, 1)]) == tuple((2 * p, 2 * p + 1) for p in range(6))


def test_glide_adds_frames_between_positions_only():
    shots = storyboard(_one_group((0,), (0,), (1,)), Timing(hold=1.0, fps=10, glide=True))
    phases = [(shot.phase, shot.steps) for shot in shots]
    # Two channels of one position share a window: no glide between them.
    assert phases[:2] == [("step", (0,)), ("step", (1,))]
    glides = [shot for shot in shots if shot.phase == "glide"]
    # A glide is on its way to the next picture: it names where it goes and where from.
    assert [(shot.steps, shot.origin) for shot in glides] == [((2,), (1,))] * 4
    assert [shot.progress for shot in glides] == pytest.approx([0.2, 0.4, 0.6, 0.8])
    assert phases[-2:] == [("step", (2,)), ("done", ())]
    total = sum(shot.duration_ms for shot in shots)
    assert total == pytest.approx(1000 * (2 + 1 + 1 + 2))


@pytest.mark.parametrize(
    "timing, option",
    [(dict(hold=0), "hold"), (dict(hold=0.04), "hold"), (dict(hold=61), "hold"), (dict(fps=0), "fps"), (dict(fps=51), "fps")],
    ids=["no hold", "hold under 50 ms", "hold over a minute", "no fps", "fps over 50"],
)
def test_timing_out_of_range_names_its_option(timing, option):
    with pytest.raises(SpecError) as raised:
        Timing(**timing)
    assert raised.value.option == option


def test_with_glide_each_step_lasts_its_hold_the_move_included():
    shots = storyboard(_one_group((0,), (1,), (2,)), Timing(hold=1.0, fps=10, glide=True))
    per_picture: dict = {}
    owner = None
    for shot in shots:
        owner = shot.steps if shot.phase != "glide" else owner  # a glide belongs to the picture it leaves
        per_picture[(shot.phase == "done", owner)] = per_picture.get((shot.phase == "done", owner), 0) + shot.duration_ms
    assert per_picture == {(False, (0,)): 2000, (False, (1,)): 1000, (False, (2,)): 1000, (True, ()): 2000}
