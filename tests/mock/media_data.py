"""Sample media for the media tests: the fixture files, and images built byte by byte."""

from __future__ import annotations

import random
import struct
import zlib

from mock.resources import fixtures_dir

MEDIA = fixtures_dir() / "files" / "media"
# Fixture file -> the type detected from its bytes.
IMAGES = {
    "spring-banner.jpg": "image/jpeg",
    "spring-banner-progressive.jpg": "image/jpeg",
    "spring-banner.png": "image/png",
    "spring-banner.gif": "image/gif",
}
NOT_AN_IMAGE = "photo.jpg"  # a text file with an image's name
TRUNCATED = "truncated.png"  # the first half of spring-banner.png


def read(name: str) -> bytes:
    return (MEDIA / name).read_bytes()


def chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data and the CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, seed: int = 0) -> bytes:
    """A valid 8-bit greyscale PNG of random (so incompressible) pixels."""
    pixels = random.Random(seed).randbytes(width * height)
    rows = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 0))
            + chunk(b"IEND", b""))


def big_png(size_over: int) -> bytes:
    """A valid PNG larger than `size_over` bytes."""
    side = int(size_over ** 0.5) + 8
    return png(side, side)
