"""What the viewer sees and for how long: a list of shots over a trace.

A shot names a step and a phase; the renderer draws it, the writer holds it
for its duration. Holds are durations, not copies: a held step is one shot.

Phases:
  ``step``  the kernel over the window of ``step``, products written out,
            the output cell being written;
  ``glide`` the kernel on its way from ``step`` to ``step + 1``
            (``progress`` from 0 to 1, exclusive), only with ``glide=True``;
  ``done``  every output written, the kernel put away.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SpecError

MIN_HOLD, MAX_HOLD = 0.05, 60.0  # seconds
MAX_FPS = 50  # one frame every 20 ms, the shortest a GIF frame is shown
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
            raise SpecError("hold", f"must be from {MIN_HOLD} to {MAX_HOLD} seconds, got {self.hold}")
        if not (1 <= self.fps <= MAX_FPS):
            raise SpecError("fps", f"must be from 1 to {MAX_FPS} frames per second, got {self.fps}")


@dataclass(frozen=True)
class Shot:
    phase: str
    step: int
    duration_ms: float
    progress: float = 0.0


def storyboard(positions: list[tuple[int, ...]], timing: Timing = Timing()) -> tuple[Shot, ...]:
    """Shots for steps at output ``positions``: each step its own picture, in order.

    The kernel glides only between steps at different positions: the output
    channels of one position share a window."""
    hold_ms = 1000.0 * timing.hold
    step_count = len(positions)
    shots: list[Shot] = []
    for step in range(step_count):
        # A step's time, the glide that leaves it included; the first is longer.
        total_ms = hold_ms * (FIRST_LAST_HOLD if step == 0 else 1.0)
        gliding = timing.glide and step + 1 < step_count and positions[step + 1] != positions[step]
        glide_ms = GLIDE_SHARE * hold_ms if gliding else 0.0
        frames = max(1, round(glide_ms / 1000.0 * timing.fps)) if gliding else 0
        shots.append(Shot("step", step, total_ms - glide_ms))
        for i in range(frames):
            shots.append(Shot("glide", step, glide_ms / frames, progress=(i + 1) / (frames + 1)))
    shots.append(Shot("done", step_count - 1, hold_ms * FIRST_LAST_HOLD))
    return tuple(shots)
