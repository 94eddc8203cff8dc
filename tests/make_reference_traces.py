"""Rebuild the reference traces: tests/data/<template>.json for every template.

Each file is the template's trace (``Trace.to_dict()``) as JSON;
tests/test_templates.py compares every template's trace with its file. After
changing a template or the engine on purpose, rebuild them and read the diff
before committing it:

    python tests/make_reference_traces.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from convanim import trace
from convanim.templates import list_templates, load_template

DATA = Path(__file__).resolve().parent / "data"


def reference_trace(name: str) -> dict:
    """The trace of the built-in template ``name``, as plain JSON data."""
    return json.loads(json.dumps(trace(load_template(name).conv()).to_dict()))


def reference_text(name: str) -> str:
    return _dump(reference_trace(name)) + "\n"


def _dump(value, depth: int = 0, width: int = 140) -> str:
    """JSON with whatever fits in ``width`` on one line (a tap, a row), so
    that a change shows as a readable diff."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or len(flat) + 2 * depth <= width:
        return flat
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {_dump(v, depth + 1, width)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + _dump(v, depth + 1, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def main() -> int:
    DATA.mkdir(exist_ok=True)
    names = list_templates()
    for name in names:
        path = DATA / f"{name}.json"
        text = reference_text(name)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            print(f"unchanged  {path.name}")
            continue
        print(f"{'updated' if path.exists() else 'created':<9}  {path.name}")
        path.write_text(text, encoding="utf-8")
    for path in sorted(DATA.glob("*.json")):
        if path.stem not in names:
            print(f"removed    {path.name} (no such template)")
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
