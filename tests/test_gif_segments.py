"""A long figure's GIF is coded in two segments, the second drawn and coded
by a second process where a core is free; the file is the same either way,
and shows what one segment would."""

from __future__ import annotations

import io
import os
import signal
import sys

import numpy as np
import pytest
from PIL import Image

import convanim
from convanim.errors import SpecError, WriterError
from convanim.render import RenderOptions, _counted_frames, write_figure
from convanim.render.renderer import FrameRenderer
from convanim.writers import gif, gifworker, lzw

from test_gif_fidelity import encode_here, mapped

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a second process is forked on Linux only")

SUBJECT = dict(size=(6, 6), kernel_size=3, padding=1)  # 36 steps: 37 frames
OPTIONS = RenderOptions(width=480)


@pytest.fixture
def segments(monkeypatch, forked_children):
    """This small figure counts as long, its runs of unchanged pixels short
    enough to be coded outside Pillow as a long figure's are; the ids of
    the children forked."""
    monkeypatch.setattr(gif, "SEGMENT_WORK", 1)
    monkeypatch.setattr(lzw, "QUICK_RUN", 1 << 10)
    return forked_children


def spare(monkeypatch, free: bool) -> None:
    monkeypatch.setattr(gifworker, "spare_core", lambda: free)


def written(tmp_path, name: str, **request) -> bytes:
    path = write_figure(convanim.conv(**SUBJECT), tmp_path / name, OPTIONS, **request).path
    return path.read_bytes()


def decoded(data: bytes) -> tuple[list[np.ndarray], list[int]]:
    with Image.open(io.BytesIO(data)) as im:
        pictures, durations = [], []
        for index in range(im.n_frames):
            im.seek(index)
            pictures.append(np.asarray(im.convert("RGB")))
            durations.append(im.info["duration"])
    return pictures, durations


def test_the_second_half_is_coded_by_a_second_process_into_the_same_file(segments, tmp_path, monkeypatch):
    spare(monkeypatch, True)
    forked = written(tmp_path, "forked.gif")
    assert len(segments) == 1, "the second segment is drawn and coded in a second process"
    spare(monkeypatch, False)
    busy = written(tmp_path, "busy.gif")
    assert len(segments) == 2, "two halves never wait on each other: forked on a busy machine too"
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    here = written(tmp_path, "here.gif")
    assert len(segments) == 2, "one core: both segments are coded here"
    assert busy == forked
    assert forked == here
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy.gif", "forked.gif", "here.gif"]  # no part left behind


def test_a_long_figure_codes_its_long_runs_outside_pillow_a_short_one_does_not(segments, tmp_path, monkeypatch):
    """Both segments of a long figure code their runs of unchanged pixels
    from QUICK_RUN on in closed form; the same figure, short, codes none."""
    spare(monkeypatch, False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})  # (both segments here, where they can be counted)
    runs = []
    real = lzw._run
    monkeypatch.setattr(lzw, "_run", lambda *args: runs.append(args) or real(*args))
    long = written(tmp_path, "long.gif")
    assert len(runs) > 36, "runs coded in closed form in most frames"
    runs.clear()
    monkeypatch.setattr(gif, "SEGMENT_WORK", 1 << 40)
    short = written(tmp_path, "short.gif")
    assert not runs and short != long
    assert decoded(long)[1] == decoded(short)[1] and len(decoded(long)[0]) == 37


