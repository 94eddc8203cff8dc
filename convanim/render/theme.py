"""Colours and type: what a figure looks like, in one place.

Role colours follow the article (green input, blue padding, red kernel,
orange output, grey pending) so its readers recognise the figures; groups add
a hue of their own, shown as a stripe beside every row they own.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


def hex_rgb(code: str) -> RGB:
    code = code.lstrip("#")
    return tuple(int(code[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


@dataclass(frozen=True)
class Theme:
    background: str = "#ffffff"
    text: str = "#2b2b2b"
    muted: str = "#6b6b6b"
    cell_edge: str = "#1f1f1f"
    cell_text: str = "#ffffff"
    input: str = "#1f9e3a"
    input_alt: str = "#57bf5e"  # every other input channel, so rows read apart
    padding: str = "#1f6fb5"
    padding_copy: str = "#5f9ed6"  # reflect / replicate / circular copies
    kernel: str = "#e8553f"
    kernel_alt: str = "#f08a78"
    output_done: str = "#f5a623"
    output_done_alt: str = "#f7c948"
    output_current: str = "#d9480f"
    pending: str = "#d6d6d6"
    panel_rule: str = "#c8c8c8"
    # One hue per group: the stripe beside the rows a group owns.
    groups: tuple[str, ...] = ("#7048e8", "#0c8599", "#c2255c", "#5c940d", "#e67700", "#364fc7", "#862e9c", "#087f5b")

    def group_colour(self, group: int) -> str:
        return self.groups[group % len(self.groups)]


DEFAULT_THEME = Theme()
