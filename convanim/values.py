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
    """Check that ``values`` is a non-empty, rectangular nest of finite numbers
    and return it as a read-only float64 array.

    Takes what notebook users have at hand: lists and tuples (nested), numpy
    arrays of any real dtype, and tensors of any dtype or device, including
    parameters that require grad (read duck-typed, through
    ``.detach().cpu().numpy()``, so torch is never imported here). Anything
    else is a ``SpecError`` naming ``option``.
    """
    try:
        if isinstance(values, (list, tuple)):
            values = _plain(values, option)
            shape = _shape_of(values, option)
            array = np.array(_flatten(values), dtype=np.float64).reshape(shape)
        else:
            array = _real_array(_from_array_like(values, option), option)
    except RecursionError:
        raise SpecError(option, "the list is nested too deeply") from None
    except OverflowError:
        raise SpecError(option, "every value must be within the range of 64-bit floats") from None
    if array.size == 0:
        raise SpecError(option, "must not be empty")
    if not np.all(np.isfinite(array)):
        raise SpecError(option, "every value must be a finite number (no NaN or infinity)")
    array.setflags(write=False)
    return array


def _from_array_like(values, option: str) -> np.ndarray:
    """A numpy array from an array, a tensor or anything with ``__array__``."""
    if isinstance(values, np.ndarray):
        return values
    if _is_tensor(values):  # perhaps one that requires grad, or lives on a GPU
        try:
            tensor = values.detach()
            if callable(getattr(tensor, "cpu", None)):
                tensor = tensor.cpu()
            try:
                return np.asarray(tensor.numpy())
            except Exception:  # a dtype numpy lacks (bfloat16): its values, as Python numbers
                return np.asarray(tensor.tolist())
        except Exception as error:
            raise SpecError(option, f"could not read the {type(values).__name__}'s values ({_reason(error)})") from None
    if hasattr(values, "__array__"):
        try:
            return np.asarray(values)
        except Exception as error:
            raise SpecError(option, f"could not read the {type(values).__name__} as an array ({_reason(error)})") from None
    if _is_number(values):
        return np.asarray(float(values))
    raise SpecError(option, f"expected numbers (a list, an array or a tensor), got {_describe_value(values)}")


def _is_tensor(value) -> bool:
    # Duck-typed, so that torch is never imported (and never required).
    return callable(getattr(value, "detach", None)) and callable(getattr(value, "numpy", None))


def _is_array_like(value) -> bool:
    return isinstance(value, np.ndarray) or _is_tensor(value) or hasattr(value, "__array__")


def _plain(values, option: str):
    """Nested lists with any arrays or tensors inside them made lists too."""
    if isinstance(values, (list, tuple)):
        return [_plain(item, option) for item in values]
    if _is_array_like(values) and not _is_number(values):
        return _real_array(_from_array_like(values, option), option).tolist()
    return values


def _real_array(array: np.ndarray, option: str) -> np.ndarray:
    if array.dtype == object or array.dtype.kind in "SUV":
        # An array of Python objects: read it as the nested list it holds.
        return to_array(array.tolist(), option)
    if array.dtype.kind not in "iuf":
        raise SpecError(option, f"must hold real numbers, got dtype {array.dtype}")
    return array.astype(np.float64)


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _describe_value(value) -> str:
    text = repr(value) if isinstance(value, (str, bytes, int, float)) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _shape_of(values, option: str, depth: int = 0) -> tuple[int, ...]:
    if _is_number(values):
        return ()
    if not isinstance(values, (list, tuple)):
        raise SpecError(option, f"{_describe_value(values)} is not a number")
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
