"""`convanim render` in every format: --format, --step, --storyboard, --embed."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest
from PIL import Image

try:
    import imageio_ffmpeg
except ImportError:  # pragma: no cover - the test extra installs it
    imageio_ffmpeg = None

ALT = "A size-3 kernel of 2s slides over 1 … 6, padded with one zero on each side, and gives 6, 12, 18, 24, 30, 22"


def digest(path):
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    return [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files]


@pytest.mark.parametrize(
    "name, argv",
    [("f.gif", []), ("f.webp", []), ("f.apng", []), ("f.png", ["--format", "apng"]), ("f.html", []),
     ("f.png", ["--step", "3"]), ("f.pdf", ["--storyboard"]), ("f", ["--format", "frames"]),
     ("f.mp4", []), ("f.webm", [])],
)
def test_every_format_is_written_and_the_same_twice(run_cli, tmp_path, name, argv):
    if name.endswith((".mp4", ".webm")) and imageio_ffmpeg is None:
        pytest.skip("imageio-ffmpeg is not installed (pip install 'convanim[video]')")
    digests = []
    for run in ("a", "b"):
        target = tmp_path / run / name
        code, out, err = run_cli("render", "--template", "padding1", "--width", "480", *argv, "-o", str(target))
        assert (code, err) == (0, ""), err
        assert out.startswith(f"wrote {target} (")
        digests.append(digest(target))
    assert digests[0] == digests[1]


def test_step_is_the_picture_the_counter_shows(run_cli, tmp_path):
    from convanim.render import RenderOptions, frames
    from convanim.templates import load_template

    code, out, err = run_cli("render", "--template", "padding1", "--step", "4", "-o", str(tmp_path / "s.png"))
    assert code == 0
    with Image.open(tmp_path / "s.png") as image:
        got = np.asarray(image.convert("RGB"))
    template = load_template("padding1")
    fourth = [f for f in frames(template.conv(), RenderOptions(**template.render_kwargs())) if f.caption.startswith("step 4 of 6")]
    assert np.array_equal(got, fourth[-1].pixels[..., :3])


def test_storyboard_of_a_2d_figure(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "padding_strides", "--storyboard", "-o", str(tmp_path / "s.png"))
    assert code == 0
    with Image.open(tmp_path / "s.png") as sheet:
        assert sheet.width <= 2400 and sheet.height > sheet.width / 4


def test_a_storyboard_of_too_many_steps_is_refused_naming_how_to_draw_fewer(run_cli, tmp_path):
    code, out, err = run_cli("render", "--size", "12,12", "--storyboard", "-o", str(tmp_path / "s.png"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--storyboard" in err and "--every 2" in err and "--steps" in err
    assert not (tmp_path / "s.png").exists()
    code, out, err = run_cli("render", "--size", "12,12", "--storyboard", "--every", "2", "-o", str(tmp_path / "s.png"))
    assert code == 0 and (tmp_path / "s.png").exists()


def test_frames_folder_prints_the_latex_line(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "padding1", "--format", "frames", "-o", str(tmp_path / "fig"))
    assert code == 0
    files = sorted(p.name for p in (tmp_path / "fig").iterdir())
    # Holds of 2, 1, 1, 1, 1, 1 and 2 seconds at 1 frame per second.
    assert files == [f"fig_{i:03d}.png" for i in range(9)]
    assert f"\\animategraphics[loop,controls,width=\\linewidth]{{1}}{{{(tmp_path / 'fig').as_posix()}/fig_}}{{000}}{{008}}" in out


@pytest.mark.parametrize(
    "argv, error",
    [
        (["--step", "2", "-o", "x.gif"], "--step: makes one picture, which gif does not hold"),
        (["--storyboard", "-o", "x.mp4"], "--storyboard: makes one picture, which mp4 does not hold"),
        (["--step", "7", "-o", "x.png"], "--step: must be a step of this figure, 1 to 6; got 7"),
        (["--step", "0", "-o", "x.png"], "--step: must be a step number from 1"),
        (["-o", "x.png"], "--output: a png file holds one picture: add --step N or --storyboard"),
        (["--format", "frames", "-o", "x.gif"], "--format: frames does not write .gif files; give a folder name"),
        (["--format", "tiff"], "--format: unknown format 'tiff'; known formats: gif, mp4"),
        (["--format", "mp4", "-o", "x.webm"], "--format: mp4 does not write .webm files"),
        (["--step", "1", "--storyboard", "-o", "x.png"], "--step: shows one step and --storyboard shows them all"),
        (["--format", "frames", "--embed", "html", "-o", "d"], "--embed: a frames folder goes into LaTeX"),
    ],
)
def test_bad_combinations_are_one_line_and_write_nothing(run_cli, tmp_path, monkeypatch, argv, error):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("render", "--template", "padding1", *argv)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"convanim: error: {error}"), err
    assert list(tmp_path.iterdir()) == []


def test_default_names_follow_the_format(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("render", "--template", "padding1", "--format", "webp")[0] == 0
    assert run_cli("render", "--template", "padding1", "--storyboard")[0] == 0
    assert run_cli("render", "--template", "padding1", "--step", "2", "--format", "pdf")[0] == 0
    assert run_cli("render", "--template", "padding1", "--format", "frames")[0] == 0
    names = sorted(p.name for p in (tmp_path / "output").iterdir())
    assert names == ["padding1", "padding1-step2.pdf", "padding1-storyboard.png", "padding1.webp"]


def test_embed_html_for_a_gif_writes_the_reduced_motion_still(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "padding1", "--embed", "html", "-o", str(tmp_path / "p.gif"))
    assert code == 0
    snippet = out[out.index("<figure>") :]
    assert '<source srcset="p-still.png" media="(prefers-reduced-motion: reduce)">' in snippet
    with Image.open(tmp_path / "p.gif") as gif:
        width, height = gif.size
    assert f'<img src="p.gif" width="{width}" height="{height}" style="max-width: 100%; height: auto" alt="{ALT}">' in snippet
    assert "<figcaption>" in snippet and "0(pad)×2 + 1×2 + 2×2 = 6" in snippet
    with Image.open(tmp_path / "p-still.png") as image:
        still = np.asarray(image.convert("RGB"))
    with Image.open(tmp_path / "p.gif") as gif:
        gif.seek(gif.n_frames - 1)
        assert still.shape == np.asarray(gif.convert("RGB")).shape


def test_embed_markdown_keeps_alt_and_text_under_it(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "padding1", "--embed", "markdown", "-o", str(tmp_path / "p.webp"))
    assert code == 0
    assert f"![{ALT}](p.webp)\n\n{ALT}. The code:" in out


def test_embed_for_the_player_is_an_iframe(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "padding1", "--embed", "html", "-o", str(tmp_path / "p.html"))
    assert code == 0
    assert re.search(r'<iframe src="p.html" width="1080" height="\d+" title="A size-3 kernel', out)
    page = (tmp_path / "p.html").read_text()
    assert ALT in page, "the player carries the description too"


@pytest.mark.skipif(imageio_ffmpeg is None, reason="imageio-ffmpeg is not installed")
def test_embed_for_video_names_the_sibling_files(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "padding1", "--width", "480", "--embed", "html", "-o", str(tmp_path / "p.mp4"))
    assert code == 0
    assert out.index('<source src="p.webm" type="video/webm">') < out.index('<source src="p.mp4" type="video/mp4">')
    assert '<video autoplay loop muted playsinline width="480"' in out and '<img src="p.gif"' in out
    assert "p.webm, p.gif" in err and err.startswith("convanim: note:")


def test_embed_for_a_still_is_a_plain_image(run_cli, tmp_path):
    code, out, err = run_cli("render", "--template", "padding1", "--step", "2", "--embed", "html", "-o", str(tmp_path / "s.png"))
    assert code == 0
    assert "<picture>" not in out and '<img src="s.png" width=' in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.png"]
