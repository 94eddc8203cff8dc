"""The parts of a 1-D figure drawn once: block and channel names, group
stripes and their legend, padding labels. Places only; the renderer draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .layout import Box, Label
from .fonts import text_width

if TYPE_CHECKING:
    from .grid1d import Layout1D

def labels(L: Layout1D) -> list[Label]:
    """Block and channel names. A wrapped figure names its kernel rows only
    where the kernel is (``kernel_names``, drawn with it)."""
    result = []
    for band in range(L.bands):
        blocks = [("Input", L.input_top, L.in_channels), ("Kernel", L.kernel_top, L.in_channels), ("Output", L.output_top, L.out_channels)]
        result += _names(L, band, blocks if L.bands == 1 else blocks[::2])
    return result


def kernel_names(L: Layout1D, band: int) -> list[Label]:
    """The kernel block's name and channel names on ``band``."""
    return _names(L, band, [("Kernel", L.kernel_top, L.in_channels)])


def _names(L: Layout1D, band: int, blocks) -> list[Label]:
    result = []
    many = L.in_channels > 1 or L.out_channels > 1
    dy = band * L.band_height
    for name, top, rows in blocks:
        pitch = L.output_pitch if name == "Output" else L.cell_h
        x = L.label_right - L._channel_gap
        result.append(Label(x, dy + top + (rows * pitch - pitch + L.cell_h) / 2, name, L.label_px, align="right", bold=True))
        if many:
            for row in range(rows):
                y = dy + top + row * pitch + 0.5 * L.cell_h
                result.append(Label(L.label_right, y, f"ch {row}", L.small_px, "muted", "right"))
    return result


def stripes(L: Layout1D) -> list[tuple[Box, int]]:
    """A stripe in the group's colour beside each row: rows of one colour feed each other."""
    if L.groups == 1:
        return []
    result = []
    for band in range(L.bands):
        for top, rows, pitch in ((L.input_top, L.in_channels, L.cell_h), (L.kernel_top, L.in_channels, L.cell_h), (L.output_top, L.out_channels, L.output_pitch)):
            per_group = rows // L.groups
            for row in range(rows):
                y = band * L.band_height + top + row * pitch + 1
                result.append((Box(L.grid_x - 16 * L.scale, y, 6 * L.scale, L.cell_h - 2), row // per_group))
    return result


def legend_places(groups: int, width: float, scale: float, px: float, top: float, lead: float = 0.0) -> list[tuple[float, float]]:
    """Where each group's legend entry starts (x, middle y): left to right,
    wrapping within the figure's margins; ``lead``: room kept before the first."""
    margin, swatch = 28 * scale, 0.8 * px
    places, x, y = [], margin + lead, top
    for group in range(groups):
        step = swatch + 6 * scale + text_width(f"group {group}", size=px) + 22 * scale
        if x > margin and x + step > width - margin:
            x, y = margin, y + 1.6 * px
        places.append((x, y))
        x += step
    return places


def legend(L: Layout1D) -> list[tuple[Box, int, Label]]:
    """What the stripes' colours mean: a swatch and "group g" for each group."""
    if L.groups == 1:
        return []
    swatch = 0.8 * L.small_px
    return [
        (Box(x, y - swatch / 2, swatch, swatch), group, Label(x + swatch + 6 * L.scale, y, f"group {group}", L.small_px, "muted", "left"))
        for group, (x, y) in enumerate(legend_places(L.groups, L.width, L.scale, L.small_px, L.legend_top))
    ]


def padding_labels(L: Layout1D, word: str) -> list[Label]:
    """A label over each run of padding, kept over the grid (clear of the
    label column) and apart from each other."""
    px = L.small_px
    half = text_width(word, size=px) / 2
    spots = []
    for start, stop in L.padding_runs:
        band = L.band_of(start)
        left, right = L.grid_x, L.column_x(min(L.columns, (band + 1) * L.per_band), band)
        centre = (L.column_x(start, band) + L.column_x(min(stop, (band + 1) * L.per_band), band)) / 2
        spots.append((band, min(max(centre, left + half), max(left + half, right - half))))
    if len(spots) == 2 and spots[0][0] == spots[1][0] and spots[1][1] - spots[0][1] < 2 * half + 12 * L.scale:
        # Too close to tell apart: one label over the row.
        spots = [(spots[0][0], (spots[0][1] + spots[1][1]) / 2)]
    return [
        Label(min(max(x, half + 8 * L.scale), L.width - half - 8 * L.scale), band * L.band_height + L.pad_label_y, word, px, "padding")
        for band, x in spots
    ]
