"""Numbers written for people: integers as integers, short floats, and large
values abbreviated when they must fit a cell."""

from __future__ import annotations

import math

_SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def format_number(x: float, max_chars: int | None = None) -> str:
    """The shortest faithful text for ``x`` that fits in ``max_chars``.

    Without a limit the text is exact to 6 significant digits. With one,
    precision is dropped first, then large values take a k/M/G/T suffix, and
    tiny ones scientific notation.
    """
    if x == 0:
        return "0"  # also turns -0.0 into 0
    # No limit means none: a fixed width would cut digits off long integers
    # and long exponents, which the docstring promises to keep.
    limit = max_chars if max_chars is not None else math.inf
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
