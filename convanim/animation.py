"""A figure held in memory: what ``convanim.render(subject)`` gives without a path.

A notebook shows it inline (it is the cell's result); ``save`` writes it to a
file of any format the writers know, with the same or changed options::

    animation = convanim.render(c, width=640)
    animation.save("padding.gif")
    animation            # the last line of a cell: the figure, playing
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from .engine import Trace


@dataclass(frozen=True)
class Animation:
    """A traced convolution and how to draw it; build with ``convanim.render``."""

    trace: Trace
    options: object  # RenderOptions

    def save(self, path, **changes) -> Path:
        """Write the figure to ``path`` (the suffix picks the format);
        ``changes`` override render options, as in ``convanim.render``."""
        from .render import render

        return render(self.trace, path, self.options, **changes)

    def frames(self, **changes):
        """The figure's frames, streamed (see ``convanim.frames``); ``changes``
        override render options, as in ``save``."""
        from .render import frames

        return frames(self.trace, self.options, **changes)

    @functools.cached_property
    def gif(self) -> bytes:
        """The figure as an animated GIF, made once when first asked for."""
        import tempfile

        with tempfile.TemporaryDirectory(prefix="convanim-") as folder:
            return self.save(os.path.join(folder, "figure.gif")).read_bytes()

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels, from the GIF's header."""
        data = self.gif
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")

    @property
    def alt(self) -> str:
        """What the figure shows, in words and numbers, for the image's alt text."""
        from .describe import describe

        return describe(self.trace).alt

    def _repr_html_(self) -> str:
        import base64
        import html

        width, height = self.size
        data = base64.b64encode(self.gif).decode("ascii")
        return (
            f'<img src="data:image/gif;base64,{data}" width="{width}" height="{height}" '
            f'style="max-width: 100%; height: auto" alt="{html.escape(self.alt)}">'
        )

    def __repr__(self) -> str:
        spec = self.trace.spec
        return f"<convanim.Animation: {spec.ndim}-D convolution, {len(self.trace.steps)} steps, {self.options.width} px wide>"

