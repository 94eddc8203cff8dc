"""The GIF shows exactly the frames the renderer drew, whatever path wrote it.

Each frame decoded back from the file equals the drawn frame with each
colour replaced by the palette entry the figure gave it, pixel for pixel:
1-D and 2-D figures, small and large, with and without --glide and
--canvas. Large frames are encoded in a second process; the file is the
same byte for byte as the one written in the writer's own process.
"""

from __future__ import annotations

import io
import itertools
import os
import sys

import numpy as np
import pytest
from PIL import Image

import convanim
from convanim.errors import WriterError
from convanim.render import RenderOptions
from convanim.render.theme import hex_rgb
from convanim.writers import gifworker, lzw, open_writer, write_frames
from convanim.writers.boxes import changed_pixels, changed_words, pixels_at, put_pixels, take_words
from convanim.writers import boxes
from convanim.writers.gif import GifEncoder
from convanim.writers.palette import FigurePalette, _keys_to_rgb, frame_keys

CASES = {
    "1-D": (dict(input=[3, -1.5, 2, 0.25, 4, 1, -2], weight=[1, 0.5, -1]), {}),
    "1-D glide": (dict(input=[3, -1.5, 2, 0.25, 4], weight=[1, -1], padding=1), {"glide": True, "fps": 12}),
    "2-D small": (dict(size=(4, 4), kernel_size=3, padding=1), {"width": 480}),
    "2-D small canvas": (dict(size=(4, 4), kernel_size=2, stride=2), {"width": 640, "canvas": "4:3"}),
    "2-D large": (dict(size=(6, 6), kernel_size=3, padding=1), {"width": 1080}),
    "2-D large glide": (dict(size=(3, 5), kernel_size=2), {"width": 1080, "glide": True, "fps": 10}),
}


@pytest.fixture(autouse=True)
def a_core_to_spare(monkeypatch):
    """Whether the machine is busy must not decide these tests."""
    monkeypatch.setattr(gifworker, "spare_core", lambda: True)


def drawn_frames(case: str) -> list:
    arguments, options = CASES[case]
    return list(convanim.frames(convanim.conv(**arguments), RenderOptions(**options)))


def decoded(data: bytes) -> list[np.ndarray]:
    """Every frame of a GIF, composed, as RGB."""
    with Image.open(io.BytesIO(data)) as im:
        shown = []
        for index in range(im.n_frames):
            im.seek(index)
            shown.append(np.asarray(im.convert("RGB")))
    return shown


def mapped(frame: np.ndarray, colors: np.ndarray, entries: np.ndarray) -> np.ndarray:
    """``frame`` with every colour replaced by the palette entry that draws it."""
    keys = frame_keys(frame)
    at = np.searchsorted(colors, keys)
    assert (colors[np.minimum(at, len(colors) - 1)] == keys).all(), "a colour the palette never mapped"
    return _keys_to_rgb(entries[at].reshape(-1)).reshape(frame.shape[:2] + (3,))


def encode_here(frames, monkeypatch=None, second: int | None = None) -> tuple[bytes, GifEncoder, list]:
    """The GIF of ``frames`` written in this process, its encoder, and the
    palette's mapping (colours, entries) as each picture was coded; with a
    ``second`` segment starting at that frame (a long figure: long runs of
    unchanged pixels coded without Pillow, as the writer codes one)."""
    mappings = []
    if monkeypatch is not None:
        real = FigurePalette.__call__

        def recording(self, colors, counts):
            result = real(self, colors, counts)
            mappings.append((self._colors.copy(), self._entries.copy()))
            return result

        monkeypatch.setattr(FigurePalette, "__call__", recording)
    out = io.BytesIO()
    quick = None if second is None else lzw.QUICK_RUN
    encoder = GifEncoder(out, (frames[0].pixels.shape[1], frames[0].pixels.shape[0]), min_run=quick)
    for index, frame in enumerate(frames):
        if index == second:
            encoder.close(trailer=False)
            encoder.next_segment()
        encoder.add(frame.pixels, frame.duration_ms, frame.changed, frame.boxes)
    encoder.close()
    if monkeypatch is not None:
        monkeypatch.setattr(FigurePalette, "__call__", real)
    return out.getvalue(), encoder, mappings


