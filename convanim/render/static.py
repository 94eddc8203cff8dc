"""What a figure shows from its first frame to its last, drawn once into its
background: the input cells with their numbers and padding, the pending
output cells, labels, group stripes and legend, the info panel and the
credit line. Every number comes from the trace, every place from the layout."""

from __future__ import annotations

import numpy as np


def draw_static(renderer, p) -> None:
    """Draw the unchanging part of ``renderer``'s figure on ``p``."""
    L, theme, trace = renderer.layout, renderer.theme, renderer.trace
    spec = trace.spec
    # Input rows, padding included, each cell showing the value it holds.
    role = trace.roles
    for channel in range(spec.in_channels):
        for position in np.ndindex(role.shape):
            kind = role[position]
            value = trace.padded[(channel, *position)]
            renderer.cell(p, L.input_cell(channel, position), renderer.input_fill(kind, channel), value, ("input", channel), italic=kind == "copy")

    word = "padding" if spec.padding_mode == "zeros" else f"{spec.padding_mode} padding"
    for label in L.padding_labels(word):
        renderer.label(p, label)

    # Pending output cells: grey, empty until written (or their values in
    # grey, to be checked against as the figure plays).
    for at in np.ndindex(trace.shown.shape):
        box = L.output_cell(at[0], at[1:])
        renderer.cell(p, box, theme.pending, None)
        if renderer.show_pending:
            text, px = L.cell_label(float(trace.shown[at]), row=("output", at[0]))
            p.text(box.cx, box.cy, text, px, theme.muted, bold=True)

    for label in L.labels():
        renderer.label(p, label)
    for box, group in L.stripes():
        p.rect(box.x, box.y, box.w, box.h, theme.group_colour(group))
    for box, group, label in L.legend():
        p.rect(box.x, box.y, box.w, box.h, theme.group_colour(group))
        renderer.label(p, label)
    if L.panel is not None:
        from .panel import draw_panel

        draw_panel(p, L.panel, L.scale, theme, spec, renderer.text.title)
    if renderer.text.credit:
        renderer.label(p, L.credit(renderer.text.credit))
