"""A fixed canvas for slides: the figure fitted inside and centred, the rest
background. ``--canvas 1920x1080`` or ``--canvas 16:9`` (its width from
``--width``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from ..errors import SpecError
from ..writers import Frame
from ..writers.boxes import clip, four_bytes
from .layout import Box

BASE_WIDTH = 1080  # type is sized as for a figure as wide as the canvas, which is this many px at scale 1
MIN_TYPE = BASE_WIDTH / 60  # the least type at scale 1 (18 px)
LEAST_PX = 10  # no type under this many pixels, whatever the canvas: 1/60 of a 608 px slide
MARGIN = 28  # between the panel and the canvas's right edge, at scale 1
TOP, BOTTOM = 16, 30  # over a panel beside the grids, and under it (the credit line's room), at scale 1
WIDEST_PANEL = 0.6  # of the canvas: a panel beside the grids leaves them the rest

MIN_SIDE, MAX_SIDE = 320, 3840
_SIZE = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*$")
_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")


def canvas_ratio(text: str) -> tuple[float, float] | None:
    """``(16, 9)`` for a ratio such as ``16:9``; None for a size such as ``1920x1080``."""
    ratio = _RATIO.match(str(text))
    return (float(ratio[1]), float(ratio[2])) if ratio else None


def canvas_size(text: str, width: int) -> tuple[int, int]:
    """(width, height) for ``WxH`` or ``W:H`` (a ratio; the width is ``width``)."""
    size, ratio = _SIZE.match(str(text)), _RATIO.match(str(text))
    if size:
        w, h = int(size[1]), int(size[2])
    elif ratio and float(ratio[1]) > 0 and float(ratio[2]) > 0:
        w, h = width, round(width * float(ratio[2]) / float(ratio[1]))
    else:
        raise SpecError("canvas", f"must be a size such as 1920x1080 or a ratio such as 16:9, got {text!r}")
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE // 2 <= h <= MAX_SIDE):
        raise SpecError("canvas", f"must be {MIN_SIDE} to {MAX_SIDE} pixels wide and {MIN_SIDE // 2} to {MAX_SIDE} high, got {w}x{h}")
    return w, h


@dataclass(frozen=True)
class PanelBeside:
    """A figure's grids (a layout drawn without its panel) with the panel on
    their right: the arrangement for a canvas wider than the figure with
    its panel under it. Everything but the picture's size, the panel and
    the credit line is the grids' own."""

    grids: object  # the grids' Layout, ``width`` wide
    width: int
    height: int
    panel: Box

    def __getattr__(self, name):
        if name == "grids":  # not yet set (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.grids, name)

    def credit(self, text: str):
        """Where the grids' layout puts it, moved to this picture's bottom right."""
        label = self.grids.credit(text)
        return replace(label, x=label.x + self.width - self.grids.width, y=label.y + self.height - self.grids.height)


