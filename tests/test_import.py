"""The engine and the command line start without the drawing stack, and
each command imports only what it uses: start-up is most of a quick
command's time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# torch is only the tests' oracle; matplotlib and imageio are for drawing and
# writing; the gallery and its process pool are for `convanim gallery` only.
HEAVY = ("matplotlib", "imageio", "torch")
GALLERY = ("convanim.gallery", "multiprocessing", "concurrent.futures")


def loaded_after(code: str, env: dict | None = None) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def heavy(modules: set[str], names=HEAVY + GALLERY) -> list[str]:
    return sorted(name for name in names if name in modules)


@pytest.mark.parametrize("module", ["convanim", "convanim.engine", "convanim.cli"])
def test_import_does_not_load_drawing_libraries(module):
    assert heavy(loaded_after(f"import {module}")) == []


def run_main(*argv: str) -> str:
    return f"from convanim.cli import main\ntry:\n    main({list(argv)!r})\nexcept SystemExit as e:\n    assert not e.code, e.code\n"


@pytest.mark.parametrize(
    "argv",
    [("--help",), ("trace", "--input", "1,2,3,4", "--weight", "1,1"), ("shape", "--length", "9"), ("templates",)],
    ids=["help", "trace", "shape", "templates"],
)
def test_quick_commands_load_no_drawing_library_and_no_gallery(argv):
    assert heavy(loaded_after(run_main(*argv))) == []


def test_a_render_with_its_formulas_cached_loads_no_matplotlib_and_no_gallery(tmp_path):
    import os

    env = {**os.environ, "CONVANIM_CACHE_DIR": str(tmp_path / "cache")}
    argv = ("render", "--template", "padding1", "--width", "640", "-o", str(tmp_path / "a.gif"))
    first = loaded_after(run_main(*argv), env)  # typesets the formulas, and keeps them
    assert "matplotlib" in first
    assert heavy(loaded_after(run_main(*argv), env)) == []


# What a plain figure does not use, and would pay for at every start: the
# words and snippets of --embed, numpy's masked arrays (which a plain
# np.unique imports), and importlib.resources (with tempfile and zipfile).
PLAIN_FIGURE_SKIPS = ("convanim.describe", "convanim.writers.embed", "convanim.writers.player", "numpy.ma", "importlib.resources")


def test_a_plain_render_imports_only_what_it_draws_with(tmp_path):
    import os

    env = {**os.environ, "CONVANIM_CACHE_DIR": str(tmp_path / "cache")}
    plain = ("render", "--template", "padding1", "--width", "640", "-o", str(tmp_path / "a.gif"))
    loaded_after(run_main(*plain), env)  # typesets the formulas, and keeps them
    assert heavy(loaded_after(run_main(*plain), env), PLAIN_FIGURE_SKIPS) == []
    # The probe sees them where they are used.
    embedded = (*plain, "--embed", "markdown")
    assert heavy(loaded_after(run_main(*embedded), env), PLAIN_FIGURE_SKIPS)[:2] == ["convanim.describe", "convanim.writers.embed"]
