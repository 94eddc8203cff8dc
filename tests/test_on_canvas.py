"""A figure placed on a canvas: as a writer takes it (one board, only what
changed copied onto it) it is, frame by frame, the figure on a fresh board."""

from __future__ import annotations

import numpy as np
import pytest

import convanim
from convanim.render import _counted_frames
from convanim.render.canvas import on_canvas
from convanim.render.options import options_with
from convanim.templates import load_template
from convanim.writers.boxes import four_bytes


@pytest.mark.parametrize(
    "conv, changes",
    [
        (load_template("rgb_two_filters").conv(), {"canvas": "1920x1080", "glide": True}),
        (convanim.conv(size=(20, 20), kernel_size=3, padding=1), {"canvas": "1920x1080", "steps": ((1, 30), (200, 230))}),
        (load_template("padding1").conv(), {"canvas": "1280x720", "theme": "transparent"}),
    ],
)
def test_a_canvas_as_a_writer_takes_it_is_the_figure_on_a_fresh_board(conv, changes):
    options = options_with(None, changes)
    _, shared = _counted_frames(conv, options, shared=True)
    _, fresh = _counted_frames(conv, options)
    count = 0
    for taken, whole in zip(shared, fresh):
        assert taken.pixels.shape == whole.pixels.shape
        np.testing.assert_array_equal(taken.pixels, whole.pixels)
        count += 1
    assert count >= 5


def test_a_shared_board_copies_only_the_frame_s_boxes():
    rgbx = np.zeros((40, 60, 4), np.uint8)

    def frames():  # as a renderer gives them: one canvas, redrawn in place
        for step in range(3):
            rgbx[5:10, 10 * step : 10 * step + 5, 0] = 200 + step
            if step == 2:
                rgbx[30:35, 0:5, 1] = 99  # outside the frame's boxes: a board that copies them only never sees it
            pixels = rgbx[..., :3]  # the canvas's colour bytes, in place
            assert four_bytes(pixels) is not None
            yield convanim.writers.Frame(pixels, 100.0, (0, 5, 60, 10), boxes=((10 * step, 5, 10 * step + 5, 10),))

    for last in on_canvas(frames(), (100, 80), (255, 255, 255, 255), shared=True):
        pass
    last = last.pixels
    assert last.shape == (80, 100, 3)
    assert (last[20 + 5, 20 + 20, 0], last[20 + 5, 20 + 10, 0], last[20 + 5, 20 + 0, 0]) == (202, 201, 200)
    assert last[20 + 30, 20 + 0, 1] == 0  # as the first frame had it