def fit(layout_at, panel_at, canvas: tuple[int, int], panel: bool, notes: list | None = None, ratio=None):
    """The figure's layout for ``canvas``, type sized for the canvas's width
    (no text under 1/60 of it, as for a figure that wide): the panel under
    the grids or beside them, whichever draws the grids larger, the grids
    narrowed as far as half their room and their spacing tightened to the
    canvas's height where that makes them fit. Where nothing fits so, the
    type shrinks, no further than 1/60 of the canvas's height (a slide's
    floor: 18 px on 1080 lines) nor under ``LEAST_PX``, and ``notes`` gets
    a line saying so.

    ``layout_at(width, panel, scale, height)`` lays the figure out;
    ``panel_at(scale)`` gives ``(least width, height at a width)`` of the
    panel (a layout refuses, raising ``SpecError``, where it cannot write
    its numbers: that arrangement does not fit). Refuses, naming what would
    fit, where nothing does: for a canvas given as a ``ratio`` (``(16, 9)``),
    a canvas of that shape."""
    cw, ch = canvas
    widest = cw / BASE_WIDTH
    tried = []  # the height of each arrangement tried at the full type
    layout = _arranged(layout_at, panel_at, canvas, panel, widest, tried)
    if layout is not None:
        return layout
    least = max(ch, LEAST_PX * 60) / BASE_WIDTH  # type at 1/60 of the height
    shrunk = _arranged(layout_at, panel_at, canvas, panel, least, []) if least < widest else None
    if shrunk is not None:
        low, high = least, widest  # the largest type that fits lies between
        while high - low > widest / 100:
            middle = (low + high) / 2
            layout = _arranged(layout_at, panel_at, canvas, panel, middle, [])
            low, high, shrunk = (middle, high, layout) if layout is not None else (low, middle, shrunk)
        if notes is not None:
            notes.append(
                f"--canvas {cw}x{ch}: the figure is too tall for type of 1/60 of the canvas's width ({cw / 60:.0f} px), "
                f"so its smallest type is {MIN_TYPE * low:.0f} px (no less than 1/60 of the height, {MIN_TYPE * least:.0f} px)"
            )
        return shrunk
    # One line, naming a canvas checked to fit (its type may be the least a canvas of its height allows).
    side = "height" if least < widest else "width"
    bare = panel and _fits(layout_at, panel_at, canvas, False)
    least = min(least, widest)
    shape = f" ({ratio[0]:g}:{ratio[1]:g} at --width {cw})" if ratio else ""
    shaped = _advice_shaped(layout_at, panel_at, canvas, panel, ratio) if ratio else None
    if shaped is not None:
        advice = shaped + (", or --no-panel on this one: both fit" if bare else ", which fits")
    else:  # (a shape whose every size scales the figure with it, 1:1 say: another shape)
        nothing = f"no {ratio[0]:g}:{ratio[1]:g} canvas up to {MAX_SIDE} px wide holds it; " if ratio else ""
        advice = nothing + _advice(layout_at, panel_at, canvas, panel, widest, least, tried) + (", or --no-panel, which fits" if bare else "")
    raise SpecError(
        "canvas",
        f"{cw}x{ch}{shape} is too small for this figure even with its type at 1/60 of the canvas's {side} ({MIN_TYPE * least:.0f} px): {advice}",
    )


def _fits(layout_at, panel_at, canvas, panel: bool) -> bool:
    """Whether ``fit`` draws the figure on ``canvas``: with type at 1/60 of
    its width, or, shrunk, at the least it allows."""
    cw, ch = canvas
    scales = sorted({cw / BASE_WIDTH, min(cw, max(ch, LEAST_PX * 60)) / BASE_WIDTH})
    return any(_arranged(layout_at, panel_at, canvas, panel, scale, []) is not None for scale in scales)


def _advice_shaped(layout_at, panel_at, canvas, panel: bool, ratio) -> str | None:
    """The least canvas of the shape ``ratio`` that fits, checked: wider than
    ``canvas`` (type grows with a canvas, but not its floor), as ``--width``;
    None if none up to ``MAX_SIDE`` does."""
    cw, _ = canvas

    def sized(width: int) -> tuple[int, int]:
        return width, round(width * ratio[1] / ratio[0])

    def fits(width: int) -> bool:
        w, h = sized(width)
        return MIN_SIDE // 2 <= h <= MAX_SIDE and _fits(layout_at, panel_at, (w, h), panel)

    short, wide = cw, min(MAX_SIDE, math.ceil(cw * 1.25))
    while not fits(wide):
        if wide == MAX_SIDE:
            return None
        short, wide = wide, min(MAX_SIDE, math.ceil(wide * 1.25))
    while wide - short > 1:
        middle = (short + wide) // 2
        short, wide = (short, middle) if fits(middle) else (middle, wide)
    return f"use --width {wide} (a {ratio[0]:g}:{ratio[1]:g} canvas, {sized(wide)[0]}x{sized(wide)[1]})"