def test_each_frame_decodes_to_the_drawn_frame_in_its_segments_colours(segments, tmp_path, monkeypatch):
    """Frame k shows the pixels drawn new in it, each colour as the palette
    of its segment draws it, and the rest as frame k - 1 showed them; the
    file the command writes (second half in a second process) is this one."""
    frames = list(convanim.frames(convanim.conv(**SUBJECT), OPTIONS))
    second = round(len(frames) * gif.SECOND_SEGMENT_AT)
    data, _, mappings = encode_here(frames, monkeypatch, second)
    del mappings[second]  # (the second segment's palette fitted on the picture it starts over, before its first frame)
    spare(monkeypatch, True)
    assert written(tmp_path, "two.gif") == data
    assert len(segments) == 1

    shown, durations = decoded(data)
    assert len(shown) == len(frames) == len(mappings) == 37  # (no two pictures alike here)
    assert durations == [round(f.duration_ms) for f in frames]
    expected = None
    for index, (got, frame, mapping) in enumerate(zip(shown, frames, mappings)):
        if expected is None:
            expected = mapped(frame.pixels, *mapping)
        else:
            new = (frame.pixels != frames[index - 1].pixels).any(axis=2)
            expected[new] = mapped(frame.pixels[new][None], *mapping)[0]  # (a palette knows the colours drawn with it)
        assert np.array_equal(got, expected), f"frame {index}: {(got != expected).any(axis=2).sum()} pixels differ"
    assert not all(np.array_equal(a, b) for a, b in zip(mappings[second:], mappings[1:]))  # (its own palette)


def test_progress_counts_both_halves(segments, tmp_path, monkeypatch):
    spare(monkeypatch, True)
    seen = []
    write_figure(convanim.conv(**SUBJECT), tmp_path / "p.gif", OPTIONS, progress=lambda done, total: seen.append((done, total)))
    assert len(segments) == 1
    assert {total for _, total in seen} == {37}
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == 37
    assert max(d for d in done[:18]) < 37  # (counted as they come, not all at the end)


def test_a_refusal_in_the_second_process_is_raised_here_as_itself(segments, tmp_path, monkeypatch):
    spare(monkeypatch, True)
    parent = os.getpid()
    real_caption = FrameRenderer.caption

    def caption(self, shot):
        if os.getpid() != parent and shot.phase != "done" and shot.steps[0] == 30:
            raise SpecError("input", "an error the second half meets")
        return real_caption(self, shot)

    monkeypatch.setattr(FrameRenderer, "caption", caption)
    with pytest.raises(SpecError, match="input: an error the second half meets"):
        written(tmp_path, "bad.gif")
    assert len(segments) == 1
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_in_the_first_half_stops_the_second_process_and_leaves_no_file(segments, tmp_path, monkeypatch):
    spare(monkeypatch, True)
    parent = os.getpid()
    real_caption = FrameRenderer.caption

    def caption(self, shot):
        if os.getpid() == parent and shot.phase != "done" and shot.steps[0] == 10:
            raise KeyboardInterrupt
        return real_caption(self, shot)

    monkeypatch.setattr(FrameRenderer, "caption", caption)
    with pytest.raises(KeyboardInterrupt):
        written(tmp_path, "stopped.gif")
    assert len(segments) == 1
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ChildProcessError):
        os.waitpid(segments[0], os.WNOHANG)  # the second process is gone, and reaped


def test_the_finished_figure_still_is_drawn_here_when_the_end_was_drawn_there(segments, tmp_path, monkeypatch):
    spare(monkeypatch, True)
    write_figure(convanim.conv(**SUBJECT), tmp_path / "f.gif", OPTIONS, still=tmp_path / "still.png")
    assert len(segments) == 1
    drawn = list(convanim.frames(convanim.conv(**SUBJECT), OPTIONS))[-1].pixels
    with Image.open(tmp_path / "still.png") as still:
        assert np.array_equal(np.asarray(still.convert("RGB")), np.asarray(drawn)[..., :3])


def test_a_transparent_background_is_coded_in_one_segment(segments, tmp_path, monkeypatch):
    spare(monkeypatch, True)
    options = RenderOptions(width=480, theme="transparent")
    data = write_figure(convanim.conv(**SUBJECT), tmp_path / "t.gif", options).path.read_bytes()
    assert segments == []
    monkeypatch.setattr(gif, "SEGMENT_WORK", 1 << 60)
    assert write_figure(convanim.conv(**SUBJECT), tmp_path / "one.gif", options).path.read_bytes() == data


