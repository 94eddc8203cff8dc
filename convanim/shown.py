"""Numbers as a reader sees them: a result or partial sum with float64's
rounding noise taken out (0 where a sum cancels to noise, the decimal a
sum of short decimals is). The trace keeps the results bit for bit; this is
only what is shown.

Only numpy is imported.
"""

from __future__ import annotations

import numpy as np

EPSILON = 2.0**-52  # float64's relative rounding step
MOST_DECIMALS = 8  # values written with more decimals than this are not read as short decimals


def short_decimals(values) -> int | None:
    """The fewest decimals, up to MOST_DECIMALS, that write every one of
    ``values`` exactly (0.27 has 2, 3 has 0); None where some value needs
    more (0.1 + 0.2, or a float32 0.7)."""
    values = np.asarray(values, np.float64)
    finite = values[np.isfinite(values)]
    return next((d for d in range(MOST_DECIMALS + 1) if np.array_equal(np.round(finite, d), finite)), None)


def product_decimals(inputs, weights, bias=None) -> int | None:
    """The decimals a sum of ``inputs``×``weights`` products (and ``bias``)
    has when worked out exactly in decimals: those of the factors added, or
    the bias's where more; None where the numbers are not short decimals."""
    parts = [short_decimals(inputs), short_decimals(weights)]
    if None in parts:
        return None
    found = parts[0] + parts[1]
    if bias is not None:
        extra = short_decimals(bias)
        found = None if extra is None else max(found, extra)
    return found


def settle(result, terms: int, largest, decimals: int | None = None):
    """Results as a reader should see them: 0 where a sum of ``terms`` terms,
    the largest ``largest`` in size, cancels to rounding noise; where the
    terms are products of numbers with few decimals (``decimals`` in all,
    see ``product_decimals``), the decimal the exact sum is, where the
    result is within rounding noise of it; else the result as it is.

    Summing n terms in float64 can be off by n rounding steps of the largest
    term, so a result that small cannot be told from 0: 0.1×0.1 + 0.2×0.2 −
    0.05 gives 6.9e−18, while 10⁶×10⁶ − 10⁶×10⁶ + 0.5 is a true 0.5. In the
    same way 1×0.1 + 1×0.2 + 1×(−0.27) gives 0.030000000000000027, which is
    0.03 with noise (the sum of two-decimal numbers has two decimals), while
    10⁶×10⁶ − 10⁶×10⁶ + 0.4996 stays 0.4996 (four decimals, not 0.5)."""
    result = np.asarray(result, np.float64)
    bound = terms * EPSILON * np.asarray(largest, np.float64)
    if decimals is not None and decimals + 1 + np.log10(max(1.0, float(np.max(np.abs(result), initial=0.0)))) <= 15:
        exact = np.round(result, decimals)
        result = np.where(np.abs(exact - result) <= bound, exact, result)
    return np.where(np.abs(result) <= bound, 0.0, result)
