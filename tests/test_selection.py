"""--every, --steps and the frame budget: which pictures a figure draws."""

from __future__ import annotations

import pytest

import convanim
from convanim.errors import SpecError
from convanim.render import RenderOptions
from convanim.render.layout import compute_layout
from convanim.render.record import record
from convanim.render.selection import parse_steps, select
from convanim.render.storyboard import Timing, storyboard

GRID = dict(input=[[[r * 4 + c for c in range(4)] for r in range(4)]], weight=[[[[1, 0], [0, 1]]]])  # 9 steps


def _numbers(pictures):
    """The step number each step picture shows, from its counter."""
    return [
        int(c.text.split()[1])
        for p in pictures
        if p.shot.phase == "step"
        for c in p.calls
        if c.kind == "text" and c.text.startswith("step ")
    ]


def test_steps_parse_as_ranges_counted_from_one():
    assert parse_steps("1-5,9") == ((1, 5), (9, 9))
    assert parse_steps(" 3 - 4 , 7") == ((3, 4), (7, 7))
    assert parse_steps([2, (4, 6)]) == ((2, 2), (4, 6))
    assert parse_steps(None) is None


@pytest.mark.parametrize("text", ["", "1-", "a", "0-3", "5-2", "1,,2", "1-2-3"])
def test_bad_steps_are_refused_naming_steps(text):
    with pytest.raises(SpecError) as raised:
        parse_steps(text)
    assert raised.value.option == "steps"


def test_every_draws_every_nth_step_and_the_outputs_between_fill_in():
    trace = convanim.trace(convanim.conv(**GRID))
    layout = compute_layout(trace, 1080, panel=False)
    pictures = record(trace, RenderOptions(panel=False, every=4))
    assert _numbers(pictures) == [1, 5, 9]
    fifth = next(p for p in pictures if p.shot.phase == "step" and p.shot.steps == (4,))
    for step in trace.steps[:4]:  # steps 1 to 4, drawn or not, are written when step 5 shows
        box = layout.output_cell(step.out_channel, step.position)
        assert any(c.kind == "text" and c.text == str(int(step.shown)) and abs(c.x - box.cx) < 0.5 and abs(c.y - box.cy) < 0.5 for c in fifth.calls)
    assert pictures[-1].shot.phase == "done"


def test_steps_draw_the_chosen_ones_and_every_thins_them():
    trace = convanim.trace(convanim.conv(**GRID))
    assert _numbers(record(trace, RenderOptions(panel=False, steps="2-3,8"))) == [2, 3, 8]
    assert _numbers(record(trace, RenderOptions(panel=False, steps="2-8", every=3))) == [2, 5, 8]


def test_glides_only_between_steps_drawn_one_after_the_other():
    shots = storyboard([((i,), 0) for i in range(6)], Timing(glide=True))
    chosen = select(shots, steps=((1, 2), (5, 6)))
    glides = [(s.origin, s.steps) for s in chosen if s.phase == "glide"]
    assert set(glides) == {((0,), (1,)), ((4,), (5,))}
    assert [s.steps for s in chosen if s.phase == "step"] == [(0,), (1,), (4,), (5,)]


def test_a_step_past_the_last_is_refused():
    with pytest.raises(SpecError, match="past the last step; this figure has 9") as raised:
        record(convanim.conv(**GRID), RenderOptions(steps="8-10"))
    assert raised.value.option == "steps"


def test_over_the_budget_is_refused_at_once_naming_max_frames_and_every(run_cli, tmp_path):
    target = tmp_path / "big.gif"
    code, out, err = run_cli("render", "--size", "24,24", "--kernel-size", "3", "--glide", "-o", str(target))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("convanim: error: --max-frames: ") and "--every" in err
    assert not target.exists() and not list(tmp_path.iterdir())


def test_the_every_it_suggests_fits(run_cli, tmp_path):
    code, _, err = run_cli("render", "--size", "12,12", "--kernel-size", "3", "--max-frames", "30", "-o", str(tmp_path / "a.gif"))
    assert code == 2
    every = err.split("--every ")[2].split()[0]
    code, out, _ = run_cli("render", "--size", "12,12", "--kernel-size", "3", "--max-frames", "30", "--every", every, "-o", str(tmp_path / "a.gif"))
    assert code == 0 and (tmp_path / "a.gif").exists()


@pytest.mark.parametrize("flag, value", [("--every", "0"), ("--max-frames", "0"), ("--steps", "x")])
def test_bad_values_are_one_line_naming_the_flag(run_cli, tmp_path, flag, value):
    code, out, err = run_cli("render", "--template", "padding1", flag, value, "-o", str(tmp_path / "a.gif"))
    assert code == 2 and err.startswith(f"convanim: error: {flag}: ")
    assert not list(tmp_path.iterdir())
