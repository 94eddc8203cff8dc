"""Benchmark: one figure from the command line, against naive matplotlib.

Runs `convanim render --template padding1` (the article's padding figure,
1080 px) and the naive peer (the same figure as a matplotlib user first
writes it: redrawn per frame, written with imageio) as whole processes,
interleaved, N times each, after one warm-up run of each; prints both
medians and their ratio. Start-up is part of what is measured: for one
figure it is most of the time. convanim's bytecode is compiled first, as
`pip install .` compiles it (and the peer's libraries were compiled when
they were installed), so that an editable install run with
PYTHONDONTWRITEBYTECODE set is not timed compiling convanim on every run.

    python bench/bench_start.py [PEER] [--runs N]

PEER is the naive script, by default ../shared/peers/naive_mpl.py relative
to the repository root; it needs matplotlib and imageio (nothing is
installed here). The target is a ratio of at least 25.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PEER = ROOT / ".." / "shared" / "peers" / "naive_mpl.py"
TARGET = 25.0


def convanim_command(out: Path) -> list[str]:
    # The installed console script, as a user runs it; else the module.
    script = Path(sys.executable).with_name("convanim")
    start = [str(script)] if script.exists() else [sys.executable, "-m", "convanim"]
    return [*start, "render", "--template", "padding1", "-o", str(out / "convanim.gif")]


def timed(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("peer", nargs="?", type=Path, default=DEFAULT_PEER, help="the naive matplotlib script")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    args = parser.parse_args(argv)
    missing = [name for name in ("matplotlib", "imageio") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"the naive peer needs {' and '.join(missing)}; not installed, so no comparison", file=sys.stderr)
        return 1
    if not args.peer.is_file():
        print(f"no peer script at {args.peer}", file=sys.stderr)
        return 1
    for folder in importlib.util.find_spec("convanim").submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)
    out = Path(tempfile.mkdtemp(prefix="convanim-bench-"))
    try:
        ours = convanim_command(out)
        peer = [sys.executable, str(args.peer), str(out / "naive.gif")]
        timed(ours), timed(peer)  # warm-up: disk caches, typeset formulas
        times: dict[str, list[float]] = {"convanim": [], "naive": []}
        for _ in range(args.runs):  # interleaved, so that load on the machine hits both alike
            times["convanim"].append(timed(ours))
            times["naive"].append(timed(peer))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["naive"] / medians["convanim"]
    print(f"convanim render (one figure, whole process): median {medians['convanim']:.3f} s of {args.runs}")
    print(f"naive matplotlib (same figure, whole process): median {medians['naive']:.3f} s of {args.runs}")
    print(f"ratio: {ratio:.1f}x (target >= {TARGET:g}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
