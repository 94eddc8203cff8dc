"""GIF image data (LZW) for frames that are mostly one index.

A delta frame is the rectangle around everything that changed; between
changes far apart (a window at the top, a sum line at the bottom) it is the
transparent index. Pillow's coder spends the same time on every pixel, so a
rectangle of a million pixels costs milliseconds however little it holds.
Here each long run of the fill index is coded in closed form (after a clear
code, a run of one value is the codes of 1, 2, 3, ... of it) and only the
stretches that hold changes go through Pillow; the pieces are joined with
clear codes, so each starts from an empty table and none depends on another.

Only numpy and Pillow are imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image

MAX_WIDTH = 12  # GIF's widest code
# A run of the fill index shorter than this stays in Pillow's piece: below
# it, coding the run here and joining the pieces costs more than Pillow would.
MIN_RUN = 1 << 16
# A rectangle of fewer pixels than this is coded whole: each piece starts a
# fresh table, which costs bytes (a 1-D figure grew by about 1%), and below
# it Pillow codes the rectangle in well under a millisecond anyway.
SPLIT_ABOVE = 1 << 20
# Where time counts for more than bytes (a long figure, see gif.py), runs
# from this long are coded here in any rectangle: on the 1,024-step case
# that is the gap between the overview's window and the lenses, and LZW
# takes 2.05 ms a frame instead of 2.44, for 2.5% more bytes (each piece
# starts a fresh table); runs from 16K or 32K cost more bytes, no less time.
QUICK_RUN = 1 << 17
_TABLE_LIMIT = 4000  # codes in a table before a run starts a new one (GIF's limit is 4096)


def image_data(indices: np.ndarray, bits: int, where: np.ndarray | None = None, fill: int = 0, min_run: int | None = None) -> bytes:
    """GIF image data for (H, W) uint8 ``indices`` of a ``bits``-bit colour
    table: the minimum code size, LZW sub-blocks and the terminator.

    ``where``, when given, holds the sorted flat positions (row-major) of
    every pixel that is not ``fill``; the runs of ``fill`` between them of
    ``min_run`` pixels or more are coded without Pillow (faster, a little
    larger); without ``min_run``, runs of MIN_RUN pixels or more in a
    rectangle of more than SPLIT_ABOVE. The image decodes the same either way.
    """
    code_size = max(2, bits)  # GIF's smallest LZW code size is 2
    flat = np.ascontiguousarray(indices).reshape(-1)
    if min_run is None:
        min_run = MIN_RUN if len(flat) > SPLIT_ABOVE else None
    pieces = None if where is None or min_run is None else _pieces(len(flat), where, min_run)
    if pieces is None or (len(pieces) == 1 and pieces[0] == (0, len(flat))):
        data = _pillow(flat, code_size)
    else:
        data = _blocks(_joined(flat, code_size, pieces, fill))
    return bytes([code_size]) + data + b"\0"


def resized(length: int, bits: int, other_bits: int) -> float:
    """About how many bytes LZW data of ``length`` bytes for a ``bits``-bit
    table takes for an ``other_bits``-bit one: the codes are the same, only
    the early ones are wider or narrower (as many as the table's first
    entries), so the difference is bounded however long the data."""
    code_size, other = max(2, bits), max(2, other_bits)
    count = 1 << MAX_WIDTH
    ours, theirs = np.cumsum(_schedule(code_size, count)), np.cumsum(_schedule(other, count))
    codes = min(int(np.searchsorted(ours, 8 * length)), count - 1)
    return length + (int(theirs[codes]) - int(ours[codes])) / 8


def _pillow(flat: np.ndarray, code_size: int) -> bytes:
    """Pillow's LZW sub-blocks for ``flat`` (one image row)."""
    image = Image.frombuffer("L", (len(flat), 1), flat, "raw", "L", 0, 1)
    return image.tobytes("gif", "L", code_size, 0)


def _pieces(total: int, where: np.ndarray, min_run: int) -> list[tuple[int, int]]:
    """Stretches (start, end) of a stream of ``total`` pixels that hold
    every position of ``where`` (sorted), split where ``min_run`` or more
    pixels lie between two; a stretch nearer than ``min_run`` to an end of
    the stream reaches it."""
    if not len(where):
        return [(0, total)]
    gaps = np.flatnonzero(np.diff(where) >= min_run)
    starts = [int(where[0])] + where[gaps + 1].tolist()
    ends = (where[gaps] + 1).tolist() + [int(where[-1]) + 1]
    if starts[0] < min_run:
        starts[0] = 0
    if total - ends[-1] < min_run:
        ends[-1] = total
    return list(zip(starts, ends))


