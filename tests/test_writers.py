"""Writers: the registry, the atomic context manager, and the GIF encoder.

Frames here look like convanim's: flat coloured cells and anti-aliased text
drawn with a TrueType font. GIF files are checked three ways: Pillow and
imageio decode the pixels, and a small parser in this file reads the blocks
(delays, disposal, rectangles, colour tables) and decodes the LZW data
itself, so the container is not checked only by the library that helped
write it.
"""

from __future__ import annotations

import gc
import io
import math
import tracemalloc
import weakref

import imageio.v3 as iio
import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from convanim import writers
from convanim.errors import WriterError
from convanim.writers.gif import GifEncoder
from convanim.writers.palette import choose_palette, frame_keys
from convanim.writers import Format, known_formats, open_writer, write_frames

FONT_PATH = matplotlib.get_data_path() + "/fonts/ttf/DejaVuSans.ttf"

BACKGROUND = (250, 250, 248)
CELL = (220, 232, 245)
HIGHLIGHT = (255, 214, 120)
OUTLINE = (120, 120, 130)
INK = (20, 20, 20)


# -- synthetic frames ------------------------------------------------------


def scene(step: int, size=(320, 200), text: bool = True, font_size: int = 16) -> np.ndarray:
    """A grid of cells, one highlighted per step, with numbers and a caption."""
    width, height = size
    im = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT_PATH, font_size)
    cell = max(12, min(width // 8, height // 5))
    for i in range(3):
        for j in range(5):
            x, y = 8 + j * (cell + 4), 8 + i * (cell + 4)
            if x + cell >= width or y + cell >= height:
                continue
            lit = (i * 5 + j) == step % 15
            draw.rectangle([x, y, x + cell, y + cell], fill=HIGHLIGHT if lit else CELL, outline=OUTLINE)
            if text:
                value = (i * 5 + j) * 7 % 19 - 9 + (step if lit else 0)
                draw.text((x + cell / 2, y + cell / 2), str(value), font=font, fill=INK, anchor="mm")
    if text:
        draw.text((8, height - font_size - 6), f"step {step}: y = {step * 0.25:.2f}", font=font, fill=INK)
    return np.asarray(im)


def flat_scene(step: int, size=(64, 40)) -> np.ndarray:
    """Flat rectangles only: few colours, so the GIF must be exact."""
    width, height = size
    frame = np.empty((height, width, 3), np.uint8)
    frame[...] = BACKGROUND
    frame[4:20, 4:20] = CELL
    x = 4 + (step * 9) % max(1, width - 16)
    frame[24:36, x : x + 12] = HIGHLIGHT
    frame[24:36, x : x + 1] = OUTLINE
    return frame


# -- reading GIFs back -----------------------------------------------------


def decode(path) -> list[np.ndarray]:
    """Every frame, composed, as RGB, decoded by Pillow."""
    with Image.open(path) as im:
        out = []
        for i in range(im.n_frames):
            im.seek(i)
            out.append(np.asarray(im.convert("RGB")))
        return out


def durations(path) -> list[int]:
    with Image.open(path) as im:
        result = []
        for i in range(im.n_frames):
            im.seek(i)
            result.append(im.info["duration"])
        return result


def lzw_decode(data: bytes, min_code_size: int, count: int) -> list[int]:
    """A plain, strict GIF LZW decoder (variable-width codes, LSB first).

    It reads up to the end code and fails on what a lenient decoder would
    forgive: a missing end code, anything but zero bits after it, a code past
    the table's next free entry, a table past 4096 entries, pixels beyond
    ``count`` or fewer than it.
    """
    clear, end = 1 << min_code_size, (1 << min_code_size) + 1
    bits = int.from_bytes(data, "little")
    pos, width = 0, min_code_size + 1
    table: list[list[int]] = [[i] for i in range(clear)] + [[], []]
    out: list[int] = []
    prev: list[int] | None = None
    while True:
        # An encoder may write the end code one bit narrower than it is read
        # (its table had just grown); that bit reads as zero, so one bit past
        # the data is allowed, no more.
        assert pos + width <= 8 * len(data) + 1, "no end code"
        code = (bits >> pos) & ((1 << width) - 1)
        pos += width
        if code == clear:
            table = [[i] for i in range(clear)] + [[], []]
            width, prev = min_code_size + 1, None
            continue
        if code == end:
            break
        if prev is None:
            assert code < clear, f"code {code} with an empty table"
            entry = table[code]
        else:
            assert code <= len(table) and code not in (clear, end), f"code {code}, next free entry {len(table)}"
            entry = table[code] if code < len(table) else prev + [prev[0]]
            if len(table) < 4096:  # a full table stays as it is until a clear code
                table.append(prev + [entry[0]])
                if len(table) == (1 << width) and width < 12:
                    width += 1
        out.extend(entry)
        assert len(out) <= count, "more pixels than the image holds"
        prev = entry
    assert bits >> pos == 0 and 8 * len(data) - pos < 8, "data after the end code"
    assert len(out) == count, f"{len(out)} pixels for {count}"
    return out


def parse_gif(data: bytes) -> dict:
    """The GIF's blocks, read independently of Pillow; each frame's pixels decoded too."""
    assert data[:6] == b"GIF89a"
    width, height = int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    flags = data[10]
    pos = 13
    global_table = None
    if flags & 0x80:
        entries = 2 << (flags & 7)
        global_table = np.frombuffer(data[pos : pos + 3 * entries], np.uint8).reshape(-1, 3)
        pos += 3 * entries
    info: dict = {"size": (width, height), "global_table": global_table, "loop": None, "frames": []}
    control: dict = {}

    def sub_blocks(pos: int) -> tuple[bytes, int]:
        chunks = []
        while data[pos]:
            chunks.append(data[pos + 1 : pos + 1 + data[pos]])
            pos += 1 + data[pos]
        return b"".join(chunks), pos + 1

    while True:
        kind = data[pos]
        if kind == 0x3B:  # trailer
            assert pos == len(data) - 1, "bytes after the trailer"
            break
        if kind == 0x21:
            label = data[pos + 1]
            body, pos = sub_blocks(pos + 2)
            if label == 0xF9:
                assert len(body) == 4
                control = {
                    "disposal": (body[0] >> 2) & 7,
                    "transparent": body[3] if body[0] & 1 else None,
                    "delay_cs": int.from_bytes(body[1:3], "little"),
                }
            elif label == 0xFF and body.startswith(b"NETSCAPE2.0"):
                assert body[11] == 1
                info["loop"] = int.from_bytes(body[12:14], "little")
            continue
        assert kind == 0x2C, f"unexpected block {kind:#x} at {pos}"
        left, top, w, h = (int.from_bytes(data[pos + 1 + 2 * i : pos + 3 + 2 * i], "little") for i in range(4))
        flags = data[pos + 9]
        pos += 10
        table = global_table
        local = None
        if flags & 0x80:
            entries = 2 << (flags & 7)
            local = table = np.frombuffer(data[pos : pos + 3 * entries], np.uint8).reshape(-1, 3)
            pos += 3 * entries
        assert not flags & 0x40, "interlaced"
        min_code_size = data[pos]
        lzw, pos = sub_blocks(pos + 1)
        indices = np.array(lzw_decode(lzw, min_code_size, w * h), np.uint8)
        assert indices.size == w * h
        assert table is not None and indices.max() < len(table)
        info["frames"].append(
            dict(control, rect=(left, top, w, h), local_table=local, table=table, indices=indices.reshape(h, w))
        )
        control = {}
    return info


def compose(info: dict) -> list[np.ndarray]:
    """Play the parsed frames onto a canvas the way a browser does (disposal 1)."""
    width, height = info["size"]
    canvas = np.zeros((height, width, 3), np.uint8)
    out = []
    for frame in info["frames"]:
        assert frame["disposal"] == 1
        left, top, w, h = frame["rect"]
        rgb = frame["table"][frame["indices"]]
        keep = frame["indices"] == frame["transparent"] if frame["transparent"] is not None else np.zeros((h, w), bool)
        region = canvas[top : top + h, left : left + w]
        region[~keep] = rgb[~keep]
        out.append(canvas.copy())
    return out


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b)


def flat_mask(frame: np.ndarray, min_count: int) -> np.ndarray:
    """Pixels whose exact colour covers at least ``min_count`` pixels: the flat fills."""
    keys = frame_keys(frame)
    _, inverse, counts = np.unique(keys.ravel(), return_inverse=True, return_counts=True)
    return (counts[inverse] >= min_count).reshape(keys.shape)


# -- the registry ------------------------------------------------------------


def test_gif_is_known():
    assert ".gif" in known_formats()
    assert all(s.startswith(".") and s == s.lower() for s in known_formats())


@pytest.mark.parametrize("name", ["out.jpg", "out.GIFF", "out", "out.avi", "out.gif.txt"], ids=["jpg", "giff", "no-suffix", "avi", "double"])
def test_unknown_suffix_names_output_and_lists_formats(tmp_path, name):
    target = tmp_path / "new" / name
    with pytest.raises(WriterError) as info:
        open_writer(target, size=(8, 8))
    assert info.value.option == "output"
    for suffix in known_formats():
        assert suffix in info.value.rule
    assert not (tmp_path / "new").exists(), "nothing is created for a format we cannot write"


def test_suffix_is_case_insensitive(tmp_path):
    path = write_frames(tmp_path / "UPPER.GIF", [(flat_scene(0), 100)])
    assert path.name == "UPPER.GIF" and decode(path)[0].shape == (40, 64, 3)


def test_missing_back_end_fails_with_install_hint(tmp_path, monkeypatch):
    fake = Format("FAKE", (".fake",), "convanim.writers.gif:GifWriter", "test", needs=(("convanim_no_such_module", "no-such-package"),))
    monkeypatch.setattr(writers, "FORMATS", (*writers.FORMATS, fake))
    assert ".fake" in known_formats()
    with pytest.raises(WriterError, match="pip install no-such-package") as info:
        open_writer(tmp_path / "x.fake")
    assert info.value.option == "output"


def test_every_registered_writer_imports():
    for fmt in writers.FORMATS:
        cls = writers.writer_class(fmt)
        assert issubclass(cls, writers.Writer)
        assert fmt.to_dict()["suffixes"] == list(fmt.suffixes)


@pytest.mark.parametrize(
    "options, option",
    [({"colours": 64}, "colours"), ({"max_colors": 1}, "max_colors"), ({"max_colors": 300}, "max_colors"), ({"loop": -1}, "loop"), ({"matte": (0, 0)}, "matte")],
    ids=["unknown-option", "too-few-colours", "too-many-colours", "negative-loop", "bad-matte"],
)
def test_bad_options_are_errors_not_ignored(tmp_path, options, option):
    with pytest.raises(WriterError) as info:
        open_writer(tmp_path / "x.gif", **options)
    assert info.value.option == option


# -- the context manager -------------------------------------------------------


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_parent_folders_are_created(tmp_path):
    target = tmp_path / "a" / "b" / "c" / "anim.gif"
    assert write_frames(target, [(flat_scene(0), 100), (flat_scene(1), 100)]) == target
    assert target.is_file() and leftovers(target.parent) == ["anim.gif"]


def test_no_partial_file_when_frames_fail(tmp_path):
    target = tmp_path / "out" / "anim.gif"

    def frames():
        for step in range(3):
            yield scene(step), 500
        raise RuntimeError("the renderer broke")

    with pytest.raises(RuntimeError, match="renderer broke"):
        write_frames(target, frames())
    assert leftovers(tmp_path) == []  # the folder made for the file went with it


def test_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "anim.gif"
    target.write_bytes(b"old")
    with pytest.raises(KeyError):
        with open_writer(target) as w:
            w.add(scene(0), 100)
            raise KeyError("stop")
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == ["anim.gif"]
    write_frames(target, [(scene(0), 100)])
    assert target.read_bytes().startswith(b"GIF89a") and leftovers(tmp_path) == ["anim.gif"]


@pytest.mark.parametrize(
    "frame, duration, option",
    [
        (np.zeros((40, 64, 3), np.float32), 100, "frame"),
        (np.zeros((40, 64), np.uint8), 100, "frame"),
        (np.zeros((40, 64, 2), np.uint8), 100, "frame"),
        (np.zeros((41, 64, 3), np.uint8), 100, "frame"),
        (np.zeros((40, 64, 3), np.uint8), -1, "duration_ms"),
        (np.zeros((40, 64, 3), np.uint8), float("nan"), "duration_ms"),
        (np.zeros((40, 64, 3), np.uint8), "slow", "duration_ms"),
    ],
    ids=["float-frame", "grey-frame", "two-channels", "wrong-size", "negative-duration", "nan-duration", "text-duration"],
)
def test_bad_frames_are_writer_errors(tmp_path, frame, duration, option):
    with pytest.raises(WriterError) as info:
        with open_writer(tmp_path / "x.gif", size=(64, 40)) as w:
            w.add(frame, duration)
    assert info.value.option == option
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "item", [np.zeros((2, 64, 3), np.uint8), (np.zeros((40, 64, 3), np.uint8),), 5], ids=["bare-array", "no-duration", "number"]
)
def test_frames_must_be_pairs(tmp_path, item):
    with pytest.raises(WriterError) as info:
        write_frames(tmp_path / "x.gif", [item])
    assert info.value.option == "frames" and leftovers(tmp_path) == []


