"""The progress bar of `convanim render`: on a terminal, for slow renders only, and never in the way."""

from __future__ import annotations

import io
import os
import sys

import pytest
from PIL import Image

import convanim.cli
import convanim.progress
from convanim.progress import ProgressBar

FIGURE = ["render", "--input", "1,2,3,4,5", "--weight", "1,1", "--width", "320"]  # 4 steps + the finished figure


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_waits_a_second_then_counts_and_wipes_its_line():
    clock, stream = Clock(), io.StringIO()
    with ProgressBar(stream, clock=clock) as bar:
        clock.now = 0.5
        bar.update(1, 10)
        assert stream.getvalue() == ""  # a fast render shows nothing at all
        clock.now = 1.2
        bar.update(3, 10)
        assert stream.getvalue().startswith("\r") and stream.getvalue().endswith("3/10 frames")
        assert "[#########" + "." * 21 + "]" in stream.getvalue()
        clock.now = 1.25
        bar.update(4, 10)
        assert "4/10" not in stream.getvalue()  # redrawn at most ten times a second
        bar.update(10, 10)
        assert stream.getvalue().endswith("10/10 frames")  # the last one always shows
    last = f"rendering [{'#' * 30}] 10/10 frames"
    assert stream.getvalue().endswith(last + "\r" + " " * len(last) + "\r")  # wiped: the next line starts clean


def test_a_bar_never_drawn_writes_nothing_on_close():
    stream = io.StringIO()
    with ProgressBar(stream) as bar:
        bar.update(1, 2)
    assert stream.getvalue() == ""


@pytest.fixture
def at_once(monkeypatch):
    """Every render counts as slow."""
    monkeypatch.setattr(convanim.progress, "DELAY", 0.0)


def _frames(path) -> int:
    with Image.open(path) as gif:
        return gif.n_frames


def _as_shown(text: str) -> str:
    """What a terminal shows once every carriage return has drawn over its line."""
    lines = []
    for line in text.split("\n"):
        shown = ""
        for part in line.split("\r"):
            shown = part + shown[len(part):]
        lines.append(shown.rstrip())
    return "\n".join(lines)


def test_on_a_terminal_a_slow_render_shows_a_bar_that_leaves_stderr_clean(run_cli, tmp_path, at_once, monkeypatch):
    monkeypatch.setattr(convanim.cli, "_is_terminal", lambda stream: True)
    code, out, err = run_cli(*FIGURE, "-o", str(tmp_path / "a.gif"))
    assert code == 0
    total = _frames(tmp_path / "a.gif")
    assert f"rendering [{'#' * 30}] {total}/{total} frames" in err
    assert _as_shown(err) == ""  # wiped: nothing is left on the terminal's line
    assert out.startswith(f"wrote {tmp_path / 'a.gif'}")


@pytest.mark.parametrize("terminal", [False, True], ids=["not a terminal", "--quiet on a terminal"])
def test_no_bar_off_a_terminal_or_with_quiet(run_cli, tmp_path, at_once, monkeypatch, terminal):
    monkeypatch.setattr(convanim.cli, "_is_terminal", lambda stream: terminal)
    code, out, err = run_cli(*FIGURE, "-o", str(tmp_path / "a.gif"), *(["--quiet"] if terminal else []))
    assert code == 0
    assert err == ""
    assert out.startswith("wrote ")


def test_an_error_mid_render_is_still_one_clean_line(run_cli, tmp_path, at_once, monkeypatch):
    from convanim.errors import WriterError
    from convanim.writers.gif import GifWriter

    add = GifWriter.add

    def failing(self, *args, **kwargs):
        if getattr(self, "_seen", 0) == 2:
            raise WriterError("output", "the disk is full")
        self._seen = getattr(self, "_seen", 0) + 1
        return add(self, *args, **kwargs)

    monkeypatch.setattr(GifWriter, "add", failing)
    monkeypatch.setattr(convanim.cli, "_is_terminal", lambda stream: True)
    code, out, err = run_cli(*FIGURE, "-o", str(tmp_path / "a.gif"))
    assert code == 2
    assert "rendering [" in err  # the bar was up when the error came
    assert _as_shown(err) == "convanim: error: --output: the disk is full\n"
    assert not (tmp_path / "a.gif").exists()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_a_real_terminal_gets_the_bar(tmp_path, at_once, monkeypatch):
    leader, follower = os.openpty()
    terminal = open(follower, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", terminal)
    with pytest.raises(SystemExit) as exited:
        convanim.cli.main([*FIGURE, "-o", str(tmp_path / "a.gif")])
    terminal.close()
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the follower is closed and all is read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert exited.value.code in (0, None)
    text = shown.decode().replace("\r\n", "\n")  # the terminal's own line endings
    assert "rendering [" in text and "frames" in text
    assert _as_shown(text) == ""  # wiped
