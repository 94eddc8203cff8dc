"""Render options are listed once, in RenderOptions: the command line,
templates and the API's checks follow its fields."""

from __future__ import annotations

from dataclasses import fields

import pytest

import convanim
from convanim.cli import cli
from convanim.render.options import HELP, OPTIONS, TEMPLATE_KEYS
from convanim.templates import ALLOWED_KEYS, parse_template

HEAD = 'title = "t"\ndescription = "d"\n'


def test_every_field_has_its_option_in_the_fields_order():
    assert list(OPTIONS) == [f.name for f in fields(convanim.RenderOptions)]


def test_every_render_option_is_a_flag_of_render_with_its_help():
    params = {param.name: param for param in cli.commands["render"].params}
    for name, option in OPTIONS.items():
        param = params[name]
        assert param.opts == [option.flag.split("/")[0]]
        assert param.secondary_opts == option.flag.split("/")[1:]
        assert param.help == HELP[name]


def test_options_left_out_are_none_so_that_defaults_and_templates_stand():
    given = cli.commands["render"].make_context("render", ["--width", "640", "--no-glide", "--show-pending"]).params
    assert {name: given[name] for name in OPTIONS if given[name] is not None} == {"width": 640, "glide": False, "show_pending": True}


def test_helps_say_the_fields_defaults():
    assert HELP["width"].endswith("Default 1080.")
    assert HELP["fps"].endswith("Default 20.")
    assert HELP["max_frames"].endswith(f"Default {convanim.RenderOptions.max_frames}.")


def test_the_gallery_s_theme_is_render_s():
    params = {param.name: param for param in cli.commands["gallery"].params}
    assert params["theme"].help == HELP["theme"]


def test_a_flag_left_out_is_not_passed_and_a_flag_given_is(run_cli, tmp_path):
    """--no-panel reaches RenderOptions (the panel-only --title then is an error);
    without it, the template's panel stands."""
    out = tmp_path / "a.gif"
    assert run_cli("render", "--title", "x", "-o", str(out))[0] == 0
    code, _, err = run_cli("render", "--no-panel", "--title", "x", "-o", str(out))
    assert code == 2 and err.startswith("convanim: error: --title: ")


def test_template_keys_are_the_options_templates_may_set_each_with_its_check():
    assert TEMPLATE_KEYS == ("width", "hold", "fps", "glide", "panel", "credit")
    assert set(TEMPLATE_KEYS) <= set(ALLOWED_KEYS)
    for name in TEMPLATE_KEYS:
        with pytest.raises(convanim.TemplateError) as caught:
            parse_template(HEAD + f"{name} = {{ a = 1 }}\n", name="t")
        assert caught.value.option == name and caught.value.rule.endswith("got a table")


@pytest.mark.parametrize("name", sorted(set(OPTIONS) - set(TEMPLATE_KEYS) - {"title"}))
def test_other_render_options_are_not_template_keys(name):
    with pytest.raises(convanim.TemplateError) as caught:
        parse_template(HEAD + f"{name} = 1\n", name="t")
    assert caught.value.option == name and "unknown key" in caught.value.rule


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("width", 100, "from 320 to 3840"),
        ("hold", "1", "must be a number"),
        ("glide", 1, "true or false"),
        ("title", "a\nb", "one line"),
        ("theme", "nope", "nope"),
        ("canvas", "big", "1920x1080"),
        ("decimals", 7, "from 0 to 6"),
        ("every", 0, "at least 1"),
        ("steps", "3-1", "first step to its last"),
        ("max_frames", True, "at least 1"),
    ],
)
def test_the_api_checks_each_option_naming_it(name, value, rule):
    with pytest.raises(convanim.ConvanimError) as caught:
        convanim.RenderOptions(**{name: value})
    assert caught.value.option == name and rule in caught.value.rule


def test_options_keep_their_values_in_the_form_renderers_read():
    options = convanim.RenderOptions(theme="dark", steps="1-3,5")
    assert options.theme.name == "dark"
    assert options.steps == ((1, 3), (5, 5))


# Every public call that draws takes the render options as keywords, the same
# ones: each entry draws ``conv`` into ``folder`` with ``changes`` and gives
# the width of what it drew.
def _gif_width(path) -> int:
    return int.from_bytes(path.read_bytes()[6:8], "little")


DRAWING_CALLS = {
    "render": lambda conv, folder, **changes: _gif_width(convanim.render(conv, folder / "a.gif", **changes)),
    "render without a path": lambda conv, folder, **changes: convanim.render(conv, **changes).options.width,
    "frames": lambda conv, folder, **changes: next(convanim.frames(conv, **changes)).pixels.shape[1],
    "frames with options": lambda conv, folder, **changes: next(
        convanim.frames(conv, convanim.RenderOptions(hold=2.0), **changes)
    ).pixels.shape[1],
    "Animation.save": lambda conv, folder, **changes: _gif_width(convanim.render(conv).save(folder / "a.gif", **changes)),
    "Animation.frames": lambda conv, folder, **changes: next(convanim.render(conv).frames(**changes)).pixels.shape[1],
}


@pytest.mark.parametrize("call", list(DRAWING_CALLS.values()), ids=list(DRAWING_CALLS))
def test_every_drawing_call_takes_the_render_options_as_keywords(call, tmp_path):
    assert call(convanim.conv([1, 2, 3, 4], [1, 1]), tmp_path, width=700) == 700


@pytest.mark.parametrize("call", list(DRAWING_CALLS.values()), ids=list(DRAWING_CALLS))
def test_every_drawing_call_refuses_a_misspelt_option_naming_it(call, tmp_path):
    with pytest.raises(convanim.SpecError) as caught:
        call(convanim.conv([1, 2, 3, 4], [1, 1]), tmp_path, widht=700)
    assert caught.value.option == "widht"
    assert str(caught.value) == f"widht: is not a render option (did you mean width?); they are {', '.join(OPTIONS)}"
    with pytest.raises(convanim.SpecError, match="from 320 to 3840"):
        call(convanim.conv([1, 2, 3, 4], [1, 1]), tmp_path, width=5)
    assert list(tmp_path.iterdir()) == []
