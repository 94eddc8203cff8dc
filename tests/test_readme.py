"""The README's promises: its two set-up commands, CI, and its figures."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _shell_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S)]


def test_set_up_is_two_commands_main_job_then_tests():
    install, tests = _shell_blocks()[:2]
    assert install == "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/convanim render"
    assert tests.startswith("python3 -m venv .venv && ")
    assert "pip install -e '.[test]'" in tests and tests.endswith("-m pytest -q")


def test_ci_runs_the_readmes_test_command():
    tests = _shell_blocks()[1]
    # CI makes its own venv elsewhere and activates it; the rest is the README's words.
    without_venv = tests.split(" && ", 1)[1].replace(".venv/bin/", "")
    assert without_venv in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_shows_the_figures_docs_make_and_the_words_that_make_them():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_figures", ROOT / "docs" / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, words in module.FIGURES.items():
        assert f"(docs/{name})" in README, f"docs/{name} is made but not shown"
        assert (ROOT / "docs" / name).exists(), f"run python docs/make_figures.py: docs/{name} is missing"
        # The README quotes each figure's command, less the size it is shown at.
        assert f"`convanim render {words.replace(' --width 800', '')}`" in README, words