@pytest.mark.parametrize("case", list(CASES))
def test_every_frame_decodes_to_the_drawn_frame_pixel_for_pixel(case, monkeypatch):
    """What a reader sees in frame k: the pixels drawn new in it with the
    palette of that moment, the rest as frame k - 1 showed them."""
    frames = drawn_frames(case)
    data, encoder, mappings = encode_here(frames, monkeypatch)
    assert encoder._coder.palette.fits == 1, "the palette is fitted once per figure"
    shown = decoded(data)
    # Repeats are one frame with their time summed: compare distinct pictures.
    distinct = [f.pixels for k, f in enumerate(frames) if k == 0 or not np.array_equal(f.pixels, frames[k - 1].pixels)]
    assert len(shown) == len(distinct) == encoder.frames_written == len(mappings)
    expected = None
    for index, (got, want, mapping) in enumerate(zip(shown, distinct, mappings)):
        drawn = mapped(want, *mapping)
        if expected is None:
            expected = drawn
        else:
            new = (want != distinct[index - 1]).any(axis=2)
            expected[new] = drawn[new]
        assert np.array_equal(got, expected), f"frame {index}: {(got != expected).any(axis=2).sum()} pixels differ"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="large frames are encoded in a second process on Linux only")
@pytest.mark.parametrize("case", ["2-D large", "2-D large glide"])
def test_a_second_process_writes_the_same_bytes(case, tmp_path, monkeypatch):
    frames = drawn_frames(case)
    monkeypatch.setattr(gifworker, "PROCESS_ABOVE", 1 << 16)  # these frames count as large
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    path = write_frames(tmp_path / "two.gif", frames)
    assert forks == [1], "large frames go to a second process"
    assert path.read_bytes() == encode_here(frames)[0]
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("second", [True, False], ids=["second process", "this process"])
def test_frames_read_in_place_from_the_canvas_are_written_as_drawn(second, tmp_path, monkeypatch):
    """The renderer hands a writer its canvas's colour bytes in place (four
    bytes a pixel): they are read as such, in a second process or in this
    one, and the file is the one the drawn frames, copied, give."""
    from convanim.render import _counted_frames

    if second and not sys.platform.startswith("linux"):
        pytest.skip("large frames are encoded in a second process on Linux only")
    arguments, options = CASES["2-D large glide"]
    monkeypatch.setattr(gifworker, "PROCESS_ABOVE", 1 << 16 if second else 1 << 40)
    in_place = iter(_counted_frames(convanim.conv(**arguments), RenderOptions(**options), shared=True)[1])
    first = next(in_place)
    assert not first.pixels.flags.c_contiguous and first.pixels.strides[1] == 4  # read in place, not copied
    forks, words = [], []
    real_fork, real_words = os.fork, boxes.four_bytes
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    spy = lambda pixels: words.append(real_words(pixels)) or words[-1]  # noqa: E731
    monkeypatch.setattr(boxes, "four_bytes", spy)  # (what finds the changes, in either process)
    path = write_frames(tmp_path / "in-place.gif", itertools.chain([first], in_place))
    assert forks == ([1] if second else [])
    assert words and all(w is not None for w in words)  # compared as the canvas's words
    assert path.read_bytes() == encode_here(drawn_frames("2-D large glide"))[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="large frames are encoded in a second process on Linux only")
