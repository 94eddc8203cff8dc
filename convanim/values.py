"""Numbers as users type them: comma lists, JSON nested lists, Python lists.

Turns them into float64 arrays, or says in one line what is wrong with them.
"""

from __future__ import annotations

import json
from numbers import Real

import numpy as np

from .errors import SpecError


def parse_values(text: str, option: str) -> list:
    """Parse a command-line VALUES string: ``1,2,3`` or a JSON nested list."""
    # Figures print a true minus sign; a value copied from one reads back.
    stripped = text.strip().replace("\u2212", "-")
    if not stripped:
        raise SpecError(option, "expected numbers, got an empty value")
    if stripped.startswith("["):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise SpecError(option, f"not a valid JSON list ({exc.msg} at character {exc.pos + 1})") from None
        except RecursionError:
            raise SpecError(option, "the list is nested too deeply") from None
    items = [item.strip() for item in stripped.split(",")]
    numbers = []
    for item in items:
        try:
            numbers.append(float(item))
        except ValueError:
            raise SpecError(option, f"{item!r} is not a number") from None
    return numbers


def to_array(values, option: str) -> np.ndarray:
    """Check that ``values`` is a non-empty, rectangular nest of finite numbers."""
    if isinstance(values, np.ndarray):
        if values.size == 0:
            raise SpecError(option, "must not be empty")
        if not np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype, np.complexfloating):
            raise SpecError(option, f"must hold real numbers, got dtype {values.dtype}")
        array = values.astype(np.float64)
    else:
        if hasattr(values, "__array__") and not isinstance(values, (list, tuple)):
            return to_array(np.asarray(values), option)  # a tensor or other array-like
        try:
            shape = _shape_of(values, option)
            array = np.array(_flatten(values), dtype=np.float64).reshape(shape)
        except RecursionError:
            raise SpecError(option, "the list is nested too deeply") from None
        except OverflowError:
            raise SpecError(option, "every value must be within the range of 64-bit floats") from None
    if not np.all(np.isfinite(array)):
        raise SpecError(option, "every value must be a finite number (no NaN or infinity)")
    array.setflags(write=False)
    return array


def _shape_of(values, option: str, depth: int = 0) -> tuple[int, ...]:
    if _is_number(values):
        return ()
    if not isinstance(values, (list, tuple)):
        raise SpecError(option, f"{values!r} is not a number")
    if len(values) == 0:
        raise SpecError(option, f"must not be empty (an empty list at depth {depth + 1})")
    shapes = [_shape_of(item, option, depth + 1) for item in values]
    first = shapes[0]
    for shape in shapes[1:]:
        if shape != first:
            raise SpecError(
                option,
                f"ragged list: every list at depth {depth + 1} must have the same shape "
                f"(found {_describe(first)} and {_describe(shape)})"
            )
    return (len(values),) + first


def _describe(shape: tuple[int, ...]) -> str:
    return "a number" if not shape else "shape (" + ", ".join(map(str, shape)) + ")"


def _flatten(values) -> list[float]:
    if _is_number(values):
        return [float(values)]
    out: list[float] = []
    for item in values:
        out.extend(_flatten(item))
    return out


def _is_number(value) -> bool:
    # bool is an int in Python, but "true" is not a convolution weight.
    return isinstance(value, Real) and not isinstance(value, bool)
