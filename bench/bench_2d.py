"""Benchmark: the 2-D figures, and a 32×32 input traced and drawn step by step.

Prints, for each 2-D template rendered at 1080 px, the median wall time (over
several repetitions, in one process) and the file's size; then the 1,024-step
case (a 32×32 input, a 3×3 kernel, padding 1, at the default width): the
whole `convanim render` command's wall time, each run in a fresh process,
and its peak memory (the proportional set sizes of it and its second
process added, so that pages they share count once; sampled in runs of
its own, as sampling costs time: `bench_gif.py --command`), and the time per
picture beside a naive matplotlib script's, measured in the same run; then
the GIF writer alone, in this process, per frame: on the 1,024-step case's
frames and on a synthetic stream of 1080×1301 frames that change in a few
small boxes (a window outline, an output cell, a sum line, a counter), with
the share of that time spent in Pillow's LZW coder. Targets: the command
under 5 s and 250 MB; a picture at least 12× faster than the naive script's.

    python bench/bench_2d.py [--naive SCRIPT] [--repeat N] [--out DIR] [--large-only] [--check]

SCRIPT is the naive renderer (by default ../shared/peers/naive_mpl.py relative
to the repository root; skipped where it is missing). --large-only skips the
templates. --check exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench_gif import command  # (beside this script)
from convanim.render import RenderOptions, _counted_frames, frames, render
from convanim import conv
from convanim.templates import list_templates, load_template

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NAIVE = ROOT / ".." / "shared" / "peers" / "naive_mpl.py"
LARGE = ["--size", "32,32", "--kernel-size", "3", "--padding", "1"]
NAIVE_PICTURES = 94  # the naive script draws the article's 94 frames
TARGET_SECONDS, TARGET_MB, TARGET_RATIO = 5.0, 250, 12.0


def two_d_templates() -> list:
    return [t for t in map(load_template, list_templates()) if t.conv().spec.ndim == 2]


def time_templates(out: Path, repeat: int) -> list[tuple[str, float, int]]:
    rows = []
    for template in two_d_templates():
        options = RenderOptions(**{**template.render_kwargs(), "width": 1080})
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            path = render(template.conv(), out / f"{template.name}.gif", options)
            times.append(time.perf_counter() - start)
        rows.append((template.name, statistics.median(times), path.stat().st_size))
    return rows


def run(command: list[str]) -> float:
    """Wall seconds of a fresh process running ``command``."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(command)}\n{done.stderr}")
    return time.perf_counter() - start


def run_convanim(arguments: list[str]) -> float:
    """Wall seconds of ``convanim ARGUMENTS`` in a fresh process."""
    return run([sys.executable, "-m", "convanim", *arguments])


def per_picture_ms(repeat: int) -> tuple[float, int]:
    """Median milliseconds to draw one picture of the 1,024-step case (no
    file), as a writer gets them (one canvas, redrawn for each)."""
    subject = conv(size=(32, 32), kernel_size=3, padding=1)
    best = []
    for _ in range(repeat):
        start = time.perf_counter()
        count = sum(1 for _ in _counted_frames(subject, None, shared=True)[1])
        best.append((time.perf_counter() - start) / count * 1000)
    return statistics.median(best), count


def synthetic_frames(count: int = 200):
    """Frames of the 1,024-step case's size that change as its steps do, in
    a few small boxes: a window outline moving over a grid, an output cell
    filling in, a sum line and a step counter; each with those boxes."""
    from PIL import Image, ImageDraw

    from convanim.writers import Frame

    width, height, cell = 1080, 1301, 24
    picture = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(picture)
    for i in range(34):
        for j in range(34):
            draw.rectangle([48 + j * 14, 48 + i * 14, 61 + j * 14, 61 + i * 14], fill=(40, 120, 60), outline=(20, 60, 30))
    for i in range(32):
        for j in range(32):
            draw.rectangle([600 + j * 14, 48 + i * 14, 613 + j * 14, 61 + i * 14], fill=(215, 215, 215), outline=(120, 120, 120))
    base = np.asarray(picture).copy()
    previous = None
    for step in range(count):
        picture = Image.fromarray(base.copy())
        draw = ImageDraw.Draw(picture)
        row, col = divmod(step % 1024, 32)
        window = (48 + col * 14, 48 + row * 14, 48 + (col + 3) * 14, 48 + (row + 3) * 14)
        draw.rectangle(window, outline=(200, 40, 40), width=2)
        for k in range(step % 1024 + 1):
            r, c = divmod(k, 32)
            draw.rectangle([600 + c * 14, 48 + r * 14, 613 + c * 14, 61 + r * 14], fill=(240, 160, 40))
        sum_line = (40, 900, 1040, 900 + cell)
        draw.text((44, 902), f"{step}×2 + {step + 1}×1 + {step % 7}×3 + 0×2 = {5 * step + step % 7 * 3 + 1}", fill=(20, 20, 20))
        counter = (40, 860, 240, 860 + cell)
        draw.text((44, 862), f"step {step + 1} of 1024", fill=(90, 90, 90))
        pixels = np.asarray(picture)
        if previous is None:
            yield Frame(pixels, 1000.0)
        else:
            cell_box = (600 + col * 14, 48 + row * 14, 614 + col * 14, 62 + row * 14)
            last_window = previous
            boxes = tuple(
                (b[0] - 2, b[1] - 2, b[2] + 3, b[3] + 3) for b in (window, last_window)
            ) + (cell_box, sum_line, counter)
            changed = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            yield Frame(pixels, 1000.0, changed, boxes=boxes)
        previous = window


