"""Numbers written for people, one way per row of cells.

A row of cells (an input channel, a kernel row, an output channel) writes all
its values in one ``RowFormat``, chosen from all of them by ``row_format``:

- exact integers as integers (1024, never 1k), while they fit;
- else fixed-point, every value with the same decimals (0.50 beside 0.25),
  rounded where more than six are needed, while the smallest value is at
  least 0.001 and the row fits its cells;
- else significant digits, every number with the same significant digits,
  two where they make the row exact or keep three digits of every rounded
  value, else three (1.2×10⁻⁴ beside −3.5, 1000000 and ≈12346; ≈12.3
  beside ≈−31.5 and 0.50).

A number of such a row is written plainly where it can be, as a reader
writes it: its whole digits all kept (≈12346, never ≈1.2×10⁴, which reads
as a different order of size at a glance), with decimals to the row's
significant digits (≈12.3, 0.0020), while it is at least 0.001 and no wider
than the row's cells allow (``RowFormat.room`` characters) or than its power
of ten. Only a number that cannot be so (1.0×10⁻⁵, or ≈−3.75×10⁶ in a
narrow cell) takes a power of ten: one tiny value beside whole numbers no
longer puts them all in powers of ten. A power is written as by hand, a
mantissa times a power of ten in superscript (1.2×10⁻⁴), not as code writes
it (1.2e-4, which a class reads as "1.2 e minus 4"). In a product line such
a number stands in parentheses, as a negative one does, so that its × is
not read as the product's: (1.2×10⁻⁴)×0.50.

A value the format rounds is marked ≈ wherever it is written. Product lines
write each value in its row's form, with up to six significant digits where
the cell rounds (``RowFormat.full``); ``--decimals N`` fixes the row, product
lines included, to N decimals. Tables for a terminal (``format_number``)
keep the plain ASCII e-notation.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

MINUS = "\u2212"
ROUNDED = "\u2248"  # marks a number that is rounded: ≈0.33
MAX_FIXED = 6  # decimals a fixed-point row may show; past that it is rounded
SMALLEST_FIXED = 1e-3  # a smaller value makes its row scientific: 1.0e−4, not 0.0001 ...
EXACT_FIXED = 4  # ... unless this many decimals write the whole row exactly: 0.0005 beside 0.9425
CELL_DIGITS = 3  # significant digits a row of significant digits shows at most
KEPT_DIGITS = 3  # significant digits a rounded number keeps where its row allows (≈12.3, not ≈12)
LINE_DIGITS = 6  # significant digits a product line shows where the cell rounds
_EXACT = Context(prec=400)
TIMES_TEN = "\u00d710"  # ×10, before a superscript power
_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")
_PLAIN_DIGITS = {v: k for k, v in _SUPERSCRIPT.items()}


def _written(text: str) -> str:
    """A format's working text (``1.2e-4``, ``-0.5``) as a figure writes it:
    a true minus sign, and a power of ten in superscript (``1.2×10⁻⁴``),
    left out where it is 10⁰ (``-3.5e0`` is ``−3.5``)."""
    mantissa, e, exponent = text.partition("e")
    mantissa = mantissa.replace("-", MINUS)
    if not e or int(exponent) == 0:
        return mantissa
    return mantissa + TIMES_TEN + exponent.translate(_SUPERSCRIPT)


def chars(text: str) -> int:
    """How many characters ``text`` takes, a power of ten counted as its
    ``e`` form would be (the superscripts are narrow)."""
    return len(text.replace(TIMES_TEN, "e"))


# Texts that read back this close are the value: a few float64 rounding steps
# (0.1 + 0.2 as 0.3), never a real digit (1000000000001 is not 1.0e12).
NOISE = 4 * 2.0**-52


def _close(a: float, b: float) -> bool:
    # A text read back may overflow (2e308): never close to a finite value.
    return math.isfinite(a) and abs(a - b) <= NOISE * max(abs(a), abs(b))


def _decimal(x: float) -> Decimal:
    # The shortest decimal text of x, not its binary value, which would round
    # 2.25 down and 0.125 to even: people round 2.25 to 2.3.
    return Decimal(repr(float(x)))


def _fixed(x: float, digits: int) -> str:
    # format "f": str() would write 1E-8 for a value below 1e-6.
    text = format(_decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_EXACT), "f")
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # -0.00 is 0.00


def _scientific(x: float, digits: int) -> str:
    """``x`` with ``digits`` significant digits: 1.2e-4, -3.5e0."""
    d = _decimal(x)
    exponent = d.adjusted()
    mantissa = d.scaleb(-exponent, context=_EXACT).quantize(Decimal(1).scaleb(1 - digits), rounding=ROUND_HALF_UP, context=_EXACT)
    if abs(mantissa) >= 10:  # 9.96 to two digits is 10: 1.0e1
        exponent += 1
        mantissa = d.scaleb(-exponent, context=_EXACT).quantize(Decimal(1).scaleb(1 - digits), rounding=ROUND_HALF_UP, context=_EXACT)
    return f"{mantissa}e{exponent}"


def _significant(x: float, digits: int, room: int, form: str | None = None) -> str:
    """``x`` with ``digits`` significant digits, plainly (all its whole
    digits kept: 12346.0 is 12346, 12.3125 to three digits 12.3) while it
    is at least 0.001 and its text, ≈ included, takes no more than ``room``
    characters or than its power of ten does; else with a power of ten
    (1.2e-5), with fewer digits, two at least, where ``room`` needs it: one
    number too wide for its cell (≈−3.8×10⁶ in a cell of 7 characters) does
    not take a digit from every other (≈12.3, not ≈12). ``form`` ("plain" or
    "power") asks for one: a product line writes a number in the form its
    cell does, with as many digits as it asks for."""
    power = _scientific(x, digits)
    exponent = int(power.partition("e")[2])
    if form == "power":
        return power

    def width(text: str) -> int:
        return chars(_written(text)) + (not _close(float(text), x))

    plain = _fixed(x, max(0, digits - 1 - exponent)) if form == "plain" or exponent >= _magnitude(SMALLEST_FIXED) else None
    if plain is not None and (form == "plain" or width(plain) <= room):
        return plain
    while room and width(power) > room and digits > 2:
        digits -= 1
        power = _scientific(x, digits)
    return plain if plain is not None and width(plain) <= width(power) else power


def _digits_kept(text: str) -> int:
    """How many significant digits a working text (``_significant``) shows:
    3 for 12.3 and 1.23e6, 5 for 12346, 2 for 0.0020."""
    mantissa = text.partition("e")[0].lstrip("-").replace(".", "")
    return len(mantissa.lstrip("0")) or 1


def _magnitude(x: float) -> int:
    """The power of ten of ``x``'s first digit: 2 for 123, -4 for 0.00012."""
    return _decimal(x).adjusted()


