"""A ``GifEncoder`` in a second process, so a large figure is drawn on one
core while its GIF is encoded on another.

Pillow's LZW coder holds the interpreter lock while it codes, and a large
frame's rectangle (a window at the top, a sum line at the bottom and the
lines between them) is most of a million pixels, so a thread would not
overlap it with drawing; a forked process does. The child runs the very
``GifEncoder`` the writer would run here, on the same pictures, so the file
is the same byte for byte. It gets each frame as the pixels of its changed
boxes that differ from the frame before, worked out here (as the encoder
would: the same ``LastFrame``), so the comparison runs beside the drawing
and the child codes; a few slots of shared memory bound how far drawing
runs ahead.

Only where ``fork`` is the platform's way (Linux), from a process's only
thread, not inside a worker of a process pool, and while the machine has a
core to spare; elsewhere the encoder runs in the writer's own process.
"""

from __future__ import annotations

import mmap
import os
import pickle
import select
import shutil
import signal
import sys
import tempfile
import threading
import traceback

import numpy as np

from ..errors import ConvanimError, WriterError
from .boxes import LastFrame
from .gifencoder import GifEncoder

# Frames of fewer pixels than this are encoded in the writer's process: a
# small figure is done before a second process would pay for its start.
PROCESS_ABOVE = 1 << 20
_SLOTS = 3  # frames drawing may run ahead of encoding (each a picture-sized slot of shared memory)


def can_fork(size: tuple[int, int]) -> bool:
    """Whether frames of ``size`` are worth encoding in a forked child here,
    now: the child codes while this process draws, each waiting on the
    other, so only while the machine has a core to spare (measured: with
    none, the two processes only wait on each other)."""
    return size[0] * size[1] >= PROCESS_ABOVE and spare_core() and may_fork()


def may_fork() -> bool:
    """Whether a forked child may work beside this process here: Linux, two
    cores or more for this process, no other thread, not a pool's worker."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or cores() < 2:
        return False
    if threading.active_count() != 1:
        return False  # forking a process that holds threads may deadlock the child
    multiprocessing = sys.modules.get("multiprocessing")
    # A pool's worker shares its cores with its siblings already.
    return multiprocessing is None or multiprocessing.parent_process() is None


def cores() -> int:
    """How many cores this process may run on (0 where that is not known)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return 0


def spare_core() -> bool:
    """Whether a core is free for the child: two or more for this process,
    and the last minute's load leaves one (this process counts about one)."""
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    return cores() >= 2 and load < cores() - 0.5


