"""The gallery: teaching order, snippets that fit a column, alt text escaped
once, console lines in a stable order, and a clean stop on Ctrl-C."""

from __future__ import annotations

import html.parser
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from convanim.gallery import Figure, build_gallery, index_html
from convanim.templates import list_templates, load_template

ARTICLE_ORDER = ["kernel1", "kernel2", "kernel3", "padding1", "padding2", "stride3", "dilation2", "groups2", "depthwise"]


def test_templates_come_in_teaching_order():
    names = list(list_templates())
    assert names[: len(ARTICLE_ORDER)] == ARTICLE_ORDER
    # The rest follow; 1-D figures before figures of more dimensions.
    dims = [load_template(name).conv().spec.ndim for name in names]
    assert dims == sorted(dims)


def test_templates_command_and_gallery_use_the_teaching_order(run_cli, tmp_path):
    code, out, _ = run_cli("templates")
    assert [line.split()[0] for line in out.splitlines()] == list(list_templates())
    seen = []
    build_gallery(tmp_path, templates=["stride3", "kernel1"], jobs=1, width=320, on_figure=seen.append)
    # Templates named explicitly keep the order they were named in.
    assert [f.name for f in seen] == ["stride3", "kernel1"]


class Images(html.parser.HTMLParser):
    """Every <img> and <textarea> of a page, with attributes as a browser reads them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images, self.areas, self._area = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        if tag == "textarea":
            self._area = ""

    def handle_data(self, data):
        if self._area is not None:
            self._area += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.areas.append(self._area)
            self._area = None


def figure(title: str) -> Figure:
    return Figure("demo", title, "A description & more", "conv = ...", "demo.gif", 2048, 1080, 608)


TRICKY = """Tom & Jerry's <b>"best"</b> conv"""


def test_alt_text_is_escaped_exactly_once():
    page = Images()
    page.feed(index_html([figure(TRICKY)]))
    alt = f"{TRICKY}: A description & more"
    # The page's own picture: a browser reads the alt text back exactly.
    assert page.images[0]["alt"] == alt
    # The HTML snippet as a reader copies it from the page, then as a browser reads it.
    snippet = Images()
    snippet.feed(page.areas[0])
    assert snippet.images[0]["alt"] == alt
    assert snippet.images[0]["src"] == "demo.gif"
    # The Markdown snippet copies the text itself, the longer description under it.
    assert page.areas[1] == f"![{alt}](demo.gif)\n\nA description & more"


def test_snippets_scale_to_the_column():
    page = Images()
    page.feed(index_html([figure("Demo")]))
    snippet = Images()
    snippet.feed(page.areas[0])
    image = snippet.images[0]
    assert (image["width"], image["height"]) == ("1080", "608")
    styles = {k.strip(): v.strip() for k, v in (p.split(":") for p in image["style"].split(";") if p.strip())}
    assert styles == {"max-width": "100%", "height": "auto"}


def test_console_lines_follow_the_order_shown(run_cli, tmp_path):
    # Two workers: the short figure finishes first, but is reported second.
    names = ["groups2", "kernel1", "stride3"]
    code, out, err = run_cli("gallery", *names, "-o", str(tmp_path), "--jobs", "2", "--width", "320")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == [f"{name}.gif" for name in names]
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert [page.index(f'id="{name}"') for name in names] == sorted(page.index(f'id="{name}"') for name in names)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker processes through /proc (Linux)")
def test_ctrl_c_stops_the_gallery_and_its_workers_within_a_second(tmp_path):
    out = tmp_path / "gallery"
    command = [sys.executable, "-m", "convanim", "gallery", "-o", str(out), "--jobs", "2", "--width", "3840"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        # Wait until both workers are drawing (each has a temporary file open).
        while time.monotonic() < deadline and len(list(out.glob(".convanim-*"))) < 2:
            time.sleep(0.02)
        workers = _children(process.pid)
        assert workers, "the gallery started no worker processes"
        process.send_signal(signal.SIGINT)
        sent = time.monotonic()
        _, err = process.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert err == "convanim: interrupted\n"
    assert took < 1.5, f"took {took:.2f} s to stop"
    time.sleep(0.2)
    assert not [pid for pid in workers if _alive(pid)]
    assert not list(out.glob(".convanim-*")), "a half-written figure was left behind"
    assert not (out / "index.html").exists()
