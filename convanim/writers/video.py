"""MP4 (H.264) and WebM (VP9) through the ffmpeg that the imageio-ffmpeg wheel carries.

Each picture is sent to ffmpeg once, with its start and duration
(``matroska``), coded once and held in the file as long as it lasts
(variable frame rate): a video costs what its pictures change, not 30
frames a second of holds. Picture ends are rounded to whole frames of the
``fps`` clock, so the total time is right, rounding never adds up, and a
player that shows the video at that rate shows each picture for the frames
it had when holds were sent frame by frame. The stream is piped to ffmpeg
one picture at a time; nothing but the current picture is held here.

Files are the same bytes for the same frames: one encoder thread, no
metadata, ffmpeg's bit-exact flags (no version strings or random ids).
H.264 is yuv420p, the one PowerPoint, Keynote and every browser play; its
width and height must be even, so an odd edge is padded by repeating the
last row or column, never scaled. No B-frames: every frame's time is its
decoding time, so the last frame is followed directly by the first when a
player loops.
"""

from __future__ import annotations

import subprocess
import tempfile

import numpy as np

from ..errors import WriterError
from . import matroska
from .base import OUTPUT, Writer
from .source import Frame

DEFAULT_FPS = 30


class VideoWriter(Writer):
    """Base of the two video writers; subclasses give ffmpeg's codec arguments.

    Options: ``fps`` (the clock pictures start and end on, in frames per
    second, 10 to 60; default 30)
    and ``matte``, the RGB colour that pixels with alpha < 255 are composited
    over (video has no transparency).
    """

    container = ""
    codec_args: tuple[str, ...] = ()

    def __init__(self, path, size=None, *, fps: int = DEFAULT_FPS, matte: tuple[int, int, int] = (255, 255, 255)):
        super().__init__(path, size)
        if isinstance(fps, bool) or not isinstance(fps, int) or not 10 <= fps <= 60:
            raise WriterError("fps", f"must be a whole number of frames per second from 10 to 60; got {fps!r}")
        try:
            matte = tuple(int(c) for c in matte)
        except (TypeError, ValueError):
            matte = ()
        if len(matte) != 3 or not all(0 <= c <= 255 for c in matte):
            raise WriterError("matte", f"must be an (r, g, b) colour of 0-255 levels; got {matte!r}")
        self.fps, self.matte = fps, np.array(matte, np.uint16)
        self._process: subprocess.Popen | None = None
        self._log = None
        self._time_ms = 0.0  # end of the last picture, in the caller's clock
        self.frames_sent = 0  # frames of the fps clock so far
        self.pictures_sent = 0  # pictures coded
        self._last: Frame | None = None

    @property
    def picture_size(self) -> tuple[int, int]:
        """(width, height) of the video: the frames', made even."""
        width, height = self.size
        return width + width % 2, height + height % 2

    def _begin(self, temp_path) -> None:
        from imageio_ffmpeg import get_ffmpeg_exe

        width, height = self.size
        width, height = width + width % 2, height + height % 2
        command = [
            get_ffmpeg_exe(), "-nostdin", "-y", "-loglevel", "error", "-f", "matroska", "-i", "-",
            # Each picture once, at its own time: no frames repeated to a fixed rate.
            "-fps_mode", "passthrough",
            "-an", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-threads", "1",
            # RGB to yuv420p with the BT.709 matrix, and the file says so, so
            # that players do not shift the colours.
            "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
            "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv",
            *self.codec_args,
            "-f", self.container, str(temp_path),
        ]  # fmt: skip
        # ffmpeg's messages go to a file: a pipe nobody reads could fill and stall it.
        self._log = tempfile.TemporaryFile()
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log)
        self._write(matroska.header(width, height))

    def _add(self, frame: Frame) -> None:
        self._time_ms += frame.duration_ms
        count = round(self._time_ms * self.fps / 1000) - self.frames_sent
        self._last = frame
        if count <= 0:
            return  # shorter than a video frame: the next picture takes its time
        self._send(frame, count)

    def _send(self, frame: Frame, count: int) -> None:
        pixels = frame.pixels
        if pixels.shape[2] == 4:
            alpha = pixels[..., 3:].astype(np.uint16)
            pixels = ((pixels[..., :3] * alpha + self.matte * (255 - alpha) + 127) // 255).astype(np.uint8)
        if pixels.shape[1] % 2 or pixels.shape[0] % 2:
            # Repeat the last row or column rather than let ffmpeg pad black.
            pixels = np.pad(pixels, ((0, pixels.shape[0] % 2), (0, pixels.shape[1] % 2), (0, 0)), mode="edge")
        pixels = np.ascontiguousarray(pixels)
        start_ms = round(self.frames_sent * 1000 / self.fps)
        self.frames_sent += count
        before, after = matroska.picture(start_ms, round(self.frames_sent * 1000 / self.fps) - start_ms, pixels.nbytes)
        self._write(before)
        self._write(memoryview(pixels).cast("B"))  # the pixels as they are: no copy into the stream
        self._write(after)
        self.pictures_sent += 1

    def _write(self, data) -> None:
        try:
            self._process.stdin.write(data)
        except BrokenPipeError:
            raise WriterError(OUTPUT, f"ffmpeg stopped: {self._ffmpeg_said()}") from None

    def _finish(self) -> None:
        if self.frames_sent == 0:  # all of it shorter than one video frame
            self._send(self._last, 1)
        self._process.stdin.close()
        if self._process.wait() != 0:
            raise WriterError(OUTPUT, f"ffmpeg could not write {str(self.path)!r}: {self._ffmpeg_said()}")
        self._log.close()

    def _abort(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._process is not None and self._process.stdin is not None:
            try:  # its pipe too, or an interrupted render leaks it
                self._process.stdin.close()
            except OSError:  # what was buffered has nowhere to go: ffmpeg is gone
                pass
        if self._log is not None:
            self._log.close()

    def _ffmpeg_said(self) -> str:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {self._process.returncode}"


class Mp4Writer(VideoWriter):
    """``.mp4``: H.264 (high profile, yuv420p), what slides and every browser play."""

    container = "mp4"
    # "fast" with a lookahead of 10 pictures: within 3% of "medium"'s bytes
    # on these flat pictures, in about half its time, and fewer pictures held
    # in ffmpeg. "animation" keeps several earlier pictures to predict from:
    # a figure comes back to what it showed (without it, twice the bytes).
    codec_args = (
        "-c:v", "libx264", "-preset", "fast", "-tune", "animation", "-crf", "18", "-profile:v", "high",
        "-x264-params", "bframes=0:threads=1:rc-lookahead=10", "-g", "60", "-movflags", "+faststart",
    )  # fmt: skip


class WebmWriter(VideoWriter):
    """``.webm``: VP9 for the web, constant quality."""

    container = "webm"
    codec_args = (
        "-c:v", "libvpx-vp9", "-crf", "24", "-b:v", "0", "-deadline", "realtime", "-cpu-used", "8",
        "-row-mt", "0", "-tile-columns", "0", "-frame-parallel", "0", "-auto-alt-ref", "0", "-g", "60",
    )  # fmt: skip
