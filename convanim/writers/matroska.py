"""The least Matroska stream that carries raw pictures, each with its start
and duration, down a pipe to ffmpeg.

A raw pipe has no times: every frame lasts one frame of a fixed rate, so a
held picture had to be sent, converted and coded once per video frame (30
times a second of hold). In this stream each picture is sent once with its
times; ffmpeg codes it once and the container holds it as long as it lasts.

Elements are written with 8-byte sizes (always valid EBML, and a size is
known before its element's data); the segment's size is left unknown, as
streams leave it. Times are in milliseconds.
"""

from __future__ import annotations

# Element IDs (Matroska specification).
EBML, EBML_VERSION, EBML_READ_VERSION, EBML_MAX_ID, EBML_MAX_SIZE = b"\x1a\x45\xdf\xa3", b"\x42\x86", b"\x42\xf7", b"\x42\xf2", b"\x42\xf3"
DOC_TYPE, DOC_TYPE_VERSION, DOC_TYPE_READ_VERSION = b"\x42\x82", b"\x42\x87", b"\x42\x85"
SEGMENT, INFO, TIMESTAMP_SCALE, MUXING_APP, WRITING_APP = b"\x18\x53\x80\x67", b"\x15\x49\xa9\x66", b"\x2a\xd7\xb1", b"\x4d\x80", b"\x57\x41"
TRACKS, TRACK_ENTRY, TRACK_NUMBER, TRACK_UID, TRACK_TYPE, CODEC_ID = b"\x16\x54\xae\x6b", b"\xae", b"\xd7", b"\x73\xc5", b"\x83", b"\x86"
VIDEO, PIXEL_WIDTH, PIXEL_HEIGHT, COLOUR_SPACE = b"\xe0", b"\xb0", b"\xba", b"\x2e\xb5\x24"
CLUSTER, TIMESTAMP, BLOCK_GROUP, BLOCK, BLOCK_DURATION = b"\x1f\x43\xb6\x75", b"\xe7", b"\xa0", b"\xa1", b"\x9b"

UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"
BLOCK_HEADER = b"\x81\x00\x00\x00"  # track 1, at the cluster's time, no flags
RGB24 = b"RGB\x18"  # the raw pixel layout: 8-bit R, G, B (as ffmpeg names it)


def _size(n: int) -> bytes:
    return b"\x01" + n.to_bytes(7, "big")


def _element(element_id: bytes, payload: bytes) -> bytes:
    return element_id + _size(len(payload)) + payload


def _uint(element_id: bytes, value: int) -> bytes:
    return _element(element_id, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def header(width: int, height: int) -> bytes:
    """The stream's start: one video track of raw ``width`` × ``height``
    RGB pictures, times in milliseconds."""
    ebml = _element(EBML, b"".join([
        _uint(EBML_VERSION, 1), _uint(EBML_READ_VERSION, 1), _uint(EBML_MAX_ID, 4), _uint(EBML_MAX_SIZE, 8),
        _element(DOC_TYPE, b"matroska"), _uint(DOC_TYPE_VERSION, 4), _uint(DOC_TYPE_READ_VERSION, 2),
    ]))  # fmt: skip
    info = _element(INFO, _uint(TIMESTAMP_SCALE, 1_000_000) + _element(MUXING_APP, b"convanim") + _element(WRITING_APP, b"convanim"))
    video = _element(VIDEO, _uint(PIXEL_WIDTH, width) + _uint(PIXEL_HEIGHT, height) + _element(COLOUR_SPACE, RGB24))
    track = _element(TRACK_ENTRY, _uint(TRACK_NUMBER, 1) + _uint(TRACK_UID, 1) + _uint(TRACK_TYPE, 1) + _element(CODEC_ID, b"V_UNCOMPRESSED") + video)
    return ebml + SEGMENT + UNKNOWN_SIZE + info + _element(TRACKS, track)


def picture(start_ms: int, duration_ms: int, size: int) -> tuple[bytes, bytes]:
    """What goes before and after a picture's ``size`` bytes of pixels: a
    cluster of its own, starting at ``start_ms``, lasting ``duration_ms``
    (the pixels are written between, never copied into the stream here)."""
    duration = _uint(BLOCK_DURATION, duration_ms)
    block = BLOCK + _size(len(BLOCK_HEADER) + size) + BLOCK_HEADER
    group = BLOCK_GROUP + _size(len(block) + size + len(duration))
    timestamp = _uint(TIMESTAMP, start_ms)
    cluster = CLUSTER + _size(len(timestamp) + len(group) + len(block) + size + len(duration))
    return cluster + timestamp + group + block, duration
