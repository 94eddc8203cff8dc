"""Pictures chosen from an animation: one step, or a storyboard sheet of them all.

Both read only the frames and their captions. Frames whose captions are the
same show one step (a glide into a step carries that step's caption); the
step's picture is its longest-held frame, the one a viewer reads. Captions
that start ``step N of M`` give the step its number N, as the viewer sees
it on the figure's counter; otherwise steps are counted from 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..errors import WriterError
from .source import Frame, as_frame

MAX_SHEET_WIDTH = 2400  # pixels: an A4 page's width at about 200 dpi
MAX_PICTURES = 60  # on one sheet; more would be too small to read
MAX_SHEET_HEIGHT = 1 << 15  # pixels: what a picture file may be (``Writer.max_size``); a PDF is cut into pages
# A tile's numbers stay at least this tall (a digit's height, in the sheet's
# pixels), so they read where the sheet is shown at its size, as a page:
# tiles are made no smaller, and fewer go across.
LEGIBLE_DIGIT_PX = 9
DIGIT_HEIGHT = 0.73  # a digit's height in DejaVu Sans, the figures' type, per pixel of type size
_STEP = re.compile(r"step (\d+) of (\d+)\b")


def steps(frames: Iterable) -> Iterator[tuple[int | None, Frame]]:
    """``(step number or None, picture)`` per run of frames with one caption, in order.

    The number is the caption's ``step N of M`` (None for other captions,
    such as the finished figure's); the picture is a copy of the run's
    longest-held frame.
    """
    caption, best, longest = None, None, -1.0
    for item in frames:
        frame = as_frame(item)
        if best is not None and frame.caption != caption:
            yield _number(caption), best
            best, longest = None, -1.0
        caption = frame.caption
        if frame.duration_ms > longest:
            best, longest = Frame(frame.pixels.copy(), frame.duration_ms, None, frame.caption), frame.duration_ms
    if best is not None:
        yield _number(caption), best


def _number(caption: str) -> int | None:
    match = _STEP.match(caption)
    return int(match.group(1)) if match else None


def pick_step(frames: Iterable, number: int) -> Iterator[Frame]:
    """The picture of step ``number`` (as the figure's counter shows it), as a one-frame stream.

    From a ``FrameSource`` that knows its frames' steps, only that step's
    frames are drawn (a late step costs what an early one does)."""
    known = getattr(frames, "steps", None)
    if known is not None:
        numbered = [step for step in known if step is not None]
        if number not in numbered:
            _refuse(numbered, number)
        frames = frames.start(known.index(number))
    seen = []
    for index, (step, picture) in enumerate(steps(frames), 1):
        if (step if step is not None else None) == number:
            yield picture
            return
        if step is not None:
            seen.append(step)
    _refuse(seen, number)


def _refuse(steps: list[int], number: int):
    if not steps:
        raise WriterError("step", "this figure's frames are not numbered as steps")
    drawn = sorted(set(steps))
    if len(drawn) == 1:
        rule = f"must be {drawn[0]}, the one step drawn"
    elif drawn == list(range(drawn[0], drawn[-1] + 1)):
        rule = f"must be a step of this figure, {drawn[0]} to {drawn[-1]}"
    else:  # --every or --steps drew some steps only
        shown = drawn if len(drawn) <= 6 else [*drawn[:4], "…", drawn[-1]]
        rule = "must be one of the steps drawn (" + ", ".join(map(str, shown)) + ")"
    raise WriterError("step", f"{rule}; got {number}")


def last_picture(frames: Iterable) -> Iterator[Frame]:
    """The finished figure (the last picture), as a one-frame stream."""
    last = None
    for item in frames:
        last = as_frame(item)
    if last is not None:
        yield Frame(last.pixels, last.duration_ms, None, last.caption)


def storyboard_sheet(frames: Iterable, width: int = MAX_SHEET_WIDTH, least_type: float | None = None,
                     panel_top: int | None = None, page_ratio: float | None = None) -> Iterator[Frame]:
    """One sheet with every step's picture in a grid, each labelled with its caption.

    ``least_type`` is the pictures' smallest type size in pixels, where
    known: tiles are then never so small that a digit of it is under
    ``LEGIBLE_DIGIT_PX`` tall. ``panel_top``, where given, is the row from
    which the pictures show a panel, the same in each: it is shown once, at
    the top of the sheet, and the tiles hold what is above it (a picture
    whose panel differs keeps its own). Pictures are scaled down as they
    arrive, so a long figure costs the sheet, not its frames. Yields the
    sheet as a one-frame stream; with ``page_ratio`` (a page's height over
    its width: A4's 297/210), as pages to print: one picture across, at its
    own size (a page printed 21 cm wide then shows a 1080-px figure's
    18-px numbers 2.4 mm tall; three across, as on a sheet, they were under
    1 mm), as many rows on a page as fit, each page that much taller than
    wide (the panel on a page of its own where no row fits under it; where
    a row is taller than a page, every page as tall as it).
    """
    gap = 24
    tiles: list[tuple[str, Image.Image]] = []
    most = None
    panel, cropped = None, []
    for index, (_, picture) in enumerate(_at_most(steps(frames), MAX_PICTURES), 1):
        mode = "RGBA" if picture.pixels.shape[2] == 4 else "RGB"
        pixels = picture.pixels
        if panel_top is not None and 0 < panel_top < len(pixels):
            if panel is None:
                panel = pixels[panel_top:].copy()
            if np.array_equal(pixels[panel_top:], panel):
                pixels = pixels[:panel_top]
        cropped.append(len(pixels) != len(picture.pixels))
        image = Image.fromarray(pixels, mode)
        if most is None and page_ratio is not None:  # to print: one across, at its own size
            width, most, fewest = image.width + 2 * gap, 1, 1
        elif most is None:
            most = _most_columns(image, width, gap, least_type)
            fewest = min(3 + (image.width < image.height * 1.4), most)
        # Scaled for the fewest columns any count of pictures gets; scaled again below.
        tiles.append((picture.caption or str(index), _scaled(image, width, gap, fewest)))
    if not tiles:
        return
    if panel is not None and not all(cropped):  # a picture's panel differs: every tile keeps its own
        below = Image.fromarray(panel, tiles[0][1].mode)
        tiles = [(label, _stacked(image, below) if cut else image) for (label, image), cut in zip(tiles, cropped)]
        panel = None
    # Three across fits a wide (1-D) figure on a page, more when there are
    # many; narrow (2-D) figures take one more; never so many that the
    # numbers are too small to read.
    tile_w, tile_h = tiles[0][1].size
    columns = (3 if len(tiles) <= 12 else 4 if len(tiles) <= 30 else 5) + (tile_w < tile_h * 1.4)
    columns = min(columns, most)
    tiles = [(label, _scaled(image, width, gap, columns)) for label, image in tiles]
    head = None if panel is None else _scaled(Image.fromarray(panel, tiles[0][1].mode), width, gap, 1)
    count, pages = _compose(tiles, columns, gap, head, page_ratio)
    for number, page in enumerate(pages, 1):
        of = f", page {number} of {count}" if count > 1 else ""
        yield Frame(page, 0.0, None, f"storyboard of {len(tiles)} pictures{of}")


def _most_columns(image: Image.Image, width: int, gap: int, least_type: float | None) -> int:
    """How many tiles of ``image`` go across a sheet ``width`` wide with
    digits of ``least_type`` (None: unknown, no limit) still legible."""
    if least_type is None:
        return MAX_PICTURES
    scale = LEGIBLE_DIGIT_PX / (least_type * DIGIT_HEIGHT)  # the least a tile may be scaled by
    tile = min(image.width, math.ceil(image.width * scale))  # (never enlarged: at its own size, as legible as it gets)
    return max(1, (width - gap) // (tile + gap))


def _stacked(image: Image.Image, below: Image.Image) -> Image.Image:
    """``below`` under ``image``, scaled to its width."""
    below = below.resize((image.width, round(below.height * image.width / below.width)), Image.Resampling.LANCZOS)
    whole = Image.new(image.mode, (image.width, image.height + below.height))
    whole.paste(image, (0, 0))
    whole.paste(below, (0, image.height))
    return whole


def _scaled(image: Image.Image, width: int, gap: int, columns: int) -> Image.Image:
    """``image`` made narrow enough for ``columns`` tiles across a sheet ``width`` wide."""
    tile_width = (width - gap * (columns + 1)) // columns
    if image.width <= tile_width:
        return image
    return image.resize((tile_width, round(image.height * tile_width / image.width)), Image.Resampling.LANCZOS)


def _at_most(pictures, limit: int):
    for index, item in enumerate(pictures, 1):
        if index > limit:
            too_many(limit)
        yield item


def too_many(limit: int, pictures: int | None = None, every: int | None = None):
    """Refuse a sheet of more than ``limit`` pictures (``pictures``, where known), naming ``every`` where one fits."""
    has = f"{pictures:,}" if pictures else "more"
    nth = every and f"{every}{'th' if 10 <= every % 100 < 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(every % 10, 'th')}"
    fewer = f"draw every {nth} step (--every {every}) or choose steps (--steps A-B)" if every else "draw fewer steps (--every N, --steps A-B)"
    raise WriterError("storyboard", f"a sheet holds at most {limit} pictures; this figure has {has}: {fewer}")


def _compose(tiles: list[tuple[str, Image.Image]], columns: int, gap: int, head: Image.Image | None = None,
             page_ratio: float | None = None) -> tuple[int, Iterator[np.ndarray]]:
    """The sheet: ``head`` (the pictures' panel, shown once), then the tiles
    in ``columns``; with ``page_ratio``, cut into pages of whole rows, every
    page as tall (see ``storyboard_sheet``). How many pages, and the pages,
    drawn one at a time as they are asked for."""
    columns = min(columns, len(tiles))
    tile_w, tile_h = tiles[0][1].size
    font = _font(max(14, min(28, tile_w // 28)))
    label_h = round(font.size * 1.6)
    pitch = tile_h + label_h + gap  # a row of tiles and the gap under it
    rows = math.ceil(len(tiles) / columns)
    top = 0 if head is None else head.height + gap
    width = columns * tile_w + (columns + 1) * gap
    if head is not None:  # (a panel wider than the tiles: the sheet grows to hold it)
        width = max(width, head.width + 2 * gap)
    if page_ratio is None:
        cuts, height = [rows], top + rows * pitch + gap
        if height > MAX_SHEET_HEIGHT:
            raise WriterError(
                "storyboard", f"a sheet of these {len(tiles)} pictures would be {height:,} px tall, more than a picture file holds "
                f"({MAX_SHEET_HEIGHT:,}): write it as a .pdf (cut into pages) or draw fewer steps (--every N, --steps A-B)"
            )
    else:
        height = max(round(width * page_ratio), pitch + gap, top + gap)  # (at least a row, and the head)
        # The head and as many rows as fit under it; none, where a row does not (the head's page alone).
        first, later = max(0, (height - top - gap) // pitch), max(1, (height - gap) // pitch)
        cuts = [min(rows, first)]
        while cuts[-1] < rows:
            cuts.append(min(rows, cuts[-1] + later))
    mode = tiles[0][1].mode
    # The sheet's background is the pictures' own (their corner pixel), so a
    # dark or transparent figure gets a matching sheet.
    corner = tiles[0][1].getpixel((0, 0))
    ink = (20, 20, 20) if sum(corner[:3]) > 382 or (mode == "RGBA" and corner[3] < 128) else (235, 235, 235)

    def pages() -> Iterator[np.ndarray]:
        for page, (start, end) in enumerate(zip([0, *cuts], cuts)):
            sheet = Image.new(mode, (width, height), corner)
            above = top if page == 0 else 0
            if head is not None and page == 0:
                sheet.paste(head, (gap, gap))
            draw = ImageDraw.Draw(sheet)
            for i, (label, image) in enumerate(tiles[start * columns : end * columns]):
                row, col = divmod(i, columns)
                x = gap + col * (tile_w + gap)
                y = above + gap + row * pitch
                draw.text((x, y + label_h / 2), _fit(label, font, tile_w), font=font, fill=ink, anchor="lm")
                sheet.paste(image, (x, y + label_h))
                draw.rectangle([x - 1, y + label_h - 1, x + tile_w, y + label_h + tile_h], outline=(160, 160, 160))
            yield np.asarray(sheet)

    return len(cuts), pages()


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    # matplotlib (a dependency already) ships DejaVu Sans, which has × and −.
    import matplotlib

    return ImageFont.truetype(f"{matplotlib.get_data_path()}/fonts/ttf/DejaVuSans.ttf", size)


def _fit(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """``text``, shortened where it is wider than ``width``. A caption
    ``head: sum; sum`` (a step's sums, one a group) keeps its head and every
    sum's result: its terms go first, from the front, whole and with their
    brackets matched (``… (0×0 + 1×1) + 1 (bias) = 57``), then all of them
    (``… = 57; … = 12``); at the last, results from the end (``… = 57; …``)."""
    if font.getlength(text) <= width:
        return text
    head, sep, rest = text.partition(": ")
    if sep:
        for shorter in _shorter(rest.split("; ")):
            line = f"{head}: {shorter}"
            if font.getlength(line) <= width:
                return line
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _shorter(sums: list[str]) -> Iterator[str]:
    """Shorter forms of ``sums`` (``terms = result`` or, rounded,
    ``terms ≈ result`` each), longest first."""
    ends = [_result(one) for one in sums]
    if len(sums) == 1:
        terms, equals, result = _split(sums[0])
        words = terms.split(" + ")
        for start in range(1, len(words)):
            tail = " + ".join(words[start:])
            if equals and tail.count("(") == tail.count(")"):
                yield f"… {tail}{equals}{result}"
    yield "; ".join(ends)
    for kept in range(len(ends) - 1, 0, -1):
        yield "; ".join(ends[:kept]) + "; …"


def _result(one: str) -> str:
    """``… = 57`` for ``(1×1 + 2×2) + 1 (bias) = 57`` (``… ≈ 0.33`` for a
    rounded result); other text as it is."""
    terms, equals, result = _split(one)
    return f"…{equals}{result}" if equals else one


def _split(one: str) -> tuple[str, str, str]:
    """``(terms, " = " or " ≈ ", result)`` of a sum; ``(one, "", "")`` of other text."""
    at = max(one.rfind(" = "), one.rfind(" ≈ "))
    return (one[:at], one[at : at + 3], one[at + 3 :]) if at >= 0 else (one, "", "")
