"""Every bad command-line input is refused in convanim's own form, whoever
finds it (click while reading the line, or the API's checks): one line,
``convanim: error: --OPTION: the rule``, exit status 2, nothing written.
The options tested are read from the commands themselves."""

from __future__ import annotations

import re

import click
import pytest

from convanim.cli import cli
from convanim.cliwords import Number

COMMANDS = sorted(cli.commands)


def _options(command: str):
    return [p for p in cli.commands[command].params if isinstance(p, click.Option)]


def _takes_a_value(param: click.Option) -> bool:
    return not param.is_flag and not param.count


def _where(command: str, tmp_path) -> list[str]:
    """An output path in a folder not there yet, for the commands that write."""
    if any("--output" in p.opts for p in _options(command)):
        return ["-o", str(tmp_path / "new" / ("gallery" if command == "gallery" else "f.gif"))]
    return []


NUMERIC = [
    (command, param.opts[-1]) for command in COMMANDS for param in _options(command) if isinstance(param.type, Number)
]
VALUED = [(command, param.opts[-1]) for command in COMMANDS for param in _options(command) if _takes_a_value(param)]
SWITCHES = [(command, param.opts[-1]) for command in COMMANDS for param in _options(command) if param.is_flag and param.opts[-1] not in ("--help", "--version")]


def _refused(run_cli, tmp_path, *argv) -> str:
    code, out, err = run_cli(*argv)
    assert (code, out) == (2, ""), err
    assert err.startswith("convanim: error: ") and err.count("\n") == 1 and err.endswith("\n"), err
    assert list(tmp_path.iterdir()) == [], "a refused command writes nothing"
    return err.removeprefix("convanim: error: ").rstrip("\n")


def test_no_option_is_read_by_click_s_own_number_or_choice_types():
    """Those refuse in click's words (``Invalid value for '--hold': 'x' is
    not a valid float.``): numbers are read by convanim, choices checked by the API."""
    typed = (click.types.IntParamType, click.types.FloatParamType, click.Choice, click.types._NumberRangeBase)
    assert [(c, p.opts) for c in COMMANDS for p in _options(c) if isinstance(p.type, typed)] == []
    # Every render option the table reads as a number is one of these.
    assert {("render", "--width"), ("render", "--hold"), ("render", "--fps"), ("render", "--every"), ("gallery", "--jobs"), ("trace", "--groups")} <= set(NUMERIC)


@pytest.mark.parametrize(("command", "flag"), NUMERIC, ids=[f"{c} {f}" for c, f in NUMERIC])
@pytest.mark.parametrize("text", ["abc", "1.5x"])
def test_text_for_a_number_is_refused_naming_the_option_and_its_rule(run_cli, tmp_path, command, flag, text):
    glide = ["--glide"] if command == "render" else []  # --fps alone is refused for that
    line = _refused(run_cli, tmp_path, command, *_where(command, tmp_path), *glide, flag, text)
    assert re.fullmatch(rf"{flag}: must be [^\n]+ got '{re.escape(text)}'", line), line


@pytest.mark.parametrize(("command", "flag"), VALUED, ids=[f"{c} {f}" for c, f in VALUED])
def test_an_option_left_without_its_value_says_it_needs_one(run_cli, tmp_path, command, flag):
    assert _refused(run_cli, tmp_path, command, flag) == f"{flag}: needs a value"


@pytest.mark.parametrize(("command", "flag"), VALUED, ids=[f"{c} {f}" for c, f in VALUED])
def test_an_option_whose_value_is_another_option_says_it_needs_one(run_cli, tmp_path, command, flag):
    # click takes the next word as the value, even an option; the word after
    # that was then refused as a stray one, naming the wrong thing.
    other = next(p.opts[-1] for p in _options(command) if _takes_a_value(p) and p.opts[-1] != flag)
    line = _refused(run_cli, tmp_path, command, flag, other, "7")
    assert line == f"{flag}: needs a value ({other} is an option)", line


@pytest.mark.parametrize(("command", "flag"), SWITCHES, ids=[f"{c} {f}" for c, f in SWITCHES])
def test_a_switch_given_a_value_says_it_takes_none(run_cli, tmp_path, command, flag):
    assert _refused(run_cli, tmp_path, command, f"{flag}=yes") == f"{flag}: is on or off and takes no value"


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_option_or_word_is_named_with_where_to_look(run_cli, tmp_path, command):
    line = _refused(run_cli, tmp_path, command, "--colour", "red")
    assert line.startswith(f"--colour: is not an option of convanim {command}; ")
    assert line.endswith(f"`convanim {command} --help` lists them")
    if command != "gallery":  # the gallery takes template names as its words
        assert _refused(run_cli, tmp_path, command, "stray") == (
            f"stray: convanim {command} takes no such argument (options start with --); `convanim {command} --help` lists them"
        )


def test_a_near_miss_is_suggested_and_an_unknown_command_named(run_cli, tmp_path):
    assert re.search(r"; did you mean [^?]*--hold\? ", _refused(run_cli, tmp_path, "render", "--hodl", "2"))
    assert _refused(run_cli, tmp_path, "rendr") == "rendr: is not a command of convanim; did you mean render? `convanim --help` lists them"
    assert _refused(run_cli, tmp_path, "xyz") == "xyz: is not a command of convanim; `convanim --help` lists them"


def test_the_embed_style_is_checked_by_the_api_in_the_same_form(run_cli, tmp_path):
    assert _refused(run_cli, tmp_path, "render", *_where("render", tmp_path), "--embed", "rss") == "--embed: must be html or markdown, got 'rss'"


def test_the_gallery_refuses_a_bad_width_or_jobs_before_making_its_folder(run_cli, tmp_path):
    assert _refused(run_cli, tmp_path, "gallery", *_where("gallery", tmp_path), "--jobs", "0") == "--jobs: must be a whole number, at least 1, got 0"
    assert _refused(run_cli, tmp_path, "gallery", *_where("gallery", tmp_path), "--width", "100").startswith("--width: must be a whole number of pixels")


def test_a_value_given_outright_that_looks_like_an_option_is_taken(run_cli, tmp_path):
    out = tmp_path / "t.gif"
    code, _, err = run_cli("render", "--title=--width", "-o", str(out), "-q")
    assert code == 0 and out.exists(), err
