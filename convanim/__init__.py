"""convanim: convolutions drawn step by step, with exactly PyTorch's semantics.

    >>> import convanim
    >>> c = convanim.conv([1, 2, 3, 4, 5, 6], [2, 2, 2], padding=1)
    >>> convanim.trace(c).output.tolist()
    [[6.0, 12.0, 18.0, 24.0, 30.0, 22.0]]
"""

from .engine import Step, Tap, Trace, trace
from .errors import ConvanimError, SpecError, TemplateError, WriterError
from .spec import Conv, ConvSpec, SizeFormula, conv

__all__ = [
    "Conv",
    "ConvSpec",
    "ConvanimError",
    "SizeFormula",
    "SpecError",
    "Step",
    "Tap",
    "TemplateError",
    "Trace",
    "WriterError",
    "conv",
    "trace",
]
__version__ = "0.1.0"
