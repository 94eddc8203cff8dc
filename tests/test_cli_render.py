"""`convanim render` as a user meets it: files where promised, or one line and no file."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from PIL import Image


def _gifs(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_bare_render_draws_the_articles_padding_case(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("render")
    assert (code, err) == (0, "")
    assert out.startswith("wrote output/padding1.gif (")
    with Image.open(tmp_path / "output" / "padding1.gif") as gif:
        assert gif.n_frames == 6 + 1 and gif.size[0] == 1080


def test_output_folders_are_created_and_options_name_the_file(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("render", "--padding", "2", "--kernel-size", "5")[0] == 0
    assert run_cli("render", "--template", "kernel2", "-o", "deep/er/k2.gif")[0] == 0
    assert _gifs(tmp_path) == ["deep/er/k2.gif", "output/conv1d_kernel5_padding2.gif"]


def test_options_override_the_template(run_cli, tmp_path):
    path = tmp_path / "k.gif"
    code, _, err = run_cli("render", "--template", "kernel3", "--stride", "2", "--hold", "0.5", "-o", str(path))
    assert code == 0 and err.startswith("convanim: note: --stride changes template kernel3's convolution")
    with Image.open(path) as gif:
        assert gif.n_frames == 2 + 1  # kernel 3 over 6 with stride 2: two outputs, then the finished picture
        gif.seek(1)
        assert gif.info["duration"] == 500


BAD = {
    "width": (["--width", "100"], "--width"),
    "hold": (["--hold", "0"], "--hold"),
    "fps without glide": (["--fps", "30"], "--fps"),
    "title without panel": (["--title", "T", "--no-panel"], "--title"),
    "unknown format": (["-o", "out.mp3"], "--output"),
    "unknown template": (["--template", "nope"], "--template"),
    "bad conv": (["--kernel-size", "9"], "--kernel-size"),
    "3-D": (["--length", "4,4,4", "--kernel-size", "2,2,2"], "--input"),
}


@pytest.mark.parametrize("args, option", list(BAD.values()), ids=list(BAD))
def test_bad_render_options_exit_2_with_one_line_and_no_file(run_cli, tmp_path, monkeypatch, args, option):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "sub" / "out.gif"
    if "-o" not in args:
        args = [*args, "-o", str(target)]
    code, out, err = run_cli("render", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"convanim: error: {option}: ")
    assert _gifs(tmp_path) == []


def test_template_data_that_gives_way_is_named(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "kernel3", "--kernel-size", "5", "-o", str(tmp_path / "k5.gif"))
    assert code == 0 and out.startswith("wrote ")
    assert err.splitlines()[0] == "convanim: note: template kernel3's weight does not fit the options given; using convanim's default weight"


def test_a_template_value_at_fault_is_named_as_the_templates(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "groups2", "--input", "1,2,3,4,5,6", "-o", str(tmp_path / "g.gif"))
    assert code == 2 and out == ""
    assert err.startswith("convanim: error: template groups2: groups: ")
    assert not (tmp_path / "g.gif").exists()


@pytest.mark.parametrize("template", ["padding1", "groups2"], ids=["padding1", "groups2"])
def test_no_panel_works_with_any_template(run_cli, tmp_path, template):
    """A template's title is data, not a request: --no-panel may leave it unused."""
    with_panel, without = tmp_path / "p.gif", tmp_path / "n.gif"
    assert run_cli("render", "--template", template, "-o", str(with_panel))[0] == 0
    code, out, err = run_cli("render", "--template", template, "--no-panel", "-o", str(without))
    assert (code, err) == (0, "")
    with Image.open(without) as bare, Image.open(with_panel) as full:
        assert bare.size[0] == full.size[0] and bare.size[1] < full.size[1]


def test_file_system_refusals_are_one_line(run_cli, tmp_path):
    too_long = tmp_path / ("a" * 300 + ".gif")
    code, out, err = run_cli("render", "-o", str(too_long))
    assert code == 2 and err.count("\n") == 1 and "File name too long" in err
    (tmp_path / "file.gif").write_bytes(b"")
    code, out, err = run_cli("gallery", "padding1", "-o", str(tmp_path / "file.gif"))
    assert code == 2 and err.startswith("convanim: error: --output: cannot make the folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.gif"]


