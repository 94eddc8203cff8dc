"""Shared fixtures: the command line as a user meets it, and the article's cases."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from convanim.cli import main

# Property tests draw the same examples on every run, so a failure in CI is
# one anyone can reproduce, never a random one; print_blob shows how to
# replay a failing example. HYPOTHESIS_PROFILE=explore draws new examples.
settings.register_profile("repeatable", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True, scope="session")
def _formula_cache(tmp_path_factory):
    """Typeset formulas go to a cache of the test run's own, not the user's."""
    os.environ["CONVANIM_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def run_cli(capsys):
    """Run ``convanim ARGS`` through ``main`` (the single error boundary).

    Returns ``(exit_code, stdout, stderr)``. ``main`` always ends with
    ``sys.exit``, so the exit code is the one a shell would see.
    """

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()  # drop anything printed before this call
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        code = exited.value.code
        return (0 if code is None else code), out, err

    return run


# The article's nine cases (reference README): every one is nn.Conv1d with
# bias=False on a (1, C, L) input. `kwargs` are convanim.conv's arguments,
# `argv` the same case on the command line, `output` what the article printed.
ONE_TO_SIX = [1, 2, 3, 4, 5, 6]
TENS = [10, 20, 30, 40, 50, 60]

ARTICLE_CASES = {
    "kernel 1": dict(
        input=ONE_TO_SIX, weight=[2], kwargs={},
        argv=["--input", "1,2,3,4,5,6", "--weight", "2"],
        output=[[2, 4, 6, 8, 10, 12]],
    ),
    "kernel 2": dict(
        input=ONE_TO_SIX, weight=[2, 2], kwargs={},
        argv=["--input", "1,2,3,4,5,6", "--weight", "2,2"],
        output=[[6, 10, 14, 18, 22]],
    ),
    "kernel 3": dict(
        input=ONE_TO_SIX, weight=[2, 2, 2], kwargs={},
        argv=["--input", "1,2,3,4,5,6", "--weight", "2,2,2"],
        output=[[12, 18, 24, 30]],
    ),
    "padding 1": dict(
        input=ONE_TO_SIX, weight=[2, 2, 2], kwargs={"padding": 1},
        argv=["--input", "1,2,3,4,5,6", "--weight", "2,2,2", "--padding", "1"],
        output=[[6, 12, 18, 24, 30, 22]],
    ),
    "padding 2": dict(
        input=ONE_TO_SIX, weight=[2, 2, 2, 2, 2], kwargs={"padding": 2},
        argv=["--input", "1,2,3,4,5,6", "--weight", "2,2,2,2,2", "--padding", "2"],
        output=[[12, 20, 30, 40, 36, 30]],
    ),
    "stride 3": dict(
        input=ONE_TO_SIX, weight=[2, 2, 2], kwargs={"stride": 3},
        argv=["--input", "1,2,3,4,5,6", "--weight", "2,2,2", "--stride", "3"],
        output=[[12, 30]],
    ),
    "dilation 2": dict(
        input=ONE_TO_SIX, weight=[2, 2, 2], kwargs={"dilation": 2},
        argv=["--input", "1,2,3,4,5,6", "--weight", "2,2,2", "--dilation", "2"],
        output=[[18, 24]],
    ),
    "groups 2": dict(
        input=[ONE_TO_SIX, TENS], weight=[[[2]], [[4]]], kwargs={"groups": 2},
        argv=["--input", "[[1,2,3,4,5,6],[10,20,30,40,50,60]]", "--weight", "[[[2]],[[4]]]", "--groups", "2"],
        output=[[2, 4, 6, 8, 10, 12], [40, 80, 120, 160, 200, 240]],
    ),
    "depthwise": dict(
        input=[ONE_TO_SIX, TENS], weight=[[[2]], [[4]], [[6]], [[8]]], kwargs={"groups": 2},
        argv=["--input", "[[1,2,3,4,5,6],[10,20,30,40,50,60]]", "--weight", "[[[2]],[[4]],[[6]],[[8]]]", "--groups", "2"],
        output=[
            [2, 4, 6, 8, 10, 12],
            [4, 8, 12, 16, 20, 24],
            [60, 120, 180, 240, 300, 360],
            [80, 160, 240, 320, 400, 480],
        ],
    ),
}


@pytest.fixture(params=list(ARTICLE_CASES.values()), ids=list(ARTICLE_CASES))
def article_case(request):
    return request.param


@pytest.fixture
def forked_children(monkeypatch):
    """The process ids of the children forked while the test runs, in order."""
    import os

    children = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return children