def test_no_frames_is_an_error_and_writes_nothing(tmp_path):
    with pytest.raises(WriterError) as info:
        write_frames(tmp_path / "x.gif", iter(()))
    assert info.value.option == "frames" and leftovers(tmp_path) == []


def test_add_outside_with_is_an_error(tmp_path):
    w = open_writer(tmp_path / "x.gif")
    with pytest.raises(WriterError):
        w.add(flat_scene(0), 100)


def test_target_that_is_a_folder(tmp_path):
    (tmp_path / "x.gif").mkdir()
    with pytest.raises(WriterError) as info:
        write_frames(tmp_path / "x.gif", [(flat_scene(0), 100)])
    assert info.value.option == "output"


# -- GIF: pixels -------------------------------------------------------------------


def test_flat_colours_round_trip_exactly(tmp_path):
    frames = [flat_scene(step) for step in range(6)]
    path = write_frames(tmp_path / "flat.gif", [(f, 100) for f in frames])
    for decoded in (decode(path), list(iio.imread(path, index=None)), compose(parse_gif(path.read_bytes()))):
        assert len(decoded) == len(frames)
        for got, want in zip(decoded, frames):
            assert same(got[..., :3], want)


@pytest.mark.parametrize(
    "size, font_size", [((320, 200), 16), ((1080, 608), 28)], ids=["small", "blog-size"]
)
def test_text_frames_round_trip(tmp_path, size, font_size):
    frames = [scene(step, size, font_size=font_size) for step in range(4)]
    path = write_frames(tmp_path / "text.gif", [(f, 250) for f in frames])
    decoded = decode(path)
    assert same(np.stack(decoded), iio.imread(path, index=None))
    for got, want in zip(decoded, frames):
        error = np.abs(got.astype(int) - want)
        # Flat fills and the text's solid colour are exact, so a redrawn cell
        # matches its neighbours; only anti-aliased edge pixels may move, and
        # they stay close (no dithering speckle, no banding).
        assert error[flat_mask(want, 64)].max() == 0
        assert error.max() <= 48
        assert error.mean() < 0.5
    assert compose(parse_gif(path.read_bytes()))[-1].shape == decoded[-1].shape


