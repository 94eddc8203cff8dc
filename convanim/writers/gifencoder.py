"""A streaming GIF89a encoder for frames of flat colour and anti-aliased text.

``GifEncoder`` takes RGB(A) arrays one at a time and writes GIF blocks to a
binary file object as soon as a frame's duration is known, so it holds at
most two frames: the one on screen (to find what changed) and the one
waiting for its duration. Pillow provides only the LZW coder; the container
is written here because the choices that make these files small are
container choices:

- a run of identical frames is one frame whose delay is their sum;
- a frame stores only the bounding box of the pixels that changed, drawn over
  the previous frame ("do not dispose"), with the unchanged pixels inside the
  box set to a transparent index so that they form long runs for LZW;
- each frame gets the smallest palette that holds its colours: exactly, when
  they fit, else the most frequent colours exactly (flat fills) and the rest
  (anti-aliasing ramps) clustered, once per figure (see palette.py). No
  dithering: dither noise on a flat fill costs bytes and makes a redrawn
  cell differ from its neighbours;
- when the caller says which box changed (``Frame.changed``), only that box
  is converted and compared;
- a transparent background (RGBA frames, no ``matte``) stays transparent.
  The transparent index then means two things: "unchanged" inside a delta
  frame, and "clear" in the first one. A pixel that turns from a colour back
  to clear cannot be drawn as clear over the previous frame, so the last
  two centiseconds of that frame go to a frame that draws nothing over a
  box holding every such pixel and is disposed of ("restore to
  background"); the new frame redraws what that box must keep. A frame's
  disposal is known only when the next one comes, so one encoded frame is
  held back until then.

Only numpy and Pillow are imported; the module knows nothing of convolutions.
"""

from __future__ import annotations

import math
from typing import BinaryIO

import numpy as np

from .boxes import LastFrame, union
from .gifblocks import CLEAR, DISPOSE_CLEAR, DISPOSE_NONE, FrameCoder, control, descriptor, empty, origin
from .palette import FigurePalette, frame_keys

# Browsers play a delay of 0 or 1 centisecond as about 10 cs, so a frame is
# never given less than this; shorter frames are dropped and their time goes
# to the next frame (see GifEncoder._flush).
MIN_DELAY_CS = 2
_MAX_DELAY_CS = 0xFFFF


def _round_cs(ms: float) -> int:
    """Milliseconds to whole centiseconds, halves rounded up (not to even)."""
    return math.floor(ms / 10 + 0.5)


def _keys(frame: np.ndarray, matte: tuple[int, int, int] | None) -> np.ndarray:
    """Colour keys of ``frame``. With a ``matte``, pixels not fully opaque are
    composited over it; without one, pixels with no ink at all are ``CLEAR``
    and the rest keep their own colour (GIF has no partial transparency)."""
    if matte is not None or frame.shape[2] == 3 or frame[..., 3].min() == 255:
        return frame_keys(frame, matte or (255, 255, 255))
    keys = frame_keys(frame[..., :3])
    keys[frame[..., 3] == 0] = CLEAR
    return keys