def _joined(flat: np.ndarray, code_size: int, pieces, fill: int) -> bytes:
    """The LZW data of ``flat`` (without its sub-block framing): ``pieces``
    through Pillow, the runs of ``fill`` between them here.

    The stream is one Python integer, the first code in its lowest bits
    (GIF's bit order): joining a piece at any bit is a shift and an or, not
    a bit array the size of the stream.
    """
    clear = 1 << code_size
    stream, at, width = clear, code_size + 1, code_size + 1
    stretches, done = [], 0
    for start, end in pieces:
        if start > done:
            stretches.append((done, start, True))
        stretches.append((start, end, False))
        done = end
    if done < len(flat):
        stretches.append((done, len(flat), True))
    for k, (start, end, is_run) in enumerate(stretches):
        if k:
            stream |= clear << at  # every piece starts from an empty table
            at += width
        if is_run:
            codes, count, width = _run(fill, end - start, code_size)
        else:
            codes, count, width = _pillow_codes(flat[start:end], code_size)
        stream |= codes << at
        at += count
    stream |= (clear + 1) << at  # end of information
    at += width
    return stream.to_bytes((at + 7) // 8, "little")


def _schedule(code_size: int, count: int) -> np.ndarray:
    """The widths of the first ``count`` codes after a clear code: a code
    is as wide as the decoder's next free table entry needs."""
    first_free = (1 << code_size) + 2
    entries = first_free + np.maximum(np.arange(count) - 1, 0)
    return np.minimum(MAX_WIDTH, np.floor(np.log2(entries)).astype(np.int64) + 1)


def _run(value: int, length: int, code_size: int) -> tuple[int, int, int]:
    """The codes for ``length`` pixels of ``value`` after a clear code, as
    a stream (an integer, first code lowest) and its length in bits, and
    the width of the code that would come next.

    The k-th code after a clear stands for k + 1 pixels (the first is the
    value itself, each later one the entry its predecessor made); what is
    left over is one shorter code. A run too long for one table starts
    another with a clear code.
    """
    clear = 1 << code_size
    codes, offsets, schedule = _run_table(value, code_size, _TABLE_LIMIT)
    per_table = len(offsets) - 1
    stream = at = 0
    while True:
        # The largest k with 1 + 2 + ... + k <= length, within one table.
        k = min(per_table, (math.isqrt(8 * length + 1) - 1) // 2)
        rest = length - k * (k + 1) // 2
        stream |= (codes & ((1 << int(offsets[k])) - 1)) << at
        at += int(offsets[k])
        if 0 < rest and k < per_table:
            # ``rest`` <= k pixels: the first code, or the entry made for them
            stream |= (value if rest == 1 else clear + rest) << at
            at += int(schedule[k])
            return stream, at, int(schedule[k + 1])
        if not rest:
            return stream, at, int(schedule[k])
        stream |= clear << at  # the table is full: clear it and go on
        at += int(schedule[k])
        length = rest


@functools.lru_cache(maxsize=None)
def _run_table(value: int, code_size: int, limit: int) -> tuple[int, np.ndarray, np.ndarray]:
    """A whole table's run of ``value`` after a clear code, the table holding
    ``limit`` codes: its codes as a stream, where each code starts in it (and
    where the last ends), and the widths of a table's codes."""
    clear = 1 << code_size
    per_table = limit - clear - 2
    lengths = np.arange(1, per_table + 1)
    table = np.where(lengths == 1, value, clear + lengths)
    schedule = _schedule(code_size, per_table + 1)
    bits = _bits(table, schedule[:-1])
    stream = int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
    return stream, np.concatenate(([0], np.cumsum(schedule[:-1]))), schedule


def _pillow_codes(flat: np.ndarray, code_size: int) -> tuple[int, int, int]:
    """Pillow's codes for ``flat`` without its first clear code and its end
    code, as a stream (an integer, first code lowest) and its length in
    bits, and the width the end code had (what the next code must have)."""
    data = _unblock(_pillow(flat, code_size))
    stream = int.from_bytes(data, "little")
    found = _closed_form(stream, code_size) or _searched(_bits_of(data), code_size)
    last, width = found
    start = code_size + 1  # after the opening clear code
    return (stream >> start) & ((1 << (last - start)) - 1), last - start, width


def _bits_of(data: bytes) -> np.ndarray:
    """LZW data as bits (one a byte, first bit first), zeros after."""
    bits = np.unpackbits(np.frombuffer(data, np.uint8), bitorder="little")
    # Zeros after the end: Pillow may write its end code a bit narrower
    # than a decoder reads it (the table had just grown), which is harmless
    # at the end, but here codes are read at the width a decoder expects.
    return np.concatenate([bits, np.zeros(MAX_WIDTH, np.uint8)])


def _closed_form(stream: int, code_size: int) -> tuple[int, int] | None:
    """What ``_searched`` finds, worked out from where the end code falls
    in Pillow's ``stream`` (None when the clear codes or the end code do
    not read back): where the end code starts, and its width."""
    clear, end = 1 << code_size, (1 << code_size) + 1
    at = code_size + 1  # after the opening clear code
    schedule, offsets = _SCHEDULES[code_size]
    # The end code is the stream's last 1 bit, ``code_size`` bits into it.
    # Pillow clears its table when it is full, after as many codes each
    # time, so every full table takes as many bits: where the end code
    # falls says how many tables came before it and which code it is.
    last = stream.bit_length() - 1 - code_size
    full = (1 << MAX_WIDTH) + 1 - clear - 2  # codes in a full table
    table_bits = int(offsets[full] + schedule[full])  # with its clear code
    tables = (last - at) // table_bits
    k = int(np.searchsorted(offsets, last - at - tables * table_bits))
    clears = at + table_bits * np.arange(1, tables + 1) - MAX_WIDTH
    if (
        last >= at
        and k <= full
        and offsets[k] == last - at - tables * table_bits
        and _read(stream, last, int(schedule[k])) == end
        and all(_read(stream, int(place), MAX_WIDTH) == clear for place in clears)
    ):
        return last, int(schedule[k])
    return None


def _searched(bits: np.ndarray, code_size: int) -> tuple[int, int]:
    """Where the end code starts in Pillow's stream of ``bits`` (one a
    byte), and its width, found by reading the stream table by table."""
    clear, end = 1 << code_size, (1 << code_size) + 1
    at = code_size + 1  # after the opening clear code
    schedule, offsets = _SCHEDULES[code_size]
    while True:
        # Read every code this table could hold, from its first; stop at the
        # first clear (Pillow's table was full) or the end code.
        count = int(np.searchsorted(offsets, len(bits) - at, side="right")) - 1
        starts = at + offsets[:count]
        places = starts[:, None] + np.arange(MAX_WIDTH)
        within = np.arange(MAX_WIDTH) < schedule[:count, None]
        values = (bits[np.minimum(places, len(bits) - 1)] * within) @ (1 << np.arange(MAX_WIDTH))
        hits = np.flatnonzero((values == clear) | (values == end))
        if not len(hits):
            raise ValueError("no end code in Pillow's LZW data")
        k = int(hits[0])
        if values[k] == end:
            return int(starts[k]), int(schedule[k])
        at = int(starts[k] + schedule[k])


# Per code size: the widths of a table's codes and where each one starts.
_SCHEDULES = {
    size: (_schedule(size, 1 << MAX_WIDTH), np.concatenate(([0], np.cumsum(_schedule(size, 1 << MAX_WIDTH)))))
    for size in range(2, 9)
}


def _read(stream: int, at: int, width: int) -> int:
    """The code of ``width`` bits at bit ``at`` of ``stream`` (-1 before it)."""
    return -1 if at < 0 else (stream >> at) & ((1 << width) - 1)


def _unblock(data: bytes) -> bytes:
    """The bytes of GIF data sub-blocks without their length bytes."""
    out, at = [], 0
    while at < len(data) and data[at]:
        out.append(data[at + 1 : at + 1 + data[at]])
        at += 1 + data[at]
    return b"".join(out)


def _blocks(data: bytes) -> bytes:
    """LZW data as GIF data sub-blocks of at most 255 bytes."""
    return b"".join(bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255))


def _bits(codes, widths) -> np.ndarray:
    """Codes of the given widths as a bit stream, each code's lowest bit first."""
    codes, widths = np.asarray(codes, np.int64), np.asarray(widths, np.int64)
    starts = np.cumsum(widths) - widths
    place = np.arange(int(widths.sum())) - np.repeat(starts, widths)
    return ((np.repeat(codes, widths) >> place) & 1).astype(np.uint8)
