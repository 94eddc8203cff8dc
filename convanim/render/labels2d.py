"""The parts of a 2-D figure drawn once: block and channel names, lens
titles, group stripes, the padding label. Places only; the renderer draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .labels1d import legend_places
from .layout import Box, Label
from .fonts import text_width

if TYPE_CHECKING:
    from .grid2d import Layout2D

HEADER = 34  # px at 1080: the block names' line over the grids


def labels(L: Layout2D) -> list[Label]:
    """Block names, channel names and, on an overview, each lens's title."""
    s = L.scale
    y = L.grid_top - 0.55 * HEADER * s
    result = [
        Label(L.input_x, y, "Input", L.label_px, align="left", bold=True),
        Label(L.kernel_x, y, "Kernel", L.label_px, align="left", bold=True),
        Label(L.output_x, L.output_top - 0.55 * HEADER * s if L.stacked else min(y, L.output_top - 0.55 * HEADER * s), "Output", L.label_px, align="left", bold=True),
    ]
    px = L.label_px * 0.8
    if L.lens is not None or L.kernel_below:
        del result[1]  # the lenses write the weights; a kernel below its grid is named as it moves
    if L.lens is not None:
        result.extend(_lens_titles(L, px))
    rows = L.padded_shape[0]
    if L.in_channels == 1 and L.out_channels == 1:
        return result  # one grid each: no channel to tell apart
    for channel in range(L.in_channels):
        box = L.input_cell(channel, (0, 0))
        result.append(Label(box.x - 10 * s, box.y + rows * L.cell_h / 2, f"ch {channel}", px, "muted", "right"))
    out_rows = L.output_shape[0]
    for channel in range(L.out_channels):
        box = L.output_cell(channel, (0, 0))
        middle = box.y + out_rows * L.cell_h / 2
        if L.stacked:  # the arrows run down the right: the names go left, as the input's
            result.append(Label(box.x - 10 * s, middle, f"ch {channel}", px, "muted", "right"))
        else:  # right of the grid: the arrows cross the gap on its left
            result.append(Label(box.x + L.output_shape[1] * L.output_w + 8 * s, middle, f"ch {channel}", px, "muted", "left"))
    if L.groups > 1:  # before the legend, under the grids: clear of the headings over them
        result.append(Label(legend_places(1, L.width, s, px, L.legend_top)[0][0], L.legend_top, groups_word(L.groups), px, "muted", "left"))
    return result


def legend(L: Layout2D) -> list[tuple[Box, int, Label]]:
    """What the stripes' colours mean, as in 1-D: a swatch and "group g" for
    each group, after the word ``groups=G`` (``labels``)."""
    if L.groups == 1:
        return []
    px, s = L.label_px * 0.8, L.scale
    swatch = 0.8 * px
    return [
        (Box(x, y - swatch / 2, swatch, swatch), group, Label(x + swatch + 6 * s, y, f"group {group}", px, "muted", "left"))
        for group, (x, y) in enumerate(legend_places(L.groups, L.width, s, px, L.legend_top, groups_lead(L.groups, s, px)))
    ]


def groups_word(groups: int) -> str:
    return f"groups={groups}"


def groups_lead(groups: int, s: float, px: float) -> float:
    """The room ``groups=G`` takes before the legend's first swatch."""
    return text_width(groups_word(groups), size=px) + 14 * s


def legend_bottom(groups: int, width: float, s: float, px: float, top: float) -> float:
    """The middle of the legend's last line."""
    return legend_places(groups, width, s, px, top, groups_lead(groups, s, px))[-1][1]


def stripes(L: Layout2D) -> list[tuple[Box, int]]:
    """A stripe in the group's colour beside each grid: grids of one colour feed each other."""
    if L.groups == 1:
        return []
    s, rows = L.scale, L.padded_shape[0]
    result = []
    per_in, per_out = L.in_channels // L.groups, L.out_channels // L.groups
    for channel in range(L.in_channels):
        first = L.input_cell(channel, (0, 0))
        result.append((Box(first.x - 8 * s, first.y, 5 * s, rows * L.cell_h), channel // per_in))
    for channel in range(L.out_channels):
        first = L.output_cell(channel, (0, 0))
        result.append((Box(first.x - 6 * s, first.y, 4 * s, L.output_shape[0] * L.cell_h), channel // per_out))
    return result

def padding_labels(L: Layout2D, word: str) -> list[Label]:
    """One label over the first channel's grid: the ring's colour says the rest."""
    if not L.padded:
        return []
    columns = L.padded_shape[1]
    x = L.input_x + columns * L.cell
    px, s = L.label_px * 0.85, L.scale
    y = L.grid_top - 0.55 * HEADER * s
    # Beside "Input" where there is room, else on the line over it, clear
    # of whose kernel is shown (over the kernel): the mode alone
    # ("reflect") where the whole does not fit.
    if x - text_width(word, size=px) < L.input_x + text_width("Input", size=L.label_px, bold=True) + 12 * s:
        x, y = L.input_x, L.grid_top - 1.2 * HEADER * s
        ends = [L.width - 20 * s]
        if L.lens is None and not L.kernel_below and L.out_channels > L.groups:
            ends.append(L.kernel_x - 8 * s)
        text = next((t for t in (word, word.split()[0]) if x + text_width(t, size=px) <= min(ends)), word.split()[0])
        return [Label(x, y, text, px, "padding", align="left")]
    return [Label(x, y, word, px, "padding", align="right")]

def _lens_titles(L: Layout2D, px: float) -> list[Label]:
    """Under each lens, what it magnifies, in as many words as its width holds."""
    lens, result = L.lens, []
    many_in, many_out = L.in_channels > 1, L.out_channels > 1
    for channel, (x, y) in enumerate(lens.inputs):
        words = [f"ch {channel} window, magnified", f"ch {channel} window", f"ch {channel}"] if many_in else ["window, magnified", "window"]
        result.append(Label(x, y + lens.in_size[1] + 0.5 * lens.title_room, _title(words, lens.in_size[0], px), px, "muted", "left"))
    for channel, (x, y) in enumerate(lens.outputs):
        words = [f"ch {channel} output, magnified", f"ch {channel} output", f"ch {channel}"] if many_out else ["output, magnified", "output"]
        result.append(Label(x, y + lens.out_size[1] + 0.5 * lens.title_room, _title(words, lens.out_size[0], px), px, "muted", "left"))
    return result


def _title(words: list[str], room: float, px: float) -> str:
    """The first of ``words`` no wider than ``room`` (else the last): never smaller type."""
    return next((text for text in words if text_width(text, size=px) <= room), words[-1])


def legend_right(groups: int, width: float, s: float, px: float, top: float) -> float:
    """The right end of the legend's widest line."""
    places = legend_places(groups, width, s, px, top, groups_lead(groups, s, px))
    ends = [x + 0.8 * px + 6 * s + text_width(f"group {group}", size=px) for group, (x, _) in enumerate(places)]
    return max(ends)
