"""The package's one error family.

Every error names the option it is about and the rule that was broken, in one
line. The option is kept apart from the rule so that each front end can spell
it its own way: ``kernel_size`` in Python and templates, ``--kernel-size`` on
the command line.
"""

from __future__ import annotations


class ConvanimError(ValueError):
    """Base class of every error convanim reports to its user."""

    def __init__(self, option: str | None, rule: str):
        self.option = option
        self.rule = rule
        super().__init__(f"{option}: {rule}" if option else rule)

    def __reduce__(self):
        # Rebuilt from (option, rule), so that an error raised in a worker
        # process (the gallery renders in parallel) arrives intact.
        return type(self), (self.option, self.rule)


class SpecError(ConvanimError):
    """Convolution parameters or data that break a rule (PyTorch's or ours)."""


class TemplateError(ConvanimError):
    """A template that cannot be found or read, or that holds bad data.

    ``template`` names the template the bad data comes from; the message then
    reads ``template NAME: key: rule``, with the key spelt as in the file.
    """

    def __init__(self, option: str | None, rule: str, template: str | None = None):
        super().__init__(option, rule)
        self.template = template
        if template is not None:
            self.args = (f"template {template}: {option + ': ' if option else ''}{rule}",)

    def __reduce__(self):
        return type(self), (self.option, self.rule, self.template)


class ThemeError(ConvanimError):
    """A theme that cannot be found or read, or a theme file with a bad key
    or colour (the message then reads ``theme FILE: key: rule``)."""


class WriterError(ConvanimError):
    """An output file that cannot be written in the format asked for."""