def test_every_colour_table_has_at_most_64_entries(tmp_path):
    path = write_frames(tmp_path / "t.gif", [(scene(step), 100) for step in range(5)])
    info = parse_gif(path.read_bytes())
    assert len(info["global_table"]) <= 64
    for frame in info["frames"]:
        assert len(frame["table"]) <= 64
        assert len(np.unique(frame["indices"])) <= 64


def test_few_colours_are_kept_exactly():
    colors = np.sort(np.random.default_rng(1).choice(1 << 24, 63, replace=False)).astype(np.uint32)
    palette, index = choose_palette(colors, np.ones(63, np.int64), 63)
    assert same(palette[index], colors)


def test_frequent_colours_are_kept_exactly_when_merging():
    rng = np.random.default_rng(2)
    colors = np.unique(rng.integers(0, 1 << 24, 3000).astype(np.uint32))
    counts = np.ones(len(colors), np.int64)
    flat = rng.choice(len(colors), 20, replace=False)
    counts[flat] = 10_000
    palette, index = choose_palette(colors, counts, 63)
    assert len(palette) <= 63
    assert same(palette[index][flat], colors[flat])


def test_photographic_frame_stays_bounded(tmp_path):
    """Far more colours than the palette (noise, with a flat block): still close, flat block exact."""
    frame = np.random.default_rng(3).integers(0, 256, (120, 200, 3), dtype=np.uint8)
    frame[20:60, 20:90] = CELL
    path = write_frames(tmp_path / "noise.gif", [(frame, 100)])
    got = decode(path)[0]
    assert same(got[20:60, 20:90], frame[20:60, 20:90])
    assert np.abs(got.astype(int) - frame).mean() < 24
    assert len(parse_gif(path.read_bytes())["global_table"]) <= 64


