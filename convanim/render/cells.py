"""Numbers in cells: every number a row of cells will show, written one way
per row (``numfmt.row_format``) and at one type size per row, and the room
they need. Used by the layouts to size their cells."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import Trace
from ..numfmt import RowFormat, row_format
from .paint import text_width

Row = tuple[str, int]  # ("input" | "kernel" | "output", channel)


def row_values(trace: Trace) -> dict[Row, list[float]]:
    """Every number each row of cells will show, read from the trace: the
    padded input, each weight as its kernel row shows it, each result shown
    and each bias (the product line writes it as its output row does)."""
    rows: dict[Row, list[float]] = {}
    for channel in range(trace.spec.in_channels):
        rows[("input", channel)] = [float(v) for v in trace.padded[channel].ravel()]
        rows[("kernel", channel)] = []
    for channel in range(trace.spec.out_channels):
        rows[("output", channel)] = []
    for step in trace.steps:
        rows[("output", step.out_channel)].append(step.shown)
        if step.bias is not None:
            rows[("output", step.out_channel)].append(step.bias)
        for tap in step.taps:
            rows[("kernel", tap.in_channel)].append(tap.weight)
    return rows


@dataclass(frozen=True)
class RowNumbers:
    """Each row's values and the one format they are written in."""

    values: dict[Row, list[float]]
    formats: dict[Row, RowFormat]

    @classmethod
    def of(cls, trace: Trace, decimals: int | None, max_chars: int, room: tuple[float, float] | None = None) -> RowNumbers:
        """Each row's format, its widest number within ``max_chars``
        characters and, given ``room`` (pixels, type px), within that many
        pixels at that size where fewer digits can do it."""
        values = {row: list(dict.fromkeys(found)) for row, found in row_values(trace).items()}
        formats = {}
        for row, found in values.items():
            for chars in range(max_chars, 2, -1):
                formats[row] = row_format(found, decimals, chars)
                if room is None or cls(values, formats).needed(row, room[1]) <= room[0]:
                    break
        return cls(values, formats)

    def needed(self, row: Row, px: float) -> float:
        """The width ``row``'s widest number takes at ``px`` (input cells may be italic)."""
        family = "sans-italic" if row[0] == "input" else "sans"
        fmt = self.formats[row]
        return max((text_width(fmt.text(v), family, px, bold=True) for v in self.values[row]), default=0.0)

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
