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


def test_the_readme_gives_the_longest_1d_row_the_code_allows():
    from convanim.render.layout1d import MAX_BANDS, MAX_COLUMNS

    stated = re.search(r"more than (\d+) bands \((\d+) padded cells\)", README)
    assert stated is not None
    assert (int(stated[1]), int(stated[2])) == (MAX_BANDS, MAX_COLUMNS)


def test_the_readme_names_every_error_bad_input_raises_and_their_base(tmp_path):
    import pytest

    import convanim

    # What render raises for a bad theme and a bad output path: each named in the README.
    c = convanim.conv(input=[1.0, 2.0, 3.0], weight=[1.0, 1.0])
    with pytest.raises(convanim.ThemeError):
        convanim.render(c, tmp_path / "a.gif", theme="no-such-theme")
    with pytest.raises(convanim.WriterError):
        convanim.render(c, tmp_path / "a.nope")
    for error in (convanim.SpecError, convanim.TemplateError, convanim.ThemeError, convanim.WriterError):
        assert issubclass(error, convanim.ConvanimError)
        assert f"`convanim.{error.__name__}`" in README
    assert "subclasses of `convanim.ConvanimError`" in README
    assert "render` draws 1-D and 2-D" in README
