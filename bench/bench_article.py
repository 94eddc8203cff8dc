"""Benchmark: the article's seven figures, rendered at 1080 px in one process.

Prints the median wall time to render the seven (over several repetitions)
and the size of each figure next to the article's own file, with the totals
and their ratio. Targets: the seven in under 2 s, 204 KiB in all (what the
article's figures weigh once re-encoded with 64 colours, no dithering and
repeated frames merged).

    python bench/bench_article.py [ARTICLE_DIR] [--repeat N] [--out DIR] [--check]

ARTICLE_DIR holds the article's fig-*.gif; by default
../shared/reference/article relative to the repository root. Without it
only our sizes are printed. --check exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from convanim.render import RenderOptions, render
from convanim.templates import load_template

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARTICLE = ROOT / ".." / "shared" / "reference" / "article"

# The seven figures of the article, in its order: template -> its file there.
FIGURES = {
    "kernel1": "fig-02.gif",
    "kernel2": "fig-03.gif",
    "kernel3": "fig-04.gif",
    "padding1": "fig-05.gif",
    "stride3": "fig-06.gif",
    "dilation2": "fig-07.gif",
    "groups2": "fig-08.gif",
}
WIDTH = 1080
TARGET_SECONDS = 2.0
TARGET_BYTES = 204 * 1024


def render_seven(templates: dict, out: Path) -> dict[str, int]:
    """Render the seven figures into ``out``; their sizes in bytes."""
    sizes = {}
    for name, template in templates.items():
        options = RenderOptions(**{**template.render_kwargs(), "width": WIDTH})
        path = render(template.conv(), out / f"{name}.gif", options)
        sizes[name] = path.stat().st_size
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("article", nargs="?", type=Path, default=DEFAULT_ARTICLE, help="folder of the article's figures")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions (default 5)")
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "bench", help="where the figures go (default output/bench)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    templates = {name: load_template(name) for name in FIGURES}
    args.out.mkdir(parents=True, exist_ok=True)
    # The first run loads the drawing library and fonts: shown, but kept out
    # of the median, which is about rendering the seven.
    start = time.perf_counter()
    render_seven(templates, args.out)
    first = time.perf_counter() - start
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        sizes = render_seven(templates, args.out)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)

    article = args.article if args.article.is_dir() else None
    theirs = {name: (article / file).stat().st_size for name, file in FIGURES.items() if article and (article / file).is_file()}
    compare = len(theirs) == len(FIGURES)

    print(f"convanim: the article's {len(FIGURES)} figures at {WIDTH} px, {args.repeat} timed runs, into {args.out}")
    header = f"{'figure':<10} {'ours (bytes)':>13}"
    if compare:
        header += f" {'article (bytes)':>16} {'ratio':>7}  file"
    print(header)
    for name in FIGURES:
        line = f"{name:<10} {sizes[name]:>13,}"
        if compare:
            line += f" {theirs[name]:>16,} {sizes[name] / theirs[name]:>7.1%}  {FIGURES[name]}"
        print(line)
    total = sum(sizes.values())
    line = f"{'total':<10} {total:>13,}"
    if compare:
        their_total = sum(theirs.values())
        line += f" {their_total:>16,} {total / their_total:>7.1%}"
    print(line)
    if not compare:
        print(f"(no article figures at {args.article}: our sizes only)")

    size_ok = total <= TARGET_BYTES
    time_ok = median < TARGET_SECONDS
    print(
        f"size: {total / 1024:,.1f} KiB in all (target <= {TARGET_BYTES // 1024} KiB: {'ok' if size_ok else 'MISSED'})"
    )
    print(
        f"time: median {median:.3f} s for the seven (min {min(times):.3f}, max {max(times):.3f}; "
        f"target < {TARGET_SECONDS:g} s: {'ok' if time_ok else 'MISSED'}); "
        f"first run {first:.3f} s"
    )
    return 1 if args.check and not (size_ok and time_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
