"""Animated PNG (APNG), lossless, written frame by frame.

Pillow encodes each changed box as a PNG still; this module takes its
compressed data and writes it as the animation's frames (acTL, then fcTL
and IDAT or fdAT per picture), so nothing but the current picture is held.
Boxes replace what was there (blend "source"), so transparency is kept.
"""

from __future__ import annotations

import struct
import zlib

from .chunks import ChunkedWriter, encoded

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload))


def _chunks(png: bytes):
    pos = len(_SIGNATURE)
    while pos < len(png):
        (size,) = struct.unpack(">I", png[pos : pos + 4])
        yield png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + size]
        pos += 12 + size


class ApngWriter(ChunkedWriter):
    """The ``.apng`` writer (also ``--format apng`` for ``.png``). Option: ``loop`` (0 = forever)."""

    def _begin(self, temp_path) -> None:
        self._file = open(temp_path, "wb")
        self._sequence = 0

    def _picture(self, box, image, duration_ms, index) -> None:
        left, top, right, bottom = box
        png = dict(_chunks_list := list(_chunks(encoded(image, "PNG", compress_level=9))))
        data = [payload for tag, payload in _chunks_list if tag == b"IDAT"]
        if index == 0:
            ihdr = bytearray(png[b"IHDR"])
            self._file.write(_SIGNATURE + _chunk(b"IHDR", bytes(ihdr)))
            self._actl = self._file.tell()
            self._file.write(_chunk(b"acTL", bytes(8)))  # frame count: written at the end
        # Delays are a fraction: milliseconds while they fit 16 bits, else centiseconds.
        num, den = (duration_ms, 1000) if duration_ms <= 0xFFFF else (min(round(duration_ms / 10), 0xFFFF), 100)
        fctl = struct.pack(">IIIIIHHBB", self._sequence, right - left, bottom - top, left, top, num, den, 0, 0)
        self._file.write(_chunk(b"fcTL", fctl))
        self._sequence += 1
        for payload in data:
            if index == 0:
                self._file.write(_chunk(b"IDAT", payload))
            else:
                self._file.write(_chunk(b"fdAT", struct.pack(">I", self._sequence) + payload))
                self._sequence += 1

    def _finish(self) -> None:
        self._file.write(_chunk(b"IEND", b""))
        self._file.seek(self._actl)
        self._file.write(_chunk(b"acTL", struct.pack(">II", self.pictures, self.loop)))
        self._file.close()

    def _abort(self) -> None:
        self._file.close()
