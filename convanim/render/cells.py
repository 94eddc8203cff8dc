"""Numbers in cells: every number a row of cells will show, written one way
per row (``numfmt.row_format``) and at one type size per row, and the room
they need. Used by the layouts to size their cells."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

from ..engine import Trace
from ..numfmt import RowFormat, row_format
from ..report import kernel_row
from .fonts import text_width

Row = tuple  # ("input" | "output", channel), or a kernel grid's ("kernel", in channel, out channel): report.kernel_row


def row_values(trace: Trace) -> dict[Row, list[float]]:
    """Every number each row of cells will show, read from the trace, each
    once, in the order the steps first show it: the padded input, each
    weight as its kernel grid shows it (``kernel_row``), each result shown
    and each bias (the product line writes it as its output row does)."""
    cached = _ROW_VALUES.get(trace)
    if cached is None:
        cached = _ROW_VALUES[trace] = _row_values(trace)
    return {row: list(values) for row, values in cached.items()}


# A layout sizes its cells several times over (at each width it tries);
# the trace's numbers are read once per trace.
_ROW_VALUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MADE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # formats and widths, per trace


def _row_values(trace: Trace) -> dict[Row, tuple[float, ...]]:
    # From the trace's arrays rather than its steps: the same numbers in the
    # same order (step after step, tap after tap), without building a step
    # object per output (a second or more for a large grid).
    spec = trace.spec
    out_per_group = spec.out_channels // spec.groups
    in_per_group = spec.in_channels // spec.groups
    weight = trace.conv.weight.reshape(spec.out_channels, in_per_group, -1)
    rows: dict[Row, tuple[float, ...]] = {}
    for channel in range(spec.in_channels):
        rows[("input", channel)] = _once(trace.padded[channel].ravel())
        group, within = divmod(channel, in_per_group)
        # Each kernel grid (an output channel's weights on this channel) is a
        # row of its own: whole weights stay whole beside another's 0.125.
        owners = range(group * out_per_group, (group + 1) * out_per_group)
        for owner in owners:
            rows[kernel_row(channel, owner)] = _once(weight[owner, within].ravel())
    shown = trace.shown.reshape(spec.out_channels, -1)
    for channel in range(spec.out_channels):
        values = shown[channel]
        if trace.conv.bias is not None:  # each result, then the bias the product line adds
            values = np.column_stack((values, np.full(len(values), trace.conv.bias[channel]))).ravel()
        rows[("output", channel)] = _once(values)
    return rows


def _once(values: np.ndarray) -> tuple[float, ...]:
    """``values`` as floats, each once, in first-seen order."""
    return tuple(dict.fromkeys(values.astype(float).tolist()))


@dataclass(frozen=True)
class RowNumbers:
    """Each row's values and the one format they are written in."""

    values: dict[Row, list[float]]
    formats: dict[Row, RowFormat]
    # Each row's texts, and their widest at each size, measured once.
    _measured: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, trace: Trace, decimals: int | None, max_chars: int, room: tuple[float | dict[str, float], float] | None = None) -> RowNumbers:
        """Each row's format, its widest number within ``max_chars``
        characters and, given ``room`` (pixels, or pixels by block:
        "input", "kernel", "output"; and type px), within that many pixels
        at that size where fewer digits can do it."""
        values = row_values(trace)
        # One trace's formats and widths are worked out once: a layout
        # search asks for them at every width and type size it tries.
        made = _MADE.setdefault(trace, {})
        measured = made.setdefault("widths", {})
        formats = {}
        for row, found in values.items():
            pixels = None if room is None else room[0][row[0]] if isinstance(room[0], dict) else room[0]
            for chars in range(max_chars, 2, -1):
                if (row, decimals, chars) not in made:
                    made[row, decimals, chars] = row_format(found, decimals, chars)
                formats[row] = made[row, decimals, chars]
                if room is None or cls(values, formats, measured).needed(row, room[1]) <= pixels:
                    break
        return cls(values, formats, measured)

    def block_width(self, block: str, px: float) -> float:
        """The width the widest number of ``block``'s rows ("input",
        "kernel", "output") takes at ``px``."""
        return max((self.needed(row, px) for row in self.values if row[0] == block), default=0.0)

    def needed(self, row: Row, px: float) -> float:
        """The width ``row``'s widest number takes at ``px`` (input cells may be italic)."""
        fmt = self.formats[row]
        key = (row, fmt, px)
        if key not in self._measured:
            family = "sans-italic" if row[0] == "input" else "sans"
            texts = self._measured.get((row, fmt))
            if texts is None:
                texts = self._measured[(row, fmt)] = tuple(dict.fromkeys(fmt.text(v) for v in self.values[row]))
            self._measured[key] = max((text_width(text, family, px, bold=True) for text in texts), default=0.0)
        return self._measured[key]

    def width(self, px: float) -> float:
        """The width the widest number of any row takes at ``px``."""
        return max(self.needed(row, px) for row in self.values)

    def sized(self, room: float, largest: float, least: float) -> dict[Row, tuple[RowFormat, float]]:
        """Each row's format and type size: as large as its widest number
        allows in ``room`` pixels, from ``largest`` down to ``least``."""
        sized = {}
        for row, fmt in self.formats.items():
            px = largest
            while px > least and self.needed(row, px) > room:
                px -= 0.5
            sized[row] = (fmt, max(px, least))
        return sized