@pytest.mark.parametrize("max_colors", [2, 16, 256], ids=["two", "sixteen", "all"])
def test_max_colors_bounds_every_table(tmp_path, max_colors):
    path = write_frames(tmp_path / "c.gif", [(scene(step), 100) for step in range(3)], max_colors=max_colors)
    info = parse_gif(path.read_bytes())
    for frame in info["frames"]:
        assert len(np.unique(frame["indices"])) <= max_colors
        assert len(frame["table"]) <= max(2, max_colors)
    assert len(decode(path)) == 3


@pytest.mark.parametrize("size", [(1, 1), (2, 1), (1, 3), (17, 5)], ids=["1x1", "2x1", "1x3", "17x5"])
def test_tiny_frames(tmp_path, size):
    width, height = size
    frames = [np.full((height, width, 3), colour, np.uint8) for colour in (BACKGROUND, INK, INK, CELL)]
    path = write_frames(tmp_path / "tiny.gif", [(f, 100) for f in frames])
    assert [same(got, want) for got, want in zip(decode(path), [frames[0], frames[1], frames[3]])] == [True] * 3
    assert durations(path) == [100, 200, 100]


def test_frame_drawn_from_first_frame_colours_uses_the_global_table(tmp_path):
    """A cell that moves without new colours needs no colour table of its own."""
    frames = [flat_scene(step, size=(200, 100)) for step in range(4)]
    path = write_frames(tmp_path / "g.gif", [(f, 100) for f in frames])
    info = parse_gif(path.read_bytes())
    assert [f["local_table"] is None for f in info["frames"]] == [True] * 4
    assert all(same(got, want) for got, want in zip(compose(info), frames))


def test_rgba_frames(tmp_path):
    opaque = np.dstack([flat_scene(0), np.full((40, 64), 255, np.uint8)])
    half = opaque.copy()
    half[..., 3] = 0  # fully transparent pixels take the matte colour
    path = write_frames(tmp_path / "rgba.gif", [(opaque, 100), (half, 100)], matte=(0, 0, 255))
    first, second = decode(path)
    assert same(first, opaque[..., :3])
    assert (second == [0, 0, 255]).all()


def test_single_frame_is_a_still_gif(tmp_path):
    frame = scene(3)
    path = write_frames(tmp_path / "still.gif", [(frame, 1000)])
    with Image.open(path) as im:
        assert im.n_frames == 1 and not im.is_animated
    got = decode(path)[0]
    assert np.abs(got.astype(int) - frame)[flat_mask(frame, 64)].max() == 0
    assert iio.imread(path, index=None).shape[0] == 1


def test_caller_may_redraw_its_buffer(tmp_path):
    """A renderer may draw every frame into one array; the writer must copy."""
    buffer = np.empty((40, 64, 3), np.uint8)

    def frames():
        for step in range(4):
            buffer[...] = flat_scene(step)
            yield buffer, 100

    path = write_frames(tmp_path / "reuse.gif", frames())
    assert all(same(got, flat_scene(step)) for step, got in enumerate(decode(path)))


# -- GIF: holds, deltas, timing -----------------------------------------------


@pytest.mark.parametrize("repeats", [2, 5, 30], ids=["twice", "five-times", "thirty-times"])
def test_repeats_become_one_longer_frame(tmp_path, repeats):
    frame = scene(0)
    path = write_frames(tmp_path / "hold.gif", [(frame, 100)] * repeats)
    assert durations(path) == [100 * repeats]