def _advice(layout_at, panel_at, canvas, panel: bool, widest: float, least: float, tried: list) -> str:
    """What to use instead, each canvas named checked to fit: the same
    width taller (type at 1/60 of the width), else a larger canvas of the
    same shape (``fit`` tells --no-panel apart)."""
    cw, ch = canvas

    def fits(h: int) -> bool:
        return _arranged(layout_at, panel_at, (cw, h), panel, widest, []) is not None

    # The heights tried bound the least height from below, not above: an
    # arrangement picked for a taller canvas may differ.
    tall = min(MAX_SIDE, math.ceil(min(tried, default=MAX_SIDE)))
    while tall < MAX_SIDE and not fits(tall):
        tall = min(MAX_SIDE, math.ceil(tall * 1.25))
    if tall > ch and fits(tall):
        return f"use at least {cw}x{_least_height(fits, ch, tall)}"
    # The same shape, larger (``fit`` draws it, its type shrunk if need be).
    most = MAX_SIDE / max(cw, ch)
    factors = [f for f in (1.25, 1.5, 1.75, 2.0, 2.5, 3.0) if f < most] + ([most] if most > 1 else [])
    for factor in factors:
        size = (math.floor(cw * factor), math.floor(ch * factor))
        scales = {size[0] / BASE_WIDTH, min(size[0], max(size[1], LEAST_PX * 60)) / BASE_WIDTH}
        if any(_arranged(layout_at, panel_at, size, panel, scale, []) is not None for scale in sorted(scales)):
            return f"use {size[0]}x{size[1]} (the same shape, larger), which fits"
    return f"no canvas up to {MAX_SIDE} px holds it" + ("" if panel else "; draw a smaller figure")


def _least_height(fits, short: int, tall: int) -> int:
    """The least canvas height, over ``short`` and at most ``tall`` (which
    fits), that ``fits``."""
    while tall - short > 1:
        middle = (short + tall) // 2
        short, tall = (short, middle) if fits(middle) else (middle, tall)
    return tall


def _arranged(layout_at, panel_at, canvas, panel: bool, scale: float, tried: list):
    """The best arrangement of the figure on ``canvas`` with type at
    ``scale``, or None; ``tried`` gets the heights of those that did not fit."""
    cw, ch = canvas
    cache = {}

    def at(width: int, with_panel: bool):
        key = (int(width), with_panel)
        if key not in cache:
            try:
                cache[key] = layout_at(key[0], with_panel, scale, height=ch)
            except SpecError:  # e.g. too many bands at this width: does not fit
                cache[key] = None
        return cache[key]

    below = at(cw, panel)
    # (A 2-D panel right of the outputs under the tiles, ``turn``, is one
    # arrangement among those below: the panel beside the grids may draw
    # them larger.)
    cornered = below is not None and getattr(below, "turn", None) is not None
    if below is not None and below.height <= ch and not cornered:
        return below  # the figure as it is at this width: nothing beside it could be larger
    # A figure with its numbers in its cells stays so: its overview with
    # lenses, for grids too large to number, would be another figure.
    numbered = below is not None and below.lens is None
    panel_size = panel_at(scale)
    if below is not None and below.height > ch:
        tried.append(below.height)

    def allowed(layout) -> bool:
        """Not an overview of a numbered figure, nor a panel too narrow for its formulas."""
        if layout is None or numbered and layout.lens is not None:
            return False
        return layout.panel is None or layout.panel.w >= panel_size[0]

    choices = [below] if cornered and below.height <= ch else []
    below_tried = []
    narrowed = _widest(lambda w: _kept(at(w, panel), allowed), cw, ch, below_tried)
    tried += [h for _, h in below_tried]
    if narrowed is not None:
        choices.append(narrowed)
    if panel:
        beside = _beside(lambda w: _kept(at(w, False), allowed), panel_size, canvas, scale, tried)
        if beside is not None:
            choices.append(beside)
    # The larger cells (1-D rows tightened for the canvas are lower); ties
    # go to the panel under the grids, the usual look.
    return max(reversed(choices), key=lambda layout: layout.cell * (getattr(layout, "cell_h", 0) or layout.cell)) if choices else None


def _kept(layout, allowed):
    return layout if allowed(layout) else None


def _beside(grids_at, panel_size, canvas, scale: float, tried: list):
    """The grids on the left, the panel on their right, each as tall as
    the canvas allows; the panel as narrow as lets it fit (the grids get
    the rest), or None."""
    cw, ch = canvas
    least, height_at = panel_size
    margin, top, bottom = MARGIN * scale, TOP * scale, BOTTOM * scale
    width = math.ceil(least)
    while width <= WIDEST_PANEL * cw and top + height_at(width) + bottom > ch:
        width += math.ceil(cw / 40)
    if width > WIDEST_PANEL * cw:
        return None
    room = cw - width - 2 * margin  # a margin between the grids and the panel, and after it
    grids_tried = []
    grids = _widest(grids_at, room, ch, grids_tried)
    tried += [max(h, top + height_at(cw - w - 2 * margin) + bottom) for w, h in grids_tried]
    if grids is None:
        return None
    panel_w = cw - grids.width - 2 * margin  # what the grids leave
    panel_h = height_at(panel_w)
    height = max(grids.height, math.ceil(top + panel_h + bottom))
    y = max(top, (height - bottom - panel_h) / 2)  # level with the middle of the grids
    return PanelBeside(grids, cw, height, Box(grids.width + margin, y, panel_w, panel_h))


