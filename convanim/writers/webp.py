"""Animated WebP, lossless, written frame by frame.

Pillow encodes each changed box as a lossless WebP still; this module wraps
those bitstreams in the animation container (RIFF: VP8X, ANIM, one ANMF per
picture), so nothing but the current picture is held. Boxes are replaced,
not blended, so transparent pixels stay transparent.
"""

from __future__ import annotations

import struct

from .chunks import ChunkedWriter, encoded

_NO_BLEND = 0b10  # ANMF flags: replace the rectangle, dispose nothing
_MAX_DURATION = (1 << 24) - 1  # ms in an ANMF's 24 bits


def _chunk(tag: bytes, payload: bytes) -> bytes:
    return tag + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")


def _u24(value: int) -> bytes:
    return value.to_bytes(3, "little")


class WebpWriter(ChunkedWriter):
    """The ``.webp`` writer. Option: ``loop`` (0 = forever, else the number of plays)."""

    box_step = 2  # WebP stores frame offsets halved

    def _begin(self, temp_path) -> None:
        self._file = open(temp_path, "wb")
        self._file.write(bytes(12 + 18 + 14))  # RIFF header, VP8X and ANIM: written at the end

    def _picture(self, box, image, duration_ms, index) -> None:
        left, top, right, bottom = box
        still = encoded(image, "WEBP", lossless=True, quality=100, method=4, exact=True)
        # A still is RIFF....WEBP then its chunks (VP8L, maybe VP8X first): keep the bitstream.
        pos, frame_data = 12, b""
        while pos < len(still):
            tag, size = still[pos : pos + 4], struct.unpack("<I", still[pos + 4 : pos + 8])[0]
            if tag in (b"VP8L", b"VP8 ", b"ALPH"):
                frame_data += still[pos : pos + 8 + size + size % 2]
            pos += 8 + size + size % 2
        header = _u24(left // 2) + _u24(top // 2) + _u24(right - left - 1) + _u24(bottom - top - 1)
        while True:  # a hold past 4.6 hours is split
            header_t = header + _u24(min(duration_ms, _MAX_DURATION)) + bytes([_NO_BLEND])
            self._file.write(_chunk(b"ANMF", header_t + frame_data))
            duration_ms -= _MAX_DURATION
            if duration_ms <= 0:
                break

    def _finish(self) -> None:
        width, height = self.size
        flags = 0x02 | (0x10 if self.alpha else 0)  # animation, alpha
        vp8x = _chunk(b"VP8X", bytes([flags, 0, 0, 0]) + _u24(width - 1) + _u24(height - 1))
        anim = _chunk(b"ANIM", bytes(4) + struct.pack("<H", self.loop))  # transparent background
        end = self._file.tell()
        self._file.seek(0)
        self._file.write(b"RIFF" + struct.pack("<I", end - 8) + b"WEBP" + vp8x + anim)
        self._file.close()

    def _abort(self) -> None:
        self._file.close()
