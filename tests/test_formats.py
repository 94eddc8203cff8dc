"""Every output format: decoded by a reader other than the writer, byte-identical
run to run, memory bounded, and every bad combination refused in one line.

Frames are synthetic (flat cells moving, with captions), so these tests are
about the writers; tests/test_cli_formats.py renders real figures.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import subprocess
import sys
import textwrap
import zlib

import numpy as np
import pytest
from PIL import Image

from convanim.errors import WriterError
from convanim.writers import FORMATS, Frame, format_for, format_named, open_writer, write, write_frames
from convanim.writers.frames import frame_rate

try:
    import imageio_ffmpeg
except ImportError:  # pragma: no cover - the test extra installs it
    imageio_ffmpeg = None

needs_ffmpeg = pytest.mark.skipif(imageio_ffmpeg is None, reason="imageio-ffmpeg is not installed (pip install 'convanim[video]')")

BG = (250, 250, 248)
COLOURS = [(220, 60, 40), (40, 150, 60), (30, 90, 200), (240, 180, 40)]


def picture(step: int, size=(96, 64), alpha=False) -> np.ndarray:
    width, height = size
    frame = np.empty((height, width, 4 if alpha else 3), np.uint8)
    frame[...] = (*BG, 0) if alpha else BG
    x = 4 + (step * 13) % max(1, width - 24)
    colour = COLOURS[step % len(COLOURS)]
    frame[8:28, x : x + 20, :3] = colour
    if alpha:
        frame[8:28, x : x + 20, 3] = 255
    frame[40:48, 4 : 4 + 6 * (step + 1)] = (20, 20, 20, 255)[: frame.shape[2]]
    return frame


def movie(n=5, holds=(2000, 1000, 1000, 1000, 2000), size=(96, 64), alpha=False) -> list[Frame]:
    """A step per picture, captioned like the renderer's, with held durations."""
    frames = [Frame(picture(i, size, alpha), holds[i % len(holds)], caption=f"step {i + 1} of {n}: {i}×2 = {2 * i}") for i in range(n)]
    return frames


def pil_frames(path):
    """(RGB(A) array, duration ms) per frame, as Pillow reads the file."""
    out = []
    with Image.open(path) as im:
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            im.load()
            out.append((np.asarray(im.convert("RGBA" if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info else "RGB")), im.info.get("duration")))
    return out


def rgb(path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


# -- the registry -----------------------------------------------------------


def test_every_format_has_a_unique_name_and_a_writer():
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))
    for fmt in FORMATS:
        assert format_named(fmt.name.upper()) is fmt


def test_png_is_a_still_unless_apng_is_asked_for():
    assert format_for("a.png").name == "png"
    assert format_for("a.png", "apng").name == "apng"
    assert format_for("a.apng").name == "apng"
    assert format_for("folder", "frames").name == "frames"


@pytest.mark.parametrize(
    "path, name, option, words",
    [("a.gif", "mp4", "format", "mp4 does not write .gif"), ("a.gif", "tiff", "format", "known formats: gif"),
     ("a.gif", "frames", "format", "folder name")],
)
def test_format_contradictions(path, name, option, words):
    with pytest.raises(WriterError) as info:
        format_for(path, name)
    assert info.value.option == option and words in info.value.rule


@pytest.mark.parametrize(
    "path, kwargs, option",
    [("a.gif", {"step": 2}, "step"), ("a.mp4", {"storyboard": True}, "storyboard"), ("a.png", {}, "output"),
     ("a.pdf", {}, "output"), ("a.png", {"step": 0}, "step"), ("a.png", {"step": 1, "storyboard": True}, "step"),
     ("a.html", {"step": 1}, "step"), ("d", {"format": "frames", "storyboard": True}, "storyboard")],
)
def test_bad_combinations_write_nothing(tmp_path, path, kwargs, option):
    with pytest.raises(WriterError) as info:
        write(tmp_path / path, movie(), **kwargs)
    assert info.value.option == option
    assert list(tmp_path.iterdir()) == []


def test_step_out_of_range_writes_nothing(tmp_path):
    with pytest.raises(WriterError, match="1 to 5; got 6") as info:
        write(tmp_path / "a.png", movie(), step=6)
    assert info.value.option == "step" and list(tmp_path.iterdir()) == []


