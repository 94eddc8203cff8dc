"""Lens pages moved along a row are, pixel for pixel, the pages drawn whole."""

from __future__ import annotations

import numpy as np
import pytest

import convanim
from convanim.render import RenderOptions, _figure
from convanim.render.paint import Painter

CASES = {
    "24x24, 3x3, padding 1": (dict(size=(24, 24), kernel_size=3, padding=1), {}),
    "two channels, stride 2, bias": (
        dict(input=(np.arange(2 * 26 * 26).reshape(2, 26, 26) % 17 - 8).tolist(), weight=np.ones((2, 2, 3, 3)).tolist(), bias=[0.5, -1], stride=2),
        {},
    ),
    "24x24, every 3rd step, glide": (dict(size=(24, 24), kernel_size=3, padding=1), dict(every=3, glide=True, fps=6)),
}
IDS = list(CASES)


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_a_page_moved_along_a_row_equals_the_page_drawn_whole(name, monkeypatch):
    arguments, options = CASES[name]
    moving, shots = _figure(convanim.conv(**arguments), RenderOptions(**options))
    whole, _ = _figure(convanim.conv(**arguments), RenderOptions(**options))
    assert moving.layout.lens is not None  # drawn as an overview with lenses
    whole._turner._movable = False  # every page drawn whole
    whole._turner.reset(whole._base)
    moves = []
    shift = Painter.shift
    monkeypatch.setattr(Painter, "shift", lambda self, box, dx: (moves.append(dx), shift(self, box, dx)))
    for shot in shots[:80]:
        moving._prepare(shot)
        whole._prepare(shot)
        assert np.array_equal(moving._background.array(), whole._background.array())
    assert moves  # pages did move along rows


def test_turning_back_to_an_earlier_shot_draws_it_again():
    moving, shots = _figure(convanim.conv(size=(24, 24), kernel_size=3, padding=1), RenderOptions())
    whole, _ = _figure(convanim.conv(size=(24, 24), kernel_size=3, padding=1), RenderOptions())
    for shot in shots[:30]:
        moving._prepare(shot)
    for shot in (shots[5], shots[6], shots[40]):
        moving._prepare(shot)
        whole._prepare(shot)
        assert np.array_equal(moving.draw(shot), whole.draw(shot))
