"""Typeset formulas are kept on disk, so a figure starts without matplotlib."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from convanim.render import typeset as ts

FORMULA = r"$L_{\mathrm{out}} = \left\lfloor \dfrac{6 + 2 \times 1 - 3}{1} + 1 \right\rfloor$"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVANIM_CACHE_DIR", str(tmp_path))
    return tmp_path / "mathtext"


def test_the_cache_folder_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("CONVANIM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ts.cache_dir() == tmp_path / "xdg" / "convanim" / "mathtext"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert ts.cache_dir() == tmp_path / "home" / ".cache" / "convanim" / "mathtext"
    monkeypatch.setenv("CONVANIM_CACHE_DIR", str(tmp_path / "mine"))
    assert ts.cache_dir() == tmp_path / "mine" / "mathtext"
    monkeypatch.setenv("CONVANIM_CACHE_DIR", "off")
    assert ts.cache_dir() is None


def test_a_formula_is_typeset_once_then_read_back_the_same(cache, monkeypatch):
    first = ts.typeset(FORMULA, 24.0)
    assert first.dtype == np.uint8 and first.ndim == 2 and first.max() > 0
    assert len(list(cache.glob("*.npy"))) == 1

    def no_matplotlib(source, size):
        raise AssertionError("typeset again although cached")

    monkeypatch.setattr(ts, "_typeset", no_matplotlib)
    np.testing.assert_array_equal(ts.typeset(FORMULA, 24.0), first)


def test_the_key_holds_source_size_and_matplotlib_version(cache, monkeypatch):
    ts.typeset(FORMULA, 24.0)
    ts.typeset(FORMULA, 25.0)
    ts.typeset(FORMULA.replace("6", "7"), 24.0)
    assert len(list(cache.glob("*.npy"))) == 3
    monkeypatch.setattr(ts, "_matplotlib_version", lambda: "0.0-another")
    ts.typeset(FORMULA, 24.0)
    assert len(list(cache.glob("*.npy"))) == 4


def test_cached_equals_uncached(cache, monkeypatch):
    ts.typeset(FORMULA, 30.0)
    cached = ts.typeset(FORMULA, 30.0)
    monkeypatch.setenv("CONVANIM_CACHE_DIR", "off")
    np.testing.assert_array_equal(cached, ts.typeset(FORMULA, 30.0))


@pytest.mark.parametrize("junk", [b"", b"not a numpy file", b"\x93NUMPY\x01\x00garbage"], ids=["empty", "text", "broken header"])
def test_a_corrupt_file_is_typeset_again_and_replaced(cache, junk):
    good = ts.typeset(FORMULA, 24.0)
    (path,) = cache.glob("*.npy")
    path.write_bytes(junk)
    np.testing.assert_array_equal(ts.typeset(FORMULA, 24.0), good)
    np.testing.assert_array_equal(np.load(path), good)


def test_concurrent_writers_leave_one_whole_file(cache):
    alpha = ts.typeset(FORMULA, 24.0)
    (path,) = cache.glob("*.npy")
    threads = [threading.Thread(target=ts._store, args=(path, alpha)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.name for p in cache.iterdir()] == [path.name]  # no temporary files left
    np.testing.assert_array_equal(np.load(path), alpha)


def test_an_unwritable_cache_costs_time_not_the_figure(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("CONVANIM_CACHE_DIR", str(blocker))
    assert ts.typeset(FORMULA, 24.0).max() > 0


def test_scripts_are_set_at_the_script_scale_and_mathtext_is_left_as_it_was(monkeypatch):
    from matplotlib import _mathtext

    monkeypatch.setenv("CONVANIM_CACHE_DIR", "off")
    default = _mathtext.SHRINK_FACTOR
    source = r"$L_{\mathrm{out}}$"
    monkeypatch.setattr(ts, "SCRIPT_SCALE", 0.7)
    small = ts.typeset(source, 40.0)
    monkeypatch.setattr(ts, "SCRIPT_SCALE", 0.9)
    large = ts.typeset(source, 40.0)
    assert _mathtext.SHRINK_FACTOR == default
    # "out" is the wider part of the formula: at 0.9 it is about 0.9 / 0.7 as wide.
    assert large.shape[1] > small.shape[1] * 1.15
