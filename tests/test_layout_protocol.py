"""Every layout implements the whole Layout interface, and the renderer
asks for nothing outside it."""

from __future__ import annotations

import ast
import inspect

import pytest

import convanim
from convanim.render import moving, renderer
from convanim.render.layout import Box, Label, Layout, compute_layout

CASES = {
    "1-D": dict(input=[1, 2, 3, 4, 5, 6], weight=[2, 2, 2], padding=1),
    "1-D, depthwise with a multiplier": dict(in_channels=2, out_channels=4, groups=2, size=5),
    "2-D": dict(size=(4, 4), kernel_size=3, padding=1),
    "2-D, depthwise with a multiplier": dict(in_channels=2, out_channels=4, groups=2, size=(4, 4), kernel_size=2),
}


def members(protocol) -> set[str]:
    """A protocol's attributes and methods, as written in its class body."""
    names = set(protocol.__annotations__)
    names |= {name for name, value in vars(protocol).items() if not name.startswith("_") and (callable(value) or isinstance(value, property))}
    return names


def layout_of(case: str):
    result = convanim.trace(convanim.conv(**CASES[case]))
    return result, compute_layout(result, 640)


@pytest.mark.parametrize("case", CASES)
def test_every_layout_has_every_member_of_the_interface(case):
    _, layout = layout_of(case)
    missing = sorted(name for name in members(Layout) if not hasattr(layout, name))
    assert missing == []


def test_the_renderer_asks_a_layout_only_for_members_of_the_interface():
    """No getattr with a default and no member outside Layout: what the
    renderer asks is what every layout provides."""
    trees = [ast.parse(inspect.getsource(module)) for module in (renderer, moving)]
    asked = set()
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
            assert not (isinstance(node.args[0], ast.Attribute) and node.args[0].attr == "layout"), ast.unparse(node)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "layout":
            asked.add(node.attr)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "L":
            asked.add(node.attr)
    assert asked and asked <= members(Layout)


@pytest.mark.parametrize("case", ["2-D", "2-D, depthwise with a multiplier"])
def test_a_2d_kernel_glides_straight_and_names_only_its_owner(case):
    result, layout = layout_of(case)
    steps = list(result.steps[:1])
    assert layout.same_band(Box(0, 0, 1, 1), Box(500, 300, 1, 1))
    assert layout.window_bars is False
    assert layout.kernel_labels(steps, None) == []
    (owner,) = layout.kernel_labels(steps, "of out ch 1")
    assert isinstance(owner, Label) and owner.text == "of out ch 1"


def test_a_wrapped_1d_kernel_jumps_between_bands_and_names_its_rows_on_its_band():
    result = convanim.trace(convanim.conv(input=list(range(1, 61)), weight=[1, 2, 1]))
    layout = compute_layout(result, 640)
    first, last = layout.kernel_cell(0, (0,)), layout.kernel_cell(0, (59,))
    assert layout.same_band(first, layout.kernel_cell(0, (1,)))
    assert not layout.same_band(first, last)
    assert layout.window_bars is True
    labels = layout.kernel_labels([result.steps[-1]], "of out ch 0")
    assert labels and all(label.y > first.y for label in labels)  # on the last band, not the first
