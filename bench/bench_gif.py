"""Benchmark: the GIF writer alone, on the 1,024-step case's frames.

The renderer's frames for a 32×32 input, a 3×3 kernel and padding 1 (1,025
frames of 1080×1238 at the default width) are drawn once and kept in
memory as the pixels of their changed boxes, compressed; each run replays
them (patching one picture, not timed) into the GIF writer. Reported, as the
median of the runs: the CPU milliseconds per frame of encoding in the
writer's own process, and the file's bytes; with ``--worker``, the encoder
runs in its forked process as it does when a core is free, and the main
process's cost of handing a frame over and the child's CPU per frame are
reported apart.

    python bench/bench_gif.py [--repeat N] [--worker] [--profile] [--out DIR]

Target: at most 3 ms of CPU per frame for encoding, and well under 1 ms
per frame for handing a frame to the forked encoder.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS, TARGET_HANDOVER_MS = 3.0, 1.0


def record(subject) -> list:
    """The renderer's frames of ``subject``: the first whole, the others as
    (duration, changed, boxes, compressed pixels of the boxes)."""
    from convanim.render import frames

    kept = []
    for frame in frames(subject):
        regions = frame.boxes if frame.changed is not None and frame.boxes is not None else None
        if regions is None:
            pixels = frame.pixels
            regions = ((0, 0, pixels.shape[1], pixels.shape[0]),)
            kept.append((frame.duration_ms, None, None, frame.pixels.shape, _pack(frame.pixels, regions)))
        else:
            kept.append((frame.duration_ms, frame.changed, frame.boxes, frame.pixels.shape, _pack(frame.pixels, regions)))
    return kept


def _pack(pixels: np.ndarray, regions) -> bytes:
    return zlib.compress(b"".join(np.ascontiguousarray(pixels[t:b, l:r]).tobytes() for l, t, r, b in regions), 1)


def replay(kept):
    """The recorded frames again, as Frames over one picture patched in place."""
    from convanim.writers import Frame

    picture = None
    for duration, changed, boxes, shape, packed in kept:
        data = np.frombuffer(zlib.decompress(packed), np.uint8)
        if picture is None or picture.shape != shape:
            picture = np.zeros(shape, np.uint8)
        regions = boxes if changed is not None else ((0, 0, shape[1], shape[0]),)
        at = 0
        for l, t, r, b in regions:
            count = (b - t) * (r - l) * shape[2]
            picture[t:b, l:r] = data[at : at + count].reshape(b - t, r - l, shape[2])
            at += count
        yield Frame(picture, duration, changed, boxes=boxes)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def encode(kept, path: Path, worker: bool) -> tuple[float, float, int]:
    """One run: CPU seconds in this process's ``add`` calls and close, the
    forked encoder's CPU seconds (0 inline), and the file's bytes."""
    from convanim.writers import gifworker, open_writer

    saved = gifworker.can_fork
    gifworker.can_fork = (lambda size: True) if worker else (lambda size: False)
    spent, children = 0.0, _children_cpu()
    try:
        with open_writer(path) as writer:
            for frame in replay(kept):
                start = time.process_time()
                writer.add(frame.pixels, frame.duration_ms, frame.changed, boxes=frame.boxes)
                spent += time.process_time() - start
            start = time.process_time()
        spent += time.process_time() - start
    finally:
        gifworker.can_fork = saved
    return spent, _children_cpu() - children, path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--worker", action="store_true", help="encode in the forked process, as with a core free")
    parser.add_argument("--profile", action="store_true", help="print a profile of one inline run")
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "benchgif", help="where the GIF goes")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from convanim import conv

    start = time.perf_counter()
    kept = record(conv(size=(32, 32), kernel_size=3, padding=1))
    count = len(kept)
    print(f"32×32, 3×3, padding 1: {count:,} frames of {kept[0][3][1]}×{kept[0][3][0]} recorded in {time.perf_counter() - start:.1f} s")
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(encode, kept, args.out / "profiled.gif", False)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    runs = [encode(kept, args.out / "writer.gif", args.worker) for _ in range(args.repeat)]
    own = statistics.median(r[0] for r in runs) / count * 1000
    size = runs[-1][2]
    if args.worker:
        child = statistics.median(r[1] for r in runs) / count * 1000
        print(f"  handing over     {own:6.2f} ms CPU per frame, median of {len(runs)} (target < {TARGET_HANDOVER_MS:g})")
        print(f"  forked encoder   {child:6.2f} ms CPU per frame (target ≤ {TARGET_MS:g})")
    else:
        print(f"  encoding inline  {own:6.2f} ms CPU per frame, median of {len(runs)} (target ≤ {TARGET_MS:g})")
    print(f"  file             {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
