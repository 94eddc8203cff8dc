"""Benchmark: the engine at scale, against PyTorch's own float64 convolution.

Traces a (3, 64, 64) input through a (4, 3, 3, 3) weight (convanim's default
data; 15,376 steps, 415,152 taps) and prints the median times of
``convanim.trace`` and of ``torch.nn.functional.conv2d`` in float64 on the
same case, and their ratio (target: under 100). Then runs
``convanim trace --json`` on the case in a fresh process and prints its wall
time, the bytes it wrote and its peak resident memory.

    python bench/bench_engine.py [--repeat N] [--no-json]

torch (a test dependency) is needed for the comparison; without it only
convanim's time is printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import convanim

CASE = dict(in_channels=3, size=(64, 64), out_channels=4, kernel_size=(3, 3))
ARGV = ["--in-channels", "3", "--length", "64,64", "--out-channels", "4", "--kernel-size", "3,3"]
TARGET_RATIO = 100

# Run in a child so that its peak memory is the command's alone.
CHILD = """
import resource, sys, time
from convanim.cli import main
sink = open(sys.argv[1], "w")
sys.stdout = sink
start = time.perf_counter()
try:
    main(["trace", "--json", *sys.argv[2:]])
except SystemExit:
    pass
elapsed = time.perf_counter() - start
sink.flush()
sys.stdout = sys.__stdout__
try:  # this process's own high-water mark (ru_maxrss also counts the parent's, from before exec)
    status = open("/proc/self/status").read()
    peak = int(status.split("VmHWM:")[1].split()[0])
except (OSError, IndexError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed, peak, sink.tell())
"""


def median_seconds(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions (default 7)")
    parser.add_argument("--no-json", action="store_true", help="skip the trace --json run")
    args = parser.parse_args(argv)

    c = convanim.conv(**CASE)
    taps = c.spec.output_shape[1] * c.spec.output_shape[2] * c.weight.size
    ours = median_seconds(lambda: convanim.trace(c), args.repeat)
    print(f"case: input {c.spec.input_shape} × weight {c.spec.weight_shape}, {taps:,} taps")
    print(f"convanim.trace          {ours * 1e3:10.2f} ms (median of {args.repeat})")
    try:
        import torch
    except ImportError:
        print("torch is not installed: no comparison (pip install -e '.[test]')")
    else:
        # One thread, as convanim computes in one: on a shared 2-core machine
        # torch's threads mostly wait for each other.
        torch.set_num_threads(1)
        x = torch.tensor(c.input, dtype=torch.float64)[None]
        w = torch.tensor(c.weight, dtype=torch.float64)
        torch.nn.functional.conv2d(x, w)  # first call pays for set-up
        theirs = median_seconds(lambda: torch.nn.functional.conv2d(x, w), max(args.repeat, 50))
        ratio = ours / theirs
        print(f"torch conv2d (float64)  {theirs * 1e3:10.2f} ms")
        print(f"ratio                   {ratio:10.1f}× (target under {TARGET_RATIO}×)")

    if not args.no_json:
        import os
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            target = os.path.join(folder, "trace.json")
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", CHILD, target, *ARGV], capture_output=True, text=True, check=True)
            wall = time.perf_counter() - start
            seconds, peak_kib, size = done.stdout.split()
        print(
            f"trace --json            {wall:10.2f} s in all ({float(seconds):.2f} s after start-up), "
            f"{int(size) / 2**20:.1f} MiB written, peak RSS {int(peak_kib) / 1024:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
