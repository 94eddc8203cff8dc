"""``convanim.conv``'s arguments, listed once.

``CONV_ARGUMENTS`` holds, for each keyword of ``conv`` in its order, the
command line's flag and help, how a command-line string becomes the value
``conv`` takes, and which TOML values a template may give for it. The
command line's options (``cli.conv_options``), its parsing
(``cli.conv_arguments``) and the templates' key checks are all derived from
this table; ``conv`` itself checks the values.

This module does not import click: templates read it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import SpecError
from .spec import PADDING_WORDS
from .values import parse_values

AXIS_HELP = "an int, or a comma tuple with one entry per spatial dimension"


@dataclass(frozen=True)
class Argument:
    """One keyword of ``conv``, as the command line and templates see it.

    ``flags`` are the command line's spellings, the first the one error
    messages name; ``metavar``/``count`` shape its help (``count``: click
    parses a whole number itself); ``parse`` turns the command line's text
    into ``conv``'s value, naming ``name`` when it cannot; ``check`` returns
    the rule a template's TOML value breaks, or None.
    """

    name: str
    flags: tuple[str, ...]
    help: str
    parse: Callable[[str, str], object]
    check: Callable[[object], str | None]
    metavar: str | None = None
    count: bool = False

    @property
    def flag(self) -> str:
        return self.flags[0]


# -- from the command line's text ---------------------------------------------


def parse_axes(text: str, option: str, words: tuple[str, ...] = ()):
    """``2`` -> 2, ``2,3`` -> (2, 3), ``same`` -> 'same' (when allowed)."""
    stripped = text.strip().lower()
    if stripped in words:
        return stripped
    parts = [p.strip() for p in stripped.strip("()[]").split(",")]
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # "(2,)" is Python's one-element tuple
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        allowed = "whole numbers" + (f", or one of {', '.join(words)}" if words else "")
        raise SpecError(option, f"expected {allowed}; got {text!r}") from None
    return numbers[0] if len(numbers) == 1 and "," not in stripped else tuple(numbers)


def _parse_padding(text: str, option: str):
    return parse_axes(text, option, PADDING_WORDS)


def _parse_word(text: str, option: str) -> str:
    return text.strip().lower()


def _parse_count(value: int, option: str) -> int:
    return value  # click has made it a whole number


# -- a template's TOML values -------------------------------------------------


def kind(value) -> str:
    """A value's type in TOML's words."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers(value) -> bool:
    if isinstance(value, list):
        return all(_numbers(item) for item in value)
    return is_number(value)


def _check_data(value):
    if not isinstance(value, list):
        return f"must be an array of numbers (nested for several channels), got {kind(value)}"
    if not _numbers(value):
        return "must hold numbers only (arrays of numbers, nested)"
    return None


def _check_axes(value):
    if is_int(value) or (isinstance(value, list) and value and all(is_int(v) for v in value)):
        return None
    return f"must be an integer or an array of integers (one per spatial dimension), got {kind(value)}"


def _check_padding(value):
    if isinstance(value, str):
        return None  # the words are checked by conv(), which knows them
    if _check_axes(value) is None:
        return None
    return f"must be an integer, an array of integers, or a word (same, valid, causal); got {kind(value)}"


def _check_count(value):
    return None if is_int(value) else f"must be an integer, got {kind(value)}"


def check_string(value):
    return None if isinstance(value, str) else f"must be a string, got {kind(value)}"


# -- the table ------------------------------------------------------------------


def _data(name: str, flag: str, help: str) -> Argument:
    return Argument(name, (flag,), help, parse_values, _check_data, metavar="VALUES")


def _axes(name: str, flags: tuple[str, ...], metavar: str, help: str) -> Argument:
    return Argument(name, flags, help, parse_axes, _check_axes, metavar=metavar)


def _count(name: str, flag: str, help: str) -> Argument:
    return Argument(name, (flag,), help, _parse_count, _check_count, count=True)


CONV_ARGUMENTS: tuple[Argument, ...] = (
    _data("input", "--input", "Input values: 1,2,3 (one channel of 1-D data) or a JSON nested list (C, *spatial) or (1, C, *spatial). Default: channel c holds (c+1)×(1, 2, 3, …)."),
    _data("weight", "--weight", "Weights: 2,2,2 (one 1-D kernel) or a JSON nested list (out_channels, in_channels/groups, *kernel_size). Default: every weight of output channel o is 2×(o+1)."),
    _data("bias", "--bias", "One bias value per output channel. Default: no bias."),
    _axes("stride", ("--stride",), "S", f"Stride: {AXIS_HELP}. Default 1."),
    Argument(
        "padding", ("--padding",),
        f"Padding: {AXIS_HELP}; or same, valid, or causal (1-D: dilation×(kernel_size−1) on the left only). Default 0.",
        _parse_padding, _check_padding, metavar="P",
    ),
    _axes("dilation", ("--dilation",), "D", f"Dilation: {AXIS_HELP}. Default 1."),
    _count("groups", "--groups", "Groups: must divide in_channels and out_channels. Default 1."),
    Argument("padding_mode", ("--padding-mode",), "zeros, reflect, replicate or circular. Default zeros.", _parse_word, check_string),
    _count("in_channels", "--in-channels", "Input channels; must agree with --input. Default: from --input, else from --weight×groups, else 1."),
    _count("out_channels", "--out-channels", "Output channels; must agree with --weight. Default: from --weight, else in_channels."),
    _axes("kernel_size", ("--kernel-size",), "K", f"Kernel size: {AXIS_HELP}; must agree with --weight. Default: from --weight, else 3."),
    _axes("size", ("--length", "--size"), "N", f"Spatial size of the input: {AXIS_HELP}; must agree with --input. Default: from --input, else 6."),
)

CONV_KEYS: tuple[str, ...] = tuple(argument.name for argument in CONV_ARGUMENTS)


def parse_conv_arguments(texts: dict) -> dict:
    """The command line's values (``None`` where an option is left out) as
    keyword arguments of ``convanim.conv``. Options left out are left out
    here too, so that a template's values (or the API's defaults) show through."""
    return {
        argument.name: argument.parse(texts[argument.name], argument.name)
        for argument in CONV_ARGUMENTS
        if texts.get(argument.name) is not None
    }
