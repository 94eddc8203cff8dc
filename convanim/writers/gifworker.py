"""A ``GifEncoder`` in a second process, so a large figure is drawn on one
core while its GIF is encoded on another.

Pillow's LZW coder holds the interpreter lock while it codes, and a large
frame's rectangle (a window at the top, a sum line at the bottom and the
lines between them) is most of a million pixels, so a thread would not
overlap it with drawing; a forked process does. The child runs the very
``GifEncoder`` the writer would run here, on the same pictures, so the file
is the same byte for byte. It gets each frame as the pixels of its changed
boxes that differ from the frame before (worked out here, as the encoder
would), through a pipe whose size bounds how far drawing runs ahead.

Only where ``fork`` is the platform's way (Linux), from a process's only
thread, not inside a worker of a process pool, and while the machine has a
core to spare; elsewhere the encoder runs in the writer's own process.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import traceback

import numpy as np

from .boxes import changed_pixels, pixels_at, put_pixels
from .gif import GifEncoder

# Frames of fewer pixels than this are encoded in the writer's process: a
# small figure is done before a second process would pay for its start.
PROCESS_ABOVE = 1 << 20
_PIPE_BYTES = 1 << 20  # how far drawing may run ahead of encoding (Linux caps it without privileges)


def can_fork(size: tuple[int, int]) -> bool:
    """Whether frames of ``size`` are worth encoding in a forked child here."""
    if size[0] * size[1] < PROCESS_ABOVE or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if not spare_core():
        return False  # measured: with no core free the two processes only wait on each other
    if threading.active_count() != 1:
        return False  # forking a process that holds threads may deadlock the child
    multiprocessing = sys.modules.get("multiprocessing")
    # A pool's worker shares its cores with its siblings already.
    return multiprocessing is None or multiprocessing.parent_process() is None


def spare_core() -> bool:
    """Whether a core is free for the child: two or more for this process,
    and the last minute's load leaves one (this process counts about one)."""
    try:
        cores = len(os.sched_getaffinity(0))
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    return cores >= 2 and load < cores - 0.5


class EncoderProcess:
    """``GifEncoder``'s ``add``/``close`` for a file written by a forked child.

    ``add`` sends the pixels inside the changed boxes and returns as soon as
    the pipe takes them; ``close`` waits for the child and returns how many
    frames it wrote. An OSError in the child (a full disk) is raised here
    as the same OSError; ``abort`` stops the child at once.
    """

    def __init__(self, path, size: tuple[int, int], **options):
        self.size = size
        self._pixels: np.ndarray | None = None  # the last frame sent
        frames_read, frames_write = os.pipe()
        result_read, result_write = os.pipe()
        try:
            import fcntl

            fcntl.fcntl(frames_write, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        except (ImportError, AttributeError, OSError):
            pass  # a smaller pipe only runs ahead less
        self._pid = os.fork()
        if self._pid == 0:  # the child never returns from here
            os.close(frames_write)
            os.close(result_read)
            _serve(frames_read, result_write, path, size, options)
        os.close(frames_read)
        os.close(result_write)
        self._outbox = os.fdopen(frames_write, "wb")
        self._result = result_read

    def add(self, pixels: np.ndarray, duration_ms: float, changed, boxes) -> None:
        if boxes is None and changed is not None:
            boxes = [changed]
        if boxes is None or self._pixels is None or self._pixels.shape != pixels.shape:
            self._pixels = pixels.copy()
            item = (duration_ms, None, self._pixels)
        else:
            # Only the pixels that changed go through the pipe (a few
            # thousand, where the boxes hold hundreds of thousands).
            where = changed_pixels(pixels, self._pixels, boxes)
            now = pixels_at(pixels, where)
            put_pixels(self._pixels, where, now)
            item = (duration_ms, where.astype(np.int32), now)
        try:
            pickle.dump(item, self._outbox, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            self._close_outbox()
            self._finish_child()  # the child stopped: raises its error
            raise

    def close(self) -> int:
        """Send the end, wait for the child; return the frames it wrote."""
        try:
            pickle.dump(None, self._outbox)
        except BrokenPipeError:
            pass  # the child's own report says why
        self._close_outbox()
        return self._finish_child()

    def _close_outbox(self) -> None:
        try:
            self._outbox.close()
        except BrokenPipeError:
            pass  # (what was left in its buffer had nowhere to go)
        self._outbox = None

    def abort(self) -> None:
        """Stop the child now (its half-written file is the caller's to remove)."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = 0
        if self._outbox is not None:
            self._close_outbox()
        if self._result is not None:
            os.close(self._result)
            self._result = None

    def _finish_child(self) -> int:
        with os.fdopen(self._result, "rb") as inbox:
            data = inbox.read()
        self._result = None
        os.waitpid(self._pid, 0)
        self._pid = 0
        report = pickle.loads(data) if data else ("error", "the GIF encoding process ended without a word")
        if report[0] == "done":
            return report[1]
        if report[0] == "oserror":
            raise OSError(report[1], report[2])
        raise RuntimeError(f"the GIF encoding process failed:\n{report[1]}")


def _serve(frames_fd: int, result_fd: int, path, size: tuple[int, int], options: dict) -> None:
    """The child: read frames until the end, encode them, report, exit."""
    # Ctrl-C reaches the whole process group: the parent decides, and kills
    # this process if it gives up. Nothing of the parent's may run here at
    # exit (its handlers, its writer's clean-up), hence os._exit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    status = 1
    try:
        with os.fdopen(frames_fd, "rb") as inbox, open(path, "wb") as fp:
            encoder = GifEncoder(fp, size, **options)
            while (item := pickle.load(inbox)) is not None:
                encoder.add_changes(*item)
            encoder.close()
        report, status = ("done", encoder.frames_written), 0
    except OSError as error:
        report = ("oserror", error.errno, error.strerror or str(error))
    except BaseException:  # a bug: its traceback goes to the parent
        report = ("error", traceback.format_exc())
    try:
        os.write(result_fd, pickle.dumps(report))
    finally:
        os._exit(status)
