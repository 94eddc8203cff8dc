"""Render the figures the README shows into docs/, with the current code.

    python docs/make_figures.py

Each figure is rendered from the same command-line words the README prints
under it, so the README's commands and its pictures cannot drift apart.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from convanim.cli import main

DOCS = Path(__file__).resolve().parent

# file name -> the `convanim render` arguments the README quotes for it
FIGURES = {
    "padding1.gif": "--template padding1 --width 800",
    "dilation2-glide.gif": "--template dilation2 --glide --width 800",
    "depthwise.gif": "--template depthwise --width 800",
    "reflect-bias.gif": (
        "--input 3,1,4,1,5,9,2,6 --weight 0.5,-1,0.5 --bias 1 --padding same --padding-mode reflect "
        "--title 'Reflect padding, with bias' --width 800"
    ),
    "same-padding-2d.gif": "--template same_padding_no_strides --width 800",
    "rgb-two-filters.gif": "--template rgb_two_filters --width 800",
    "large-grid-2d.gif": "--size 32,32 --padding 1 --steps 1-2,530-532 --width 800",
}


def render_all() -> None:
    for name, words in FIGURES.items():
        try:
            main(["render", *shlex.split(words), "-o", str(DOCS / name)])
        except SystemExit as done:
            if done.code:
                sys.exit(done.code)


if __name__ == "__main__":
    render_all()
