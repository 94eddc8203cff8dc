"""Where a 2-D picture's arrows run, shared by the 2-D picture and lens tests."""

from __future__ import annotations


def arrow_shafts(picture):
    """The arrows' shafts a recorded picture draws (connectors and links are thin)."""
    return [c for c in picture.calls if c.kind == "line" and c.edge_px > 1]


def passes(points, inside, samples=200):
    """Whether the line through ``points`` has a point where ``inside(x, y)``."""
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for i in range(samples + 1):
            if inside(x0 + (x1 - x0) * i / samples, y0 + (y1 - y0) * i / samples):
                return True
    return False


def written_cells_crossed(trace, layout, picture, margin=1.0):
    """How many (shaft, output cell written before this picture) pairs meet
    inside the cell, ``margin`` pixels in from its edges."""
    first = min(picture.shot.steps)
    written = [layout.output_cell(step.out_channel, step.position) for step in trace.steps[:first]]

    def inside(box):
        return lambda x, y: box.x + margin < x < box.right - margin and box.y + margin < y < box.bottom - margin

    return sum(passes(shaft.points, inside(box)) for shaft in arrow_shafts(picture) for box in written)


def crosses(a, b, box) -> bool:
    """Whether the segment from ``a`` to ``b`` enters ``box`` (left, top, right, bottom: its inside, not its edge)."""
    (x0, y0), (x1, y1) = a, b
    low, high = 0.0, 1.0
    for delta, start, lo, hi in ((x1 - x0, x0, box[0], box[2]), (y1 - y0, y0, box[1], box[3])):
        if abs(delta) < 1e-9:
            if not lo < start < hi:
                return False
            continue
        t0, t1 = sorted(((lo - start) / delta, (hi - start) / delta))
        low, high = max(low, t0), min(high, t1)
    return high - low > 1e-6