class _Child:
    """What a parent holds of its forked child: its process id (``_pid``)
    and the pipe its one report comes on (``_result``)."""

    _pid = 0
    _result: int | None = None

    def _report(self) -> tuple:
        """Wait for the child's report and for its end."""
        with os.fdopen(self._result, "rb") as inbox:
            data = inbox.read()
        self._result = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if data:
            return pickle.loads(data)
        if os.WIFSIGNALED(status):  # killed before it could say (the out-of-memory killer, say)
            return ("signal", os.WTERMSIG(status))
        return ("error", "the GIF's second process ended without a word")

    def _kill(self) -> None:
        """Stop the child at once and reap it."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = 0
        if self._result is not None:
            os.close(self._result)
            self._result = None


class EncoderProcess(_Child):
    """``GifEncoder``'s ``add``/``close`` for a file written by a forked child.

    ``add`` works out the pixels that changed (the first stage of
    ``GifEncoder.add``), puts them in a buffer the two processes share,
    tells the child through a pipe and returns; ``close``
    waits for the child and returns how many frames it wrote. An OSError in
    the child (a full disk) is raised here as the same OSError; ``abort``
    stops the child at once.
    """

    def __init__(self, path, size: tuple[int, int], **options):
        self.size = size
        # A slot holds a whole frame (4 bytes a pixel at most) or changed
        # pixels (a position and 4 bytes at most each); pages never written
        # cost nothing.
        self._slot_bytes = -(-size[0] * size[1] * (np.dtype(np.intp).itemsize + 4) // 64) * 64
        self._shared = mmap.mmap(-1, _SLOTS * self._slot_bytes)  # shared with the child after the fork
        self._seen = LastFrame()  # the last frame added: its changes are worked out here
        self._next, self._free_slots = 0, _SLOTS
        frames_read, frames_write = os.pipe()
        result_read, result_write = os.pipe()
        freed_read, freed_write = os.pipe()
        try:
            self._pid = _fork()
        except OSError:
            for fd in (frames_read, frames_write, result_read, result_write, freed_read, freed_write):
                os.close(fd)
            self._shared.close()
            raise
        if self._pid == 0:  # the child never returns from here
            os.close(frames_write)
            os.close(result_read)
            os.close(freed_read)
            _serve(frames_read, result_write, freed_write, self._shared, self._slot_bytes, path, size, options)
        os.close(frames_read)
        os.close(result_write)
        os.close(freed_write)
        self._outbox = os.fdopen(frames_write, "wb")
        self._result = result_read
        self._freed = freed_read

    def add(self, pixels: np.ndarray, duration_ms: float, changed, boxes) -> None:
        if boxes is None and changed is not None:
            boxes = [changed]
        where, now = self._seen.changes(pixels, boxes)
        try:
            while not self._free_slots:  # the child is still reading them: wait
                freed = os.read(self._freed, _SLOTS)
                if not freed:
                    raise BrokenPipeError
                self._free_slots += len(freed)
            offset = self._next * self._slot_bytes
            if where is None:  # a whole frame
                _view(self._shared, offset, now.shape)[...] = now
                item = (self._next, duration_ms, None, now.shape)
            else:  # the changed pixels: where, then what
                _view(self._shared, offset, where.shape, np.intp)[...] = where
                _view(self._shared, offset + where.nbytes, now.shape)[...] = now
                item = (self._next, duration_ms, len(where), now.shape)
            pickle.dump(item, self._outbox, protocol=pickle.HIGHEST_PROTOCOL)
            self._outbox.flush()
        except BrokenPipeError:
            self._close_outbox()
            self._finish_child()  # the child stopped: raises its error
            raise
        self._next, self._free_slots = (self._next + 1) % _SLOTS, self._free_slots - 1

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
        self._kill()
        if self._outbox is not None:
            self._close_outbox()
        self._release()

    def _release(self) -> None:
        """Close what the parent holds of the shared buffer and the slot pipe."""
        if self._freed is not None:
            os.close(self._freed)
            self._freed = None
        try:
            self._shared.close()
        except BufferError:
            pass  # a view of it is still alive; it goes with the process

    def _finish_child(self) -> int:
        report = self._report()
        self._release()
        if report[0] == "done":
            return report[1]
        _raise(report)


class TailProcess(_Child):
    """The frames of ``source`` from ``start`` on, drawn and encoded by a
    forked child as the GIF's second segment (``GifEncoder.resume``) while
    this process does the first; ``join`` appends the child's blocks.

    The child draws frame ``start - 1`` whole as the picture its segment
    starts over, then the rest as usual, checks each with ``checked`` (the
    writer's own checks) and codes it into an unnamed temporary file in
    ``folder``, which leaves nothing behind however the child ends. A
    convanim error in the child is raised here as itself.
    """

    def __init__(self, source, start: int, checked, folder, size: tuple[int, int], **options):
        self._part = tempfile.TemporaryFile(dir=folder)
        self._counter = mmap.mmap(-1, 8)  # frames the child has coded, for progress
        result_read, result_write = os.pipe()
        try:
            self._pid = _fork()
        except OSError:
            os.close(result_read)
            os.close(result_write)
            self._release()
            raise
        if self._pid == 0:  # the child never returns from here
            os.close(result_read)
            _tail(source, start, checked, self._part, self._counter, result_write, size, options)
        os.close(result_write)
        self._result = result_read

    def done(self) -> int:
        """How many frames the child has coded so far."""
        return int.from_bytes(self._counter[:8], "little")

    def join(self, fp, waiting=None) -> int:
        """Wait for the child (telling ``waiting`` how many frames it has
        done, every tenth of a second), append its segment to ``fp``;
        return the frames in it."""
        while waiting is not None and not select.select([self._result], [], [], 0.1)[0]:
            waiting(self.done())
        report = self._report()
        if report[0] == "done":
            if waiting is not None:
                waiting(self.done())
            self._part.seek(0)
            shutil.copyfileobj(self._part, fp, 1 << 20)
            self._release()
            return report[1]
        self._release()
        _raise(report)

    def abort(self) -> None:
        """Stop the child now."""
        self._kill()
        self._release()

    def _release(self) -> None:
        self._part.close()
        self._counter.close()


def _tail(source, start: int, checked, part, counter, result_fd: int, size, options: dict) -> None:
    """The child of a ``TailProcess``: draw, check and code, report, exit."""

    def work() -> int:
        frames = iter(source.start(start - 1))
        encoder = GifEncoder(part, size, **options)
        encoder.resume(checked(next(frames)).pixels)
        for done, frame in enumerate(frames, 1):
            frame = checked(frame)
            encoder.add(frame.pixels, frame.duration_ms, frame.changed, frame.boxes)
            counter[:8] = done.to_bytes(8, "little")
        encoder.close()
        part.flush()
        return encoder.frames_written

    _child_main(work, result_fd)


def _child_main(work, result_fd: int) -> None:
    """Run ``work`` (it returns the frames it wrote) in a forked child, send
    the parent its report (the frames, or what went wrong), and exit."""
    status = 1
    try:
        report, status = ("done", work()), 0
    except ConvanimError as error:  # a refusal, as the parent would have raised it
        report = ("convanim", error)
    except OSError as error:
        report = ("oserror", error.errno, error.strerror or str(error))
    except BaseException:  # a bug: its traceback goes to the parent
        report = ("error", traceback.format_exc())
    try:
        try:
            data = pickle.dumps(report)
        except Exception:  # an error that does not pickle: its words
            data = pickle.dumps(("error", "".join(traceback.format_exception_only(report[1]))))
        os.write(result_fd, data)
    finally:
        os._exit(status)


def _fork() -> int:
    """``os.fork``, the child given its own signal handling before any
    signal can reach it: Ctrl-C reaches the whole process group, and the
    parent decides (it kills the child if it gives up); the child dies with
    the parent. Nothing of the parent's may run in the child (its handlers,
    its writer's clean-up), hence the child's os._exit at its end."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:  # PR_SET_PDEATHSIG: no orphan drawing on if the parent is killed
                import ctypes  # (here: only a child needs it)

                ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
            except (OSError, AttributeError):
                pass
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return pid


def _raise(report: tuple):
    """Raise what a child's ``report`` says went wrong."""
    if report[0] == "convanim":
        raise report[1]
    if report[0] == "oserror":
        raise OSError(report[1], report[2])
    if report[0] == "signal":
        raise WriterError("output", f"the GIF's second process was stopped by {signal.Signals(report[1]).name}; nothing was written")
    raise RuntimeError(f"the GIF encoding process failed:\n{report[1]}")


def _view(shared, offset: int, shape, dtype=np.uint8) -> np.ndarray:
    """The shared buffer from ``offset`` as an array of ``shape``."""
    return np.frombuffer(shared, dtype, int(np.prod(shape)), offset).reshape(shape)


def _serve(frames_fd: int, result_fd: int, freed_fd: int, shared, slot_bytes: int, path, size: tuple[int, int], options: dict) -> None:
    """The child: read frames until the end, encode them, report, exit."""

    def work() -> int:
        with os.fdopen(frames_fd, "rb") as inbox, open(path, "wb") as fp:
            encoder = GifEncoder(fp, size, **options)
            while (item := pickle.load(inbox)) is not None:
                index, duration_ms, count, shape = item
                offset = index * slot_bytes
                if count is None:
                    where, pixels = None, _view(shared, offset, shape).copy()
                else:
                    where = _view(shared, offset, (count,), np.intp).copy()
                    pixels = _view(shared, offset + where.nbytes, shape).copy()
                os.write(freed_fd, b"\1")  # read: the slot may be written over again
                encoder.add_changes(duration_ms, where, pixels)
            encoder.close()
        return encoder.frames_written

    _child_main(work, result_fd)