def test_an_empty_output_name_is_an_error_not_the_default(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("render", "-o", "")
    assert code == 2 and err.startswith("convanim: error: --output: is empty")
    assert list(tmp_path.iterdir()) == []


def test_a_python_style_one_element_tuple_is_read(run_cli):
    code, out, err = run_cli("shape", "--length", "6", "--stride", "(2,)")
    assert (code, err) == (0, "") and "output (1, 2)" in out


def test_ctrl_c_exits_130_and_leaves_an_existing_file_untouched(tmp_path):
    target = tmp_path / "figure.gif"
    target.write_bytes(b"the figure from before")
    values = ",".join(str(i % 7) for i in range(120))
    command = [sys.executable, "-m", "convanim", "render", "--input", values, "--weight", "1,2,1", "--glide", "--fps", "50", "-o", str(target)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(tmp_path.glob(".convanim-*")):
            time.sleep(0.01)  # until the writer has begun
        assert process.poll() is None, "the render ended before it could be interrupted"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert (out, err) == ("", "convanim: interrupted\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.gif"]
    assert target.read_bytes() == b"the figure from before"


def test_an_existing_folder_as_output_is_named_a_folder(run_cli, tmp_path):
    (tmp_path / "figures").mkdir()
    code, out, err = run_cli("render", "-o", str(tmp_path / "figures"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"convanim: error: --output: '{tmp_path / 'figures'}' is a folder; give a file name in it")
    assert list((tmp_path / "figures").iterdir()) == []


def test_an_output_name_without_suffix_lists_the_suffixes(run_cli, tmp_path):
    from convanim.writers import known_formats

    code, out, err = run_cli("render", "-o", str(tmp_path / "figure"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"convanim: error: --output: {str(tmp_path / 'figure')!r} has no suffix; known formats: .gif, ")
    assert all(suffix in err for suffix in known_formats())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "blamed"),
    [
        (["--input", ",".join(map(str, range(290))), "--weight", "1,1"], "--input"),  # the length came from the data
        (["--length", "290"], "--length"),
        (["--input", ",".join(map(str, range(290))), "--length", "290"], "--length"),
    ],
    ids=["input", "length", "both"],
)
def test_a_row_too_long_blames_the_option_that_gave_its_length(run_cli, tmp_path, argv, blamed):
    code, out, err = run_cli("render", *argv, "-o", str(tmp_path / "a.gif"))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"convanim: error: {blamed}: a padded row of 290 cells is too long")
    assert list(tmp_path.iterdir()) == []


def test_a_tilde_is_the_home_folder_in_the_api_and_a_quoted_option(run_cli, tmp_path, monkeypatch):
    import convanim

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    c = convanim.conv([1, 2, 3], [1, 1])
    assert convanim.render(c, "~/api.gif", width=320) == tmp_path / "api.gif"
    assert run_cli("render", "--input", "1,2,3", "--weight", "1,1", "--width", "320", "-o", "~/cli.gif")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["api.gif", "cli.gif"]


@pytest.fixture
def rendered(monkeypatch):
    """The convolution and options each `convanim render` draws with, instead of a file."""
    import convanim.publish

    calls = []

    def fake_publish(subject, path, options, **request):
        calls.append((subject, options))
        return None, [f"wrote {path}"]

    monkeypatch.setattr(convanim.publish, "publish", fake_publish)
    return calls


@pytest.mark.parametrize(
    ("argv", "title", "changing"),
    [
        (["--template", "kernel3", "--kernel-size", "5"], "1-D convolution: kernel size 5", "--kernel-size changes"),
        (["--template", "groups2", "--groups", "1"], "1-D convolution: 2 channels in, 2 out, kernel size 1", "--groups changes"),
        (["--template", "padding1", "--padding", "causal", "--bias", "0.5"], "1-D convolution: kernel size 3, causal padding, bias", "--bias, --padding change"),
        (["--template", "stride3", "--input", "9,8,7,6,5,4"], "1-D convolution: kernel size 3, stride 3", "--input changes"),
    ],
    ids=["kernel size", "groups", "causal and bias", "new data"],
)
def test_a_template_changed_by_options_gets_a_title_from_its_parameters(run_cli, rendered, tmp_path, argv, title, changing):
    from convanim.templates import load_template

    code, out, err = run_cli("render", *argv, "-o", str(tmp_path / "f.gif"))
    assert code == 0
    assert rendered[-1][1].title == title
    template = load_template(argv[1])
    assert f"convanim: note: {changing} template {template.name}'s convolution, so the title is {title!r}, not {template.title!r}; --title sets one\n" in err


@pytest.mark.parametrize(
    "argv",
    [["--template", "kernel3"], ["--template", "kernel3", "--stride", "1", "--padding", "0"], ["--template", "groups2", "--groups", "2", "--glide"]],
    ids=["as it is", "options equal to its own", "render options only"],
)
def test_a_template_rendered_as_it_is_keeps_its_title(run_cli, rendered, tmp_path, argv):
    from convanim.templates import load_template

    code, out, err = run_cli("render", *argv, "-o", str(tmp_path / "f.gif"))
    assert (code, err) == (0, "")
    assert rendered[-1][1].title == load_template(argv[1]).title


def test_title_given_wins_over_the_generated_one(run_cli, rendered, tmp_path):
    code, out, err = run_cli("render", "--template", "kernel3", "--kernel-size", "5", "--title", "Mine", "-o", str(tmp_path / "f.gif"))
    assert code == 0 and rendered[-1][1].title == "Mine"
    assert "title" not in err
