"""Templates: the named figures as data, their reference traces, the merge
rules, and the templates and gallery commands."""

from __future__ import annotations

import json
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import convanim
from conftest import ARTICLE_CASES
from convanim.errors import SpecError, TemplateError
from convanim.gallery import build_gallery
from convanim.templates import ALLOWED_KEYS, Template, list_templates, load_template, merge_conv_args, parse_template
from make_reference_traces import DATA, reference_text, reference_trace

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
NAMES = list_templates()

# Template name -> the article's case (tests/conftest.py) it reproduces.
ARTICLE = {
    "kernel1": "kernel 1",
    "kernel2": "kernel 2",
    "kernel3": "kernel 3",
    "padding1": "padding 1",
    "padding2": "padding 2",
    "stride3": "stride 3",
    "dilation2": "dilation 2",
    "groups2": "groups 2",
    "depthwise": "depthwise",
}


def test_the_built_in_templates_are_the_article_conv1x1_and_the_2d_set():
    from test_templates_2d import TWO_D

    assert set(NAMES) == set(ARTICLE) | {"conv1x1"} | set(TWO_D)


# -- every template ----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_template_loads_with_a_title_and_a_one_line_description(name):
    template = load_template(name)
    assert isinstance(template, Template)
    assert template.name == name
    assert template.title and "\n" not in template.title
    assert template.description and "\n" not in template.description
    assert set(template.conv_args) | set(template.render_args) <= set(ALLOWED_KEYS)
    assert template.render_kwargs()["title"] == template.title


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_template_trace_equals_its_reference_file(name):
    path = DATA / f"{name}.json"
    assert path.exists(), f"no {path.name}: run python tests/make_reference_traces.py"
    assert json.loads(path.read_text(encoding="utf-8")) == reference_trace(name)
    # The file is exactly what the script writes: no hand edits.
    assert path.read_text(encoding="utf-8") == reference_text(name)


def test_no_reference_file_without_a_template():
    assert sorted(p.stem for p in DATA.glob("*.json")) == sorted(NAMES)


@pytest.mark.parametrize("name", list(ARTICLE), ids=list(ARTICLE))
def test_template_is_the_articles_case(name):
    case = ARTICLE_CASES[ARTICLE[name]]
    template = load_template(name)
    # The data is the article's, exactly: nothing more, nothing less.
    assert template.conv_args == {"input": case["input"], "weight": case["weight"], **case["kwargs"]}
    assert convanim.trace(template.conv()).output.tolist() == case["output"]


def test_conv1x1_is_a_dot_product_through_three_channels():
    template = load_template("conv1x1")
    c = template.conv()
    assert c.spec.in_channels == 3
    assert c.spec.kernel_size == (1,)
    assert c.spec.out_channels in (1, 2)
    assert c.spec.groups == 1
    t = convanim.trace(c)
    assert t.output.tolist() == [[123, 246, 369, 492, 615, 738]]
    # Every output is the weights dotted with the column of channels under it.
    expected = np.einsum("oc,cl->ol", c.weight[:, :, 0], c.input)
    assert np.array_equal(t.output, expected)
    assert all(len(step.taps) == 3 for step in t.steps)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_template_agrees_with_torch(name):
    torch = pytest.importorskip("torch")
    c = load_template(name).conv()
    spec = c.spec
    expected = getattr(torch.nn.functional, f"conv{spec.ndim}d")(
        torch.tensor(c.input[np.newaxis]),
        torch.tensor(c.weight),
        None if c.bias is None else torch.tensor(c.bias),
        stride=spec.stride,
        padding=spec.padding_arg,
        dilation=spec.dilation,
        groups=spec.groups,
    )[0]
    assert convanim.trace(c).output.tolist() == expected.tolist()


# -- finding templates -------------------------------------------------------


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(TemplateError) as raised:
        load_template("kernel9")
    message = str(raised.value)
    assert "'kernel9'" in message and "\n" not in message
    for name in NAMES:
        assert name in message