def test_a_repeated_picture_where_the_second_segment_starts(segments, tmp_path, monkeypatch):
    """A glide held longer than a frame repeats pictures: one may be the
    first of the second segment, which then starts by changing nothing."""
    spare(monkeypatch, True)
    subject = convanim.conv(size=(4, 5), kernel_size=2)
    options = RenderOptions(width=480, glide=True, fps=50, hold=5)
    frames = list(convanim.frames(subject, options))
    second = round(len(frames) * gif.SECOND_SEGMENT_AT)
    monkeypatch.setattr(gif, "SECOND_SEGMENT_AT", next(
        k / len(frames) for k in range(second, len(frames)) if np.array_equal(frames[k].pixels, frames[k - 1].pixels)
        and round(len(frames) * (k / len(frames))) == k
    ))
    forked = write_figure(subject, tmp_path / "f.gif", options).path.read_bytes()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    here = write_figure(subject, tmp_path / "h.gif", options).path.read_bytes()
    assert forked == here and len(segments) == 1
    _, durations = decoded(here)
    assert sum(durations) == pytest.approx(sum(f.duration_ms for f in frames), abs=10 * len(durations))


def test_a_second_process_killed_is_one_writer_error_and_no_file(segments, tmp_path, monkeypatch):
    spare(monkeypatch, True)
    parent = os.getpid()
    real_caption = FrameRenderer.caption

    def caption(self, shot):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_caption(self, shot)

    monkeypatch.setattr(FrameRenderer, "caption", caption)
    with pytest.raises(WriterError, match="second process was stopped by SIGKILL") as raised:
        written(tmp_path, "killed.gif")
    assert raised.value.option == "output"
    assert list(tmp_path.iterdir()) == []


def test_no_process_to_be_had_codes_both_segments_here(segments, tmp_path, monkeypatch):
    spare(monkeypatch, True)
    here = written(tmp_path, "forked.gif")
    open_before = len(os.listdir("/proc/self/fd"))

    def no_fork():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert written(tmp_path, "here.gif") == here
    assert len(os.listdir("/proc/self/fd")) == open_before  # (nothing left open)


def test_frames_is_an_iterator_and_a_source_counts_afresh(tmp_path):
    subject = convanim.conv(size=(3, 3), kernel_size=2)
    assert next(convanim.frames(subject, OPTIONS)).pixels.shape[2] in (3, 4)
    seen = []
    _, source = _counted_frames(subject, OPTIONS, progress=lambda done, total: seen.append(done))
    list(source), list(source)
    assert seen == [1, 2, 3, 4, 5] * 2


def test_flat_colours_stay_exact_in_the_second_segment(segments, tmp_path, monkeypatch):
    """A flat fill the second segment meets only after its first frame (the
    padding ring, drawn again in a late step) is drawn in its own colour,
    not the nearest entry of a palette fitted on a few changed pixels."""
    spare(monkeypatch, True)
    subject, options = convanim.conv(size=(16, 16), kernel_size=3, padding=1), RenderOptions()  # (the padding ring went grey here)
    frames = [np.asarray(f.pixels)[..., :3] for f in convanim.frames(subject, options)]
    shown, _ = decoded(write_figure(subject, tmp_path / "flat.gif", options).path.read_bytes())
    assert len(segments) == 1
    colours, counts = np.unique(frames[0].reshape(-1, 3), axis=0, return_counts=True)
    flat = colours[counts >= 0.005 * counts.sum()]  # the figure's fills, its text's ink, its background
    assert len(flat) >= 4
    for index, (got, want) in enumerate(zip(shown, frames)):
        for colour in flat:
            at = (want == colour).all(axis=2)
            assert (got[at] == colour).all(), f"frame {index}: {colour} drawn as {np.unique(got[at], axis=0)[:3]}"
