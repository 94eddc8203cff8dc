"""The built-in templates, one TOML file per named figure.

This folder is installed as ``convanim._templates`` (see pyproject.toml);
this file only makes it importable, so that ``importlib.resources`` finds the
templates in an editable install as in a wheel. Add a figure by adding a
``.toml`` file here.
"""