def test_holds_between_changes(tmp_path):
    a, b = flat_scene(0), flat_scene(1)
    sequence = [(a, 100), (a, 100), (b, 200), (b, 300), (b, 400), (a, 50)]
    path = write_frames(tmp_path / "holds.gif", sequence)
    assert durations(path) == [200, 900, 50]
    assert [same(got, want) for got, want in zip(decode(path), [a, b, a])] == [True] * 3


def test_only_the_changed_region_is_stored(tmp_path):
    first = scene(0)
    second = first.copy()
    second[30:50, 100:140] = HIGHLIGHT  # one small cell changes
    path = write_frames(tmp_path / "delta.gif", [(first, 100), (second, 100)])
    info = parse_gif(path.read_bytes())
    whole, delta = info["frames"]
    assert whole["rect"] == (0, 0, 320, 200)
    assert delta["rect"] == (100, 30, 40, 20)
    assert delta["disposal"] == 1 and delta["transparent"] is not None
    decoded = decode(path)
    assert same(decoded[1][30:50, 100:140], second[30:50, 100:140])
    assert same(np.delete(decoded[1], np.s_[30:50], 0), np.delete(decoded[0], np.s_[30:50], 0))


def test_unchanged_pixels_inside_the_box_are_transparent(tmp_path):
    first = flat_scene(0, size=(200, 100))
    second = first.copy()
    second[10, 10] = second[90, 190] = INK  # two far corners: a big box, two pixels
    path = write_frames(tmp_path / "corners.gif", [(first, 100), (second, 100)])
    delta = parse_gif(path.read_bytes())["frames"][1]
    assert delta["rect"] == (10, 10, 181, 81)
    assert np.count_nonzero(delta["indices"] != delta["transparent"]) == 2
    assert same(decode(path)[1], second)
    assert len(path.read_bytes()) < 1000


def test_deltas_decode_to_full_frames(tmp_path):
    frames = [scene(step) for step in range(15)]
    path = write_frames(tmp_path / "steps.gif", [(f, 100) for f in frames])
    info = parse_gif(path.read_bytes())
    assert all(f["rect"] != (0, 0, 320, 200) for f in info["frames"][1:]), "later frames are crops"
    by_pillow, by_parser = decode(path), compose(info)
    for got, mine, want in zip(by_pillow, by_parser, frames):
        assert same(got, mine)
        assert np.abs(got.astype(int) - want)[flat_mask(want, 64)].max() == 0


@pytest.mark.parametrize(
    "ms, cs",
    [
        ([33.3] * 3, [3, 4, 3]),  # frame ends 3.33 6.66 9.99 cs -> 3 7 10
        ([33.3] * 6, [3, 4, 3, 3, 4, 3]),
        ([1000 / 30] * 30, [3, 4, 3] * 10),
        ([25] * 4, [3, 2, 3, 2]),  # ends 2.5 5 7.5 10: halves round up, not to even
        ([16.7] * 6, [2, 3, 2, 3]),  # ends 1.67 3.34 5.01 6.68 8.35 10.02 -> 2 3 5 7 8 10; 1 cs frames are dropped
    ],
    ids=["three-at-30fps", "six-at-30fps", "one-second-at-30fps", "halves-round-up", "sixty-fps"],
)
def test_delays_round_frame_end_times(tmp_path, ms, cs):
    frames = [(flat_scene(step), d) for step, d in enumerate(ms)]
    path = write_frames(tmp_path / "t.gif", frames)
    delays = [f["delay_cs"] for f in parse_gif(path.read_bytes())["frames"]]
    assert delays == cs
    assert sum(delays) == math.floor(sum(ms) / 10 + 0.5)
    assert durations(path) == [10 * d for d in delays]


def test_cumulative_rounding_does_not_drift(tmp_path):
    ms = [33.3] * 90
    path = write_frames(tmp_path / "t.gif", [(flat_scene(step), d) for step, d in enumerate(ms)])
    delays = [f["delay_cs"] for f in parse_gif(path.read_bytes())["frames"]]
    assert len(delays) == 90 and set(delays) == {3, 4}
    ends = np.cumsum(delays)
    assert np.abs(ends - np.cumsum(ms) / 10).max() <= 0.5
    assert sum(delays) == 300  # 2997 ms; 90 x 3 cs would be 2700


@pytest.mark.parametrize(
    "ms", [[3] * 10, [0, 100], [4, 4, 4, 100], [100, 1]], ids=["all-tiny", "zero-first", "tiny-then-long", "tiny-last"]
)
def test_no_frame_is_shorter_than_two_centiseconds(tmp_path, ms):
    path = write_frames(tmp_path / "t.gif", [(flat_scene(step), d) for step, d in enumerate(ms)])
    delays = [f["delay_cs"] for f in parse_gif(path.read_bytes())["frames"]]
    assert min(delays) >= 2  # browsers play 0 and 1 cs as about 10 cs
    assert abs(sum(delays) - sum(ms) / 10) <= 2


def test_too_short_frame_gives_its_time_to_the_next(tmp_path):
    a, b, c = flat_scene(0), flat_scene(1), flat_scene(2)
    path = write_frames(tmp_path / "t.gif", [(a, 200), (b, 5), (c, 300)])
    assert durations(path) == [200, 310]
    assert [same(got, want) for got, want in zip(decode(path), [a, c])] == [True, True]


