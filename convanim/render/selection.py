"""Which pictures a figure draws: ``--every N``, ``--steps A-B,C-D`` and the
frame budget (``--max-frames``).

Selection is a pure function over a storyboard's shots. Pictures are counted
as the step counter counts them (step 1 is the first); a picture left out is
not drawn, but its outputs still fill in, since the renderer writes every
output before the picture it draws. The kernel glides only between pictures
that follow each other; elsewhere it jumps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..errors import SpecError

DEFAULT_MAX_FRAMES = 3000  # minutes of animation at the default hold; more is a mistake


def parse_steps(value) -> tuple[tuple[int, int], ...] | None:
    """``"1-5,9"`` -> ``((1, 5), (9, 9))``: ranges of step numbers, counted
    from 1, both ends included. Also takes an int or a sequence of ints and
    (first, last) pairs; None means every step."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",")]
        if not value.strip() or any(not part for part in parts):
            raise SpecError("steps", f"expected step numbers and ranges such as 1-5,9; got {value!r}")
        items = []
        for part in parts:
            ends = [end.strip() for end in part.split("-")]
            if len(ends) > 2 or not all(end.isdigit() for end in ends):
                raise SpecError("steps", f"expected step numbers and ranges such as 1-5,9; got {part!r}")
            items.append(tuple(int(end) for end in ends))
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [(value,)]
    elif isinstance(value, Sequence):
        items = [item if isinstance(item, (tuple, list)) else (item,) for item in value]
    else:
        raise SpecError("steps", f"must be text such as '1-5,9' or a sequence of step numbers, got {value!r}")
    ranges = []
    for item in items:
        if not 1 <= len(item) <= 2 or any(isinstance(n, bool) or not isinstance(n, int) for n in item):
            raise SpecError("steps", f"each entry is a step number or a (first, last) pair of them, got {item!r}")
        first, last = item[0], item[-1]
        if first < 1:
            raise SpecError("steps", f"steps are counted from 1, got {first}")
        if last < first:
            raise SpecError("steps", f"a range runs from its first step to its last, got {first}-{last}")
        ranges.append((first, last))
    if not ranges:
        raise SpecError("steps", "names no step; give step numbers and ranges such as 1-5,9")
    return tuple(ranges)


def select(shots: Sequence, every: int = 1, steps: tuple[tuple[int, int], ...] | None = None) -> tuple:
    """The shots that draw the chosen pictures: those in ``steps`` (all when
    None), then every ``every``-th of them, and the finished figure."""
    if every == 1 and steps is None:
        return tuple(shots)
    number = {}  # a picture's steps -> its number, counted from 1
    for shot in shots:
        if shot.phase == "step":
            number[shot.steps] = len(number) + 1
    kept = set(_chosen(len(number), steps)[::every])
    result = []
    for shot in shots:
        if shot.phase == "step":
            keep = number[shot.steps] in kept
        elif shot.phase == "glide":
            # Only towards the next picture: a glide past skipped ones would
            # cross windows no step is drawn for.
            keep = number[shot.origin] in kept and number[shot.steps] in kept
        else:
            keep = True
        if keep:
            result.append(shot)
    return tuple(result)


def _chosen(count: int, steps) -> list[int]:
    """The numbers of the pictures ``steps`` names (all ``count`` when None)."""
    if steps is None:
        return list(range(1, count + 1))
    last = max(end for _, end in steps)
    if last > count:
        raise SpecError("steps", f"step {last} is past the last step; this figure has {count}")
    return sorted({k for first, end in steps for k in range(first, end + 1)})


def least_every(count: int, every: int, steps, limit: int) -> tuple[int, int | None]:
    """How many pictures (the finished figure among them) a figure of
    ``count`` steps draws with ``every`` and ``steps``, and, where that is
    more than ``limit``, the least ``--every`` that draws no more (None: none does)."""
    chosen = len(_chosen(count, steps))
    drawn = math.ceil(chosen / every) + 1
    if drawn <= limit:
        return drawn, None
    return drawn, (math.ceil(chosen / (limit - 1)) if limit > 1 else None)


def choose(shots: Sequence, every: int = 1, steps=None, max_frames: int = DEFAULT_MAX_FRAMES) -> tuple:
    """``select``, then refuse, before anything is drawn, more frames than
    ``max_frames``, saying which ``--every`` would fit."""
    chosen = select(shots, every, steps)
    if len(chosen) <= max_frames:
        return chosen
    suggestion = ""
    n = every * max(2, math.ceil(len(chosen) / max_frames))
    while n <= len(chosen) and len(select(shots, n, steps)) > max_frames:
        n += every
    if len(select(shots, n, steps)) <= max_frames:
        suggestion = f" (--every {n} would fit)"
    raise SpecError(
        "max_frames",
        f"this figure would draw {len(chosen):,} frames, more than the budget of {max_frames:,}; "
        f"draw every Nth step with --every N{suggestion}, choose steps with --steps A-B, or raise --max-frames",
    )
