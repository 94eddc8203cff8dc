"""A large grid's lens pages, kept in the background as the figure plays.

The background of an overview figure is its base (the static drawing and
the outputs written so far), the lenses' cells for the page shown, and the
outlines and connector lines that tie each lens to the region it magnifies
(``lens2d``). When a page turns along a row, most of a lens's cells stay:
they only move over by whole cells. So the lenses' cells are kept on a
layer of their own, where a turn along a row moves the cells that stay (a
copy of pixels) and draws only the columns that come into view; the
background takes the lenses from the layer and draws the connectors anew.
A lens cell is drawn the same wherever it stands (``Painter.cell``), so
the moved cells are, pixel for pixel, the cells drawn there.

Pages that cannot move so (another row of the grid, a painter without
pixels) are drawn whole.
"""

from __future__ import annotations

from . import lens2d
from .incremental import Covered, Tracked, tile_boxes
from .layout import Box

Bounds = tuple[int, int, int, int]

INPUT, OUTPUT = 0, 1  # a page's two parts: the input lenses' origin, the output lenses'


class PageTurner:
    """The lens pages of one figure in its background (see the module's docstring)."""

    def __init__(self, renderer, base):
        self.renderer = renderer
        self.lens: lens2d.Lenses = renderer.layout.lens
        self.size = renderer.layout.width, renderer.layout.height
        self.page = None  # the page shown
        self.regions: list[Box] = []  # where its outlines and connectors are drawn
        lens = self.lens
        corners = [*lens.inputs, *lens.outputs]
        # Cells moved by whole pixels land where they would be drawn only on
        # a grid of whole pixels.
        self._movable = hasattr(base, "paste_from") and all(float(v).is_integer() for v in (lens.cell, lens.in_w, lens.out_w)) and all(float(v).is_integer() for xy in corners for v in xy)
        self.reset(base)

    def reset(self, base) -> None:
        """Start again from ``base``, no page shown."""
        self.background = base.copy()
        self._layer = base.copy() if self._movable else None  # the lenses' cells alone
        self.page, self.regions = None, []
        self._drawn = Covered(*self.size)  # what the outlines and connectors cover

    # -- turning ----------------------------------------------------------------
    def turn(self, base, page) -> list[Bounds] | None:
        """Show ``page``: the boxes of the background that changed (None: anywhere)."""
        if page == self.page:
            return []
        if self._layer is None:  # a recording cannot take calls back: start again from the base
            self.background = base.copy()
            lens2d.draw_pages(self.renderer, self.background, page)
            self.regions = lens2d.draw_regions(self.renderer, self.background, page)
            self.page = page
            return None
        changed: list[Bounds] = []
        moved = [part for part in (INPUT, OUTPUT) if page[part] != (None if self.page is None else self.page[part])]
        for part in moved:
            self._move(part, None if self.page is None else self.page[part], page[part])
            changed += self._boxes(part)
        # The old outlines and connectors give way to the base, tile by tile
        # (the connectors slant across much of the picture); the lenses come
        # from their layer: those that moved whole, the others where the base
        # was put back over them (a connector ends on a lens's corner). The
        # new ones are drawn over both.
        old = self._drawn
        cleared = tile_boxes(old.tiles, *self.size)
        for box in cleared:
            self.background.paste_from(base, box)
        for part in (INPUT, OUTPUT):
            for lens_box in self._boxes(part):
                for box in [lens_box] if part in moved else (_within(lens_box, box) for box in cleared):
                    if box is not None:
                        self.background.paste_from(self._layer, box)
        tracked = Tracked(self.background)
        self.regions = lens2d.draw_regions(self.renderer, tracked, page)
        self._drawn = tracked.covered
        self.page = page
        return changed + old.bounds + self._drawn.bounds

    def write_output(self, channel: int, position) -> Box | None:
        """An output just written, into its lens cell if the page shows it;
        the box drawn (None where not shown)."""
        if self.page is None:
            return None
        target = self.background if self._layer is None else self._layer
        box = lens2d.draw_output(self.renderer, target, self.page, channel, position)
        if box is not None and self._layer is not None:
            self.background.paste_from(self._layer, _bounds(box, self.size))
        return box

    def _move(self, part: int, before, origin) -> None:
        """Bring ``part``'s lenses on the layer from the page at ``before`` to ``origin``."""
        lens, renderer = self.lens, self.renderer
        span = lens.in_span if part == INPUT else lens.out_span
        columns = origin[1] - (before[1] if before is not None else origin[1])
        if before is None or before[0] != origin[0] or not 0 < abs(columns) < span[1]:
            new = range(span[1])  # another row, or nothing in common: every column
        else:
            shift = -columns * int(lens.in_w if part == INPUT else lens.out_w)  # the cells that stay move the other way
            for box in self._boxes(part):
                self._layer.shift(box, shift)
            new = range(span[1] - columns, span[1]) if columns > 0 else range(-columns)
        draw = lens2d.draw_inputs if part == INPUT else lens2d.draw_outputs
        draw(renderer, self._layer, origin, new)

    def _boxes(self, part: int) -> list[Bounds]:
        """The pixels each of ``part``'s lenses covers, cells' edges included."""
        lens = self.lens
        corners, (w, h) = (lens.inputs, lens.in_size) if part == INPUT else (lens.outputs, lens.out_size)
        return [_bounds(Box(x, y, w, h), self.size) for x, y in corners]


def _bounds(box: Box, size) -> Bounds:
    """The whole pixels a cell's ``rect`` of ``box`` paints (its far edge included)."""
    return (max(0, round(box.x)), max(0, round(box.y)), min(size[0], round(box.right) + 1), min(size[1], round(box.bottom) + 1))


def _within(a: Bounds, b: Bounds) -> Bounds | None:
    """The part of box ``a`` inside box ``b`` (None: none)."""
    left, top, right, bottom = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (left, top, right, bottom) if left < right and top < bottom else None
