"""Where a 2-D figure's grids go when every number is written in its cell.

In a row, as cs231n draws a convolution layer: the input's channels
stacked (padding ring included), the kernel's slice for each channel
beside it, the output's channels on the right. Where numbers long enough
to need wide cells leave no room for that row, the output grids go under
the input's, in as many columns as the width holds (the arrows run down the
right of the kernels or of the outputs, whichever reach further); where even
that does not fit, or the grids would be too tall, the figure is an
overview with lenses (``overview2d``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .sizing2d import LEVELS, MAX_CELL, CellType, cell_type

LABEL_COLUMN = 64  # "ch 12" beside each grid
MARGIN = 28
TIGHT_MARGIN = 12  # the figure's margins where grids with every number fit only so
GRIDS_TALL = 1.0  # the grids stay within this many widths of height (a figure's own; a canvas sets its own)
HALF = 0.5  # between two channels' grids, in cells
CLEARLY_LARGER = 1.1  # an arrangement later in the order is taken for cells this much larger
KERNEL_GAP = 1.0  # a kernel below its grid: between them, in cells
KERNEL_NAME = 1.5  # and under it, its name's line, in the labels' type size


@dataclass(frozen=True)
class Placement:
    """Grids' places: each channel's top left, the cells' sides."""

    cell: float  # an input cell's width
    cell_h: float  # every cell's height
    kernel_w: float  # a kernel cell's width
    output_w: float  # an output cell's width
    input_x: float  # the left of the input column (of its first column of tiles)
    kernel_x: float
    output_x: float
    grid_top: float
    output_top: float
    inputs: tuple[tuple[float, float], ...]  # each input channel's grid, top left
    outputs: tuple[tuple[float, float], ...]
    bottom: float  # under the lowest grid (or lens)
    stacked: bool = False  # the outputs under the inputs, not beside them
    lens: object | None = None  # on an overview, the lenses (lens2d.Lenses)
    lanes: tuple = ()  # per input channel, where its arrow turns down beside its tile and runs under it (None: straight on)
    kernel_below: bool = False  # each kernel under its channel's grid, level with the window's columns, not beside it


def numbered(spec, width: int, s: float, top: float, written, least_px: float, tall: float, only_stacked: bool = False):
    """The grids with every number in its cell, at the largest type that
    some arrangement within ``tall`` px holds, and that type; None if none
    does. ``only_stacked``: the outputs under the inputs."""
    for margin in (MARGIN, TIGHT_MARGIN):  # last, narrower margins before an overview
        for shrink, over_tag in LEVELS:
            kind = cell_type(written, least_px, s, shrink, over_tag)
            placed = plain(spec, width, s, top, kind, tall, margin, only_stacked)
            if placed is not None:
                return placed, kind
    return None


def plain(spec, width: int, s: float, top: float, kind: CellType, tall: float, margin: float = MARGIN, only_stacked: bool = False) -> Placement | None:
    """The grids with cells that hold their numbers at ``kind``'s type, in
    the arrangement that draws them largest within ``tall`` pixels of
    height: the outputs beside the inputs or under them, the input's
    channels (each with its kernel) in one column of tiles or several.
    Where cells come out as large (at their most, ``MAX_CELL``), the first
    of those orders: a row, few columns. None where no arrangement fits."""
    best = None
    for n_out in range(1, spec.out_channels + 1):
        for below in (False, True):
            for columns_ in range(1, spec.in_channels + 1):
                for stacked in (True,) if only_stacked else (False, True):
                    placed = _arranged(spec, width, s, top, kind, columns_, stacked, tall, below, n_out, margin)
                    if placed is not None and (best is None or placed.cell_h > CLEARLY_LARGER * best.cell_h):
                        best = placed
    return best


