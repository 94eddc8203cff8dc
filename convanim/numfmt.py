"""Numbers written for people: integers as integers, short floats, and large
values abbreviated when they must fit a cell."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

_SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def format_number(x: float, max_chars: int | None = None) -> str:
    """The shortest faithful text for ``x`` that fits in ``max_chars``.

    Without a limit the text is exact to 6 significant digits, and values
    from a million on take a suffix (2.39815M) as cells write them. With one,
    precision is dropped first, then large values take a k/M/G/T suffix, and
    tiny ones scientific notation.
    """
    if x == 0:
        return "0"  # also turns -0.0 into 0
    # No limit means none: a fixed width would cut digits off long integers
    # and long exponents, which the docstring promises to keep.
    limit = max_chars if max_chars is not None else math.inf
    if max_chars is None and abs(x) >= LARGE:
        # Written the way a cell writes it too: 1M, -2.39815M, never 1000000 beside -2.39815M.
        return _suffixed(x, 6)
    if float(x).is_integer() and abs(x) < 1e15:
        text = str(int(x))
        if len(text) <= limit:
            return text
    else:
        for digits in range(6, 0, -1):
            text = _general(x, digits)
            # Large values read better as 150k than as 1.5e5.
            if len(text) <= limit and not ("e" in text and 1000 <= abs(x) < 1e15):
                return text
    if abs(x) >= 1000:
        for scale, suffix in _SUFFIXES:
            if abs(x) >= scale:
                for digits in range(6, 0, -1):
                    text = _general(x / scale, digits) + suffix
                    if len(text) <= limit and "e" not in text:
                        return text
                # 9.6k in two characters: rounding reaches the next power
                # of ten, which %g writes as 1e+01; "10k" says it plainly.
                text = f"{round(x / scale)}{suffix}"
                if len(text) <= limit:
                    return text
    for digits in range(3, 0, -1):
        text = f"{x:.{digits - 1}e}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")
        if len(text) <= limit:
            return text
    return f"{x:.0e}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")


LARGE = 1e6  # from here on, values are written with a suffix (k, M, G, T) or in scientific notation


def _suffixed(x: float, digits: int) -> str:
    """``x`` with the suffix of its size and up to ``digits`` significant digits: 2.5M."""
    for i, (scale, suffix) in enumerate(_SUFFIXES):
        if abs(x) >= scale and abs(x) < 1000 * scale:
            mantissa = _general(x / scale, digits)
            if abs(float(mantissa)) >= 1000 and i > 0:  # 999.9999M rounds to 1000M: say 1G
                scale, suffix = _SUFFIXES[i - 1]
                mantissa = _general(x / scale, digits)
            if "e" not in mantissa:
                return mantissa + suffix
    return _general(x, digits)


def _general(x: float, digits: int) -> str:
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text



def value_of(text: str) -> float:
    """Read back what ``format_number`` wrote, suffixes included."""
    scale = dict((suffix, value) for value, suffix in _SUFFIXES)
    if text and text[-1] in scale:
        return float(text[:-1]) * scale[text[-1]]
    return float(text)


def fitting_number(x: float, max_chars: int, tolerance: float = 0.05) -> str:
    """``format_number(x, max_chars)`` if it fits and is within ``tolerance``
    of ``x``; otherwise an empty string.

    A cell too small for a number shows none rather than a misleading one
    (149 as "1e2"); the product line still writes it in full.
    """
    text = format_number(x, max_chars)
    if len(text) > max_chars or abs(value_of(text) - x) > tolerance * abs(x):
        return ""
    return text


# -- one format for a row of cells ---------------------------------------------

MINUS = "\u2212"
ROUNDED = "\u2248"  # marks a cell whose number is rounded: ≈0.33
MAX_FIXED = 6  # decimals a row may show before it is rounded or goes scientific


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def _half_away(x: float, digits: int) -> str:
    """``x`` to ``digits`` decimals, halves rounded away from zero as people
    do (2.25 -> 2.3), on the shortest decimal text of ``x`` rather than its
    binary value, which would round 2.25 down and 0.125 to even."""
    text = str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=Context(prec=400)))
    return "0" + text[2:] if text.startswith("-") and not text.strip("-0.") else text


@dataclass(frozen=True)
class RowFormat:
    """How every number of one row of cells is written: one precision for all.

    ``kind`` is "whole" (integers), "fixed" (``digits`` decimals),
    "scientific" (``digits`` decimals in the mantissa) or "suffix" (k, M, G,
    T with up to ``digits`` significant digits). A number the format rounds
    is marked with ≈, so a cell never silently disagrees with the exact
    product line."""

    kind: str
    digits: int = 0

    def plain(self, x: float) -> str:
        """``x`` in this format, unmarked, with a true minus sign."""
        if x == 0:
            # In a fixed row 0 has the row's decimals too: 0.000 beside ≈0.457.
            return f"{0:.{self.digits}f}" if self.kind == "fixed" else "0"
        if self.kind == "whole":
            text = str(round(x))
        elif self.kind == "fixed":
            text = _half_away(x, self.digits)
        elif self.kind == "scientific":
            mantissa, exponent = f"{x:.{self.digits}e}".split("e")
            text = f"{mantissa}e{int(exponent)}"
        else:
            text = _suffixed(x, self.digits) if abs(x) >= 1000 else _general(x, self.digits)
        return text.replace("-", MINUS)

    def rounds(self, x: float) -> bool:
        return not _close(value_of(self.plain(x).replace(MINUS, "-")), x)

    def text(self, x: float) -> str:
        """What a cell shows: ``plain``, marked ≈ where it is rounded."""
        return (ROUNDED if self.rounds(x) else "") + self.plain(x)

    def describe(self) -> str:
        return {"whole": "whole numbers", "fixed": f"{self.digits} decimals"}.get(self.kind, f"{self.kind} notation")


def row_format(values, decimals: int | None = None, max_chars: int = 7) -> RowFormat:
    """The one format for a row's ``values``: exact where it fits in
    ``max_chars`` characters, else rounded (and marked), else scientific.
    ``decimals`` forces that many decimals on a row that is not all whole."""
    values = [float(v) for v in values if math.isfinite(v)]
    nonzero = [abs(v) for v in values if v != 0]
    if not nonzero:
        return RowFormat("whole")
    largest, smallest = max(nonzero), min(nonzero)

    def width(fmt: RowFormat) -> int:
        return max(len(fmt.text(v)) for v in values)

    def fits(fmt: RowFormat) -> bool:
        return width(fmt) <= max_chars

    def exact(fmt: RowFormat) -> bool:
        return not any(fmt.rounds(v) for v in values)

    whole = all(float(v).is_integer() for v in values)
    if largest >= LARGE:
        candidates = [RowFormat("suffix", d) for d in range(6, 1, -1)]
        return next((f for f in candidates if width(f) <= max_chars), candidates[-1])
    if whole:
        return RowFormat("whole")
    if decimals is not None:
        return RowFormat("fixed", decimals)
    fixed = [RowFormat("fixed", d) for d in range(0, MAX_FIXED + 1)]
    # Two significant digits at least: one would put 0.25 at 0.2, 20% off.
    scientific = [RowFormat("scientific", d) for d in range(1, 3)]
    # The decimals each value needs to be exact; None past MAX_FIXED.
    places = [next((f.digits for f in fixed if not f.rounds(v)), None) for v in values]
    digits = max((d for d in places if d is not None), default=0)
    inexact = [abs(v) for v, d in zip(values, places) if d is None and v != 0]
    if inexact:
        # Rounded: enough decimals that the smallest such value keeps two significant digits.
        digits = max(digits, 2, 1 - math.floor(math.log10(min(inexact))))
    if digits <= MAX_FIXED and fits(RowFormat("fixed", digits)) and not (digits > 4 and smallest < 1e-3):
        return RowFormat("fixed", digits)
    for fmt in scientific:
        if exact(fmt) and fits(fmt):
            return fmt
    # Fewer decimals, as long as no value is rounded away to 0; else scientific.
    for fmt in reversed(fixed):
        if fits(fmt) and smallest >= 10.0 ** -fmt.digits:
            return fmt
    return next((fmt for fmt in reversed(scientific) if fits(fmt)), scientific[0])
