"""An output path into a folder that does not exist yet: the folder is made
(as for the default output/), in every format, from the API and the command
line, and said; a write that fails takes the folders it made with it."""

from __future__ import annotations

import numpy as np
import pytest

import convanim
from convanim.render import write_figure
from convanim.writers import FORMATS, write

try:
    import imageio_ffmpeg
except ImportError:  # pragma: no cover - the test extra installs it
    imageio_ffmpeg = None

# Each format, the name it writes and what it needs asked for.
REQUESTS = {
    fmt.name: (f"fig{fmt.suffixes[0] if fmt.suffixes else ''}", {"step": 2} if fmt.name == "png" else {"storyboard": True} if fmt.kind == "still" else {})
    for fmt in FORMATS
}


def _skip_without_ffmpeg(name):
    if name in ("mp4", "webm") and imageio_ffmpeg is None:
        pytest.skip("imageio-ffmpeg is not installed (pip install 'convanim[video]')")


@pytest.mark.parametrize("name", list(REQUESTS))
def test_every_format_makes_the_missing_folders_and_says_which(tmp_path, name):
    _skip_without_ffmpeg(name)
    file, request = REQUESTS[name]
    target = tmp_path / "new" / "deeper" / file
    written = write_figure(convanim.conv(size=4, kernel_size=2), target, format=name, width=320, **request)
    assert written.path == target and target.exists()
    assert written.created == tmp_path / "new"
    again = write_figure(convanim.conv(size=4, kernel_size=2), target, format=name, width=320, **request)
    assert again.created is None  # there now: nothing made


def _failing(count: int):
    for index in range(count):
        yield np.full((40, 60, 3), 40 * index, np.uint8), 100
    raise KeyboardInterrupt  # Ctrl-C while drawing


@pytest.mark.parametrize("name", list(REQUESTS))
def test_a_write_that_fails_takes_the_folders_it_made_with_it(tmp_path, name):
    _skip_without_ffmpeg(name)
    file, request = REQUESTS[name]
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "notes.txt").write_text("mine")
    with pytest.raises(KeyboardInterrupt):
        write(tmp_path / "new" / "deeper" / file, _failing(3), format=name, **request)
    with pytest.raises(KeyboardInterrupt):
        write(tmp_path / "kept" / "deeper" / file, _failing(3), format=name, **request)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["kept", "kept/notes.txt"]


def test_the_command_line_says_it_made_the_folder_and_its_help_says_it_will(run_cli, tmp_path):
    target = tmp_path / "new" / "deeper" / "fig.gif"
    code, out, err = run_cli("render", "--width", "320", "-o", str(target))
    assert (code, err) == (0, "")
    assert out.startswith(f"wrote {target} (") and out.rstrip().endswith(f"KiB), in the new folder {target.parent}")
    code, out, err = run_cli("render", "--width", "320", "-o", str(target))
    assert code == 0 and out.rstrip().endswith("KiB)")
    _, help_text, _ = run_cli("render", "--help")
    assert "missing folders are made" in " ".join(help_text.split())


def test_a_refused_render_makes_no_folder(run_cli, tmp_path):
    code, _, err = run_cli("render", "--width", "100", "-o", str(tmp_path / "new" / "fig.gif"))
    assert code == 2 and err.startswith("convanim: error: --width: ")
    assert list(tmp_path.iterdir()) == []


def test_the_gallery_makes_its_folder_and_says_so(run_cli, tmp_path):
    folder = tmp_path / "new" / "gallery"
    code, out, err = run_cli("gallery", "kernel1", "--jobs", "1", "--width", "320", "-o", str(folder))
    assert (code, err) == (0, "")
    assert out.rstrip().endswith(f"wrote {folder / 'index.html'}, in the new folder {folder}")
    assert run_cli("gallery", "kernel1", "--jobs", "1", "--width", "320", "-o", str(folder))[1].rstrip().endswith("index.html")
