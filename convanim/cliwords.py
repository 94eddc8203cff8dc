"""How the command line's words are read and refused in convanim's words,
not click's: numbers read by convanim (text that is not one goes on to the
API's own check), and click's refusals (an unknown option, a value left
out, a stray word) reworded as ``--OPTION: rule``.
"""

from __future__ import annotations

import re

import click


class Number(click.ParamType):
    """A number, read from the command line's text. Text that is not one is
    handed on as it is: the API's check refuses it in its own words (each
    option's rule is written once, there), rather than click in its own."""

    def __init__(self, read):
        self.read = read
        self.name = read.__name__

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return self.read(value)
        except ValueError:
            return value


WHOLE, NUMBER = Number(int), Number(float)


def usage_refusal(error: click.ClickException) -> str:
    """click's own refusals (an unknown option, a value left out, a stray
    word) in convanim's form: what was typed, then the rule."""
    ctx = getattr(error, "ctx", None)
    where = ctx.command_path if ctx is not None else "convanim"
    listed = f"`{where} --help` lists them"
    if isinstance(error, click.NoSuchOption):
        near = sorted(error.possibilities or ())
        guess = f"did you mean {' or '.join(near)}? " if near else ""
        return f"{error.option_name}: is not an option of {where}; {guess}{listed}"
    if isinstance(error, click.BadOptionUsage):
        if "does not take a value" in error.message:
            return f"{error.option_name}: is on or off and takes no value"
        return f"{error.option_name}: needs a value"
    param = getattr(error, "param", None)
    if param is not None and getattr(param, "opts", None):
        return f"{param.opts[0]}: {error.message}"
    message = error.format_message()
    command = re.match(r"No such command '([^']*)'\.(?: Did you mean '([^']*)'\?)?", message)
    if command is not None:
        guess = f"did you mean {command[2]}? " if command[2] else ""
        return f"{command[1]}: is not a command of convanim; {guess}`convanim --help` lists them"
    extra = re.match(r"Got unexpected extra arguments? \((.+)\)", message)
    if extra is not None:
        return f"{extra[1]}: {where} takes no such argument (options start with --); {listed}"
    return message
