"""Benchmark: the GIF writer alone, on the 1,024-step case's frames, as the
renderer hands them over; and the whole command's time and memory.

The renderer's frames for a 32×32 input, a 3×3 kernel and padding 1 (1,025
frames of about 1080×1200 at the default width) are drawn once and kept in
memory as their changed boxes' bytes, compressed. Each run replays them as
the command's writer gets them: the colour bytes of one RGBX canvas (padded
to whole 16-px blocks), read in place, patched box by box (not timed), with
the frames' boxes. Reported, as the median of the runs: the CPU
milliseconds per frame of encoding as the command codes this figure (two
segments, long runs of unchanged pixels coded outside Pillow), both
segments in this process, and the file's bytes; with ``--worker``, the
frames go one by one to the encoder in its second process, as a short
figure's do when a core is free, and the main process's cost of handing a
frame over and the child's CPU per frame are reported apart (and the file
compared byte for byte with one coded here); with ``--parts``, the CPU
per frame split into finding the changes, the rest of the encoder's
``add_changes``, the frame's blocks outside LZW, and LZW.

``--command`` times the whole command instead (``convanim render --size
32,32 --kernel-size 3 --padding 1``), each run in a fresh process, sampling
the memory of it and its child: the peak of their proportional set sizes
added (pages they share counted once, split between them) and each one's
peak resident set.

``--command --worker`` makes the command use the second process whatever
the machine's load (a busy machine otherwise keeps the encoder inline).

    python bench/bench_gif.py [--repeat N] [--worker] [--profile] [--parts] [--command] [--out DIR]

Targets: at most 3 ms of CPU per frame for encoding, at most 0.5 ms per
frame for handing a frame to the second process; the command under 5 s and
250 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS, TARGET_HANDOVER_MS = 3.0, 0.5
TARGET_S, TARGET_MB = 5.0, 250
CASE = dict(size=(32, 32), kernel_size=3, padding=1)
COMMAND = ["render", "--size", "32,32", "--kernel-size", "3", "--padding", "1"]


def record(subject) -> list:
    """The renderer's frames of ``subject`` as the command's writer gets
    them: (duration, changed, boxes, the canvas's shape, the frame's size,
    compressed bytes of the boxes, four a pixel); the first frame whole."""
    from convanim.render import _counted_frames
    from convanim.writers.boxes import four_bytes

    kept = []
    for frame in _counted_frames(subject, None, shared=True)[1]:
        pixels = frame.pixels
        height, width = pixels.shape[:2]
        words = four_bytes(pixels)
        canvas = pixels.base.shape if words is not None else (height, width, pixels.shape[2])
        source = words if words is not None else pixels
        whole = frame.changed is None or frame.boxes is None
        regions = ((0, 0, width, height),) if whole else frame.boxes
        packed = zlib.compress(b"".join(np.ascontiguousarray(source[t:b, l:r]).tobytes() for l, t, r, b in regions), 1)
        kept.append((frame.duration_ms, None if whole else frame.changed, None if whole else frame.boxes,
                     canvas, (height, width), words is not None, packed))
    return kept


def replay(kept):
    """The recorded frames again, as Frames over one canvas patched in
    place: an RGB view of an RGBX buffer, as the renderer hands them over."""
    from convanim.writers import Frame

    canvas = None
    for duration, changed, boxes, shape, (height, width), four, packed in kept:
        data = np.frombuffer(zlib.decompress(packed), np.uint8)
        if canvas is None or canvas.shape != shape:
            canvas = np.zeros(shape, np.uint8)
        regions = boxes if changed is not None else ((0, 0, width, height),)
        at = 0
        for l, t, r, b in regions:
            count = (b - t) * (r - l) * shape[2]
            canvas[t:b, l:r] = data[at : at + count].reshape(b - t, r - l, shape[2])
            at += count
        pixels = canvas[:height, :width, :3] if four else canvas
        yield Frame(pixels, duration, changed, boxes=boxes)


def parts(kept, path: Path) -> dict[str, float]:
    """One inline run, CPU seconds spent in each part of encoding: finding
    the changes, the keys and what else the encoder does with them, the
    frame's blocks outside LZW, and LZW (each without the parts inside it)."""
    spent: dict[str, float] = {}
    saved = []

    def timed(owner, name):
        real = getattr(owner, name)

        def run(*args, **kwargs):
            start = time.process_time()
            try:
                return real(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start

        saved.append((owner, name, real))
        setattr(owner, name, run)

    from convanim.writers import boxes, gif, gifblocks

    timed(boxes.LastFrame, "changes")
    timed(gif.GifEncoder, "add_changes")
    timed(gifblocks.FrameCoder, "delta")
    timed(gifblocks, "image_data")  # (as the frame coder calls it)
    try:
        encode(kept, path)
    finally:
        for owner, name, real in reversed(saved):
            setattr(owner, name, real)
    return {
        "changes found": spent["changes"],
        "keys, the rest of add_changes": spent["add_changes"] - spent["delta"],
        "blocks outside LZW": spent["delta"] - spent["image_data"],
        "LZW": spent["image_data"],
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def source(kept):
    """The recorded frames as a ``FrameSource``, as the renderer hands a
    figure to the writer: from any index on, the first of them whole."""
    from convanim.writers import Frame, FrameSource

    def start(index: int):
        for at, frame in enumerate(replay(kept)):
            if at == index:
                yield Frame(frame.pixels, frame.duration_ms)
            elif at > index:
                yield frame

    return FrameSource(len(kept), start)


def encode(kept, path: Path, how: str = "command") -> tuple[float, float, int]:
    """One run: CPU seconds in this process's ``add`` calls and close, the
    second process's CPU seconds (0 but for "worker"), and the file's bytes.
    ``how``: "command", as the command codes the figure (a long one in two
    segments, long runs of unchanged pixels outside Pillow), both segments
    here; "inline", frame by frame as one segment here; "worker", so with
    the encoder in its second process."""
    from convanim.writers import gifworker, open_writer

    saved = gifworker.can_fork, gifworker.may_fork
    gifworker.can_fork = (lambda size: True) if how == "worker" else (lambda size: False)
    gifworker.may_fork = lambda: False
    spent, children = 0.0, _children_cpu()
    try:
        with open_writer(path) as writer:
            frames = writer.share(source(kept)) if how == "command" else replay(kept)
            for frame in frames:
                start = time.process_time()
                writer.add(frame.pixels, frame.duration_ms, frame.changed, boxes=frame.boxes)
                spent += time.process_time() - start
            start = time.process_time()
        spent += time.process_time() - start
    finally:
        gifworker.can_fork, gifworker.may_fork = saved
    return spent, _children_cpu() - children, path.stat().st_size


def _memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of ``pid`` in kB, (0, 0) once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            fields = dict(line.split()[:2] for line in f if line.split()[0] in ("Rss:", "Pss:"))
        return int(fields["Pss:"]), int(fields["Rss:"])
    except (OSError, KeyError, ValueError):
        return 0, 0


def _cpu(pid: int) -> float:
    """CPU seconds ``pid`` has used so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def command(path: Path, worker: bool) -> tuple:
    """One run of the whole command in a fresh process: (wall seconds, peak
    PSS of it and its children added, peak RSS of it, peak RSS of any child
    (MB)), the file's bytes, and the CPU seconds of the command and of its
    child (as last sampled). ``worker``: the encoder's second process
    is used whatever the load (else the load decides, as it does for users)."""
    force = "from convanim.writers import gifworker; gifworker.spare_core = lambda: True; " if worker else ""
    code = f"import sys; {force}from convanim.cli import main; sys.argv[0] = 'convanim'; main()"
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code, *COMMAND, "-o", str(path)], stdout=subprocess.DEVNULL)
    peak_pss = peak_rss = peak_child = 0
    cpu: dict[int, float] = {}  # CPU seconds of the command and its child, last seen
    before = _children_cpu()
    while process.poll() is None:
        pss, rss = _memory(process.pid)
        children = _children(process.pid)
        memory = [_memory(child) for child in children]
        peak_pss = max(peak_pss, pss + sum(p for p, _ in memory))
        peak_rss = max(peak_rss, rss)
        peak_child = max([peak_child] + [r for _, r in memory])
        for pid in [process.pid, *children]:
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu(pid))
        time.sleep(0.01)
    wall = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"the command failed (exit {process.returncode})")
    total = _children_cpu() - before
    child = sum(seconds for pid, seconds in cpu.items() if pid != process.pid)
    return wall, peak_pss / 1024, peak_rss / 1024, peak_child / 1024, path.stat().st_size, total - child, child


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--worker", action="store_true", help="encode in the second process too (with --command: whatever the load)")
    parser.add_argument("--profile", action="store_true", help="print a profile of one inline run")
    parser.add_argument("--parts", action="store_true", help="also time the parts of inline encoding apart")
    parser.add_argument("--command", action="store_true", help="time the whole command and sample its memory")
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "benchgif", help="where the GIF goes")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    if args.command:
        runs = [command(args.out / "command.gif", args.worker) for _ in range(args.repeat)]
        print(f"convanim {' '.join(COMMAND)}: {len(runs)} runs, load {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
        print(f"  wall             {statistics.median(r[0] for r in runs):6.2f} s median, {min(r[0] for r in runs):.2f}-{max(r[0] for r in runs):.2f} (target < {TARGET_S:g})")
        print(f"  peak PSS, added  {statistics.median(r[1] for r in runs):6.0f} MB median, max {max(r[1] for r in runs):.0f} (target < {TARGET_MB})")
        print(f"  peak RSS         {statistics.median(r[2] for r in runs):6.0f} MB the command, {statistics.median(r[3] for r in runs):.0f} MB its child (medians)")
        print(f"  CPU              {statistics.median(r[5] for r in runs):6.2f} s the command, {statistics.median(r[6] for r in runs):.2f} s its child (medians)")
        print(f"  file             {runs[-1][4]:,} bytes")
        return 0
    from convanim import conv

    start = time.perf_counter()
    kept = record(conv(**CASE))
    count = len(kept)
    height, width = kept[0][4]
    print(f"32×32, 3×3, padding 1: {count:,} frames of {width}×{height} recorded in {time.perf_counter() - start:.1f} s (load {load:.1f})")
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(encode, kept, args.out / "profiled.gif")
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    inline = [encode(kept, args.out / "writer.gif") for _ in range(args.repeat)]
    print(f"  encoding inline  {statistics.median(r[0] for r in inline) / count * 1000:6.2f} ms CPU per frame, median of {len(inline)} (target ≤ {TARGET_MS:g})")
    print(f"  file             {inline[-1][2]:,} bytes")
    if args.parts:
        runs = [parts(kept, args.out / "parts.gif") for _ in range(args.repeat)]
        for name in runs[0]:
            print(f"    {name:<30} {statistics.median(r[name] for r in runs) / count * 1000:6.2f} ms CPU per frame")
    if args.worker:
        runs = [encode(kept, args.out / "worker.gif", "worker") for _ in range(args.repeat)]
        encode(kept, args.out / "one.gif", "inline")
        same = (args.out / "worker.gif").read_bytes() == (args.out / "one.gif").read_bytes()
        print(f"  handing over     {statistics.median(r[0] for r in runs) / count * 1000:6.2f} ms CPU per frame, median of {len(runs)} (target ≤ {TARGET_HANDOVER_MS:g})")
        print(f"  second process   {statistics.median(r[1] for r in runs) / count * 1000:6.2f} ms CPU per frame (target ≤ {TARGET_MS:g})")
        print(f"  the same bytes as inline: {'yes' if same else 'NO'}")
    print(f"  load at the end  {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
