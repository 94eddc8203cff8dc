"""The storyboard: which pictures, in what order, for how long."""

from __future__ import annotations

import pytest

from convanim.errors import SpecError
from convanim.render.storyboard import FIRST_LAST_HOLD, Timing, storyboard


def test_every_step_is_a_shot_in_order_then_the_finished_picture():
    shots = storyboard([(0,), (1,), (2,)], Timing(hold=0.5))
    assert [(shot.phase, shot.step) for shot in shots] == [("step", 0), ("step", 1), ("step", 2), ("done", 2)]
    assert [shot.duration_ms for shot in shots] == [500 * FIRST_LAST_HOLD, 500, 500, 500 * FIRST_LAST_HOLD]


def test_glide_adds_frames_between_positions_only():
    shots = storyboard([(0,), (0,), (1,)], Timing(hold=1.0, fps=10, glide=True))
    phases = [(shot.phase, shot.step) for shot in shots]
    # Two channels of one position share a window: no glide between them.
    assert phases[:2] == [("step", 0), ("step", 1)]
    assert [p for p in phases if p[0] == "glide"] == [("glide", 1)] * 4
    assert phases[-2:] == [("step", 2), ("done", 2)]
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
    shots = storyboard([(0,), (1,), (2,)], Timing(hold=1.0, fps=10, glide=True))
    per_step = {}
    for shot in shots:
        per_step[(shot.phase == "done", shot.step)] = per_step.get((shot.phase == "done", shot.step), 0) + shot.duration_ms
    assert per_step == {(False, 0): 2000, (False, 1): 1000, (False, 2): 1000, (True, 2): 2000}