def _widest(layout_at, widest: int, limit: int, tried: list):
    """The widest layout, ``widest`` px wide down to half that, whose height
    fits ``limit``, or None; ``tried`` gets (width, height) of the first two tried. A
    figure's grids grow taller as they widen (2-D) or wrap onto fewer
    lines (1-D): between a width that fits and one that does not, the
    heights are interpolated, a few times at most."""
    fits, over = None, None
    for width in (widest, max(MIN_SIDE // 2, widest // 2)):
        layout = layout_at(width)
        if layout is None:
            continue
        tried.append((width, layout.height))
        if layout.height <= limit:
            fits = (width, layout)
            break
        over = (width, layout)
    if fits is None or fits[0] == widest or over is None:
        return None if fits is None else fits[1]
    for _ in range(5):
        (w0, l0), (w1, l1) = fits, over
        if w1 - w0 <= max(4, w1 // 50):
            break
        rise = l1.height - l0.height
        guess = w0 + (w1 - w0) * (limit - l0.height) / rise if rise > 0 else (w0 + w1) / 2
        width = int(min(max(guess, w0 + (w1 - w0) / 8), w1 - (w1 - w0) / 8))
        layout = layout_at(width)
        if layout is None:
            break
        if layout.height <= limit:
            fits = (width, layout)
        else:
            over = (width, layout)
    return fits[1]


def on_canvas(frames, canvas: tuple[int, int], background: tuple[int, int, int, int], shared: bool = False):
    """``frames`` placed in the middle of a canvas of that size, filled with
    ``background`` (RGBA; RGB frames take its first three). ``shared``: as
    the renderer's frames, one board for all, into which only what changed
    is copied (a writer is done with a frame when it asks for the next)."""
    cw, ch = canvas
    board = None
    for frame in frames:
        h, w, channels = frame.pixels.shape
        x, y = (cw - w) // 2, (ch - h) // 2
        if not shared:
            # A new array per frame: a caller may keep every frame it is given.
            board = np.empty((ch, cw, channels), dtype=np.uint8)
            board[...] = background[:channels]
            board[y : y + h, x : x + w] = frame.pixels
        elif board is None or frame.changed is None:
            # Four bytes a pixel, as the renderer's own canvas: the GIF
            # writer compares such pictures a word a pixel (a 1920×1080
            # board filled and copied whole each frame took most of a
            # canvas figure's time).
            board = np.empty((ch, cw, 4), dtype=np.uint8)
            board[...] = background
            _copy(frame.pixels, board, x, y, [(0, 0, w, h)])
        else:
            # Box by box (a window at the top and a sum line at the bottom,
            # not all between).
            _copy(frame.pixels, board, x, y, frame.boxes or (frame.changed,))
        picture = board if not shared or channels == 4 else board[..., :3]

        def moved(box):
            return (box[0] + x, box[1] + y, box[2] + x, box[3] + y)

        changed = None if frame.changed is None else moved(frame.changed)
        boxes = None if frame.boxes is None else tuple(map(moved, frame.boxes))
        yield Frame(picture, frame.duration_ms, changed, frame.caption, boxes)


def _copy(pixels: np.ndarray, board: np.ndarray, x: int, y: int, boxes) -> None:
    """``pixels``' ``boxes`` onto the four-byte ``board`` at (``x``, ``y``): a
    pixel as one word where ``pixels`` are a canvas's four bytes a pixel."""
    h, w, channels = pixels.shape
    words = four_bytes(pixels)
    source, target = (pixels, board[..., :channels]) if words is None else (words.view("<u4")[..., 0], board.view("<u4")[..., 0])
    for box in boxes:
        box = clip(box, w, h)
        if box is not None:
            left, top, right, bottom = box
            target[y + top : y + bottom, x + left : x + right] = source[top:bottom, left:right]
