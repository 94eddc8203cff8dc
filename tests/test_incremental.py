"""Frames drawn by patching one canvas equal frames drawn whole, and say
truly which box changed."""

from __future__ import annotations

import numpy as np
import pytest

import convanim
from convanim.render import RenderOptions, _figure
from convanim.render.incremental import Covered, tile_boxes

CASES = {
    "1-D padding, glide": (dict(input=[1, 2, 3, 4, 5, 6], weight=[2, 2, 2], padding=1), dict(glide=True)),
    "1-D groups": (dict(input=[[1, 2, 3, 4], [10, 20, 30, 40]], weight=[[[2]], [[4]]], groups=2), {}),
    "2-D RGB, bias, glide": (
        dict(input=np.arange(75).reshape(3, 5, 5).tolist(), weight=np.ones((2, 3, 3, 3)).tolist(), bias=[1, -1], padding=1, stride=2),
        dict(glide=True, fps=10),
    ),
    "2-D depthwise, reflect": (
        dict(input=np.arange(32).reshape(2, 4, 4).tolist(), weight=[[[[1, -1], [2, 0]]], [[[0, 1], [1, 0]]]], groups=2, padding=1, padding_mode="reflect"),
        dict(glide=True, fps=8),
    ),
    "2-D steps chosen": (dict(size=(6, 6), kernel_size=3, padding=1), dict(every=5)),
    # Lenses: their pages turn, outputs are written into a page shown, the window glides within one.
    "2-D overview with lenses, glide": (dict(size=(24, 24), kernel_size=3, padding=1), dict(glide=True, fps=6, steps="1-9,24-27,60")),
}
IDS = list(CASES)


@pytest.mark.parametrize("name", IDS, ids=IDS)
def test_patched_frames_equal_whole_ones_and_change_only_inside_their_box(name):
    arguments, options = CASES[name]
    renderer, shots = _figure(convanim.conv(**arguments), RenderOptions(**options))
    patched = list(renderer.frames(shots))
    whole, _ = _figure(convanim.conv(**arguments), RenderOptions(**options))
    before = None
    for shot, frame in zip(shots, patched):
        assert np.array_equal(frame.pixels, whole.draw(shot))
        if before is None:
            assert frame.changed is None and frame.boxes is None  # nothing to compare the first frame with
        else:
            left, top, right, bottom = frame.changed
            outside = np.ones(frame.pixels.shape[:2], bool)
            outside[top:bottom, left:right] = False
            assert np.array_equal(frame.pixels[outside], before[outside])
            # The boxes sit inside the changed box and hold every change.
            outside[...] = True
            for x0, y0, x1, y1 in frame.boxes:
                assert left <= x0 < x1 <= right and top <= y0 < y1 <= bottom
                outside[y0:y1, x0:x1] = False
            assert np.array_equal(frame.pixels[outside], before[outside])
        before = frame.pixels


def test_a_frames_changed_box_is_small_when_little_moves():
    # Numbers short enough to be read in the cells: drawn as an overview, the lenses would move too.
    # (8×8 with the panel, as drawn by default: in a row at the default width; a larger grid
    # stacks its output under the input, so the arrow into it spans the grids.)
    renderer, shots = _figure(convanim.conv(input=[[[1] * 8] * 8], kernel_size=(3, 3)), RenderOptions())
    frames = list(renderer.frames(shots))
    height, width = frames[0].pixels.shape[:2]
    left, top, right, bottom = frames[1].changed
    assert (right - left) * (bottom - top) < 0.6 * width * height


def test_coalesced_tiles_cover_every_box():
    """The boxes a frame tells its writer hold every box drawn on it."""
    rng = np.random.default_rng(5)
    for _ in range(50):
        boxes, drawn = [], Covered(600, 400)
        for _ in range(rng.integers(1, 30)):
            x, y = rng.integers(0, 500, 2)
            w, h = rng.integers(1, 120, 2)
            boxes.append((int(x), int(y), int(min(600, x + w)), int(min(400, y + h))))
            drawn.add(*boxes[-1])
        covered = np.zeros((400, 600), bool)
        for left, top, right, bottom in tile_boxes(drawn.tiles, 600, 400):
            covered[top:bottom, left:right] = True
        for left, top, right, bottom in boxes:
            assert covered[top:bottom, left:right].all()


def test_shared_frames_are_one_read_only_buffer_equal_to_copied_ones():
    """A writer's frames share one buffer (no copy of the picture per frame),
    which nobody can write to, and show what the copied frames show."""
    arguments, options = CASES["2-D steps chosen"]
    renderer, shots = _figure(convanim.conv(**arguments), RenderOptions(**options))
    copied, _ = _figure(convanim.conv(**arguments), RenderOptions(**options))
    buffers = set()
    for frame, own in zip(renderer.frames(shots, shared=True), copied.frames(shots)):
        assert not frame.pixels.flags.writeable
        assert np.array_equal(frame.pixels, own.pixels)
        buffers.add(frame.pixels.__array_interface__["data"][0])
    assert len(buffers) == 1