@dataclass(frozen=True)
class RowFormat:
    """How every number of one row of cells is written.

    ``kind`` is "fixed" (``digits`` decimals; 0 writes integers) or
    "scientific" (``digits`` significant digits in every mantissa).
    ``forced``: the digits were asked for (``--decimals``), and product
    lines keep them too."""

    kind: str
    digits: int = 0
    forced: bool = False
    room: int = 0  # characters a number of significant digits may take written plainly (see ``_significant``)

    def _plain(self, x: float, digits: int, form: str | None = None) -> str:
        if self.kind == "scientific":
            return "0" if x == 0 else _significant(x, digits, self.room, form)
        return _fixed(x, digits)

    def plain(self, x: float) -> str:
        """``x`` in this format, unmarked, as a figure writes it (``_written``)."""
        return _written(self._plain(x, self.digits))

    def rounds(self, x: float) -> bool:
        """Whether this format writes ``x`` rounded."""
        return not _close(float(self._plain(x, self.digits)), x)

    def text(self, x: float) -> str:
        """What a cell shows: ``plain``, marked ≈ where it is rounded."""
        return _text(self, x)

    def _text(self, x: float) -> str:
        return (ROUNDED if self.rounds(x) else "") + self.plain(x)

    def full(self, x: float) -> str:
        """What a product line writes for ``x``: the cell's text where it is
        exact (or the digits were asked for), else the same form with up to
        six significant digits, marked ≈ if still rounded."""
        return _full(self, x)

    def _full(self, x: float) -> str:
        if self.forced or not self.rounds(x):
            return self.text(x)
        form = None
        if self.kind == "scientific":
            form = "power" if TIMES_TEN in self.plain(x) else "plain"  # as the cell writes it
            digits = next((d for d in range(self.digits, LINE_DIGITS + 1) if _close(float(self._plain(x, d, form)), x)), LINE_DIGITS)
        else:
            most = max(self.digits, LINE_DIGITS - 1 - _magnitude(x))
            digits = next((d for d in range(self.digits, most + 1) if _close(float(_fixed(x, d)), x)), most)
        text = self._plain(x, digits, form)
        return ("" if _close(float(text), x) else ROUNDED) + _written(text)

    def describe(self) -> str:
        """The precision in words: "2 decimals", "2 significant digits"."""
        if self.kind == "scientific":
            return f"{self.digits} significant digits"
        return "whole numbers" if self.digits == 0 else f"{self.digits} decimals"


# A figure writes each value of a row once per cell, lens, tag and product
# line it appears in, frame after frame: the text is worked out once per
# value and format. (0.0 and -0.0 share an entry: every format writes both "0".)
@functools.lru_cache(maxsize=1 << 16)
def _text(fmt: RowFormat, x: float) -> str:
    return fmt._text(x)


@functools.lru_cache(maxsize=1 << 16)
def _full(fmt: RowFormat, x: float) -> str:
    return fmt._full(x)


def _fits(fmt: RowFormat, values, max_chars: int) -> bool:
    return all(chars(fmt.text(v)) <= max_chars for v in values)


def _widest(fmt: RowFormat, values) -> int:
    return max(chars(fmt.text(v)) for v in values)