def test_a_path_is_a_file_and_a_name_is_built_in(tmp_path, monkeypatch):
    source = (ROOT / "templates" / "stride3.toml").read_text(encoding="utf-8")
    (tmp_path / "mine.toml").write_text(source.replace("stride = 3", "stride = 2"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    by_suffix = load_template("mine.toml")
    by_separator = load_template(f".{os.sep}mine.toml")
    by_pathlike = load_template(tmp_path / "mine.toml")
    for template in (by_suffix, by_separator, by_pathlike):
        assert template.name == "mine"
        assert template.conv_args["stride"] == 2
    # A bare name never reads the working directory.
    (tmp_path / "kernel1").write_text("not a template", encoding="utf-8")
    assert load_template("kernel1").conv_args["weight"] == [2]
    with pytest.raises(TemplateError, match="mine: unknown|unknown template 'mine'"):
        load_template("mine")


def test_missing_file():
    with pytest.raises(TemplateError) as raised:
        load_template("no/such/template.toml")
    assert str(raised.value) == "template no/such/template.toml: file not found"


# -- bad templates -----------------------------------------------------------

HEAD = 'title = "A figure"\ndescription = "What it shows."\n'

# id -> (TOML text, the key the error must name, a phrase of the rule)
BAD = {
    "unknown key": (HEAD + "strid = 3\n", "strid", "unknown key"),
    "a table": (HEAD + "[render]\nwidth = 400\n", "render", "unknown key"),
    "no title": ('description = "x"\n', "title", "required"),
    "no description": ('title = "x"\n', "description", "required"),
    "title not a string": ('title = 3\ndescription = "x"\n', "title", "must be a string, got an integer"),
    "empty title": ('title = " "\ndescription = "x"\n', "title", "must not be empty"),
    "two-line description": ('title = "x"\ndescription = """one\ntwo"""\n', "description", "one line"),
    "input as text": (HEAD + 'input = "1,2,3"\n', "input", "got a string"),
    "weight with a word": (HEAD + 'weight = [1, "a"]\n', "weight", "numbers only"),
    "weight with a boolean": (HEAD + "weight = [1, true]\n", "weight", "numbers only"),
    "ragged input": (HEAD + "input = [[1, 2], [3]]\n", "input", "ragged"),
    "stride as text": (HEAD + 'stride = "3"\n', "stride", "got a string"),
    "stride as float": (HEAD + "stride = 1.5\n", "stride", "got a float"),
    "padding as boolean": (HEAD + "padding = true\n", "padding", "got a boolean"),
    "padding word": (HEAD + 'padding = "full"\n', "padding", "same, valid, causal"),
    "groups as float": (HEAD + "groups = 2.0\n", "groups", "got a float"),
    "padding_mode as number": (HEAD + "padding_mode = 1\n", "padding_mode", "got an integer"),
    "width as float": (HEAD + "width = 1080.0\n", "width", "got a float"),
    "width too small": (HEAD + "width = 10\n", "width", "pixels"),
    "hold as text": (HEAD + 'hold = "1s"\n', "hold", "got a string"),
    "hold of zero": (HEAD + "hold = 0\n", "hold", "from 0.05 to 60"),
    "fps as boolean": (HEAD + "fps = true\n", "fps", "got a boolean"),
    "glide as text": (HEAD + 'glide = "yes"\n', "glide", "true or false"),
    "panel as number": (HEAD + "panel = 1\n", "panel", "true or false"),
    "credit as number": (HEAD + "credit = 1\n", "credit", "got an integer"),
    "groups PyTorch rejects": (HEAD + "input = [1, 2, 3, 4, 5, 6]\ngroups = 2\n", "groups", "divisible"),
    "weight that does not fit": (HEAD + "input = [1, 2, 3]\nweight = [[[2], [2]]]\n", "weight", "in_channels/groups"),
}


@pytest.mark.parametrize(("source", "key", "phrase"), list(BAD.values()), ids=list(BAD))
def test_bad_template_is_one_template_error_naming_the_key(tmp_path, source, key, phrase):
    path = tmp_path / "bad.toml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        load_template(path)
    error = raised.value
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"template {path}: {key}: ")
    assert phrase in message
    assert (error.option, error.template) == (key, str(path))


def test_unknown_key_error_lists_the_allowed_keys():
    with pytest.raises(TemplateError) as raised:
        parse_template(HEAD + "colour = 'red'\n", name="demo")
    assert str(raised.value).startswith("template demo: colour: unknown key")
    for key in ALLOWED_KEYS:
        assert key in str(raised.value)


def test_invalid_toml_is_one_line():
    with pytest.raises(TemplateError) as raised:
        parse_template(HEAD + "stride = \n", name="demo")
    assert str(raised.value).startswith("template demo: not valid TOML")
    assert "\n" not in str(raised.value)


def test_template_error_survives_pickling():
    """Errors cross process boundaries when the gallery renders in parallel."""
    error = pickle.loads(pickle.dumps(TemplateError("stride", "must be an integer", template="demo")))
    assert isinstance(error, TemplateError)
    assert str(error) == "template demo: stride: must be an integer"
    assert (error.option, error.rule, error.template) == ("stride", "must be an integer", "demo")


def test_bad_template_through_the_cli_exits_2_with_one_line(run_cli, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(HEAD + "strid = 3\n", encoding="utf-8")
    code, out, err = run_cli("gallery", str(path), "-o", str(tmp_path / "out"))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"convanim: error: template {path}: strid: unknown key; the keys a template may have are: ")
    assert not (tmp_path / "out" / "index.html").exists()


def test_unknown_template_through_the_cli_exits_2(run_cli, tmp_path):
    code, out, err = run_cli("gallery", "kernel9", "-o", str(tmp_path))
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("convanim: error: unknown template 'kernel9'; the built-in templates are: arbitrary_padding_no_strides, conv1x1, ")


# -- merging the command line into a template --------------------------------


def merged_conv(name: str, **cli):
    template = load_template(name)
    return merge_conv_args(template.conv_args, cli), template.conv(cli)


def test_merge_without_command_line_values_is_the_template():
    template = load_template("groups2")
    assert merge_conv_args(template.conv_args, {}) == template.conv_args


def test_command_line_values_override_and_data_stays_when_it_fits():
    args, c = merged_conv("kernel3", stride=2, padding=1)
    assert args["stride"] == 2 and args["padding"] == 1
    assert args["input"] == [1, 2, 3, 4, 5, 6] and args["weight"] == [2, 2, 2]
    assert convanim.trace(c).output.tolist() == [[6, 18, 30]]


def test_same_sizes_as_the_template_drop_nothing():
    template = load_template("groups2")
    args = merge_conv_args(template.conv_args, {"in_channels": 2, "size": 6, "out_channels": 2, "kernel_size": 1, "groups": 2})
    assert args["input"] == template.conv_args["input"]
    assert args["weight"] == template.conv_args["weight"]


def test_a_new_size_drops_the_input_and_keeps_its_channels():
    args, c = merged_conv("kernel3", size=8)
    assert "input" not in args and args["weight"] == [2, 2, 2]
    assert c.spec.input_shape == (1, 8)
    assert c.input.tolist() == [[1, 2, 3, 4, 5, 6, 7, 8]]
    assert convanim.trace(c).output.tolist() == [[12, 18, 24, 30, 36, 42]]


def test_new_in_channels_drop_the_input_and_a_weight_that_no_longer_fits():
    args, c = merged_conv("groups2", in_channels=4)
    assert "input" not in args and "weight" not in args
    assert c.spec.input_shape == (4, 6)  # the template's length stays
    assert (c.spec.out_channels, c.spec.kernel_size, c.spec.groups) == (2, (1,), 2)
    assert c.weight.shape == (2, 2, 1)


def test_new_out_channels_or_kernel_size_drop_the_weight():
    args, c = merged_conv("kernel3", out_channels=2)
    assert "weight" not in args and args["input"] == [1, 2, 3, 4, 5, 6]
    assert (c.spec.out_channels, c.spec.kernel_size) == (2, (3,))
    args, c = merged_conv("kernel3", kernel_size=5)
    assert "weight" not in args and args["input"] == [1, 2, 3, 4, 5, 6]
    assert (c.spec.out_channels, c.spec.kernel_size) == (1, (5,))


def test_new_groups_drop_a_weight_whose_in_channels_no_longer_fit():
    args, c = merged_conv("groups2", groups=1)
    assert "weight" not in args and args["input"] == load_template("groups2").conv_args["input"]
    assert c.weight.shape == (2, 2, 1)
    args, c = merged_conv("depthwise", groups=1)
    assert (c.spec.out_channels, c.spec.groups) == (4, 1)


def test_a_new_input_with_more_channels_drops_the_weight():
    args, c = merged_conv("kernel1", input=[[1, 2, 3], [4, 5, 6]])
    assert "weight" not in args
    assert (c.spec.in_channels, c.spec.out_channels, c.spec.kernel_size) == (2, 1, (1,))


def test_command_line_data_replaces_the_sizes_a_template_states():
    template = {"in_channels": 3, "size": 4, "out_channels": 3, "kernel_size": 2}
    args = merge_conv_args(template, {"input": [1, 2, 3], "weight": [1, 1]})
    assert args == {"input": [1, 2, 3], "weight": [1, 1]}


def test_a_bias_goes_with_its_output_channels():
    template = {"input": [1, 2, 3, 4], "weight": [1, 1], "bias": [5]}
    assert merge_conv_args(template, {"stride": 2})["bias"] == [5]
    args = merge_conv_args(template, {"out_channels": 2})
    assert "bias" not in args and "weight" not in args


def test_command_line_data_is_never_dropped():
    """Contradicting command-line values are an error, not a silent choice."""
    args = merge_conv_args(load_template("kernel3").conv_args, {"weight": [2, 2], "kernel_size": 3})
    assert args["weight"] == [2, 2] and args["kernel_size"] == 3
    with pytest.raises(SpecError) as raised:
        convanim.conv(**args)
    assert raised.value.option == "kernel_size"


def test_merge_leaves_its_arguments_alone():
    template = load_template("groups2")
    before = json.dumps(template.conv_args)
    cli = {"in_channels": 4}
    merge_conv_args(template.conv_args, cli)
    assert json.dumps(template.conv_args) == before and cli == {"in_channels": 4}


# -- commands ----------------------------------------------------------------


def test_templates_command_lists_names_with_descriptions(run_cli):
    code, out, err = run_cli("templates")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == len(NAMES)
    for line, name in zip(lines, NAMES):
        assert re.fullmatch(rf"{name} +{re.escape(load_template(name).description)}", line)


def test_gallery_writes_every_template_and_an_index(tmp_path):
    figures = []
    index = build_gallery(tmp_path, jobs=2, width=320, on_figure=figures.append)
    assert index == tmp_path / "index.html"
    page = index.read_text(encoding="utf-8")
    assert sorted(f.name for f in figures) == sorted(NAMES)
    for figure in figures:
        template = load_template(figure.name)
        path = tmp_path / f"{figure.name}.gif"
        assert path.read_bytes()[:6] == b"GIF89a"
        # A long padded row may widen a narrow figure rather than shrink its cells past legibility.
        with Image.open(path) as gif:
            assert figure.bytes == path.stat().st_size and figure.width == gif.size[0] >= 320
        assert f"<h2>{template.title} " in page
        assert template.description.replace("'", "&#x27;") in page
        assert f"{figure.kib:,.1f} KiB" in page
        # The snippets a reader copies, as the page shows them (escaped).
        assert f'&lt;img src=&quot;{figure.name}.gif&quot; width=&quot;{figure.width}&quot;' in page
        assert f"]({figure.name}.gif)" in page


def test_a_gallery_closes_its_pool_rather_than_terminating_it(tmp_path, monkeypatch):
    import multiprocessing
    import multiprocessing.pool

    terminated = []
    real_terminate = multiprocessing.pool.Pool.terminate

    def terminate(pool):
        terminated.append(pool)
        real_terminate(pool)

    monkeypatch.setattr(multiprocessing.pool.Pool, "terminate", terminate)
    build_gallery(tmp_path, templates=["kernel1", "stride3"], jobs=2, width=320)
    # Terminating a pool whose workers wait for work can leave one behind,
    # and the join never returns; a finished gallery closes and joins it.
    assert terminated == []
    assert multiprocessing.active_children() == []


def test_gallery_command_in_process(run_cli, tmp_path):
    code, out, err = run_cli("gallery", "kernel2", "stride3", "-o", str(tmp_path), "--jobs", "1", "--width", "320")
    assert (code, err) == (0, "")
    # Each GIF with its still, which the snippet shows readers who ask for reduced motion.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "kernel2-still.png", "kernel2.gif", "stride3-still.png", "stride3.gif"]
    assert "kernel2.gif" in out and "Stride 3" in out and out.endswith(f"{tmp_path / 'index.html'}\n")


# -- packaging ---------------------------------------------------------------


def test_templates_are_packaged_from_the_top_level_folder():
    """The built-in templates are edited in templates/ and installed as
    convanim._templates; every subpackage of convanim must be listed too."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"]["convanim._templates"] == "templates"
    assert "*.toml" in config["package-data"]["convanim._templates"]
    subpackages = {
        "convanim." + ".".join(p.parent.relative_to(ROOT / "convanim").parts)
        for p in (ROOT / "convanim").rglob("__init__.py")
        if p.parent != ROOT / "convanim" and "__pycache__" not in p.parts
    }
    assert {"convanim", "convanim._templates"} | subpackages <= set(config["packages"])
    assert sorted(p.stem for p in (ROOT / "templates").glob("*.toml")) == sorted(NAMES)


def test_loading_a_template_draws_nothing():
    """Templates are read by quick commands: no plotting library on the way."""
    code = "import sys; from convanim.templates import load_template; load_template('groups2'); print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_template_named_twice_is_rendered_once(tmp_path):
    figures = []
    build_gallery(tmp_path, templates=["stride3", "stride3"], jobs=1, width=320, on_figure=figures.append)
    assert [f.name for f in figures] == ["stride3"]
    assert (tmp_path / "index.html").read_text(encoding="utf-8").count('id="stride3"') == 1


def test_templates_are_found_from_a_clones_root_without_the_installed_package(tmp_path):
    """After `pip install .`, Python started in the clone's root imports the
    clone's convanim/ (the current folder comes first), which has no
    _templates; the templates/ folder beside it is used instead."""
    import shutil
    import sysconfig

    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "convanim", clone / "convanim", ignore=shutil.ignore_patterns("__pycache__"))
    for data in ("templates", "themes"):
        shutil.copytree(ROOT / data, clone / data, ignore=shutil.ignore_patterns("__pycache__"))
    paths = sysconfig.get_paths()
    # -S: no site-packages .pth files, so no editable-install hook maps
    # convanim._templates; the libraries come from PYTHONPATH.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join({paths["purelib"], paths["platlib"]})}
    probe = "import convanim, convanim.templates as t; assert 'clone' in convanim.__file__; print(*t.list_templates())"
    listed = subprocess.run([sys.executable, "-S", "-c", probe], cwd=clone, env=env, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == list(NAMES)
    done = subprocess.run([sys.executable, "-S", "-m", "convanim", "render", "--width", "320", "--theme", "dark"], cwd=clone, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (clone / "output" / "padding1.gif").read_bytes()[:6] == b"GIF89a"
