"""Where a 2-D figure's grids go when they are taller than the figure is
wide: the arrangement that fits the least bound, the outputs beside the
inputs or in columns, not one tall column beside empty width."""

from __future__ import annotations

import pytest

import convanim
from convanim.render import _figure
from convanim.render.options import RenderOptions
from convanim.render.record import RecordingPainter

from arrows2d import crosses as _crosses  # (beside this file)

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
def test_six_outputs_at_a_blog_width_are_not_one_column_under_the_inputs(bias):
    """700 px: the six output grids were one column under the inputs, the
    figure 1862 px tall with 40% of its width empty beside them. Now they
    stand in columns under the inputs, or beside them."""
    case = DEPTHWISE | ({"bias": bias} if bias else {})
    layout, canvas = _drawn(case, width=700)
    assert layout.height < 1500
    inputs_bottom = max(y for _, y in layout.inputs) + layout.padded_shape[0] * layout.cell_h
    under = min(y for _, y in layout.outputs) > inputs_bottom
    assert len({x for x, _ in layout.outputs}) >= 2 or not under
    cells = _cells(canvas, layout)
    left, right = min(c.x for c in cells), max(c.right for c in cells)
    assert right - left > 0.7 * layout.width  # the grids take the width
    assert right <= layout.width and left >= 0


def test_outputs_in_a_row_wider_than_the_tiles_over_them_have_their_arrows_down_their_right():
    """Stacked outputs may be wider than the column of tiles over them: the
    arrows come down the right of the wider, crossing no output grid."""
    layout, canvas = _drawn(DEPTHWISE, width=700)
    outputs_right = max(x for x, _ in layout.outputs) + layout.output_shape[1] * layout.output_w
    tiles_right = max(x for x, _ in layout.inputs) + (layout.kernel_x - layout.input_x) + layout.kernel_size[1] * layout.kernel_w
    assert layout.stacked and outputs_right > tiles_right
    grids = [
        (x, y, x + layout.output_shape[1] * layout.output_w, y + layout.output_shape[0] * layout.cell_h) for x, y in layout.outputs
    ]
    shafts = [c for c in canvas.calls if c.kind == "line" and c.edge_px > 1]
    assert shafts
    for shaft in shafts:
        for a, b in list(zip(shaft.points, shaft.points[1:]))[:-1]:  # (the last leg goes up into its cell)
            for grid in grids:
                assert not _crosses(a, b, grid), (a, b, grid)


@pytest.mark.parametrize(
    "case, width",
    [
        (DEPTHWISE, 700),  # kernels beside their grids, the window short of the right edge
        (DEPTHWISE | {"bias": [-1, 2, -3.5, 0, 0.25, -0.125]}, 700),  # kernels under their grids, a dilated window
        (dict(size=(4, 4), in_channels=2, out_channels=2, kernel_size=2, padding="same"), 700),  # a window at the left, the kernel far right
    ],
    ids=["beside", "below, dilated", "window at the left"],
)
def test_the_lines_tying_a_kernel_to_its_window_cross_no_number(case, width):
    """They run along the cells' borders to the grid's edge, then across the gap."""
    renderer, shots = _figure(convanim.conv(**case), RenderOptions(width=width), painter=RecordingPainter)
    kernel = renderer.theme.kernel
    for _, _, canvas in renderer.pictures(shots[:6]):
        links = [c for c in canvas.calls if c.kind == "line" and c.edge_px == 1 and c.colour == kernel]
        assert links
        numbers = [c for c in canvas.calls if c.kind == "text" and c.text.strip("−-.0123456789") == "" and c.text]
        for number in numbers:
            left = {"left": number.x, "right": number.x - number.w}.get(number.align, number.x - number.w / 2)
            box = (left, number.y - 0.36 * number.size, left + number.w, number.y + 0.36 * number.size)
            for link in links:
                for a, b in zip(link.points, link.points[1:]):
                    assert not _crosses(a, b, box), (number.text, link.points)
