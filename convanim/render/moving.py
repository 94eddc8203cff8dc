"""What a shot draws over the background: the window outlined on each
channel it reads, the kernel (its weights' tags, its own grid), whose kernel
it is, the product lines, the arrows into the cell being written, and the
step counter. While gliding, the kernel slides from the last window to the
next; finished, it rests where it last was.

Every number is read from the trace (through the renderer's steps), every
place comes from the layout; the renderer's ``cell``, ``kernel_cell`` and
``label`` do the painting.
"""

from __future__ import annotations

from dataclasses import replace

from ..engine import Step
from .layout import Box
from .storyboard import Shot


def draw_moving(renderer, p, shot: Shot, count: str) -> None:
    """What ``shot`` adds to the background, its counter reading ``count``."""
    if shot.phase == "step":
        _draw_step(renderer, p, [renderer.step(i) for i in shot.steps])
    elif shot.phase == "glide":
        # The counter and product lines go ahead with the kernel, never behind it.
        arriving = [renderer.step(i) for i in shot.steps]
        _draw_glide(renderer, p, [renderer.step(i) for i in shot.origin], arriving, shot.progress)
        _draw_products(renderer, p, arriving)
    else:
        # Finished: the kernels rest where they last were, every output
        # written, the last step's sums still written out where they were
        # (a finished figure with a hole where the sums stood reads as
        # unfinished: in 1-D, a band as tall as the groups).
        last = [renderer.step(i) for i in renderer.last_picture]
        for step in last:
            if not renderer.layout.window_bars:  # 2-D: the weights' tags keep their outline and grid
                _outline(renderer, p, step, step.window)
                _kernel_grid(renderer, p, step)
            _draw_kernel(renderer, p, step)
        _kernel_owner(renderer, p, last)
        _draw_products(renderer, p, last)
    position = renderer.step(shot.steps[0]).position if shot.steps else None
    renderer.label(p, replace(renderer.layout.counter(position), text=count))


def _draw_step(renderer, p, steps: list[Step]) -> None:
    L, theme = renderer.layout, renderer.theme
    marks = {L.tap_mark(tap.in_channel, tap.position): None for step in steps for tap in step.taps}
    for mark in marks:  # once each: a mark drawn twice would come out bolder
        if mark is not None:
            renderer.label(p, mark)
    for step in steps:
        _outline(renderer, p, step, step.window)
        _draw_kernel(renderer, p, step)
        _kernel_grid(renderer, p, step)
    _kernel_owner(renderer, p, steps)
    total = _draw_products(renderer, p, steps)
    for step in steps:
        target = L.output_cell(step.out_channel, step.position)
        ink = _ink(renderer, step) if renderer.trace.spec.groups > 1 else theme.output_current  # each group's arrow its colour
        for arrow in L.arrows(total, target, step.window, _channels(step)):
            p.line(list(arrow.shaft), ink, arrow.width_px)
            p.polygon(list(arrow.head), ink)
        renderer.cell(p, target, theme.output_current, step.shown, ("output", step.out_channel), edge_px=L.heavy_edge)


def _draw_kernel(renderer, p, step: Step) -> None:
    for tap in step.taps:
        renderer.kernel_cell(p, renderer.layout.kernel_cell(tap.in_channel, tap.position), tap.in_channel, tap.weight, step.out_channel)


def _draw_products(renderer, p, steps: list[Step]) -> int:
    """Each step's product line(s), in its group's colour; how many lines."""
    L = renderer.layout
    # Worked out once per step: a glide shows them in many frames.
    lines = [renderer.remembered(("lines", step.index), lambda step=step: L.lines(step)) for step in steps]
    placed = L.product_lines([step.window for step in steps], lines)
    for step, step_lines, places in zip(steps, lines, placed):
        for line, (x, y) in zip(step_lines, places):
            p.text(x, y, line, L.expression_px, _ink(renderer, step))
    return sum(len(step_lines) for step_lines in lines)