def test_frames_in_place_and_plain_frames_mixed_give_the_file_copies_give(tmp_path, monkeypatch):
    """A canvas's bytes in place, then plain pixels of the same size (and
    back): each kind reaches the second process whole the first time."""
    monkeypatch.setattr(gifworker, "PROCESS_ABOVE", 1 << 16)
    height, width = 300, 1001  # (an odd width: rows do not end on 8-byte words)
    canvas = np.full((304, 1008, 4), 230, np.uint8)
    view = canvas[:height, :width, :3]

    def frames():
        yield view, 100
        canvas[10:20, 5:900, :3] = (200, 40, 40)
        yield convanim.writers.Frame(view, 100, (5, 10, 900, 20))
        plain = view.copy()
        plain[50:60, 100:990] = (40, 40, 200)
        yield convanim.writers.Frame(plain, 100, (100, 50, 990, 60))
        canvas[50:60, 100:990, :3] = (40, 40, 200)  # (the canvas as the plain frame showed it)
        canvas[200:210, 0:1001, :3] = (40, 200, 40)
        yield convanim.writers.Frame(view, 100, (0, 200, 1001, 210))

    copies = [convanim.writers.Frame(np.array(f[0] if isinstance(f, tuple) else f.pixels), 100) for f in frames()]
    canvas[...] = 230
    path = write_frames(tmp_path / "mixed.gif", frames())
    assert path.read_bytes() == encode_here(copies)[0]
    last = decoded(path.read_bytes())[-1]
    assert last[55, 500].tolist() == [40, 40, 200] and last[205, 1000].tolist() == [40, 200, 40]


def test_a_busy_machine_keeps_large_frames_in_this_process(tmp_path, monkeypatch):
    monkeypatch.setattr(gifworker, "spare_core", lambda: False)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked with no core to spare"))
    write_frames(tmp_path / "one.gif", large_frames(3))


def test_small_frames_stay_in_this_process(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a small figure"))
    frames = drawn_frames("2-D small")
    write_frames(tmp_path / "one.gif", frames)


def large_frames(count: int):
    frame = np.full((1024, 1024, 3), 240, np.uint8)
    for step in range(count):
        frame[10 * step : 10 * step + 8, :16] = (200, 30, 30)
        yield frame, 100


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="large frames are encoded in a second process on Linux only")
def test_an_os_error_in_the_second_process_is_one_writer_error_and_no_file(tmp_path, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(GifEncoder, "add_changes", full_disk)  # the child is a fork: it has this too
    with pytest.raises(WriterError, match="No space left on device") as raised:
        write_frames(tmp_path / "x.gif", large_frames(40))
    assert raised.value.option == "output"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="large frames are encoded in a second process on Linux only")
def test_an_interrupt_stops_the_second_process_and_leaves_nothing(tmp_path, forked_children):
    children = forked_children
    def interrupted():
        yield from large_frames(3)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_frames(tmp_path / "x.gif", interrupted())
    assert list(tmp_path.iterdir()) == []
    assert len(children) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # stopped and waited for: nothing left behind


@pytest.mark.parametrize("channels", [3, 4])
def test_changed_pixels_are_exactly_those_that_differ_inside_the_boxes(channels):
    """And they are read from a frame and put back into the one before it."""
    rng = np.random.default_rng(3)
    for trial in range(40):
        height, width = int(rng.integers(1, 90)), int(rng.integers(1, 90))
        before = rng.integers(0, 256, (height, width, channels), np.uint8)
        frame = before.copy()
        boxes = []
        for _ in range(int(rng.integers(1, 6))):
            left, top = int(rng.integers(0, width)), int(rng.integers(0, height))
            box = (left, top, left + int(rng.integers(1, 40)), top + int(rng.integers(1, 40)))
            boxes.append(box)  # may overlap another, may reach past the picture
            inside = frame[box[1] : box[3], box[0] : box[2]]
            touched = rng.random(inside.shape[:2]) < 0.2
            inside[touched, int(rng.integers(0, channels))] ^= np.uint8(1 + trial % 255)
        if trial % 3 == 0:
            boxes.append((width - 1, height - 1, width, height))  # the last pixel: the bytes after whole words
            frame[-1, -1, -1] ^= 1
        expected = np.flatnonzero((frame != before).any(axis=2))
        assert np.array_equal(changed_pixels(frame, before, boxes), expected)
        # A frame that is a view into a larger picture is compared box by box.
        wide = np.zeros((height, width + 1, channels), np.uint8)
        wide[:, :width] = frame
        assert np.array_equal(changed_pixels(wide[:, :width], before, boxes), expected)
        assert np.array_equal(pixels_at(wide[:, :width], expected), frame.reshape(-1, channels)[expected])
        assert np.array_equal(pixels_at(frame, expected), frame.reshape(-1, channels)[expected])
        put_pixels(before, expected, pixels_at(frame, expected))
        assert np.array_equal(before, frame), "the changed pixels put back make the frame"
    assert len(changed_pixels(before, before.copy(), [(0, 0, 10, 10)])) == 0


