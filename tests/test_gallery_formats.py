"""`convanim gallery --format`: any animated format, shown by its own snippet."""

from __future__ import annotations

import pytest
from PIL import Image

from convanim.describe import describe
from convanim.engine import trace
from convanim.gallery import build_gallery
from convanim.templates import load_template


def test_a_webp_gallery_shows_each_figure_by_its_snippet_with_numbers_in_the_alt(tmp_path):
    figures = []
    index = build_gallery(tmp_path, templates=["padding1"], jobs=1, width=400, format="webp", on_figure=figures.append)
    (figure,) = figures
    page = index.read_text(encoding="utf-8")
    with Image.open(tmp_path / "padding1.webp") as webp:
        assert webp.format == "WEBP" and webp.n_frames > 1 and (figure.width, figure.height) == webp.size
    with Image.open(tmp_path / "padding1-still.png") as still:  # what reduced motion shows
        assert still.size == webp.size
    alt = describe(trace(load_template("padding1").conv())).alt
    assert "6, 12, 18, 24, 30" in alt and figure.alt == alt
    shown = page.split('<section class="figure"', 1)[1]
    assert '<source srcset="padding1-still.png" media="(prefers-reduced-motion: reduce)">' in shown
    assert f'<img src="padding1.webp" width="{webp.size[0]}" height="{webp.size[1]}"' in shown
    assert "WEBP next to this page" in page


def test_a_player_gallery_frames_each_player(tmp_path):
    build_gallery(tmp_path, templates=["stride3"], jobs=1, width=400, format="html")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<iframe src="stride3.html"' in page and (tmp_path / "stride3.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_video_gallery_writes_every_source_its_snippet_offers(tmp_path):
    pytest.importorskip("imageio_ffmpeg", reason="video needs imageio-ffmpeg (pip install imageio-ffmpeg)")
    build_gallery(tmp_path, templates=["stride3"], jobs=1, width=400, format="mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "stride3.gif", "stride3.mp4", "stride3.webm"]


@pytest.mark.parametrize("format, words", [("frames", ["frames is not one"]), ("png", ["png is not one"]), ("tiff", ["tiff"])])
def test_a_format_no_page_can_show_is_one_line_and_nothing_written(run_cli, tmp_path, format, words):
    out = tmp_path / "g"
    code, stdout, err = run_cli("gallery", "padding1", "-o", str(out), "--format", format)
    assert code == 2 and stdout == "" and err.startswith("convanim: error: --format: ") and err.count("\n") == 1
    for word in words:
        assert word in err
    assert not out.exists()


def test_the_gallery_takes_a_theme(run_cli, tmp_path):
    code, _, err = run_cli("gallery", "kernel1", "-o", str(tmp_path), "--theme", "dark", "--width", "320", "--jobs", "1")
    assert (code, err) == (0, "")
    with Image.open(tmp_path / "kernel1.gif") as gif:
        assert gif.convert("RGB").getpixel((0, 0)) == (0x16, 0x18, 0x1D)
