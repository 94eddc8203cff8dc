"""conv's arguments are listed once: the command line and templates follow the table."""

from __future__ import annotations

import inspect

import pytest

import convanim
from convanim.arguments import CONV_ARGUMENTS, CONV_KEYS, parse_axes
from convanim.cli import cli, conv_arguments
from convanim.templates import ALLOWED_KEYS, parse_template


def test_the_table_lists_conv_s_keywords_in_order():
    assert CONV_KEYS == tuple(inspect.signature(convanim.conv).parameters)


@pytest.mark.parametrize("command", ["trace", "shape", "render"])
def test_every_argument_is_an_option_of_every_command_that_describes_a_convolution(command):
    options = {param.name: param for param in cli.commands[command].params}
    for argument in CONV_ARGUMENTS:
        assert options[argument.name].opts == list(argument.flags)
        assert options[argument.name].help == argument.help


def test_command_line_text_becomes_conv_s_values():
    texts = dict.fromkeys(CONV_KEYS)
    texts.update(input="[[1, 2, 3]]", stride="2", padding="Same ", size="4,5", groups=2, padding_mode=" Reflect")
    assert conv_arguments(**texts) == {
        "input": [[1, 2, 3]], "stride": 2, "padding": "same", "groups": 2, "padding_mode": "reflect", "size": (4, 5),
    }


@pytest.mark.parametrize("text, value", [("2", 2), ("2,3", (2, 3)), ("(2,)", (2,)), (" 1 , 2 ", (1, 2))])
def test_axes_parse_as_an_int_or_a_tuple(text, value):
    assert parse_axes(text, "stride") == value


def test_every_argument_is_a_template_key_with_its_own_check():
    assert set(CONV_KEYS) <= set(ALLOWED_KEYS)
    header = 'title = "t"\ndescription = "d"\n'
    for argument in CONV_ARGUMENTS:
        with pytest.raises(convanim.TemplateError) as caught:
            parse_template(header + f"{argument.name} = {{ a = 1 }}\n", name="t")
        assert caught.value.option == argument.name and "a table" in caught.value.rule