def test_very_long_hold_is_split(tmp_path):
    path = write_frames(tmp_path / "t.gif", [(flat_scene(0), 1_000_000), (flat_scene(1), 100)])
    delays = [f["delay_cs"] for f in parse_gif(path.read_bytes())["frames"]]
    assert delays == [65535, 100_000 - 65535, 10]
    assert same(decode(path)[1], flat_scene(0))


def test_loops_forever(tmp_path):
    path = write_frames(tmp_path / "t.gif", [(flat_scene(0), 100), (flat_scene(1), 100)])
    assert parse_gif(path.read_bytes())["loop"] == 0
    with Image.open(path) as im:
        assert im.info["loop"] == 0


def test_loop_count_option(tmp_path):
    path = write_frames(tmp_path / "t.gif", [(flat_scene(0), 100), (flat_scene(1), 100)], loop=3)
    assert parse_gif(path.read_bytes())["loop"] == 3


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 6), st.sampled_from([10, 33.3, 40, 100, 1000])),
        min_size=1,
        max_size=8,
    )
)
def test_any_flat_sequence_round_trips(moves):
    """Random rectangles of few colours: exact pixels, merged repeats, exact total time."""
    palette = np.array([BACKGROUND, CELL, HIGHLIGHT, INK, OUTLINE], np.uint8)
    frame = np.zeros((12, 16, 3), np.uint8) + palette[0]
    frames = []
    for x, y, colour, ms in moves:
        frame = frame.copy()
        frame[y * 3 : y * 3 + 3, x * 4 : x * 4 + 5] = palette[colour % len(palette)]
        frames.append((frame, ms))
    buf = io.BytesIO()
    encoder = GifEncoder(buf, (16, 12), min_delay_cs=1)
    for f, ms in frames:
        encoder.add(f, ms)
    encoder.close()
    info = parse_gif(buf.getvalue())
    shown = compose(info)
    # What the viewer sees, run-length by (frame, ms): consecutive repeats merge.
    expected: list[list] = []
    for f, ms in frames:
        if expected and same(expected[-1][0], f):
            expected[-1][1] += ms
        else:
            expected.append([f, ms])
    assert len(shown) == len(expected)
    assert all(same(got, want) for got, (want, _) in zip(shown, expected))
    assert sum(f["delay_cs"] for f in info["frames"]) == math.floor(sum(ms for _, ms in frames) / 10 + 0.5)


# -- GIF: streaming -------------------------------------------------------------


def test_writer_does_not_keep_the_callers_frames(tmp_path):
    alive: list[weakref.ref] = []

    def frames():
        for step in range(12):
            frame = scene(step).copy()
            # While the writer asks for frame `step`, it may still hold the
            # previous one in a loop variable, but none before it.
            gc.collect()
            assert sum(ref() is not None for ref in alive[:-1]) == 0
            alive.append(weakref.ref(frame))
            yield frame, 100
            del frame

    write_frames(tmp_path / "t.gif", frames())


def test_memory_does_not_grow_with_frame_count(tmp_path):
    def peak(n: int) -> int:
        base = [scene(step % 15, size=(240, 160)) for step in range(15)]

        def frames():
            for step in range(n):
                yield base[step % 15], 40

        tracemalloc.start()
        try:
            write_frames(tmp_path / f"n{n}.gif", frames())
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    short, long = peak(10), peak(150)
    frame_bytes = 240 * 160 * 4
    assert long - short < 2 * frame_bytes, (short, long)


def test_an_os_error_while_writing_is_one_writer_error_and_no_file(tmp_path, monkeypatch):
    """A full disk or a file-size limit reads as one line naming the output."""
    import convanim.writers.gif as gif_module

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gif_module.GifEncoder, "add", full_disk)
    target = tmp_path / "x.gif"
    frame = np.zeros((8, 8, 3), dtype=np.uint8)
    with pytest.raises(WriterError, match="No space left on device") as raised:
        write_frames(target, [(frame, 100)])
    assert raised.value.option == "output"
    assert list(tmp_path.iterdir()) == []


# -- one palette per figure, changed boxes ---------------------------------------


def test_palette_is_fitted_once_per_figure(tmp_path, monkeypatch):
    from convanim.writers import palette

    fits = []
    real = palette.choose_palette
    monkeypatch.setattr(palette, "choose_palette", lambda *a: fits.append(1) or real(*a))
    frames = [(scene(step), 100) for step in range(8)]
    path = write_frames(tmp_path / "a.gif", frames)
    assert len(fits) == 1, "later frames draw from the first frame's palette"
    for got, (want, _) in zip(decode(path), frames):
        flat = flat_mask(want, 200)
        assert same(got[flat], want[flat]), "flat fills stay exact"
        assert np.abs(got.astype(int) - want).max() <= 96


def test_a_new_fill_stays_exact():
    from convanim.writers.palette import FigurePalette

    fit = FigurePalette(7)
    first = np.array([0x000000, 0xFFFFFF, 0x808080, 0x404040, 0xC0C0C0, 0x202020, 0xE0E0E0, 0x101010, 0xF0F0F0], np.uint32)
    fit(first, np.full(9, 100))
    colors = np.array([0x000000, 0x0000FF, 0x0000FE, 0xFFFFFF], np.uint32)  # a new red fill
    palette, index = fit(colors, np.array([1000, 1000, 2, 1000]))
    assert palette[index[1]] == 0x0000FF and len(palette) <= 7


