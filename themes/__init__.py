# The built-in themes, installed as the package convanim._themes (see
# pyproject.toml); this file is what lets an editable install import them.