def _keeps(fmt: RowFormat, values) -> bool:
    """Whether ``fmt`` writes each of ``values`` exactly or with at least
    KEPT_DIGITS significant digits."""
    return all(not fmt.rounds(v) or _digits_kept(fmt._plain(v, fmt.digits)) >= KEPT_DIGITS for v in values)


def _decimals_needed(x: float, most: int = MAX_FIXED) -> int | None:
    """The fewest decimals, up to ``most``, that write ``x`` exactly; None
    if more are needed (0.1 + 0.2 needs one)."""
    return next((d for d in range(most + 1) if _close(float(_fixed(x, d)), x)), None)


def row_format(values, decimals: int | None = None, max_chars: int = 8) -> RowFormat:
    """The one format for a row's ``values`` (see the module's docstring),
    its widest text within ``max_chars`` where any format allows.
    ``decimals`` fixes a row that is not all integers to that many decimals."""
    values = [float(v) for v in values if math.isfinite(v)]
    nonzero = [abs(v) for v in values if v != 0]
    whole = RowFormat("fixed", 0)
    if not nonzero or (all(v.is_integer() for v in values) and _fits(whole, values, max_chars)):
        return whole
    if decimals is not None:
        return RowFormat("fixed", decimals, forced=True)
    fixed = None  # the narrowest fixed-point form the row allows
    need = [_decimals_needed(v) for v in values]
    if min(nonzero) >= SMALLEST_FIXED:
        # Exact where MAX_FIXED decimals do it; else rounded so that the
        # smallest value keeps two significant digits (one puts 0.25 at 0.2).
        if None not in need:
            start = max(need)
        else:
            start = min(MAX_FIXED, max(2, 1 - _magnitude(min(nonzero))))
        for d in range(start, -1, -1):
            fmt = RowFormat("fixed", d)
            if any(fmt.rounds(v) and v < 10.0 ** (1 - d) for v in nonzero):
                break  # fewer decimals would round a value to one digit or none
            if _fits(fmt, values, max_chars):
                return fmt
            fixed = fmt
    # Significant digits: the fewest that make the row exact or keep three
    # digits of every rounded value (≈12.3, not ≈12: 2% off), else as many
    # as fit, else two (≈, never more than 5% off; the product line has six).
    candidates = [RowFormat("scientific", d, room=max_chars) for d in range(2, CELL_DIGITS + 1)]
    fitting = [f for f in candidates if _fits(f, values, max_chars)]
    scientific = next((f for f in fitting if _keeps(f, values)), fitting[-1] if fitting else candidates[0])
    # Under 0.001, fixed-point still where four decimals write every value
    # exactly and significant digits would round one (0.0005 beside 0.9425
    # and 3.0000, not 5.00×10⁻⁴ beside ≈0.943; but 7.0 beside 1.0×10⁻⁴).
    if fixed is None and all(d is not None and d <= EXACT_FIXED for d in need) and any(scientific.rounds(v) for v in values):
        exact = RowFormat("fixed", max(need))
        if _fits(exact, values, max_chars):
            return exact
    # Where nothing fits, the narrower: −0.5 stays −0.5, never −5.0e−1.
    if fixed is not None and _widest(fixed, values) <= _widest(scientific, values):
        return fixed
    return scientific


def format_number(x: float) -> str:
    """``x`` alone, for tables and text: integers whole up to 15 digits,
    else six significant digits, fixed-point from 0.001 to a million and
    scientific beyond (2.39815e6), with an ASCII minus, marked ≈ where
    rounded (≈0.333333). Figures write numbers through their rows'
    ``RowFormat``."""
    if x == 0:
        return "0"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    if SMALLEST_FIXED <= abs(x) < 1e6:
        most = max(0, LINE_DIGITS - 1 - _magnitude(x))
        need = _decimals_needed(x, most)
        text = _fixed(x, most if need is None else need)
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        text = next((t for t in (_scientific(x, d) for d in range(1, LINE_DIGITS + 1)) if _close(float(t), x)), _scientific(x, LINE_DIGITS))
    return ("" if _close(float(text), x) else ROUNDED) + text


def value_of(text: str) -> float:
    """Read back what a format wrote: ≈, true minus signs and powers of ten allowed."""
    mantissa, times, power = text.removeprefix(ROUNDED).replace(MINUS, "-").partition(TIMES_TEN)
    return float(mantissa + ("e" + power.translate(_PLAIN_DIGITS) if times else ""))


def fitting_number(x: float, max_chars: int, tolerance: float = 0.05) -> str:
    """``x`` as a row of just ``x`` writes it, in ``max_chars`` characters
    or fewer (one significant digit if it must), ≈-marked where rounded; an
    empty string where that is more than ``tolerance`` off (149 as "≈1e2"):
    a cell too small for a number shows none."""
    for fmt in (row_format([x], max_chars=max_chars), RowFormat("scientific", 1)):
        text = fmt.text(x)
        if chars(text) <= max_chars:
            return text if abs(value_of(text) - x) <= tolerance * abs(x) else ""
    return ""
