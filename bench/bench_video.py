"""Benchmark: MP4 of 2-D figures, the whole command in a fresh process.

For each case, the median wall time, the peak memory of the command and
its ffmpeg added (proportional set sizes, sampled every 10 ms, so that
pages they share count once) and the file's bytes; beside them, the same
figure as a GIF. With ``--against DIR`` (another checkout of convanim,
e.g. a worktree of an earlier commit) that checkout's code runs too, in
turn with this one's, run for run (the machine's speed varies from one
minute to the next), and the two are printed side by side.

    python bench/bench_video.py [--repeat N] [--against DIR] [--case NAME] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_gif import _children, _memory  # (beside this script)

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "4 channels, 5x5": ["--size", "5,5", "--in-channels", "4"],
    "16x16": ["--size", "16,16"],
}


def run(tree: Path, arguments: list[str], path: Path) -> tuple[float, float, int]:
    """(wall seconds, peak MB of the command and its children, bytes) of
    ``convanim render ARGUMENTS -o PATH`` run from ``tree``'s code."""
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "convanim", "render", *arguments, "-q", "-o", str(path)],
        stdout=subprocess.DEVNULL, cwd=tree, env=environment,
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _memory(process.pid)[0] + sum(_memory(child)[0] for child in _children(process.pid)))
        time.sleep(0.01)
    wall = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"failed in {tree}: convanim render {' '.join(arguments)}")
    return wall, peak / 1024, path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--against", type=Path, help="another checkout, run in turn with this one")
    parser.add_argument("--case", choices=list(CASES), action="append", help="only these cases (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "benchvideo", help="where the files go")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    trees = {"this": ROOT} | ({"against": args.against.resolve()} if args.against else {})
    print(f"{'case':<18} {'code':<8} {'format':<6} {'seconds':>8} {'peak MB':>8} {'bytes':>11}")
    for name in args.case or list(CASES):
        for suffix in ("mp4", "gif"):
            results = {label: [] for label in trees}
            for k in range(args.repeat):
                for label, tree in trees.items():  # in turn, run for run
                    results[label].append(run(tree, CASES[name], args.out / f"{label}-{k}.{suffix}"))
            for label, runs in results.items():
                wall, peak, size = (statistics.median(values) for values in zip(*runs))
                print(f"{name:<18} {label:<8} {suffix:<6} {wall:>8.2f} {peak:>8.0f} {int(size):>11,}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
