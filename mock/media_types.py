"""MMS media checks: the type from the file's bytes, the size limit and a structural read.

The name and the declared content type of a file are never consulted. Each accepted type
is walked block by block (PNG chunks with their CRCs, GIF blocks up to the trailer, JPEG
segments up to EOI), which catches truncated and corrupt files without decoding pixels.
No small library does the structural part (`filetype` and `puremagic` only read magic
numbers), and Pillow is too heavy a dependency for three formats.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

MAX_BYTES = 1_048_576
JPEG, PNG, GIF = "image/jpeg", "image/png", "image/gif"

EMPTY = "The file is empty; send a JPEG, PNG or GIF image."
TOO_LARGE = "The file is {size} bytes; MMS media may be at most {limit} bytes."
NOT_AN_IMAGE = (
    "The file is not a JPEG, PNG or GIF image; its type is read from its bytes, "
    "not from its name or declared type."
)
BROKEN = "The file starts like a {kind} image but cannot be read: {why}. Export it again."

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NAMES = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF"}
# Start-of-frame markers: every SOFn except DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class MediaRejected(ValueError):
    """The file cannot be MMS media; `status` is the HTTP status an upload answers."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check(data: bytes, limit: int = MAX_BYTES) -> str:
    """The content type of `data` if it is a usable MMS image; MediaRejected otherwise."""
    if not data:
        raise MediaRejected(422, EMPTY)
    if len(data) > limit:
        raise MediaRejected(413, TOO_LARGE.format(size=len(data), limit=limit))
    kind = sniff(data)
    if kind is None:
        raise MediaRejected(415, NOT_AN_IMAGE)
    why = _READERS[kind](data)
    if why is not None:
        raise MediaRejected(422, BROKEN.format(kind=_NAMES[kind], why=why))
    return kind


def sniff(data: bytes) -> str | None:
    """The type that the magic number at the start of `data` claims, if it is one of ours."""
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


class _Truncated(Exception):
    pass


def _png(data: bytes) -> str | None:
    pos, has_pixels = len(_PNG_SIGNATURE), False
    while True:
        if pos + 12 > len(data):
            return "it ends before its IEND chunk (truncated)"
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if not kind.isalpha():
            return "a chunk has an invalid type (corrupt)"
        name = kind.decode("ascii")
        if end > len(data):
            return f"it ends inside its {name} chunk (truncated)"
        if zlib.crc32(data[pos + 4:end - 4]) != struct.unpack(">I", data[end - 4:end])[0]:
            return f"the checksum of its {name} chunk does not match (corrupt)"
        if pos == len(_PNG_SIGNATURE):
            if kind != b"IHDR" or length != 13:
                return "it does not start with an IHDR chunk"
            if 0 in struct.unpack(">II", data[pos + 8:pos + 16]):
                return "its width or height is zero"
        has_pixels = has_pixels or kind == b"IDAT"
        if kind == b"IEND":
            return None if has_pixels else "it has no image data (IDAT chunk)"
        pos = end


def _gif(data: bytes) -> str | None:
    pos = 6

    def take(count: int) -> bytes:
        nonlocal pos
        if pos + count > len(data):
            raise _Truncated
        pos += count
        return data[pos - count:pos]

    def skip_sub_blocks() -> None:
        while size := take(1)[0]:
            take(size)

    def skip_color_table(flags: int) -> None:
        if flags & 0x80:
            take(3 << ((flags & 0x07) + 1))

    images = 0
    try:
        skip_color_table(take(7)[4])  # logical screen descriptor, then the global table
        while True:
            block = take(1)[0]
            if block == 0x3B:
                return None if images else "it has no image"
            if block == 0x21:  # extension: label, then data sub-blocks
                take(1)
                skip_sub_blocks()
            elif block == 0x2C:  # image: descriptor, local table, LZW code size, data
                skip_color_table(take(9)[8])
                take(1)
                skip_sub_blocks()
                images += 1
            else:
                return f"it has an unknown block 0x{block:02X} (corrupt)"
    except _Truncated:
        return "it ends before its trailer (truncated)"


def _jpeg(data: bytes) -> str | None:
    pos, end, frame, scan = 2, len(data), False, False
    while True:
        if pos >= end or data[pos] != 0xFF:
            return ("it ends before its EOI marker (truncated)" if pos >= end
                    else "a segment marker is missing (corrupt)")
        while pos < end and data[pos] == 0xFF:  # fill bytes may pad a marker
            pos += 1
        if pos >= end:
            return "it ends before its EOI marker (truncated)"
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            return None if frame and scan else "it has no image frame or scan"
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # standalone markers
            continue
        if marker in (0x00, 0xD8) or pos + 2 > end:
            return "a segment is malformed (corrupt or truncated)"
        length = int.from_bytes(data[pos:pos + 2], "big")
        if length < 2 or pos + length > end:
            return "a segment runs past the end of the file (truncated)"
        if marker in _SOF:
            if length < 8 or data[pos + 5:pos + 7] == b"\x00\x00":
                return "its frame header has no width"
            frame = True
        pos += length
        if marker == 0xDA:
            if not frame:
                return "an image scan comes before the frame header"
            scan = True
            pos = _end_of_scan(data, pos)
            if pos < 0:
                return "it ends inside its image data (truncated)"


def _end_of_scan(data: bytes, pos: int) -> int:
    """Where the marker after entropy-coded data starts; -1 if the data runs to the end."""
    while (i := data.find(b"\xff", pos)) >= 0 and i + 1 < len(data):
        follower = data[i + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7:  # stuffed byte, restart marker
            pos = i + 2
        elif follower == 0xFF:
            pos = i + 1
        else:
            return i
    return -1


_READERS: dict[str, Callable[[bytes], str | None]] = {PNG: _png, GIF: _gif, JPEG: _jpeg}