def _arranged(spec, width: int, s: float, top: float, kind: CellType, n_in: int, stacked: bool, tall: float, below: bool = False, n_out: int = 1, margin: float = MARGIN) -> Placement | None:
    """The grids with the input's channels in ``n_in`` columns of tiles (a
    channel's grid and its kernel's, beside it or ``below`` it), the
    outputs beside them (in ``n_out`` columns) or under them, no taller
    than ``tall`` pixels."""
    rows, columns = spec.padded_shape
    k_rows, k_columns = spec.kernel_size
    out_rows, out_columns = spec.output_shape[1:]
    c_in, c_out = spec.in_channels, spec.out_channels
    labelled = c_in > 1 or c_out > 1
    tiles_down = math.ceil(c_in / n_in)
    # A kernel below its grid: a gap for the lines that tie it to the
    # window, its rows (in cells), and a line for its name under it (px).
    # (two lines where it says whose kernel is shown: several output channels per group)
    name_px = KERNEL_NAME * kind.label_px * (2 if c_out > spec.groups else 1) if below else 0.0
    under = KERNEL_GAP + k_rows if below else 0.0
    in_down = tiles_down * (rows + under + name_px / kind.cell_h) + (tiles_down - 1) * HALF  # at most, in cells
    outs_down = math.ceil(c_out / n_out)
    out_down = outs_down * out_rows + (outs_down - 1) * HALF
    # Across: the tiles (input, gap, kernel), gap (the arrows'), output; stacked, the output goes under.
    gap_in, gap_out = (0.75, 0.75) if stacked else (1.0, 2.0)  # in cells: stacked, the arrows run down the narrower right gap
    if below and not stacked:
        gap_out = 1.25  # the arrows come from under the grids: no kernel's lines to clear
    pitch = LABEL_COLUMN * s  # between tiles: the next channel's name
    # Channels' names on the left (and the outputs' on the right, in a row);
    # one channel each has no names: its grids may take the margins' room.
    names = (1 if stacked else 2) if labelled else 0
    # Stacked, the rows of tiles and of outputs are side by side no more.
    pitches = (n_in - 1 if stacked else n_in + n_out - 2) * pitch
    fixed = (LABEL_COLUMN * names + 2 * margin) * s + pitches
    down = in_down + out_down + 1.5 if stacked else max(in_down, out_down)
    across = n_in * (max(columns, k_columns) if below else columns + gap_in + k_columns) + gap_out + (0 if stacked else n_out * out_columns)
    square = min(MAX_CELL * s, (width - fixed) / across, GRIDS_TALL * width / down, tall / down)

    def sized(h: float):
        """Cells ``h`` tall: each block's cells' width, a tile's width, the grids' width."""
        # Square where the numbers allow, wider where they need: each block as its own need.
        w_in, w_k, w_out = (max(h, kind.widths[block]) for block in ("input", "kernel", "output"))
        if below:  # the window's columns and the kernel's alike: the lines between them run along the cells' edges
            w_in = w_k = max(w_in, w_k)
        tile = max(columns * w_in, k_columns * w_k) if below else columns * w_in + gap_in * h + k_columns * w_k
        if stacked:  # the outputs' row under the tiles' (pitches are in ``fixed``), the arrows down the right of the wider
            used = max(n_in * tile, n_out * out_columns * w_out + (n_out - 1 - (n_in - 1)) * pitch) + gap_out * h
        else:
            used = n_in * tile + gap_out * h + n_out * out_columns * w_out
        return w_in, w_k, w_out, tile, used

    room = width - fixed + 0.5
    h = max(square, kind.cell_h)
    if sized(h)[4] > room and sized(kind.cell_h)[4] <= room:
        # Cells wider than tall (long numbers) take more than ``across``
        # squares: the tallest cells whose widths fit, not none.
        low, high = kind.cell_h, h
        while high - low > 0.05:
            middle = (low + high) / 2
            low, high = (middle, high) if sized(middle)[4] <= room else (low, middle)
        h = low
    w_in, w_k, w_out, tile, used = sized(h)
    gap = h
    if used > room or down * h > tall + 0.5:
        return None
    if labelled:
        left = (0 if not stacked else LABEL_COLUMN) * s
        input_x = max((margin + LABEL_COLUMN) * s, (width - used - pitches + left) / 2)
    else:  # a little right of the middle, as where the names would be, where there is room
        input_x = max(margin * s, min((width - used + LABEL_COLUMN * s) / 2, width - margin * s - used))
    # Below: where the kernel stands under the last columns (its place is the window's).
    kernel_x = input_x + (columns * w_in - k_columns * w_k if below else columns * w_in + gap_in * gap)
    tile_h = (rows + under) * h + name_px
    in_height, out_height = tiles_down * tile_h + (tiles_down - 1) * HALF * h, out_down * h
    if stacked:
        output_x, output_top, grid_top = input_x, top + in_height + 1.5 * h, top
    else:
        output_x = input_x + n_in * tile + (n_in - 1) * pitch + gap_out * gap
        # The outputs face the middle of the inputs.
        output_top = top + max(0.0, (in_height - out_height) / 2)
        grid_top = top + max(0.0, (out_height - in_height) / 2)
    inputs = tuple((input_x + (k % n_in) * (tile + pitch), grid_top + (k // n_in) * (tile_h + HALF * h)) for k in range(c_in))
    # Several columns of outputs fill row by row, each grid's name on its right.
    outputs = tuple((output_x + (k % n_out) * (out_columns * w_out + pitch), output_top + (k // n_out) * (out_rows + HALF) * h) for k in range(c_out))
    bottom = max(grid_top + in_height, output_top + out_height)
    lanes = tuple(lane(k, n_in, c_in, x + tile, y + tile_h, pitch, HALF * h) for k, (x, y) in enumerate(inputs))
    return Placement(w_in, h, w_k, w_out, input_x, kernel_x, output_x, grid_top, output_top, inputs, outputs, bottom, stacked, None, lanes, below)


def lane(channel: int, n_in: int, c_in: int, right: float, bottom: float, pitch: float, under: float):
    """Where the arrow from a tile that is not last in its row turns: down
    the gap on the tile's right, then along the gap under it, so it
    crosses no other tile's cells. None for the last tile of a row."""
    if channel % n_in == n_in - 1 or channel == c_in - 1:
        return None
    return (right + min(pitch / 6, under), bottom + under / 2)  # clear of the next tile's name
