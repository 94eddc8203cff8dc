"""Where a 2-D figure's grids go when they are taller than the figure is
wide: the arrangement that fits the least bound, the outputs beside the
inputs or in columns, not one tall column beside empty width."""

from __future__ import annotations

import pytest

import convanim
from convanim.render import _figure
from convanim.render.options import RenderOptions
from convanim.render.record import RecordingPainter

DEPTHWISE = dict(size=(6, 7), in_channels=3, out_channels=6, groups=3, kernel_size=(2, 3), padding="valid", dilation=(2, 2))


def _drawn(case, **options):
    """The layout and the recorded picture of step 3."""
    renderer, shots = _figure(convanim.conv(**case), RenderOptions(steps="3", **options), painter=RecordingPainter)
    (_, _, canvas), = renderer.pictures(shots[:1])
    return renderer.layout, canvas


def _cells(canvas, layout):
    """The grids' cells: rectangles with a black-ish edge, as tall as a cell."""
    return [c for c in canvas.calls if c.kind == "rect" and c.edge is not None and abs(c.h - layout.cell_h) < 0.6]


@pytest.mark.parametrize("bias", [None, [-1, 2, -3.5, 0, 0.25, -0.125]], ids=["whole numbers", "bias"])
def test_six_outputs_at_a_blog_width_sit_beside_the_inputs_not_in_a_column_under_them(bias):
    """700 px: the six output grids were one column under the inputs, the
    figure 1862 px tall with 40% of its width empty beside them."""
    case = DEPTHWISE | ({"bias": bias} if bias else {})
    layout, canvas = _drawn(case, width=700)
    assert layout.height < 1500
    inputs_right = max(x for x, _ in layout.inputs) + layout.padded_shape[1] * layout.cell
    assert min(x for x, _ in layout.outputs) > inputs_right  # beside, not under
    assert max(y for _, y in layout.outputs) < layout.sums_top  # and beside them, not under
    cells = _cells(canvas, layout)
    left, right = min(c.x for c in cells), max(c.right for c in cells)
    assert right - left > 0.7 * layout.width  # the grids take the width
    assert right <= layout.width and left >= 0

