"""What the picture reads from the trace, in one place.

The engine is growing these as trace fields (``Trace.roles``,
``Step.window``, ``Step.shown``); until every trace carries them, they are
read here from what it already records, so the renderer and layouts never
ask the spec to redo the arithmetic.
"""

from __future__ import annotations

import numpy as np

from ..engine import Step, Trace
from ..report import settled


def roles(trace: Trace) -> np.ndarray:
    """Every padded cell's role: "input", "zero" (zero padding) or "copy"
    (reflect, replicate or circular padding), over the padded spatial shape."""
    known = getattr(trace, "roles", None)
    if known is not None:
        return known
    spec = trace.spec
    result = np.empty(spec.padded_shape, dtype="<U5")
    for position, source in trace.sources.items():
        inside = all(lo <= p < lo + n for p, (lo, _), n in zip(position, spec.padding, spec.spatial_shape))
        result[position] = "input" if inside else ("zero" if source is None else "copy")
    return result


def window(step: Step) -> tuple[tuple[int, int], ...]:
    """(start, stop) per axis of the padded cells a step reads, stop exclusive."""
    known = getattr(step, "window", None)
    if known is not None:
        return tuple(tuple(axis) for axis in known)
    axes = zip(*(tap.position for tap in step.taps))
    return tuple((min(axis), max(axis) + 1) for axis in axes)


def result_shown(step: Step) -> float:
    """A step's result as a reader sees it: float noise as 0."""
    known = getattr(step, "shown", None)
    return settled(step) if known is None else known
