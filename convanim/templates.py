"""Named figures as data: TOML templates.

A template is a small TOML file: a ``title``, a one-line ``description``, the
convolution as keyword arguments of ``convanim.conv`` (``input``, ``weight``,
``stride``, ...) and, optionally, render settings (``width``, ``hold``,
``fps``, ``glide``, ``panel``, ``credit``), all at the top level::

    title = "Padding 1"
    description = "One zero of padding at each end ..."
    input = [1, 2, 3, 4, 5, 6]
    weight = [2, 2, 2]
    padding = 1

The built-in templates live in the repository's top-level ``templates/``
folder, which is installed as the package ``convanim._templates``; its
``order.txt`` lists them in teaching order. Loading a
template checks every key and builds its convolution, so a template that
loads is a template that draws; anything wrong is one ``TemplateError``
reading ``template NAME: key: rule``.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .arguments import CONV_ARGUMENTS, CONV_KEYS, kind
from .errors import SpecError, TemplateError
from .overrides import merge_conv_args
from .render.options import TEMPLATE_KEYS, template_rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# Where the built-in templates are installed (see pyproject.toml).
BUILTIN_PACKAGE = "convanim._templates"
# The teaching order of the built-in templates, one name a line, in that folder.
ORDER_FILE = "order.txt"

TEXT_KEYS = ("title", "description")
RENDER_KEYS = TEMPLATE_KEYS  # the render options a template may set (RenderOptions says which)
ALLOWED_KEYS = TEXT_KEYS + CONV_KEYS + RENDER_KEYS


@dataclass(frozen=True)
class Template:
    """A named figure: what it shows, the convolution, how to draw it.

    ``conv_args`` are keyword arguments of ``convanim.conv``; ``render_args``
    are fields of the renderer's ``RenderOptions`` (the title is kept apart,
    as ``title``).
    """

    name: str
    title: str
    description: str
    conv_args: dict
    render_args: dict

    def conv(self, overrides: Mapping | None = None):
        """The template's ``Conv``, with ``overrides`` merged in as
        ``merge_conv_args`` merges command-line values."""
        from .build import conv

        return conv(**merge_conv_args(self.conv_args, overrides or {}))

    def render_kwargs(self) -> dict:
        """Keyword arguments for ``RenderOptions``: the title and the render keys."""
        return {"title": self.title, **self.render_args}


def list_templates() -> tuple[str, ...]:
    """The names of the built-in templates in teaching order: those listed in
    ``order.txt`` as listed (the article's figures first), then any others
    by name."""
    names = sorted(entry.name[: -len(".toml")] for entry in _builtin_files())
    listed = [name for name in _teaching_order() if name in names]
    return tuple(dict.fromkeys(listed + names))


def load_template(name_or_path: str | os.PathLike) -> Template:
    """Load a built-in template by name, or a template file by path.

    Anything that ends in ``.toml`` or contains a path separator is a path
    (its name is the file's stem); anything else is the name of a built-in
    template. The template is checked completely: unknown keys, wrong types
    and convolutions that PyTorch would reject all raise ``TemplateError``.
    """
    text = os.fspath(name_or_path)
    separators = {os.sep, "/"} | ({os.altsep} if os.altsep else set())
    if isinstance(name_or_path, os.PathLike) or text.endswith(".toml") or any(s in text for s in separators):
        path = Path(text).expanduser()
        label = text
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise TemplateError(None, "file not found", template=label) from None
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise TemplateError(None, f"cannot be read ({reason})", template=label) from None
        return parse_template(source, name=path.stem, label=label)

    entries = {entry.name[: -len(".toml")]: entry for entry in _builtin_files()}
    if text not in entries:
        known = ", ".join(sorted(entries)) or "(none installed)"
        raise TemplateError(None, f"unknown template {text!r}; the built-in templates are: {known}")
    return parse_template(entries[text].read_text(encoding="utf-8"), name=text)


def parse_template(source: str, name: str, label: str | None = None) -> Template:
    """Check TOML text and turn it into a ``Template``.

    ``label`` is how error messages name the template (its path, for a file);
    it defaults to ``name``.
    """
    label = label or name
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(None, f"not valid TOML: {error}", template=label) from None

    def fail(key: str | None, rule: str):
        raise TemplateError(key, rule, template=label)

    unknown = [key for key in data if key not in ALLOWED_KEYS]
    if unknown:
        fail(unknown[0], f"unknown key; the keys a template may have are: {', '.join(ALLOWED_KEYS)}")
    for key in TEXT_KEYS:
        if key not in data:
            fail(key, "is required: a template has a title and a one-line description")
        if not isinstance(data[key], str):
            fail(key, f"must be a string, got {kind(data[key])}")
        if not data[key].strip():
            fail(key, "must not be empty")
        if "\n" in data[key].strip():
            fail(key, "must be one line")

    for key, value in data.items():
        rule = _CHECKS.get(key, _no_rule)(value)
        if rule:
            fail(key, rule)

    conv_args = {key: data[key] for key in CONV_KEYS if key in data}
    render_args = {key: data[key] for key in RENDER_KEYS if key in data}

    # A template that loads must draw: build the convolution and the render
    # options now (both cheap; no drawing library is imported), and say
    # which key is wrong.
    from .render import RenderOptions
    from .build import conv

    try:
        conv(**conv_args)
        RenderOptions(**render_args)
    except SpecError as error:
        fail(error.option, error.rule)
    return Template(name, data["title"].strip(), data["description"].strip(), conv_args, render_args)


# -- helpers ---------------------------------------------------------------


def builtin_root(package: str, folder: str):
    """The folder of built-in data installed as ``package``, or None when it
    is missing. Templates and themes share it."""
    # The package's folder from its import spec, as importlib.resources
    # would find it, without importing importlib.resources (and the
    # tempfile and zipfile it brings): every render reads a template or
    # theme, and start-up is most of a figure's time.
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    # Started in a clone's root after `pip install .`, Python imports the
    # clone's convanim/ (the current folder comes first on sys.path), which
    # has no such package: the files are in the folder beside it.
    beside = Path(__file__).resolve().parent.parent / folder
    return beside if beside.is_dir() else None


def _builtin_root():
    """The folder of the built-in templates."""
    root = builtin_root(BUILTIN_PACKAGE, "templates")
    if root is None:
        raise TemplateError(None, f"the built-in templates are not installed (no package {BUILTIN_PACKAGE}, no templates/ folder beside convanim/)")
    return root


def _builtin_files():
    return [entry for entry in _builtin_root().iterdir() if entry.name.endswith(".toml") and entry.is_file()]


def _teaching_order() -> list[str]:
    entry = _builtin_root() / ORDER_FILE
    if not entry.is_file():
        return []
    lines = (line.split("#", 1)[0].strip() for line in entry.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _no_rule(value):
    return None


# Each key's check of its TOML value: the types here; conv() and
# RenderOptions check the values.
_CHECKS = {
    **{argument.name: argument.check for argument in CONV_ARGUMENTS},
    **{name: functools.partial(template_rule, name) for name in RENDER_KEYS},
}