def test_changed_box_limits_what_is_read(tmp_path):
    base = scene(0)
    moved = base.copy()
    moved[10:20, 10:30] = (255, 0, 0)
    # Outside the box the caller names, differences are not looked at.
    stray = moved.copy()
    stray[-5:, -5:] = (0, 255, 0)
    path = tmp_path / "a.gif"
    with open_writer(path) as w:
        w.add(base, 100)
        w.add(stray, 100, changed=(10, 10, 30, 20))
    frames = parse_gif(path.read_bytes())["frames"]
    assert frames[1]["rect"] == (10, 10, 20, 10)
    first, second = decode(path)
    expected = first.copy()
    expected[10:20, 10:30] = (255, 0, 0)
    assert same(second, expected)


def test_changed_boxes_add_up_across_merged_frames(tmp_path):
    a = flat_scene(0)
    b = a.copy()
    b[2:4, 2:4] = 0
    c = b.copy()
    c[30:32, 50:52] = 0
    path = tmp_path / "a.gif"
    with open_writer(path) as w:
        w.add(a, 100)
        w.add(b, 1, changed=(2, 2, 4, 4))  # too short: dropped, its change carried on
        w.add(c, 100, changed=(50, 30, 52, 32))
    assert same(decode(path)[-1], c)
    assert parse_gif(path.read_bytes())["frames"][-1]["rect"] == (2, 2, 50, 30)


def test_an_interrupt_while_the_temporary_file_is_made_leaves_nothing(tmp_path, monkeypatch):
    writer = open_writer(tmp_path / "a.gif")
    claim = writer._claim

    def interrupted(temp, create):
        def create_then_stop():
            create()
            raise KeyboardInterrupt  # Ctrl-C right after the file appeared

        return claim(temp, create_then_stop)

    monkeypatch.setattr(writer, "_claim", interrupted)
    with pytest.raises(KeyboardInterrupt):
        with writer:
            pass
    assert leftovers(tmp_path) == []


def test_a_writer_dropped_without_closing_removes_its_temporary_file(tmp_path):
    writer = open_writer(tmp_path / "a.gif")
    writer.__enter__()  # as if interrupted before `with` could call __exit__
    assert len(leftovers(tmp_path)) == 1
    del writer
    gc.collect()
    assert leftovers(tmp_path) == []


# -- frames that say which boxes changed -------------------------------------


def _unblocked(data: bytes) -> bytes:
    out, pos = [], 0
    while data[pos]:
        out.append(data[pos + 1 : pos + 1 + data[pos]])
        pos += 1 + data[pos]
    assert pos == len(data) - 1, "bytes after the terminator"
    return b"".join(out)


@pytest.mark.parametrize("bits", [1, 2, 5, 8])
def test_runs_coded_outside_pillow_decode_to_the_same_pixels(bits, monkeypatch):
    """Image data whose long runs of the fill index are coded in closed form
    (a table filled and cleared within one run, too) decodes to the image."""
    from convanim.writers import lzw

    monkeypatch.setattr(lzw, "_TABLE_LIMIT", 300)  # small tables: runs cross several
    monkeypatch.setattr(lzw, "MIN_RUN", 64)
    monkeypatch.setattr(lzw, "SPLIT_ABOVE", 0)
    rng = np.random.default_rng(bits)
    for _ in range(40):
        height, width = (int(v) for v in rng.integers(1, 120, 2))
        fill = int(rng.integers(0, 1 << bits))
        image = np.full((height, width), fill, np.uint8)
        for _ in range(int(rng.integers(0, 4))):
            left, top = int(rng.integers(0, width)), int(rng.integers(0, height))
            right, bottom = int(rng.integers(left, width + 1)), int(rng.integers(top, height + 1))
            image[top:bottom, left:right] = rng.integers(0, 1 << bits, (bottom - top, right - left))
        where = np.flatnonzero(image != fill)
        for data in (lzw.image_data(image, bits, where, fill), lzw.image_data(image, bits, where, fill, min_run=32)):
            decoded = lzw_decode(_unblocked(data[1:]), data[0], height * width)
            assert np.array_equal(np.array(decoded, np.uint8).reshape(height, width), image)


def _two_corners(step: int) -> np.ndarray:
    frame = np.full((300, 400, 3), BACKGROUND, np.uint8)
    frame[10:30, 10 + step : 40 + step] = HIGHLIGHT  # top left
    frame[260:290, 340 - step : 380 - step] = CELL  # bottom right
    return frame


def test_the_encoder_reads_only_the_boxes_and_leaves_the_rest_transparent(tmp_path):
    """Inside the frame's rectangle, only the boxes' changed pixels are drawn;
    a change the boxes do not hold is not read at all."""
    first, second = _two_corners(0), _two_corners(5)
    top_left = (0, 0, 60, 40)
    with open_writer(tmp_path / "b.gif") as w:
        w.add(first, 100)
        w.add(second, 100, (0, 0, 400, 300), boxes=[top_left])  # the bottom change left out on purpose
    info = parse_gif((tmp_path / "b.gif").read_bytes())
    delta = info["frames"][1]
    left, top, width, height = delta["rect"]
    assert (left, top) >= (0, 0) and left + width <= 60 and top + height <= 40
    shown = compose(info)[1]
    assert same(shown[:40, :60], second[:40, :60])
    assert same(shown[250:, 300:], first[250:, 300:]), "what the boxes leave out is never read"


