"""The ``.gif`` writer: ``GifEncoder`` (gifencoder.py) behind the ``Writer``
protocol, and how a file is coded: here, with its encoder in a second
process (large frames), or, for a long figure, in two segments, the second
drawn and coded by a second process (gifworker.py).

Only numpy and Pillow are imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

from typing import BinaryIO

from ..errors import WriterError
from . import Frame, Writer, gifworker, lzw
from .gifencoder import GifEncoder

# A figure of at least this many frames, and this many pixels in all its
# frames (about a second's work), is coded in two segments (see GifWriter._start).
SEGMENT_FRAMES = 32
SEGMENT_WORK = 1 << 27
# Where the second segment starts, as a share of the frames: a little before
# the middle, as a figure's early frames cost more to code (the window is
# higher, further from the sums under the grids, so a frame's rectangle is
# taller). Measured on the 1,024-step case: at the middle the first process
# finished last, by about a tenth; at 46% the second did.
SECOND_SEGMENT_AT = 0.48


class GifWriter(Writer):
    """The ``.gif`` writer: ``GifEncoder`` behind the ``Writer`` protocol.

    Options: ``max_colors`` (2 to 256, transparent index included; default
    32, plenty for flat fills and the shades of anti-aliased text, and
    smaller than 64 by a tenth), ``loop`` (0 = forever, else the number of repeats) and ``matte``,
    the RGB colour that pixels with alpha < 255 are composited over; without
    one, RGBA frames keep a transparent background (pixels with no ink at all
    are transparent, the rest keep their colour).
    """

    max_size = 0xFFFF

    def __init__(
        self,
        path,
        size=None,
        *,
        max_colors: int = 32,
        loop: int = 0,
        matte: tuple[int, int, int] | None = None,
    ):
        super().__init__(path, size)
        if isinstance(max_colors, bool) or not isinstance(max_colors, int) or not 2 <= max_colors <= 256:
            raise WriterError("max_colors", f"must be a whole number from 2 to 256; got {max_colors!r}")
        if isinstance(loop, bool) or not isinstance(loop, int) or not 0 <= loop <= 0xFFFF:
            raise WriterError("loop", f"must be 0 (forever) or a repeat count up to 65535; got {loop!r}")
        try:
            matte = None if matte is None else tuple(int(c) for c in matte)
        except (TypeError, ValueError):
            matte = ()
        if matte is not None and (len(matte) != 3 or not all(0 <= c <= 255 for c in matte)):
            raise WriterError("matte", f"must be an (r, g, b) colour of 0-255 levels; got {matte!r}")
        self.max_colors, self.loop, self.matte = max_colors, loop, matte
        self._file: BinaryIO | None = None
        self._temp = None  # the file being written
        self._encoder: GifEncoder | None = None
        self._process = None  # the encoder in a second process, for large frames
        self._frames_written = 0  # what that process reported
        self._source = None  # the FrameSource shared with this writer, if any
        self._second = None  # where the second segment starts, for a long figure
        self._tail = None  # the process drawing and coding that segment
        self._frames_in = 0

    @property
    def frames_written(self) -> int:
        """Frames in the file (repeats merged, too-short frames dropped); with
        the encoder in a second process, known once the file is finished."""
        return self._frames_written + (0 if self._encoder is None else self._encoder.frames_written)

    def share(self, source):
        """``source``'s frames to add here: all of them, or, for a long
        figure that another process draws the second half of, the first half."""
        self._source = source
        frames = iter(source)
        for index, frame in enumerate(frames):
            yield frame
            if self._tail is not None:
                source.done_elsewhere(self._tail.done())
                if index + 1 == self._second:
                    source.done_here(index + 1)  # (the source counts a frame as the next is asked for)
                    frames.close()
                    return

    def _begin(self, temp_path) -> None:
        self._temp = temp_path  # the file is opened with the first frame, which says how to code it

    def _add(self, frame: Frame) -> None:
        if not self._frames_in:
            self._start(frame)
        self._frames_in += 1
        if self._process is not None:
            self._process.add(frame.pixels, frame.duration_ms, frame.changed, frame.boxes)
            return
        if self._frames_in - 1 == self._second:  # (here only when coding both segments here)
            self._encoder.close(trailer=False)
            self._encoder.next_segment()
        self._encoder.add(frame.pixels, frame.duration_ms, frame.changed, frame.boxes)
        # The two segments never wait on each other, so the second process
        # is worth its start whatever the load: on a busy machine the two
        # share the cores as any two processes do (the last minute's load
        # also counts this command's own last run, if it came just before).
        # Measured on the 1,024-step case beside two busy processes: 11-12 s
        # forked, 15-16 s in one process.
        if self._frames_in == 1 and self._second is not None and gifworker.may_fork():
            try:
                self._tail = gifworker.TailProcess(
                    self._source, self._second, self.checked, self._temp.parent, self.size, **self._options()
                )
            except OSError:  # no process to be had (a limit, no memory): both segments here, the same file
                self._tail = None

    def _start(self, first: Frame) -> None:
        """Choose how the file is coded: in two segments (a long figure
        whose frames can be drawn from any index), the second in a process
        of its own where there are two cores; else in one, by a second
        process (large frames, a core free) or here. Whether there are two segments never
        depends on the machine: the file is the same either way."""
        count = len(self._source) if self._source is not None else 0
        transparent = first.pixels.shape[2] == 4 and self.matte is None  # (coded in one segment: see GifEncoder)
        if count >= SEGMENT_FRAMES and count * self.size[0] * self.size[1] >= SEGMENT_WORK and not transparent:
            self._second = round(count * SECOND_SEGMENT_AT)
        elif gifworker.can_fork(self.size):
            try:
                self._process = gifworker.EncoderProcess(self._temp, self.size, **self._options())
                return
            except OSError:  # no process to be had: encoded here, the same file
                pass
        self._file = open(self._temp, "wb")
        self._encoder = GifEncoder(self._file, self.size, **self._options())

    def _options(self) -> dict:
        # A long figure is a wait: there, LZW skips long runs of unchanged
        # pixels (a sixth less of its CPU a frame, 2.5% more bytes on the
        # 1,024-step case); a short one keeps its smaller bytes.
        quick = lzw.QUICK_RUN if self._second is not None else None
        return {"max_colors": self.max_colors, "loop": self.loop, "matte": self.matte, "min_run": quick}

    def _finish(self) -> None:
        if self._process is not None:
            self._frames_written = self._process.close()
            return
        try:
            if self._tail is not None:
                self._encoder.close(trailer=False)
                self._frames_written = self._tail.join(self._file, self._source.done_elsewhere)
                self._tail = None
            else:
                self._encoder.close()
        finally:
            self._file.close()

    def _abort(self) -> None:
        if self._tail is not None:
            self._tail.abort()
        if self._process is not None:
            self._process.abort()
        if self._file is not None:
            self._file.close()
