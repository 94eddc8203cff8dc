"""A transparent background stays transparent: in the frames and in the GIF.

The GIF encoder also uses its transparent index for "unchanged" pixels of a
delta frame; a pixel that turns from a colour back to the background must
still become transparent, as two independent decoders see it.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import convanim
from convanim.render.theme import hex_rgb
from convanim.writers import write_frames

iio = pytest.importorskip("imageio.v3", reason="the second GIF reader is imageio (pip install imageio)")


def _frame(column: int) -> np.ndarray:
    """8x8, clear but for a red block at ``column`` and a blue corner."""
    frame = np.zeros((8, 8, 4), np.uint8)
    frame[2:6, column : column + 3] = (200, 30, 30, 255)
    frame[0, 0] = (0, 0, 255, 255)
    return frame


def _shown(pictures) -> list[np.ndarray]:
    """What a viewer sees in turn: a frame equal to the one before it (a GIF
    may add one to clear pixels) is the same picture, held longer."""
    kept = []
    for picture in pictures:
        if not kept or not np.array_equal(picture, kept[-1]):
            kept.append(picture)
    return kept


def _pillow(path) -> list[np.ndarray]:
    with Image.open(path) as image:
        pictures = []
        for i in range(getattr(image, "n_frames", 1)):
            image.seek(i)
            pictures.append(np.asarray(image.convert("RGBA")))
        return _shown(pictures)


def _imageio(path) -> list[np.ndarray]:
    return _shown(iio.imread(path, index=None, mode="RGBA"))


def _total_ms(path) -> int:
    with Image.open(path) as image:
        return sum(image.seek(i) or image.info["duration"] for i in range(image.n_frames))


def _same_picture(got: np.ndarray, want: np.ndarray) -> bool:
    ink = want[..., 3] > 0
    return np.array_equal(got[..., 3] > 0, ink) and np.array_equal(got[ink][:, :3], want[ink][:, :3])


@pytest.mark.parametrize("decode", [_pillow, _imageio], ids=["pillow", "imageio"])
def test_pixels_that_turn_clear_are_transparent_in_every_decoder(tmp_path, decode):
    # The block moves right, then back: its old pixels turn clear each time,
    # the first one included (the first frame is the background's keeper).
    frames = [_frame(0), _frame(3), _frame(5), _frame(0), _frame(0)[..., :4] * 0]
    path = write_frames(tmp_path / "move.gif", [(f, 100) for f in frames])
    pictures = decode(path)
    assert len(pictures) == len(frames) and _total_ms(path) == 100 * len(frames)
    for got, want in zip(pictures, frames):
        assert _same_picture(got, want)


@pytest.mark.parametrize("ms", [100, 30], ids=["a frame clears the pixels", "the held frame is disposed"])
def test_pixels_kept_over_a_dispose_are_redrawn(tmp_path, ms):
    # Frame 3 clears a pixel far from what frame 2 changed. With time to
    # spare, a frame that draws nothing clears it; frames too short to share
    # their time are disposed of themselves, over a box grown to reach it.
    a = _frame(0)
    b = a.copy()
    b[7, 7] = (0, 200, 0, 255)
    c = b.copy()
    c[0, 0] = 0  # the blue corner, drawn by the first frame, turns clear
    path = write_frames(tmp_path / "far.gif", [(a, ms), (b, ms), (c, ms)])
    assert _total_ms(path) == 3 * ms
    for decode in (_pillow, _imageio):
        assert [_same_picture(got, want) for got, want in zip(decode(path), [a, b, c])] == [True] * 3


def test_an_opaque_gif_is_unchanged_by_the_transparency_machinery(tmp_path):
    # Opaque frames never dispose: every frame is drawn over the last.
    frames = [(_frame(x)[..., :3] + 20, 100) for x in (0, 3, 5)]
    data = write_frames(tmp_path / "opaque.gif", frames).read_bytes()
    assert data.count(b"!\xf9\x04") == 3
    flags = [data[i + 3] for i in range(len(data)) if data[i : i + 3] == b"!\xf9\x04"]
    assert {(f >> 2) & 7 for f in flags} == {1}
    assert flags[0] & 1 == 0  # the first frame has no transparent index


def test_a_matte_still_flattens_transparency(tmp_path):
    path = write_frames(tmp_path / "matte.gif", [(_frame(0), 100)], matte=(0, 255, 0))
    (picture,) = _pillow(path)
    assert picture[7, 7].tolist() == [0, 255, 0, 255]


def test_a_transparent_figure_decodes_as_it_was_drawn(tmp_path):
    subject = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1)
    options = convanim.RenderOptions(width=480, theme="transparent")
    drawn = [frame.pixels for frame in convanim.frames(subject, options)]
    path = convanim.render(subject, tmp_path / "t.gif", options)
    for decode in (_pillow, _imageio):
        pictures = decode(path)
        assert len(pictures) == len(drawn)
        for got, want in zip(pictures, drawn):
            assert np.array_equal(got[..., 3] > 0, want[..., 3] > 0)  # every inked pixel kept, nothing else
            assert got[0, 0, 3] == 0
            solid = want[..., 3] == 255
            close = np.abs(got[solid][:, :3].astype(int) - want[solid][:, :3]).max(axis=1) <= 24
            assert close.mean() > 0.97  # a few text shades share palette entries
        theme = options.theme
        seen = {tuple(px) for px in pictures[0][..., :3].reshape(-1, 3).tolist()}
        for role in ("input", "padding", "kernel", "pending", "cell_edge"):
            assert hex_rgb(getattr(theme, role)) in seen, role  # flat fills exact


def _iterated(path, **kwargs) -> list[np.ndarray]:
    return _shown(np.asarray(picture) for picture in iio.imiter(path, **kwargs))


@pytest.mark.parametrize("suffix, imageio_kwargs", [(".webp", {}), (".apng", {"extension": ".png"})])
def test_webp_and_apng_also_clear_pixels_that_turn_transparent(tmp_path, suffix, imageio_kwargs):
    frames = [_frame(0), _frame(3), _frame(5), _frame(0), _frame(0) * 0]
    path = write_frames(tmp_path / f"move{suffix}", [(f, 100) for f in frames])
    for pictures in (_pillow(path), _iterated(path, **imageio_kwargs)):
        assert [_same_picture(got, want) for got, want in zip(pictures, frames)] == [True] * len(frames)


@pytest.mark.parametrize("suffix, extra", [(".webp", {}), (".apng", {}), (".png", {"step": 2}), (".gif", {})])
def test_every_format_keeps_a_transparent_figures_background(tmp_path, suffix, extra):
    subject = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1)
    path = convanim.render(subject, tmp_path / f"t{suffix}", width=400, theme="transparent", **extra)
    picture = _pillow(path)[-1]
    assert picture[0, 0, 3] == 0  # the corner: background, transparent
    assert (picture[..., 3] == 255).mean() > 0.05  # the cells: opaque


def test_a_transparent_figure_on_a_canvas_keeps_the_canvas_clear(tmp_path):
    """The canvas around a transparent figure is transparent too (it was a crash)."""
    frames = list(convanim.frames(convanim.conv(input=[1, 2, 3, 4], weight=[1, -1]), convanim.RenderOptions(theme="transparent", canvas="1280x720")))
    first = frames[0].pixels
    assert first.shape == (720, 1280, 4)
    assert first[0, 0, 3] == 0 and first[-1, -1, 3] == 0  # the canvas's corners
    assert (first[..., 3] == 255).any()  # and the figure in it
