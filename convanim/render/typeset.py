"""Formulas typeset by matplotlib's mathtext, kept on disk between runs.

Importing matplotlib and its mathtext costs a quick command most of its
time, for the two formulas of a panel. A typeset formula is a coverage mask
that depends only on its source, its size and matplotlib's version, so it is
kept in a cache folder, keyed by those three: a figure whose formulas were
typeset before starts without matplotlib at all.

The folder is ``$CONVANIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/convanim``,
else ``~/.cache/convanim``; ``CONVANIM_CACHE_DIR=off`` turns the cache off.
Writers never collide (each writes its own temporary file, then renames it
into place), and a file that cannot be read is typeset again and replaced.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path

import numpy as np

FORMAT = 2  # bump when what is stored changes

# mathtext sets sub- and superscripts at 0.7 of the type size: "in" and "out"
# under L and H would be the smallest text of a figure, under the type floor.
# At 0.9 they stay visibly subscripts and as legible as the rest.
SCRIPT_SCALE = 0.9


def typeset(source: str, size: float) -> np.ndarray:
    """The coverage mask (uint8, height × width) of ``source`` at ``size`` pixels."""
    folder = cache_dir()
    if folder is None:
        return _typeset(source, size)
    path = folder / f"{_key(source, size)}.npy"
    cached = _load(path)
    if cached is not None:
        return cached
    alpha = _typeset(source, size)
    _store(path, alpha)
    return alpha


def cache_dir() -> Path | None:
    """Where typeset formulas are kept, or None when the cache is off."""
    chosen = os.environ.get("CONVANIM_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen).expanduser() / "mathtext"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "convanim" / "mathtext"


def _typeset(source: str, size: float) -> np.ndarray:
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser

    from matplotlib import _mathtext

    prop = FontProperties(size=size * 0.72, math_fontfamily="cm")  # points at 100 dpi
    # mathtext has no option for the scale of scripts, only this module
    # constant, read while parsing; it is put back at once. A matplotlib
    # without it typesets scripts at its own scale.
    default = getattr(_mathtext, "SHRINK_FACTOR", None)
    if default is not None:
        _mathtext.SHRINK_FACTOR = SCRIPT_SCALE
    try:
        raster = MathTextParser("agg").parse(source, dpi=100, prop=prop)
    finally:
        if default is not None:
            _mathtext.SHRINK_FACTOR = default
    return np.ascontiguousarray(raster.image, dtype=np.uint8)


def _key(source: str, size: float) -> str:
    text = "\0".join((str(FORMAT), _matplotlib_version(), repr(float(size)), source))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _matplotlib_version() -> str:
    # The installed distribution's folder names its version; reading it is
    # quicker than importing importlib.metadata, which scans every package.
    spec = importlib.util.find_spec("matplotlib")
    for location in (spec.submodule_search_locations or []) if spec else []:
        for info in sorted(Path(location).parent.glob("matplotlib-*.dist-info")):
            return info.name[len("matplotlib-") : -len(".dist-info")]
    from importlib import metadata

    return metadata.version("matplotlib")


def _load(path: Path) -> np.ndarray | None:
    try:
        alpha = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None  # absent, unreadable or corrupt: typeset again
    if alpha.dtype != np.uint8 or alpha.ndim != 2:
        return None
    return alpha


def _store(path: Path, alpha: np.ndarray) -> None:
    # A cache that cannot be written (read-only home, full disk) costs time, never the figure.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".npy.part")
        try:
            with os.fdopen(handle, "wb") as file:
                np.save(file, alpha, allow_pickle=False)
            os.replace(temp, path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    except OSError:
        pass