def test_missing_video_back_end_names_the_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if not installed
    with pytest.raises(WriterError, match=r"pip install 'convanim\[video\]'"):
        open_writer(tmp_path / "a.mp4")


# -- each format, read back by another reader ------------------------------------


@pytest.mark.parametrize("suffix", [".webp", ".apng"])
def test_animated_webp_and_apng_decode_with_pillow(tmp_path, suffix):
    frames = movie()
    frames.insert(2, Frame(frames[1].pixels.copy(), 500, caption=frames[1].caption))  # a repeat: merged
    path = write_frames(tmp_path / f"a{suffix}", frames)
    got = pil_frames(path)
    assert len(got) == 5
    assert [d for _, d in got] == [2000, 1500, 1000, 1000, 2000]
    assert got[0][0].shape == (64, 96, 3)
    assert np.array_equal(got[0][0], frames[0].pixels) and np.array_equal(got[-1][0], frames[-1].pixels)
    assert all(np.array_equal(g, f.pixels) for (g, _), f in zip(got, [frames[0], frames[1], *frames[3:]]))


@pytest.mark.parametrize("suffix", [".webp", ".apng"])
def test_transparent_frames_stay_transparent(tmp_path, suffix):
    frames = movie(alpha=True)
    path = write_frames(tmp_path / f"a{suffix}", frames)
    got = pil_frames(path)
    assert got[0][0].shape[2] == 4
    assert got[0][0][0, 0, 3] == 0, "the background is transparent"
    for (g, _), f in zip(got, frames):
        visible = f.pixels[..., 3] == 255
        assert np.array_equal(g[visible], f.pixels[visible])
        assert (g[..., 3][~visible] == 0).all()


def test_apng_chunks_are_valid(tmp_path):
    data = write_frames(tmp_path / "a.apng", movie()).read_bytes()
    pos, sequence, tags = 8, [], []
    while pos < len(data):
        size, tag = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        assert struct.unpack(">I", data[pos + 8 + size : pos + 12 + size])[0] == zlib.crc32(tag + body)
        if tag in (b"fcTL", b"fdAT"):
            sequence.append(struct.unpack(">I", body[:4])[0])
        if tag == b"acTL":
            assert struct.unpack(">II", body) == (5, 0)
        tags.append(tag)
        pos += 12 + size
    assert sequence == list(range(len(sequence))), "fcTL/fdAT numbered in order"
    assert tags[0] == b"IHDR" and tags[1] == b"acTL" and tags[-1] == b"IEND"


def test_still_png_and_pdf(tmp_path):
    frames = movie()
    png = write(tmp_path / "s.png", frames, step=3).path
    with Image.open(png) as image:
        assert np.array_equal(np.asarray(image.convert("RGB")), frames[2].pixels)
    pdf = write(tmp_path / "s.pdf", frames, step=5).path
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    # The page's image, inflated, is the picture.
    stream = data[data.index(b"stream\n") + 7 : data.index(b"\nendstream")]
    assert np.array_equal(np.frombuffer(zlib.decompress(stream), np.uint8).reshape(64, 96, 3), frames[4].pixels)
    assert b"/MediaBox [0 0 34.56 23.04]" in data  # 96 x 64 px at 200 dpi, in points
    assert b"CreationDate" not in data


def test_storyboard_has_every_step_numbered(tmp_path):
    frames = movie()
    frames.append(Frame(picture(9), 2000, caption="all 5 outputs computed"))
    with Image.open(write(tmp_path / "s.png", frames, storyboard=True).path) as image:
        sheet = np.asarray(image.convert("RGB"))
    # Six tiles of 96x64 at full size, three across: two rows.
    assert sheet.shape[1] == 3 * 96 + 4 * 24
    for colour in COLOURS:  # every step's moving block is on the sheet
        assert (sheet == colour).all(axis=2).sum() >= 20 * 20
    ink = (sheet < 60).all(axis=2)
    assert ink[: 24 + 20].any(), "labels above the first row"


def test_storyboard_picks_the_hold_not_the_glide(tmp_path):
    hold = picture(1)
    frames = [Frame(picture(0), 2000, caption="step 1 of 2: a"), Frame(picture(7), 50, caption="step 2 of 2: b"),
              Frame(hold, 1000, caption="step 2 of 2: b")]
    with Image.open(write(tmp_path / "s.png", frames, step=2).path) as image:
        got = np.asarray(image.convert("RGB"))
    assert np.array_equal(got, hold)