def test_changed_words_are_the_colours_that_differ_inside_the_boxes():
    """A canvas's words of four bytes: a change of the fourth byte alone is
    no change, a change outside every box is not read (though inside the
    rectangle around boxes that share rows), and the words read back at the
    positions found are the frame's, from a canvas wider than the picture."""
    rng = np.random.default_rng(5)
    for trial in range(60):
        height, width = int(rng.integers(1, 90)), int(rng.integers(1, 90))
        canvas = rng.integers(0, 1 << 32, (height, width + int(rng.integers(0, 20))), np.uint32)
        words = canvas[:, :width]
        before = words.copy()
        fourth = rng.random((height, width)) < 0.3
        words[fourth] ^= np.uint32(rng.integers(1, 256)) << np.uint32(24)  # not colour
        colour = rng.random((height, width)) < 0.2
        words[colour] ^= np.uint32(1) << np.uint32(int(rng.integers(0, 24)))
        boxes = []
        for _ in range(int(rng.integers(1, 8))):
            left, top = int(rng.integers(-5, width)), int(rng.integers(-5, height))
            boxes.append((left, top, left + int(rng.integers(1, 40)), top + int(rng.integers(1, 12))))
        inside = np.zeros((height, width), bool)
        for left, top, right, bottom in boxes:
            inside[max(0, top) : max(0, bottom), max(0, left) : max(0, right)] = True
        expected = np.flatnonzero(colour & inside)
        found = changed_words(words, before, boxes)
        assert np.array_equal(found, expected)
        assert np.array_equal(take_words(words, found), words.reshape(-1)[expected])


def test_a_flat_fill_keeps_its_colour_when_new_colours_join_the_palette():
    """Arrows crossing the pending output cells bring new shades frame after
    frame; the pending grey, a fill of the first picture, never gives its
    palette entry up (it did: the cells an arrow had crossed came back a
    lighter grey than the ones it had not)."""
    frames = list(convanim.frames(convanim.conv(size=(5, 5), kernel_size=3, padding=1), RenderOptions()))
    data, _, _ = encode_here(frames)
    pending = np.array(hex_rgb(RenderOptions().theme.pending))
    for drawn, shown in zip(frames, decoded(data)):
        flat = (drawn.pixels == pending).all(axis=2)
        assert (shown[flat] == pending).all(), f"{(shown[flat] != pending).any(axis=1).sum()} pending pixels drawn in another grey"