def writer_ms(frames, out: Path) -> tuple[float, float, float]:
    """Median and mean milliseconds the GIF writer takes per frame (in this
    process), and Pillow's LZW coder's share of the time."""
    from convanim.writers import gifworker, lzw, open_writer

    spent = {"lzw": 0.0}
    pillow = lzw._pillow

    def timed(*args):
        start = time.perf_counter()
        try:
            return pillow(*args)
        finally:
            spent["lzw"] += time.perf_counter() - start

    threshold, lzw._pillow, gifworker.PROCESS_ABOVE = gifworker.PROCESS_ABOVE, timed, 1 << 62
    times = []
    try:
        with open_writer(out) as writer:
            for frame in frames:
                start = time.perf_counter()
                writer.add(frame.pixels, frame.duration_ms, frame.changed, boxes=frame.boxes)
                times.append(time.perf_counter() - start)
            start = time.perf_counter()
        times.append(time.perf_counter() - start)  # the last frame is written at the close
    finally:
        lzw._pillow, gifworker.PROCESS_ABOVE = pillow, threshold
    steady = times[2:]  # the first frames set the palette and the header
    return statistics.median(steady) * 1000, statistics.mean(steady) * 1000, spent["lzw"] / sum(times)


def naive_ms(script: Path, out: Path, repeat: int) -> float | None:
    """The naive script's milliseconds per picture: its run, less its imports."""
    if not script.exists():
        return None
    imports = "import imageio.v2, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot, numpy"
    runs = [run([sys.executable, str(script), str(out / "naive.gif")]) for _ in range(repeat)]
    bare = [run([sys.executable, "-c", imports]) for _ in range(repeat)]
    return (statistics.median(runs) - statistics.median(bare)) / NAIVE_PICTURES * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--naive", type=Path, default=DEFAULT_NAIVE, help="the naive matplotlib script")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "bench2d", help="where the figures go")
    parser.add_argument("--large-only", action="store_true", help="only the 1,024-step case")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    if not args.large_only:
        print(f"{'template':<30} {'median s':>9} {'bytes':>10}")
        for name, seconds, size in time_templates(args.out, args.repeat):
            print(f"{name:<30} {seconds:>9.3f} {size:>10,}")

    naive = naive_ms(args.naive.resolve(), args.out, args.repeat)
    ours, pictures = per_picture_ms(args.repeat)
    runs = [run_convanim(["render", *LARGE, "-o", str(args.out / "large.gif")]) for _ in range(args.repeat)]
    seconds = statistics.median(runs)
    # Memory in runs of its own (sampling it costs time): the peak of the
    # command's and its second process's proportional set sizes added, so
    # the pages they share are counted once; the worst run counts.
    peak = max(command(args.out / "memory.gif", False)[1] for _ in range(min(2, args.repeat)))
    size = (args.out / "large.gif").stat().st_size
    print()
    print(f"32×32, 3×3, padding 1: {pictures:,} pictures, {size:,} bytes")
    print(f"  whole command      {seconds:8.2f} s   median of {len(runs)} (target < {TARGET_SECONDS:g} s)")
    print(f"  peak memory        {peak:8.0f} MB  PSS of both processes added, highest of {min(2, len(runs))} (target < {TARGET_MB} MB)")
    print(f"  per picture        {ours:8.2f} ms  drawn, no file")
    print(f"  per picture, file  {seconds / pictures * 1000:8.2f} ms  whole command")
    large = conv(size=(32, 32), kernel_size=3, padding=1)
    median, mean, share = writer_ms(frames(large), args.out / "writer.gif")
    print(f"  GIF writer         {median:8.2f} ms  per frame, median (mean {mean:.2f}; Pillow's LZW {share:.0%})")
    median, mean, share = writer_ms(synthetic_frames(), args.out / "synthetic.gif")
    print(f"  GIF writer, synthetic {median:5.2f} ms  per frame, median (mean {mean:.2f}; Pillow's LZW {share:.0%}): a few small boxes")
    missed = seconds >= TARGET_SECONDS or peak >= TARGET_MB
    if naive is not None:
        ratio = naive / ours
        print(f"  naive matplotlib   {naive:8.2f} ms  per picture: {ratio:.1f}× ours (target ≥ {TARGET_RATIO:g}×)")
        missed |= ratio < TARGET_RATIO
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