class GifEncoder:
    """Write an animated GIF to ``fp`` one frame at a time.

    ``add(frame, duration_ms)`` with (H, W, 3|4) uint8 frames of ``size``
    (width, height), then ``close()`` to write the last frame and the trailer
    (``close`` does not close ``fp``). Timing: frame end times are rounded to
    centiseconds and each delay is the difference, so rounding errors never
    add up; a frame that would get less than ``min_delay_cs`` is dropped and
    its time given to the next one (the last frame gets at least that).
    ``max_colors`` counts the transparent index, so a frame shows at most
    ``max_colors - 1`` colours. ``loop=0`` loops forever. ``min_run``: runs
    of unchanged pixels from this long are coded without Pillow, faster and
    a few percent larger (None: only in very large frames; lzw.image_data).

    Cost follows what changed: the pixels of the last frame added are kept
    and compared, inside the changed boxes, with the new frame's; only the
    pixels that differ get colour keys, and from then on a frame is a list
    of changed pixels (where, and their keys), never an array of the picture.
    """

    def __init__(
        self,
        fp: BinaryIO,
        size: tuple[int, int],
        *,
        max_colors: int = 32,
        loop: int = 0,
        matte: tuple[int, int, int] | None = None,
        min_delay_cs: int = MIN_DELAY_CS,
        min_run: int | None = None,
    ):
        self._fp = fp
        self.size = (int(size[0]), int(size[1]))
        self.max_colors = max_colors
        self.loop = loop
        self.matte = matte
        self.min_delay_cs = min_delay_cs
        self.min_run = min_run
        self._screen: np.ndarray | None = None  # keys on screen once the held frame is drawn
        self._last: np.ndarray | None = None  # keys of the last frame added (patched in place)
        self._seen = LastFrame()  # the last frame added
        self._pending = False  # whether _last awaits its delay
        # Where _last may differ from _screen: (flat positions, keys) for each
        # frame added since the last one written, in order; None: anywhere.
        self._changes: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._clear_seen = False  # whether any frame had fully transparent pixels
        self._keys_are_colours = True  # whether every frame came as colours (3 channels), each its own key
        self._coder = FrameCoder(FigurePalette(max_colors - 1), min_run)
        self._time_ms = 0.0  # end time of the pending frame, in the caller's clock
        self._written_cs = 0  # end time of the last frame written
        # The frame encoded last, held until the next one says how to dispose
        # of it: (box, what it draws, delay). What it draws is the first
        # frame's image data (bytes) or, for a later frame, a list of
        # (box, rows, columns, keys): the pixels it changes.
        self._held: tuple | None = None
        self.frames_written = 0
        self._closed = False

    def add(
        self,
        frame: np.ndarray,
        duration_ms: float,
        changed: tuple[int, int, int, int] | None = None,
        boxes=None,
    ) -> None:
        """Queue ``frame`` to be shown for ``duration_ms`` after the previous one.

        ``changed`` (left, top, right, bottom), when given, holds every pixel
        where ``frame`` differs from the previous frame; ``boxes``, a list of
        such boxes, holds them more closely. Only what they cover is read.
        """
        self._check_size(frame)
        if boxes is None and changed is not None:
            boxes = [changed]
        self.add_changes(duration_ms, *self._seen.changes(frame, boxes))

    def add_changes(self, duration_ms: float, where: np.ndarray | None, pixels: np.ndarray) -> None:
        """``add`` a frame given as what changed: the (N, 3|4) ``pixels`` at
        the sorted flat positions ``where`` (row-major) where it differs
        from the frame before (``LastFrame.changes``); with ``where`` None,
        ``pixels`` is the whole (H, W, 3|4) frame."""
        if pixels.shape[-1] == 4:
            self._clear_seen |= self.matte is None
            self._keys_are_colours = False  # (two colours may give one key)
        if where is None:
            keys = _keys(pixels, self.matte)
            same = self._last is not None and np.array_equal(keys, self._last)
        else:
            keys = _keys(pixels[None], self.matte)[0] if len(where) else np.zeros(0, np.uint32)
            # Pixels of three channels are their keys: every one given differs.
            same = not len(where) if self._keys_are_colours else np.array_equal(keys, np.take(self._last, where))
        if self._pending:
            if same:
                self._time_ms += duration_ms
                return
            self._flush(last=False)
        if not same:
            if where is None:
                self._last, self._changes = keys, None
            else:
                self._last.reshape(-1)[where] = keys
                if self._changes is not None:
                    self._changes.append((where, keys))
        self._pending = True
        self._time_ms += duration_ms

    def close(self, trailer: bool = True) -> None:
        """Write the pending frame and the trailer; ``fp`` stays open.
        Without the ``trailer``, the file goes on with another segment."""
        if self._closed:
            return
        if self._pending:
            self._flush(last=True)
        if self._held is not None:
            self._emit(self._held, self._held[0], DISPOSE_NONE)
            self._held = None
        if self.frames_written and trailer:
            self._fp.write(b";")
        self._closed = True

    # -- segments ------------------------------------------------------------
    # A long animation may be encoded as two segments, the second in another
    # process (see gifworker.TailProcess). So that the file is the same
    # whichever process codes it, a segment depends on the one before only
    # through the picture on screen when it starts: its clock starts at
    # nought, its palette is learnt afresh, and it draws with local colour
    # tables only (the global table is the first segment's first frame's).

    def next_segment(self) -> None:
        """After ``close(trailer=False)``: start the next segment, over the
        picture the last frame left on screen."""
        self._begin_segment()

    def resume(self, pixels: np.ndarray) -> None:
        """Start with a segment that follows one coded elsewhere, whose
        last picture was ``pixels``; the header is that segment's."""
        self._check_size(pixels)
        if pixels.shape[-1] == 4 and self.matte is None:
            raise ValueError("a GIF with a transparent background is coded in one segment")
        _, whole = self._seen.changes(pixels, None)
        self._last = _keys(whole, self.matte)
        self._screen = self._last.copy()
        self._begin_segment()

    def _check_size(self, frame: np.ndarray) -> None:
        if frame.shape[:2] != self.size[::-1]:
            raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, the GIF is {self.size[0]}x{self.size[1]}")

    def _begin_segment(self) -> None:
        self._coder = FrameCoder(FigurePalette(self.max_colors - 1), self.min_run)
        # The palette is fitted on the whole picture the segment starts over,
        # as the first segment's is on its first picture: fitted on a first
        # frame's few changed pixels (text's shades), it had no room left for
        # a flat fill met later, which took the nearest entry (padding grey).
        unique, counts = np.unique(self._screen, return_counts=True)
        self._coder.palette(unique, counts)
        self._changes, self._pending = [], False
        self._time_ms, self._written_cs = 0.0, 0
        self._closed = False

    # -- frames ------------------------------------------------------------

    def _flush(self, *, last: bool) -> None:
        delay = _round_cs(self._time_ms) - self._written_cs
        self._pending = False
        if delay < self.min_delay_cs:
            if not last:
                # Too short to be seen as timed; the next frame supersedes it
                # and, through the cumulative clock, inherits its time.
                return
            delay = self.min_delay_cs
        self._write_frame(self._last, delay)
        self._written_cs += delay

    def _write_frame(self, keys: np.ndarray, delay_cs: int) -> None:
        full = (0, 0, *self.size)
        if self._screen is None:  # the first frame
            self._held = (full, self._write_header(keys), delay_cs)
            self._screen, self._changes = keys.copy(), []
            return
        where, now = self._changed(keys)
        screen = self._screen.reshape(-1)
        if self._clear_seen:
            turning = where[(now == CLEAR) & (screen[where] != CLEAR)]
            if len(turning):
                rows, cols = np.divmod(turning, self.size[0])
                cleared = (int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)
                l, t, r, b = self._dispose(cleared)
                # The cleared box must be redrawn where the frame is not clear.
                inside = np.flatnonzero(keys[t:b, l:r] != CLEAR)
                rows, cols = np.divmod(inside, r - l)
                where = np.union1d(where, (rows + t) * self.size[0] + cols + l)
                now = keys.reshape(-1)[where]
                differ = now != screen[where]
                where, now = where[differ], now[differ]
        if self._held is not None:  # (not already written to dispose of it)
            self._emit(self._held, self._held[0], DISPOSE_NONE)
        screen[where] = now
        if len(where):
            rows, cols = np.divmod(where, self.size[0])
            tight = (int(cols.min()), int(rows[0]), int(cols.max()) + 1, int(rows[-1]) + 1)
            self._held = (tight, [(tight, rows, cols, now)], delay_cs)
        else:
            # Nothing changed on screen (a dropped frame came between): a 1x1
            # frame of the transparent index lets the time pass.
            self._held = ((0, 0, 1, 1), [], delay_cs)
        self._changes = []

    def _changed(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sorted flat positions where ``keys`` differ from the screen,
        and ``keys`` there."""
        screen = self._screen.reshape(-1)
        if self._changes is None:
            where = np.flatnonzero(keys != self._screen)
            return where, keys.reshape(-1)[where]
        if not self._changes:  # (a segment's first frame repeats the picture it starts over)
            return np.zeros(0, np.intp), np.zeros(0, keys.dtype)
        if len(self._changes) == 1:  # (its keys are those of ``keys`` there: no frame came after)
            where, now = self._changes[0]
            if self._keys_are_colours:  # (and they differ from the last frame added, which is on screen)
                return where, now
        else:  # frames dropped since the last one written: every pixel they changed
            where = np.unique(np.concatenate([w for w, _ in self._changes]))
            now = np.take(keys, where)
        differ = now != np.take(screen, where)
        return where[differ], now[differ]

    def _dispose(self, cleared: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """Write the held frame so that the ``cleared`` box becomes transparent
        after it; return the box the screen was cleared over."""
        held_box, parts, delay = self._held
        if delay >= 2 * self.min_delay_cs:
            # The held frame's last moments go to a frame that draws
            # nothing over the pixels turning clear and is disposed of:
            # only that box is cleared, and only it is redrawn next.
            self._emit((held_box, parts, delay - self.min_delay_cs), held_box, DISPOSE_NONE)
            self._write_empty(self.min_delay_cs, cleared, DISPOSE_CLEAR)
            box = cleared
        else:
            # Too short to share: the held frame itself is disposed of,
            # over a box that holds its own pixels and those turning clear.
            box = union(held_box, cleared)
            self._emit(self._held, box, DISPOSE_CLEAR)
        self._held = None
        self._screen[box[1] : box[3], box[0] : box[2]] = CLEAR
        return box

    def _emit(self, held: tuple, box: tuple[int, int, int, int], dispose: int) -> None:
        """Write a held frame over ``box``: its pixels that differ from the
        screen before it, the rest the transparent index."""
        _, drawn, total_cs = held
        delay_cs = min(total_cs, _MAX_DELAY_CS)
        if isinstance(drawn, bytes):
            # The first frame, whole, drawn with the global table (the header's).
            clear = self._first_clear
            data = control(delay_cs, clear, dispose) + descriptor(*origin(box), local_bits=None) + drawn
        elif not drawn:
            data = empty(delay_cs, box, dispose)
        else:
            data = self._coder.delta(drawn, box, delay_cs, dispose)
        self._fp.write(data)
        self.frames_written += 1
        total_cs -= _MAX_DELAY_CS
        while total_cs > 0:  # longer than 655.35 s: extend with empty frames
            self._write_empty(min(total_cs, _MAX_DELAY_CS))
            total_cs -= _MAX_DELAY_CS

    def _write_header(self, keys: np.ndarray) -> bytes:
        """Header and global colour table (the first frame's palette); return
        the first frame's image data, drawn with that table."""
        width, height = self.size
        table, data, self._first_clear = self._coder.first(keys)
        bits = self._coder.global_bits
        self._fp.write(
            b"GIF89a"
            + width.to_bytes(2, "little")
            + height.to_bytes(2, "little")
            + bytes([0x80 | 0x70 | (bits - 1), 0, 0])  # global table, 8-bit colour
            + table
            + b"!\xff\x0bNETSCAPE2.0\x03\x01"
            + self.loop.to_bytes(2, "little")
            + b"\0"
        )
        return data

    def _write_empty(self, delay_cs: int, box: tuple[int, int, int, int] = (0, 0, 1, 1), dispose: int = DISPOSE_NONE) -> None:
        """A frame of the transparent index over ``box`` (default 1x1): time
        passes, nothing changes; with ``DISPOSE_CLEAR``, ``box`` is cleared after."""
        self._fp.write(empty(delay_cs, box, dispose))
        self.frames_written += 1