def test_grey_text_is_never_drawn_in_another_hue():
    """A glide brings new fills frame after frame (the window at fractional
    places over replicate padding); the figure's palette used to give its
    mid-grey text shades up to them, and the product line's grey text was
    then drawn blue and brown (about 1,800 pixels a frame)."""
    rng = np.random.default_rng(1)
    arguments = dict(
        input=rng.normal(0, 100, (1, 32, 32)).round(1).tolist(),
        weight=[[[[-3, 3, -2, 2, -2], [0, 1, 1, 2, -1], [3, 0, -3, 1, 2]]]],
        padding=2, padding_mode="replicate", dilation=(2, 1), stride=(1, 2),
    )
    frames = list(convanim.frames(convanim.conv(**arguments), RenderOptions(width=700, steps="1-4", glide=True)))
    data, encoder, _ = encode_here(frames)
    assert encoder._coder.palette.fits == 1
    distinct = [f.pixels for k, f in enumerate(frames) if k == 0 or not np.array_equal(f.pixels, frames[k - 1].pixels)]
    for index, (want, got) in enumerate(zip(distinct, decoded(data))):
        grey = (want[..., 0] == want[..., 1]) & (want[..., 1] == want[..., 2])
        hue = got.max(axis=2).astype(int) - got.min(axis=2) > 40
        assert not (grey & hue).any(), f"frame {index}: {(grey & hue).sum()} grey pixels drawn in a hue"


def test_colour_keys_of_pixels_four_bytes_apart_are_read_in_place():
    """An RGB view of four bytes a pixel (a canvas, or the changed words
    ``LastFrame`` gives) keys as its packed copy does, read in place; a view
    whose last pixel's fourth byte lies past the memory under it is packed."""
    from convanim.writers.palette import _words_under

    rng = np.random.default_rng(7)
    canvas = rng.integers(0, 256, (9, 13, 4), np.uint8)
    for view in (canvas[..., :3], canvas[2:7, 3:11, :3], canvas.reshape(1, -1, 4)[:, 5:40, :3]):
        assert _words_under(view) is not None
        assert np.array_equal(frame_keys(view), frame_keys(np.ascontiguousarray(view)))
    words = rng.integers(0, 1 << 32, 50, dtype=np.uint32)
    changed = words.view(np.uint8).reshape(-1, 4)[:, :3]
    assert np.array_equal(frame_keys(changed[None])[0], words & 0xFFFFFF)
    short = np.lib.stride_tricks.as_strided(np.frombuffer(bytes(4 * 10 - 1), np.uint8), (1, 10, 3), (40, 4, 1))
    assert _words_under(short) is None and frame_keys(short).shape == (1, 10)


def test_the_last_frame_never_reads_what_later_boxes_leave_out():
    """What one frame's boxes marked is forgotten: a later frame's change
    there, outside that frame's boxes (though on their rows), is not read;
    each frame's changes are exactly its boxes' pixels that differ."""
    canvas = np.full((40, 60, 4), 200, np.uint8)
    view = canvas[:, :50, :3]
    seen = boxes.LastFrame()
    assert seen.changes(view, None)[0] is None
    canvas[5, 5, 0] = 1
    where, _ = seen.changes(view, [(0, 0, 10, 10)])
    assert where.tolist() == [5 * 50 + 5]
    canvas[5, 5, 0] = 2  # inside the last frame's box, outside this one's
    canvas[6, 25, 2] = 3
    where, pixels = seen.changes(view, [(20, 0, 30, 10)])
    assert where.tolist() == [6 * 50 + 25] and pixels.tolist() == [[200, 200, 3]]
    where, pixels = seen.changes(view, [(0, 0, 10, 10), (20, 0, 30, 10)])
    assert where.tolist() == [5 * 50 + 5] and pixels.tolist() == [[2, 200, 200]], "read once its box comes"


def test_a_frames_palette_is_the_entries_its_colours_take():
    """The figure's palette remembers each colour's entry; a frame's own
    palette is the entries its colours take, in order, as ``np.unique`` gives."""
    from convanim.writers.palette import _entries_used

    rng = np.random.default_rng(2)
    figure = np.unique(rng.integers(0, 1 << 24, 40).astype(np.uint32))
    for count in (1, 5, 300):
        entries = figure[rng.integers(0, len(figure), count)]
        got, want = _entries_used(figure, entries), np.unique(entries, return_inverse=True)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    stray = np.append(figure[:3], figure[0] + 1)  # (a colour not in the figure's palette)
    got, want = _entries_used(figure, stray), np.unique(stray, return_inverse=True)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
