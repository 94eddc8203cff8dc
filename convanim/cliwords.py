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


class Command(click.Command):
    """A command whose options' values are checked for a value left out:
    click takes the next word as the value, even another option
    (``--hold --width 700`` reads ``--width`` as the hold, then refuses
    ``700`` as a stray word, naming the wrong one)."""

    def parse_args(self, ctx, args):
        words = list(args)
        try:
            parsed = super().parse_args(ctx, args)
        except click.UsageError:
            _value_left_out(ctx, words)
            raise
        _value_left_out(ctx, words)
        return parsed


class Group(click.Group):
    command_class = Command


def _value_left_out(ctx, words: list[str]) -> None:
    """Refuse an option followed, as its value, by the name of one of the
    command's options (``--title=-o`` says the value outright: let it be)."""
    names = {name for param in ctx.command.params for name in (*param.opts, *param.secondary_opts)}
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.is_flag:
            continue
        value = ctx.params.get(param.name)
        for one in value if isinstance(value, tuple) else (value,):
            if isinstance(one, str) and one.partition("=")[0] in names and _follows(words, param.opts, one):
                raise click.BadOptionUsage(param.opts[-1], f"{one} is an option", ctx)


def _follows(words: list[str], options, value: str) -> bool:
    """Whether ``value`` is a word of its own right after one of ``options``."""
    return any(word in options and following == value for word, following in zip(words, words[1:]))


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
        taken = f" ({error.message})" if error.message.endswith(" is an option") else ""
        return f"{error.option_name}: needs a value{taken}"
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
