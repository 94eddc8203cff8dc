"""What the viewer sees and for how long: a list of shots over a trace.

A picture shows several steps at once: at one output position, every group
computes its output together (the trace keeps one step per output element;
the storyboard composes them). Where a group has several output channels
(a depthwise multiplier), they take turns, one picture each.

A shot names the steps it draws and a phase; the renderer draws it, the
writer holds it for its duration. Holds are durations, not copies: a held
picture is one shot.

Phases:
  ``step``  the kernels over the windows of ``steps``, products written out,
            the output cells being written;
  ``glide`` the kernels on their way from the windows of ``origin`` to
            those of ``steps`` (``progress`` from 0 to 1, exclusive), only
            with ``glide=True``;
  ``done``  every output written, the kernels put away (``steps`` empty).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from ..errors import SpecError

MIN_HOLD, MAX_HOLD = 0.05, 60.0  # seconds
MAX_FPS = 50  # one frame every 20 ms, the shortest a GIF frame is shown
# The rules of hold and fps, as every check of them words them.
HOLD_RANGE = f"from {MIN_HOLD:g} to {MAX_HOLD:g} seconds"
FPS_RANGE = f"from 1 to {MAX_FPS} frames per second"
FIRST_LAST_HOLD = 2.0  # the first and last pictures stay this many holds
GLIDE_SHARE = 0.4  # with glide, this share of a hold is spent moving


@dataclass(frozen=True)
class Timing:
    hold: float = 1.0  # seconds each step is held
    fps: float = 20.0  # frames per second while gliding
    glide: bool = False

    def __post_init__(self):
        # GIF counts time in hundredths and browsers will not show a frame
        # for less than two: shorter holds or faster glides would lose steps.
        if not (MIN_HOLD <= self.hold <= MAX_HOLD):
            raise SpecError("hold", f"must be {HOLD_RANGE}, got {self.hold}")
        if not (1 <= self.fps <= MAX_FPS):
            raise SpecError("fps", f"must be {FPS_RANGE}, got {self.fps}")


@dataclass(frozen=True)
class Shot:
    """One picture on screen: trace step indices drawn together, for how long.

    ``origin`` (glide only) names the steps whose windows the kernels leave."""

    phase: str
    steps: tuple[int, ...]
    duration_ms: float
    progress: float = 0.0
    origin: tuple[int, ...] = ()


def pictures(steps: Sequence[tuple[Hashable, int]]) -> tuple[tuple[int, ...], ...]:
    """Which trace steps are drawn together, in showing order.

    ``steps`` gives each trace step's (output position, group), in trace
    order. At each position every group's first output channel is one
    picture, their second ones the next, and so on."""
    turns: dict[tuple[Hashable, int], int] = {}
    together: dict[tuple[Hashable, int], list[int]] = {}
    for index, (position, group) in enumerate(steps):
        turn = turns.get((position, group), 0)
        turns[(position, group)] = turn + 1
        together.setdefault((position, turn), []).append(index)
    return tuple(tuple(indices) for indices in together.values())


def storyboard(steps: Sequence[tuple[Hashable, int]], timing: Timing = Timing()) -> tuple[Shot, ...]:
    """Shots for a trace whose steps have these (output position, group)s:
    each picture (see ``pictures``) its own hold, in order, then the finished
    figure.

    The kernels glide only between pictures at different positions: the
    output channels of one position share a window."""
    shown = pictures(steps)
    hold_ms = 1000.0 * timing.hold
    shots: list[Shot] = []
    for k, indices in enumerate(shown):
        # A picture's time, the glide that leaves it included; the first is longer.
        total_ms = hold_ms * (FIRST_LAST_HOLD if k == 0 else 1.0)
        following = shown[k + 1] if k + 1 < len(shown) else None
        gliding = timing.glide and following is not None and steps[following[0]][0] != steps[indices[0]][0]
        glide_ms = GLIDE_SHARE * hold_ms if gliding else 0.0
        frames = max(1, round(glide_ms / 1000.0 * timing.fps)) if gliding else 0
        shots.append(Shot("step", indices, total_ms - glide_ms))
        for i in range(frames):
            shots.append(Shot("glide", following, glide_ms / frames, progress=(i + 1) / (frames + 1), origin=indices))
    shots.append(Shot("done", (), hold_ms * FIRST_LAST_HOLD))
    return tuple(shots)