def test_frames_folder_for_latex(tmp_path):
    target = tmp_path / "fig"
    written = write(target, movie(), format="frames")
    names = sorted(p.name for p in target.iterdir())
    # 1 fps: holds of 2, 1, 1, 1, 2 seconds are 7 frames.
    assert names == [f"fig_{i:03d}.png" for i in range(7)]
    assert written.note == rf"\animategraphics[loop,controls,width=\linewidth]{{1}}{{{target.as_posix()}/fig_}}{{000}}{{006}}"
    first, second = (rgb(target / n) for n in names[:2])
    assert np.array_equal(first, second), "a 2 s hold is two frames at 1 fps"
    assert [p.name for p in tmp_path.iterdir()] == ["fig"]


def test_frame_rate_keeps_every_duration():
    assert frame_rate([2000, 1000]) == 1
    assert frame_rate([600, 50, 50, 1000]) == 20
    assert frame_rate([330, 660]) == pytest.approx(100 / 33)
    assert frame_rate([7, 13]) == 50


def test_frames_folder_is_atomic(tmp_path):
    target = tmp_path / "fig"
    write(target, movie(), format="frames")
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def broken():
        yield from movie()[:2]
        raise RuntimeError("renderer broke")

    with pytest.raises(RuntimeError):
        write(target, broken(), format="frames")
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig"]
    # A folder holding other files is not replaced.
    (target / "notes.txt").write_text("mine")
    with pytest.raises(WriterError, match="holds other files"):
        write(target, movie(), format="frames")
    assert (target / "notes.txt").exists()


def test_player_page(tmp_path):
    frames = movie()
    path = write_frames(tmp_path / "p.html", frames, title="Padding <1>", description="What it shows")
    text = path.read_text()
    assert "http://" not in text and "https://" not in text, "nothing from the network"
    assert "<title>Padding &lt;1&gt;</title>" in text and 'aria-live="polite"' in text
    assert "prefers-reduced-motion" in text
    pics = json.loads("[" + text[text.index("const PICS=[") + 12 : text.index("];\nconst FRAMES")].rstrip(",\n") + "]")
    timing = json.loads(text[text.index("const FRAMES=") + 13 : text.index(";\nconst CAPTIONS")])
    captions = json.loads(text[text.index("const CAPTIONS=") + 15 : text.index(";\n", text.index("const CAPTIONS="))])
    assert [d for _, d, _ in timing] == [2000, 1000, 1000, 1000, 2000]
    assert [captions[c] for _, _, c in timing] == [f.caption for f in frames]
    # Decode the first (a whole picture) and a later box with Pillow: they are the frames.
    import base64, io

    first = np.asarray(Image.open(io.BytesIO(base64.b64decode(pics[0][4].split(",", 1)[1]))).convert("RGB"))
    assert np.array_equal(first, frames[0].pixels) and pics[0][5] == 1
    left, top, width, height, uri, key = pics[1]
    box = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))
    assert key == 0 and box.shape == (height, width, 3)
    assert np.array_equal(box, frames[1].pixels[top : top + height, left : left + width])


@needs_ffmpeg
@pytest.mark.parametrize("suffix, codec", [(".mp4", "h264"), (".webm", "vp9")])
def test_video_decodes_with_ffmpeg(tmp_path, suffix, codec):
    frames = movie(size=(95, 63))  # odd: padded to even, not scaled
    path = write_frames(tmp_path / f"a{suffix}", frames)
    meta, coded = read_video(path)
    assert meta["codec"] == codec and "yuv420p" in meta["pix_fmt"]
    assert meta["size"] == (96, 64)
    assert len(coded) == len(frames), "each picture coded once, held as long as it lasts"
    meta, decoded = read_video(path, fps=30)
    assert len(decoded) == 7 * 30, "7 s: a player at 30 fps shows every hold's frames"
    # Lossy: compare with a tolerance, inside the picture.
    for index, frame in ((0, frames[0]), (-1, frames[-1])):
        diff = np.abs(decoded[index][:63, :95].astype(int) - frame.pixels.astype(int))
        assert np.median(diff) <= 3 and diff.mean() < 8
    assert np.abs(decoded[59][:63, :95].astype(int) - frames[0].pixels).mean() < 8  # step 1 still on at 1.97 s
    assert np.abs(decoded[61][:63, :95].astype(int) - frames[1].pixels).mean() < 8  # step 2 from 2 s