def _ink(renderer, step: Step) -> str:
    """A step's product line: in its group's colour where groups share a picture."""
    return renderer.theme.group_ink(step.group) if renderer.trace.spec.groups > 1 else renderer.theme.text


def _draw_glide(renderer, p, before: list[Step], after: list[Step], progress: float) -> None:
    L = renderer.layout
    # Tap i of one step and tap i of the next are the same kernel cell. The
    # next kernel slides along its own rows: moving across rows would pass
    # over channels it never reads.
    for old, new in zip(before, after):
        for channel in _channels(new):
            start, end = L.outline(channel, old.window), L.outline(channel, new.window)
            if start is not None and end is not None and L.same_band(start, end):
                _outline_box(renderer, p, start.toward(end, progress))
        if not any(L.outline(channel, new.window) is not None for channel in _channels(new)):
            _outline(renderer, p, new, new.window)  # a window split across lines: its cells, where it lands
        for a, b in zip(old.taps, new.taps):
            start = L.kernel_cell(b.in_channel, a.position)
            end = L.kernel_cell(b.in_channel, b.position)
            # Within a line of a wrapped figure (a wrapped 1-D figure has
            # several; others one) the kernel slides; onto another line it
            # jumps, rather than sweep diagonally across the rows between.
            box = start.toward(end, progress) if L.same_band(start, end) else end
            renderer.kernel_cell(p, box, b.in_channel, b.weight, new.out_channel)
        _kernel_grid(renderer, p, new, old, progress)
    _kernel_owner(renderer, p, after)


def _channels(step: Step) -> list[int]:
    """The input channels a step reads, in order."""
    return list(dict.fromkeys(tap.in_channel for tap in step.taps))


def _outline(renderer, p, step: Step, span) -> None:
    """The window's outline on every channel the step reads, tied to the
    kernel's grid (2-D)."""
    L, theme = renderer.layout, renderer.theme
    for channel in _channels(step):
        box = L.outline(channel, span)
        if box is not None:
            _outline_box(renderer, p, box)
        else:  # no window box (1-D): each input cell read, so dilation's gaps show
            edge = L.heavy_edge
            for tap in step.taps:
                if tap.in_channel == channel:
                    cell = L.input_cell(channel, tap.position)
                    p.rect(cell.x, cell.y, cell.w, cell.h, None, theme.kernel, edge)
        for link in L.links(channel, span):
            p.line(list(link), theme.kernel, 1)


def _outline_box(renderer, p, box: Box) -> None:
    L, theme = renderer.layout, renderer.theme
    edge = L.heavy_edge
    if L.window_bars:
        # A bar over and under the window: as plain as a box, and a
        # fraction of the bytes per frame (no edges down every row).
        for y in (box.y - edge, box.bottom):
            p.rect(box.x, y, box.w, edge - 1, theme.kernel)
        return
    p.rect(box.x - edge, box.y - edge, box.w + 2 * edge, box.h + 2 * edge, None, theme.kernel, edge)


def _kernel_grid(renderer, p, step: Step, before: Step | None = None, progress: float = 0.0) -> None:
    """The kernel as a grid of its own, beside each channel it reads,
    level with its window (2-D); while gliding, on its way from ``before``'s."""
    L = renderer.layout
    for tap in step.taps:
        box = L.kernel_grid_cell(tap.in_channel, tap.kernel_index, step.window)
        if box is None:
            return
        if before is not None:
            box = L.kernel_grid_cell(tap.in_channel, tap.kernel_index, before.window).toward(box, progress)
        renderer.kernel_cell(p, box, tap.in_channel, tap.weight, step.out_channel)


def _kernel_owner(renderer, p, steps: list[Step]) -> None:
    """Where a group's output channels take turns, say whose kernels are
    shown (with one output channel per group, the stripes say it)."""
    spec = renderer.trace.spec
    owner = None
    if spec.out_channels > spec.groups:
        owners = ", ".join(str(step.out_channel) for step in steps)
        owner = f"of out ch {owners}"
    for label in renderer.layout.kernel_labels(steps, owner):
        renderer.label(p, label)
