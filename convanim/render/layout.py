"""Where everything goes: the one interface between the renderer and a
figure's geometry, whatever its number of dimensions.

A layout is computed once per figure from the trace and the width asked for
(``compute_layout``); the renderer asks it for boxes and places and draws
them, and does no geometry of its own. Each number of spatial dimensions has
its own module (``layout1d``, ``layout2d``) with a ``check_drawable`` and a
``compute_layout``; this module picks one and holds what they share.
"""

from __future__ import annotations

import functools
import importlib
import math
from dataclasses import dataclass
from typing import Protocol

from ..errors import SpecError
from ..spec import ConvSpec


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def toward(self, other: Box, progress: float) -> Box:
        """The box ``progress`` (0 to 1) of the way from this one to ``other``."""
        return Box(*(a + (b - a) * progress for a, b in zip((self.x, self.y, self.w, self.h), (other.x, other.y, other.w, other.h))))


@dataclass(frozen=True)
class Label:
    """A piece of text the layout places: ``tone`` is "text" or "muted"."""

    x: float
    y: float
    text: str
    px: float
    tone: str = "text"
    align: str = "centre"
    bold: bool = False


@dataclass(frozen=True)
class Arrow:
    """A shaft (two points) and a head (three points), in pixels."""

    shaft: tuple[tuple[float, float], tuple[float, float]]
    head: tuple[tuple[float, float], ...]
    width_px: int


class Layout(Protocol):
    """What the renderer asks of a figure's geometry, and all it asks: each
    layout (1-D, 2-D) implements every member, where a member means nothing
    to it, trivially. Positions are in padded coordinates (input, kernel) or
    output coordinates (output); channels are the trace's channel numbers;
    a window is a step's ``window``, per axis ``(start, stop)``."""

    width: int
    height: int
    scale: float
    cell: float  # a cell's side (1-D: width): how large the grids are drawn
    panel: Box | None  # where the info panel goes, if shown
    expression_px: float  # type size of the product lines
    window_bars: bool  # the window read is marked by bars over and under it, not a box round it
    lens: object | None  # a grid too large for numbers in its cells: its lenses (lens2d.Lenses), drawn first

    @property
    def heavy_edge(self) -> int:
        """The border of the cell being written and of the window, in whole pixels."""

    def input_cell(self, channel: int, position: tuple[int, ...]) -> Box: ...

    def kernel_cell(self, channel: int, position: tuple[int, ...]) -> Box:
        """The kernel cell over input ``channel`` at padded ``position``."""

    def output_cell(self, channel: int, position: tuple[int, ...]) -> Box: ...

    def same_band(self, a: Box, b: Box) -> bool:
        """Whether a glide from box ``a`` to box ``b`` stays on one line of
        cells (a wrapped 1-D figure has several: onto another the kernel jumps)."""

    def outline(self, channel: int, window) -> Box | None:
        """The window on input ``channel``, or None where each cell read is outlined instead."""

    def links(self, channel: int, window) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        """Lines that tie the window on ``channel`` to its kernel's grid."""

    def kernel_grid_cell(self, channel: int, index: tuple[int, ...], window) -> Box | None:
        """A cell of the kernel as a grid of its own, level with ``window``
        (None where the kernel is drawn over the input instead)."""

    def tap_mark(self, channel: int, position: tuple[int, ...]) -> Label | None:
        """The × that marks an input cell being read (None: not marked so)."""

    def lines(self, step) -> list[str]:
        """A step's sum as the lines the figure has room for."""

    def product_lines(self, windows: list[tuple[tuple[int, int], ...]], lines: list[list[str]]) -> list[list[tuple[float, float]]]:
        """Where each line of each step's products goes (centre x, middle y),
        the steps' lines stacked in the order given."""

    def arrows(self, lines: int, target: Box, window, channels: list[int]) -> list[Arrow]:
        """From under ``lines`` product lines (or the kernels over
        ``channels``) to ``target``, the cell being written."""

    def counter(self, position: tuple[int, ...] | None = None) -> Label:
        """The step counter, beside the product lines of ``position`` (None: the last)."""

    def legend(self) -> list[tuple[Box, int, Label]]:
        """What the group stripes' colours mean: (swatch, group, label)."""

    def kernel_labels(self, steps, owner: str | None) -> list[Label]:
        """The kernel's labels that move with it: whose kernels ``steps``
        show (``owner``, where a group's output channels take turns), and
        the rows' names where they change."""

    def labels(self) -> list[Label]:
        """Block names and channel names, drawn once."""

    def padding_labels(self, word: str) -> list[Label]: ...

    def stripes(self) -> list[tuple[Box, int]]:
        """Group stripes beside the rows: (box, group)."""

    def credit(self, text: str) -> Label: ...

    def cell_label(self, x: float, italic: bool = False, box: Box | None = None, row=None) -> tuple[str, float]:
        """A number's text and type size in ``box``, a cell of ``row``
        ((block, channel), block "input", "kernel" or "output")."""

    def number_y(self, box: Box, row=None) -> float:
        """Where the middle of the number in ``box`` (a cell of ``row``)
        stands: the box's middle, or higher where a tag takes its corner."""


@functools.lru_cache(maxsize=4096)
def fit_number(x: float, room: float, size: float, least: float, italic: bool) -> tuple[str, float]:
    """As large as fits ``room`` pixels, down to ``least``; then fewer digits or
    an abbreviation; and nothing rather than a number that is not faithful."""
    from ..report import shown
    from .fonts import text_width

    family = "sans-italic" if italic else "sans"
    for chars in range(len(shown(x)), 0, -1):
        text = shown(x, chars)
        if not text:
            break
        width = text_width(text, family, size, bold=True)
        fitting = math.floor(min(size, size * room / width) * 4) / 4  # fonts come in quarter pixels
        while fitting >= least and text_width(text, family, fitting, bold=True) > room:
            fitting -= 0.25  # hinting makes width not quite proportional to size
        if fitting >= least:
            return text, fitting
    return "", size


def wrap_terms(terms: list[str], result: str, max_chars_per_line: int) -> list[str]:
    """Join terms with `` + `` and end with `` = result``, breaking lines between terms."""
    pieces = [term + (" +" if i < len(terms) - 1 else f" = {result}") for i, term in enumerate(terms)]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}" if current else piece
        if current and len(candidate) > max_chars_per_line:
            lines.append(current)
            current = piece
        else:
            current = candidate
    lines.append(current)
    return lines


def _module(spec: ConvSpec):
    name = f"{__package__}.layout{spec.ndim}d"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise
        raise SpecError(
            "input",
            f"render draws 1-D and 2-D convolutions; this one has {spec.ndim} spatial dimensions "
            "(a comma tuple such as --padding 1,2 gives one value per dimension); trace and shape handle it",
        ) from None


def check_drawable(spec: ConvSpec) -> None:
    """Refuse, before any work, a convolution no figure can show legibly."""
    _module(spec).check_drawable(spec)


def compute_layout(trace, width: int = 1080, panel: bool = True, **look) -> Layout:
    """The geometry of ``trace``'s figure, ``width`` pixels wide. ``look``:
    ``title`` (the panel's, which may take two lines), ``decimals`` (of
    the numbers in cells) and ``scale`` (type and spacing as for a figure
    ``scale`` × 1080 px wide, where the figure is part of a wider canvas;
    by default they scale with ``width``) and ``height`` (a canvas's: the
    layout picks or tightens its arrangement to fit it where it can)."""
    return _module(trace.spec).compute_layout(trace, width, panel, **look)
