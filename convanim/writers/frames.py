"""A folder of numbered PNGs, for LaTeX beamer's ``animate`` package.

``animate`` plays pictures at one frame rate, so holds become repeated
pictures: the rate is the slowest that gives every picture a whole number
of frames (from the durations' greatest common divisor, in centiseconds,
at most 50 per second), and picture ends are rounded on one clock. A
repeat is written as its own file, because ``\\animategraphics`` reads
``name_000 … name_NNN`` with no gaps. The folder is written beside the
target under a temporary name and renamed into place at the end; an
existing folder of the same name is replaced only then, and only if it
holds nothing but such pictures.
"""

from __future__ import annotations

import math
import re
import secrets
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import WriterError
from .base import OUTPUT, Writer
from .source import Frame

MAX_FPS = 50


def frame_rate(durations_ms) -> float:
    """Frames per second at which every duration is a whole number of frames (near enough)."""
    centis = [max(1, round(d / 10)) for d in durations_ms if d > 0] or [100]
    step = math.gcd(*centis)
    return min(MAX_FPS, 100 / step)


class FramesWriter(Writer):
    """``--format frames``: ``DIR/NAME_000.png`` …, NAME being the folder's own name.

    The pictures are written once each while the frames stream in (the
    durations, kept, decide the rate at the end); repeats are then copies.
    ``latex`` is the ``\\animategraphics`` line, set when the folder is written.
    """

    merge_repeats = True

    def __init__(self, path, size=None):
        super().__init__(path, size)
        self.name = re.sub(r"[^A-Za-z0-9-]+", "-", self.path.name).strip("-") or "frame"
        self._durations: list[float] = []
        self.latex = ""
        self.fps = 0.0
        self.count = 0

    def _check_target(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise WriterError(OUTPUT, f"{str(self.path)!r} is a file; --format frames writes a folder")
        if self.path.is_dir() and any(not self._ours(p) for p in self.path.iterdir()):
            raise WriterError(OUTPUT, f"{str(self.path)!r} holds other files; give a new or empty folder")

    def _ours(self, path: Path) -> bool:
        return re.fullmatch(rf"{re.escape(self.name)}_\d+\.png", path.name) is not None

    def _make_temp(self) -> Path:
        for _ in range(100):
            temp = self.path.with_name(f".convanim-{secrets.token_hex(4)}.part")
            if self._claim(temp, temp.mkdir):
                return temp
        raise WriterError(OUTPUT, f"cannot create a temporary folder beside {str(self.path)!r}")

    def _begin(self, temp_path) -> None:
        pass

    def _add(self, frame: Frame) -> None:
        mode = "RGBA" if frame.pixels.shape[2] == 4 else "RGB"
        Image.fromarray(frame.pixels, mode).save(self._temp / f"picture-{len(self._durations)}.png", compress_level=9)
        self._durations.append(frame.duration_ms)

    def _finish(self) -> None:
        self.fps = frame_rate(self._durations)
        ends = np.round(np.cumsum(self._durations) * self.fps / 1000).astype(int)
        counts = np.diff(ends, prepend=0)
        counts[-1] = max(counts[-1], 1)
        total = int(counts.sum())
        digits = max(3, len(str(total - 1)))
        number = 0
        for picture, count in enumerate(counts):
            source = self._temp / f"picture-{picture}.png"
            for _ in range(int(count)):
                shutil.copyfile(source, self._temp / f"{self.name}_{number:0{digits}d}.png")
                number += 1
            source.unlink()
        self.count = total
        rate = f"{self.fps:.4g}"
        self.latex = (
            f"\\animategraphics[loop,controls,width=\\linewidth]{{{rate}}}{{{self.path.as_posix()}/{self.name}_}}"
            f"{{{0:0{digits}d}}}{{{total - 1:0{digits}d}}}"
        )

    def _commit(self) -> None:
        old = None
        if self.path.exists():
            old = self.path.with_name(f".convanim-{secrets.token_hex(4)}.old")
            self.path.rename(old)
        try:
            self._temp.rename(self.path)
        except OSError:
            if old is not None:
                old.rename(self.path)
            raise
        self._cleanup.detach()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _remove_temp(self) -> None:
        shutil.rmtree(self._temp, ignore_errors=True)