def test_far_apart_boxes_draw_nothing_between_them(tmp_path):
    first, second = _two_corners(0), _two_corners(5)
    with open_writer(tmp_path / "c.gif") as w:
        w.add(first, 100)
        w.add(second, 100, (0, 0, 400, 300), boxes=[(0, 0, 60, 40), (320, 250, 400, 300)])
    info = parse_gif((tmp_path / "c.gif").read_bytes())
    delta = info["frames"][1]
    left, top, width, height = delta["rect"]
    indices = delta["indices"]
    inside = np.zeros((300, 400), bool)
    inside[0:40, 0:60] = inside[250:300, 320:400] = True
    outside = ~inside[top : top + height, left : left + width]
    assert outside.any() and (indices[outside] == delta["transparent"]).all()
    assert [same(a, b) for a, b in zip(compose(info), (first, second))] == [True, True]


def test_rendered_frames_with_boxes_decode_as_without_them(tmp_path):
    """A 2-D figure's frames, written with their boxes, decode to exactly the
    pictures written with no boxes at all (every pixel compared); and two
    runs write the same bytes."""
    import convanim
    from convanim.render import RenderOptions

    subject = convanim.conv(size=(5, 5), kernel_size=3, padding=1)
    drawn = list(convanim.frames(subject, RenderOptions(width=640)))
    assert any(frame.boxes and len(frame.boxes) > 1 for frame in drawn)
    with_boxes = write_frames(tmp_path / "boxes.gif", drawn)
    again = write_frames(tmp_path / "again.gif", drawn)
    without = write_frames(tmp_path / "plain.gif", [(frame.pixels, frame.duration_ms) for frame in drawn])
    assert with_boxes.read_bytes() == again.read_bytes()
    got, want = decode(with_boxes), decode(without)
    assert len(got) == len(want) == len(drawn)
    assert all(same(a, b) for a, b in zip(got, want))


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_pillow_codes_closed_form_equals_the_search(bits):
    """Where the end code falls gives the same codes and end width as reading
    the stream table by table, on short and long (several tables) inputs."""
    from convanim.writers import lzw

    rng = np.random.default_rng(bits)
    code_size = max(2, bits)
    for length in [1, 2, 3, 17, 255, 4093, 4094, 4095, 4096, 9000, 30000]:
        for colours in {1, 2, 1 << bits}:
            flat = rng.integers(0, colours, length).astype(np.uint8)
            data = lzw._unblock(lzw._pillow(flat, code_size))
            found = lzw._closed_form(int.from_bytes(data, "little"), code_size)
            assert found is not None, (length, colours)
            assert found == lzw._searched(lzw._bits_of(data), code_size), (length, colours)


@pytest.mark.parametrize("bits,other", [(1, 8), (8, 1), (4, 6), (5, 5), (2, 3)])
def test_resized_predicts_pillows_length_for_another_table_size(bits, other):
    """Within one table (the delta rectangles it is asked about) the codes
    are the same for either table size; only their widths differ."""
    from convanim.writers import lzw

    rng = np.random.default_rng(bits * 10 + other)
    for length in [10, 300, 1500, 3000]:
        flat = rng.integers(0, 1 << min(bits, other), length).astype(np.uint8)
        ours = len(lzw._unblock(lzw._pillow(flat, max(2, bits))))
        theirs = len(lzw._unblock(lzw._pillow(flat, max(2, other))))
        assert abs(lzw.resized(ours, bits, other) - theirs) <= 2, length
    assert lzw.resized(1234, bits, bits) == 1234


def test_image_data_codes_a_small_rectangle_whole(monkeypatch):
    """Below SPLIT_ABOVE pixels the positions are ignored: one table, Pillow's bytes."""
    from convanim.writers import lzw

    monkeypatch.setattr(lzw, "MIN_RUN", 64)
    image = np.zeros((100, 100), np.uint8)
    image[:5, :5] = image[-5:, -5:] = 3
    where = np.flatnonzero(image)
    whole = lzw.image_data(image, 2)
    assert lzw.image_data(image, 2, where, 0) == whole
    assert lzw.image_data(image, 2, where, 0, min_run=64) != whole, "asked to, it splits any rectangle"
    monkeypatch.setattr(lzw, "SPLIT_ABOVE", 0)
    assert lzw.image_data(image, 2, where, 0) != whole


@pytest.mark.parametrize(
    "codes,count,why",
    [
        ([4, 1], 2, "no end code"),  # the padding reads as a 0, then the data ends
        ([4, 1, 2, 5, 3], 3, "data after the end code"),
        ([4, 1, 7, 5], 3, "next free entry"),
        ([4, 1, 2, 1], 2, "more pixels"),
        ([4, 1, 2, 5], 3, "2 pixels for 3"),
    ],
)
def test_the_test_decoder_is_strict(codes, count, why):
    """The decoder the tests read GIFs with rejects malformed LZW data."""
    from convanim.writers import lzw

    widths = [3] * len(codes)
    data = np.packbits(lzw._bits(codes, widths), bitorder="little").tobytes()
    if why == "data after the end code":
        data += b"\x01"
    with pytest.raises(AssertionError, match=why):
        lzw_decode(data, 2, count)