@needs_ffmpeg
def test_video_rounds_time_on_one_clock(tmp_path):
    frames = [Frame(picture(i), 45, caption=str(i)) for i in range(20)]  # 900 ms at 30 fps: 27 frames
    path = write_frames(tmp_path / "a.mp4", frames)
    assert len(read_video(path, fps=30)[1]) == 27
    assert len(read_video(path)[1]) == 20  # every picture starts on its own frame of the clock: none dropped


@needs_ffmpeg
def test_a_video_holds_no_picture_but_the_current_one(tmp_path):
    """Memory does not grow with length: the writer lets go of each picture
    once it is sent (and sends it once, however long it is held)."""
    import weakref

    from convanim.writers import open_writer

    alive = []
    with open_writer(tmp_path / "long.mp4") as writer:
        for i in range(60):
            pixels = picture(i % 7)
            alive.append(weakref.ref(pixels))
            writer.add(pixels, 500)
            del pixels
            assert sum(ref() is not None for ref in alive) <= 1, f"pictures kept after {i + 1} were added"
    assert writer.pictures_sent == 60 and writer.frames_sent == 60 * 15


def read_video(path, fps=None):
    """(metadata, RGB frames) as ffmpeg decodes the file: each coded picture
    once, or (``fps``) the frames a player showing it at that rate shows."""
    rate = ["-r", str(fps)] if fps else ["-fps_mode", "passthrough"]
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path), *rate, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    )
    stream = re.search(r"Video: (\w+).*?, (yuv\w+)\(.*?, (\d+)x(\d+)\b", result.stderr.decode())
    codec, pix_fmt, width, height = stream.groups()
    width, height = int(width), int(height)
    frames = np.frombuffer(result.stdout, np.uint8).reshape(-1, height, width, 3)
    return {"codec": codec, "pix_fmt": pix_fmt, "size": (width, height)}, list(frames)


# -- the same bytes, every time, every format ---------------------------------------


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS])
def test_byte_identical_runs(tmp_path, fmt):
    if fmt in ("mp4", "webm") and imageio_ffmpeg is None:
        pytest.skip("imageio-ffmpeg is not installed")
    request = {"step": 2} if fmt in ("png", "pdf") else {}
    digests = []
    for run in ("one", "two"):
        suffix = format_named(fmt).suffixes[:1]
        path = tmp_path / run / f"fig{suffix[0] if suffix else ''}"
        write(path, movie(), format=fmt, **request)
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        digests.append([(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files])
    assert digests[0] == digests[1]


# -- memory stays bounded, every format -------------------------------------------------

MEMORY_SCRIPT = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    from convanim.writers import Frame, write
    fmt, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    width, height = 1600, 1000
    def frames():
        for i in range(count):
            pixels = np.full((height, width, 3), 250, np.uint8)
            pixels[100:300, (i * 7) % 1400 : (i * 7) % 1400 + 200] = (i % 200, 40, 200)
            yield Frame(pixels, 40.0, caption=f"step {i + 1} of {count}: x")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    request = {"step": count} if fmt in ("png", "pdf") else {"storyboard": True} if fmt == "sheet" else {}
    write(path, frames(), format="png" if fmt == "sheet" else fmt, **request)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) // 1024)
    """
)


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS] + ["sheet"])
def test_memory_is_bounded_whatever_the_length(tmp_path, fmt):
    """50 distinct 1600x1000 frames are 240 MB: a writer that kept them would show.
    (A storyboard keeps a scaled-down tile per step: its bound is the sheet's size.)"""
    if fmt in ("mp4", "webm") and imageio_ffmpeg is None:
        pytest.skip("imageio-ffmpeg is not installed")
    suffix = format_named("png" if fmt == "sheet" else fmt).suffixes[:1]
    path = tmp_path / f"out{suffix[0] if suffix else ''}"
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, fmt, str(path), "40" if fmt == "sheet" else "50"], capture_output=True, text=True, check=True
    )
    grown_mb = int(result.stdout.strip().splitlines()[-1])
    assert grown_mb < 120, f"{fmt}: peak memory grew by {grown_mb} MB while writing"
