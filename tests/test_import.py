"""The engine and the command line start without the drawing stack."""

from __future__ import annotations

import subprocess
import sys

import pytest

# torch is only the tests' oracle; matplotlib and imageio are for drawing and writing.
HEAVY = ("matplotlib", "imageio", "torch")


@pytest.mark.parametrize("module", ["convanim", "convanim.engine", "convanim.cli"])
def test_import_does_not_load_drawing_libraries(module):
    code = (
        f"import sys, {module}\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
