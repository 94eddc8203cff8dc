"""One picture to a file: PNG, or a PDF of one page (or a storyboard's pages).

These writers take a single picture: a chosen step (``pick_step``) or a
storyboard sheet (``storyboard_sheet``), both in sheet.py. A second,
different picture is an error that says how to get an animation instead,
but for a PDF told to take ``pages`` (a storyboard cut into pages to print).

The PDF is written here rather than by Pillow, whose PDF driver stamps the
time and stores RGB as JPEG: this one is lossless (Flate) and the same bytes
for the same picture.
"""

from __future__ import annotations

import zlib

import numpy as np
from PIL import Image

from ..errors import WriterError
from .base import OUTPUT, Writer
from .source import Frame

PDF_DPI = 200  # a 1080 px figure is 5.4 in (13.7 cm) wide on the page
A4_WIDTH_PT = 595.28  # 210 mm: a storyboard's pages, to print


class StillWriter(Writer):
    """Base of the one-picture writers: keeps the picture, writes it at the end."""

    merge_repeats = True
    suffix = ""

    def _begin(self, temp_path) -> None:
        self._picture: np.ndarray | None = None

    def _add(self, frame: Frame) -> None:
        if self._picture is not None:
            raise WriterError(
                OUTPUT,
                f"a {self.suffix} file holds one picture, not an animation; choose one with --step N "
                "or a sheet of every step with --storyboard (or --format apng for an animated PNG)",
            )
        self._picture = frame.pixels

    def _abort(self) -> None:
        self._picture = None


class PngWriter(StillWriter):
    """``.png``: the picture, lossless, with its alpha when it has one."""

    suffix = ".png"

    def _finish(self) -> None:
        mode = "RGBA" if self._picture.shape[2] == 4 else "RGB"
        Image.fromarray(self._picture, mode).save(self._temp, "PNG", compress_level=9)


class PdfWriter(StillWriter):
    """``.pdf``: one page the size of the picture at ``dpi`` (default 200), lossless.

    Transparent pixels are composited over white: a page has no transparency.
    With ``pages`` set (a storyboard's sheet cut to print), each picture is a
    page of its own.
    """

    suffix = ".pdf"

    def __init__(self, path, size=None, *, dpi: int = PDF_DPI):
        super().__init__(path, size)
        if isinstance(dpi, bool) or not isinstance(dpi, int) or not 72 <= dpi <= 1200:
            raise WriterError("dpi", f"must be a whole number from 72 to 1200; got {dpi!r}")
        self.dpi = dpi
        self._pages: list[tuple[int, int, bytes]] | None = None  # to print: each page's size and compressed pixels

    def take_pages(self) -> None:
        """Take each picture as a page of its own, A4 wide (a storyboard cut
        to print), compressed as it comes: a long one is never all in memory."""
        self._pages, self.merge_repeats = [], False

    def _add(self, frame: Frame) -> None:
        if self._pages is None:
            super()._add(frame)
            return
        height, width = frame.pixels.shape[:2]
        self._pages.append((width, height, _compressed(_over_white(frame.pixels))))

    def _finish(self) -> None:
        if self._pages is None:
            height, width = self._picture.shape[:2]
            pages, size = [(width, height, _compressed(_over_white(self._picture)))], None
        else:
            # Pages to print are A4 wide, whatever their pixels; a picture is its size at dpi.
            pages, size = self._pages, A4_WIDTH_PT
        self._temp.write_bytes(pdf_pages(pages, self.dpi, size))


def _over_white(pixels: np.ndarray) -> np.ndarray:
    if pixels.shape[2] != 4:
        return pixels
    alpha = pixels[..., 3:].astype(np.uint16)
    return ((pixels[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)


def _compressed(rgb: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(rgb).tobytes(), 9)


def pdf_pages(pictures: list[tuple[int, int, bytes]], dpi: int, width_pt: float | None = None) -> bytes:
    """A PDF of a page per picture (its width, height and ``_compressed``
    RGB pixels), each the picture's size at ``dpi`` (or ``width_pt`` points
    wide), and nothing else."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for width, height, image in pictures:
        points = (width * 72 / dpi, height * 72 / dpi) if width_pt is None else (width_pt, width_pt * height / width)
        draw = f"q {points[0]:.2f} 0 0 {points[1]:.2f} 0 0 cm /Im0 Do Q".encode()
        page = len(objects) + 1  # (objects are numbered from 1)
        kids.append(f"{page} 0 R")
        objects += [
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {points[0]:.2f} {points[1]:.2f}] "
            f"/Resources << /XObject << /Im0 {page + 1} 0 R >> >> /Contents {page + 2} 0 R >>".encode(),
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB "
            f"/BitsPerComponent 8 /Filter /FlateDecode /Length {len(image)} >>\nstream\n".encode() + image + b"\nendstream",
            f"<< /Length {len(draw)} >>\nstream\n".encode() + draw + b"\nendstream",
        ]
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
