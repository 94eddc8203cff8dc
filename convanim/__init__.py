"""convanim: convolutions drawn step by step, with exactly PyTorch's semantics.

    >>> import convanim
    >>> c = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1)
    >>> convanim.trace(c).output.tolist()
    [[6.0, 12.0, 18.0, 24.0, 30.0, 22.0]]
    >>> convanim.render(c, "output/padding.gif")  # doctest: +SKIP
"""

from .animation import Animation
from .engine import Step, Tap, Trace, trace
from .modules import from_module
from .errors import ConvanimError, SpecError, TemplateError, ThemeError, WriterError
from .render import RenderOptions, frames, render
from .build import conv, conv_spec
from .spec import Conv, ConvSpec, SizeFormula

__all__ = [
    "Animation",
    "Conv",
    "RenderOptions",
    "ConvSpec",
    "ConvanimError",
    "SizeFormula",
    "SpecError",
    "Step",
    "Tap",
    "TemplateError",
    "ThemeError",
    "Trace",
    "WriterError",
    "conv",
    "conv_spec",
    "frames",
    "from_module",
    "render",
    "trace",
]
__version__ = "0.1.0"
