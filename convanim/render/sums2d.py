"""A 2-D figure's sum lines, measured for the layout: how many lines each
step's sums take broken within the room they have. A layout search (a
canvas's widths and type sizes) asks this many times of one trace, and a
large grid's thousand steps take seconds to write out: each trace's lines
are written once, and lines that differ only in their digits are broken
once."""

from __future__ import annotations

import functools
import itertools
import weakref

from ..engine import Trace
from ..report import sum_lines
from .fonts import text_width

_DIGITS = str.maketrans("123456789", "000000000")


def lines_needed(sums, room: float, px: float, row: int | None = None) -> int:
    """How many lines the sums take broken within ``room`` (``sums``: each
    step's group and lines): each group's sums get their own lines, room
    for the longest of each. Where every digit sets as wide as 0 beside
    every character these lines hold (tabular figures: DejaVu's), lines
    that differ only in their digits break alike, and are broken once."""
    sums = _alike_once(sums, px)
    longest: dict[int, int] = {}
    for group, texts in sums:
        count = sum(len(broken(line, room, px, row)) for line in texts)
        longest[group] = max(longest.get(group, 1), count)
    return max(1, sum(longest.values()))


def fit(sums, room: float, px: float, row: int | None = None) -> bool:
    """Whether every line of ``sums``, broken within ``room``, fits it (a
    piece between two " + " wider than the room cannot be broken).
    ``row``: as ``broken``'s."""
    return all(text_width(piece, size=px) <= room for _, texts in _alike_once(sums, px) for line in texts for piece in broken(line, room, px, row))


def _alike_once(sums, px: float):
    """``sums`` with the lines that break alike (differing only in their
    digits, where digits set as wide as 0) kept once."""
    # Worked out once per trace's sums (``unbroken`` keeps them with it): a
    # canvas's search lays a figure out dozens of times, at many type sizes.
    made = getattr(sums, "alike", None)
    if made is None:
        alphabet = frozenset("".join(line for _, texts in sums for line in texts))
        made = (alphabet, tuple(dict.fromkeys((group, tuple(line.translate(_DIGITS) for line in texts)) for group, texts in sums)))
        if isinstance(sums, Sums):
            sums.alike = made
    return made[1] if _tabular(made[0], px) else sums


class Sums(tuple):
    """A trace's steps' (group, sum lines), as ``unbroken`` keeps them, with
    their digit-blind form once it is made (``alike``)."""

    alike = None


@functools.lru_cache(maxsize=64)
def _tabular(alphabet: frozenset[str], px: float) -> bool:
    """Whether every digit, alone and beside each of ``alphabet``, sets as
    wide as 0 does at ``px`` (so a line's width does not hang on its digits)."""
    digits = "0123456789"
    return all(
        text_width(d, size=px) == text_width("0", size=px)
        and all(text_width(d + c, size=px) == text_width("0" + c.translate(_DIGITS), size=px)
                and text_width(c + d, size=px) == text_width(c.translate(_DIGITS) + "0", size=px) for c in alphabet | set(digits))
        for d in digits
    )


def broken(line: str, room: float, px: float, row: int | None = None) -> list[str]:
    """A sum line broken between terms where it is wider than ``room``: in
    as few lines as it takes; where those lines can end at the window's row
    ends and stay within the room, there (a 3×3 window's nine products 6 + 3
    in two lines, three to a line in three); else with as many terms on each
    as may be (5 + 4). ``row``: the products in a row of the window (the
    kernel's width: a 2×8 kernel's sixteen products are two rows of 8, not
    four of 4); None: not known, no break kept to the rows."""
    if text_width(line, size=px) <= room:
        return [line]
    words = line.split(" + ")
    lines, current = [], ""
    for i, word in enumerate(words):
        piece = word if i == 0 else "+ " + word
        candidate = f"{current} {piece}" if current else piece
        if current and text_width(candidate, size=px) > room:
            lines.append(current)
            current = "  " + piece
        else:
            current = candidate
    lines.append(current)
    count = len(lines)
    by_rows = _by_rows(words, room, px, row, count)
    if by_rows is not None:
        return by_rows
    if 1 < count <= len(words):
        # As many terms on each line as may be: 15 in 6 lines are 3, 3, 3, 2, 2, 2.
        even = [" + ".join(words[start:end]) for start, end in _shares(len(words), count)]
        even = [text if i == 0 else "  + " + text for i, text in enumerate(even)]
        if all(text_width(text, size=px) <= room for text in even):
            return even
    return lines


def _shares(total: int, count: int) -> list[tuple[int, int]]:
    """``total`` things in ``count`` runs as even as they go, as (start, end): 9 in 2 are 0-5, 5-9."""
    each, more = divmod(total, count)
    ends = list(itertools.accumulate(each + (i < more) for i in range(count)))
    return list(zip([0, *ends], ends))


def _by_rows(words: list[str], room: float, px: float, row: int | None, count: int) -> list[str] | None:
    """``words`` (a line's terms, a bias after the products) in ``count``
    lines that end at the window's row ends, the rows shared as evenly as the
    room allows (a 4×4 window's sixteen products 8 + 8, a 3×3 window's nine
    6 + 3); None where the products are not known to make rows or whole rows
    need more lines."""
    products = len(words) - (" (bias)" in words[-1])
    if row is None or row >= products or products % row or count < 2:
        return None
    rows = products // row
    if rows < count:
        return None

    def text(first_row: int, n: int) -> str:
        """Rows ``first_row`` to ``first_row + n`` on a line (the bias with the last row)."""
        end = len(words) if first_row + n == rows else (first_row + n) * row
        return ("  + " if first_row else "") + " + ".join(words[first_row * row:end])

    def within(texts) -> bool:
        return all(text_width(line, size=px) <= room for line in texts)

    even = [text(start, end - start) for start, end in _shares(rows, count)]
    if within(even):
        return even
    texts, taken = [], 0  # else as many rows on each line as it holds
    while taken < rows:
        n = rows - taken
        while n > 1 and not within([text(taken, n)]):
            n -= 1
        texts.append(text(taken, n))
        taken += n
    return texts if len(texts) == count and within(texts) else None


# What a layout search measures once per trace: a canvas tries many widths
# and type sizes, and a large grid's sums take seconds to write out.
_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def memo(trace: Trace) -> dict:
    if trace not in _MEMO:
        _MEMO[trace] = {}
    return _MEMO[trace]


def unbroken(trace: Trace, formats) -> tuple:
    """Each step's group and sum lines, unbroken, by step index: the same at
    any width, so written once per trace and row formats (the layout counts
    them; the renderer draws them)."""
    written = memo(trace).setdefault("unbroken", {})
    key = tuple(formats.items())
    if key not in written:
        written[key] = Sums((step.group, tuple(sum_lines(step, formats=formats))) for step in trace.steps)
    return written[key]
