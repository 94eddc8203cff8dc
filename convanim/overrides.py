"""Command-line values over a template's: which of the template's data stays.

A template states a convolution; the command line may change part of it.
``merge_conv_args`` keeps the template's data while it still agrees with the
sizes asked for, and lets convanim's default data fill in where it no
longer does. ``over_template`` gives what a command then draws: a
``Figure``, which knows whether its convolution is still the template's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .errors import SpecError, TemplateError

if TYPE_CHECKING:
    from .spec import Conv
    from .templates import Template


@dataclass(frozen=True)
class Figure:
    """What a command draws: a template (or none) with the command line's options on top."""

    template: Template | None
    given: dict  # the convolution's arguments from the command line
    conv: Conv

    @property
    def changed(self) -> bool:
        """Whether the options make the template's convolution another one."""
        if self.template is None or not self.given:
            return False
        return not same_conv(self.conv, self.template.conv())

    def dropped(self) -> list[str]:
        """The template's data that gave way to the sizes asked for."""
        if self.template is None:
            return []
        return [key for key in ("input", "weight", "bias") if key in self.template.conv_args and key not in self.conv_args]

    @property
    def conv_args(self) -> dict:
        return merge_conv_args(self.template.conv_args, self.given) if self.template else self.given


def over_template(template: str | None, given: dict) -> Figure:
    """Template ``template`` (a name or a path; None: none) with the
    convolution arguments ``given`` on top. An error names the template's
    key where the value at fault is the template's."""
    from .build import conv
    from .templates import load_template

    try:
        loaded = load_template(template) if template is not None else None
    except TemplateError as error:
        if error.option is None and error.template is None:  # not found: the flag is what was wrong
            raise TemplateError("template", error.rule) from None
        raise
    conv_args = merge_conv_args(loaded.conv_args, given) if loaded else given
    try:
        subject = conv(**conv_args)
    except SpecError as error:
        if loaded and error.option in loaded.conv_args and error.option not in given:
            # The value at fault is the template's: say so, not --option.
            raise TemplateError(error.option, error.rule, template=loaded.name) from None
        raise
    return Figure(loaded, given, subject)


def same_conv(a: Conv, b: Conv) -> bool:
    """Whether two convolutions are the same: parameters and data."""

    def same(x, y):
        return (x is None) == (y is None) and (x is None or np.array_equal(x, y))

    return a.spec == b.spec and a.spec.padding_arg == b.spec.padding_arg and all(
        same(getattr(a, key), getattr(b, key)) for key in ("input", "weight", "bias")
    )


def merge_conv_args(template_args: Mapping, cli_args: Mapping) -> dict:
    """A template's convolution arguments with command-line values on top.

    Every value given on the command line replaces the template's value for
    the same key. The template's data (its ``input``, ``weight`` and
    ``bias``) then stays only while it still agrees with the sizes asked for;
    data that would now contradict them is dropped, so that convanim's
    default data fills in, instead of an error:

    - the template's **input** is dropped when the command line gives an
      ``in_channels`` or a ``size`` that differs from it;
    - the template's **weight** is dropped when the command line gives an
      ``out_channels`` or a ``kernel_size`` that differs from it, or when its
      in-channel count times ``groups`` no longer equals the number of input
      channels (after ``--groups``, ``--in-channels`` or a new ``--input``);
    - the template's **bias** is dropped when the number of output channels
      no longer equals its length.

    The sizes of dropped data that the command line does not change are kept
    (a new ``in_channels`` keeps the template's input size, a new ``groups``
    keeps its output channels and kernel size). Likewise data given on the
    command line overrides the sizes the template states: a new ``input``
    replaces the template's ``in_channels`` and ``size``, a new ``weight`` its
    ``out_channels`` and ``kernel_size``.

    Command-line values are never dropped: if they contradict one another,
    ``convanim.conv`` says so.
    """
    from .build import conv

    merged = {**template_args, **cli_args}
    if not template_args or not cli_args:
        return merged
    base = conv(**template_args).spec  # what the template alone describes

    def from_template(key: str) -> bool:
        return key in template_args and key not in cli_args and key in merged

    if "input" in cli_args:
        for key in ("in_channels", "size"):
            if from_template(key):
                del merged[key]
    if "weight" in cli_args:
        for key in ("out_channels", "kernel_size"):
            if from_template(key):
                del merged[key]

    if from_template("input"):
        if _differs(cli_args.get("in_channels"), base.in_channels) or _differs(cli_args.get("size"), base.spatial_shape):
            del merged["input"]
            merged.setdefault("in_channels", base.in_channels)
            merged.setdefault("size", _compact(base.spatial_shape))

    if from_template("weight"):
        drop = _differs(cli_args.get("out_channels"), base.out_channels) or _differs(
            cli_args.get("kernel_size"), base.kernel_size
        )
        if not drop:
            in_channels = _in_channels(merged, from_template("input"), base)
            drop = in_channels is not None and base.weight_shape[1] * _count(merged.get("groups", 1)) != in_channels
        if drop:
            del merged["weight"]
            merged.setdefault("out_channels", base.out_channels)
            merged.setdefault("kernel_size", _compact(base.kernel_size))

    if from_template("bias"):
        if "out_channels" in cli_args:
            out_channels = cli_args["out_channels"]
        elif "weight" in cli_args:
            out_channels = _leading(cli_args["weight"])
        else:
            out_channels = base.out_channels
        if out_channels is not None and out_channels != base.out_channels:
            del merged["bias"]
    return merged


# -- helpers ---------------------------------------------------------------


def _differs(given, actual) -> bool:
    """Whether a size given (an int, or one per axis) differs from ``actual``."""
    if given is None:
        return False
    if isinstance(actual, tuple):
        wanted = tuple(given) if isinstance(given, (tuple, list)) else (given,) * len(actual)
        return wanted != actual
    return given != actual


def _compact(sizes: tuple[int, ...]):
    """``(6,)`` -> 6: an int fits any number of dimensions, a tuple only its own."""
    return sizes[0] if len(set(sizes)) == 1 else sizes


def _count(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1  # not a count at all: conv() will say so


def _leading(values) -> int | None:
    """The first dimension of nested values: 1 for a flat list."""
    if isinstance(values, (list, tuple)) and values:
        return len(values) if isinstance(values[0], (list, tuple)) else 1
    return None


def _in_channels(merged: Mapping, template_input: bool, base) -> int | None:
    """How many input channels the merged arguments describe, or None when
    the weight is what decides (no input and no in_channels)."""
    if "in_channels" in merged:
        return _count(merged["in_channels"])
    if "input" not in merged:
        return None
    if template_input:
        return base.in_channels
    # An input from the command line: flat is one channel; (C, *spatial) or
    # (1, C, *spatial) for the template's number of spatial dimensions.
    depth, values = 0, merged["input"]
    while isinstance(values, (list, tuple)) and values:
        depth, values = depth + 1, values[0]
    data = merged["input"]
    if depth == 1:
        return 1
    if depth == base.ndim + 1:
        return len(data)
    if depth == base.ndim + 2:
        return len(data[0])
    return None
