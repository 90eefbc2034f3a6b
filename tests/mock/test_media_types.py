"""Issue 4: media types are detected from the bytes, and broken or oversized files are refused."""

from __future__ import annotations

import struct

import pytest

from mock.media_types import (
    BROKEN,
    EMPTY,
    MAX_BYTES,
    NOT_AN_IMAGE,
    TOO_LARGE,
    MediaRejected,
    check,
)
from tests.mock.media_data import IMAGES, TRUNCATED, big_png, chunk, png, read

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def rejected(data: bytes) -> MediaRejected:
    with pytest.raises(MediaRejected) as caught:
        check(data)
    return caught.value


@pytest.mark.parametrize(("name", "content_type"), IMAGES.items())
def test_check_detects_each_fixture_image(name: str, content_type: str) -> None:
    assert check(read(name)) == content_type


def test_check_ignores_the_name_renamed_text_is_415() -> None:
    problem = rejected(read("photo.jpg"))
    assert (problem.status, problem.reason) == (415, NOT_AN_IMAGE)


@pytest.mark.parametrize("header", [
    b"BM6\x00\x00\x00\x00\x00",  # BMP
    b"RIFF\x24\x00\x00\x00WEBPVP8 ",  # WebP
    b"II*\x00\x08\x00\x00\x00",  # TIFF
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",  # SVG
    b"%PDF-1.7\n",
    b"\x89PNX\r\n\x1a\n",  # one byte off a PNG signature
])
def test_check_other_types_are_415(header: str) -> None:
    assert rejected(header + bytes(64)).status == 415


def test_check_empty_file_is_422() -> None:
    problem = rejected(b"")
    assert (problem.status, problem.reason) == (422, EMPTY)


def test_check_over_the_limit_is_413_and_at_the_limit_is_accepted() -> None:
    over = big_png(MAX_BYTES)
    problem = rejected(over)
    assert (problem.status, problem.reason) == (
        413, TOO_LARGE.format(size=len(over), limit=MAX_BYTES))
    # A PNG of exactly MAX_BYTES: padded with an ancillary chunk before IEND.
    base = png(4, 4)
    pad = MAX_BYTES - len(base) - 12
    exact = base[:-12] + chunk(b"tEXt", b"c\x00" + b"x" * (pad - 2)) + base[-12:]
    assert len(exact) == MAX_BYTES
    assert check(exact) == "image/png"


def test_check_truncated_fixture_is_422() -> None:
    problem = rejected(read(TRUNCATED))
    assert problem.status == 422
    assert problem.reason.startswith(BROKEN.split("{why}")[0].format(kind="PNG"))
    assert "truncated" in problem.reason


@pytest.mark.parametrize("name", IMAGES)
def test_check_every_truncation_of_an_image_is_refused(name: str) -> None:
    data = read(name)
    for cut in range(len(data)):
        # Too short to carry the whole signature: 415; otherwise a broken image: 422.
        assert rejected(data[:cut]).status in (415, 422), cut


def test_check_a_corrupted_png_chunk_is_422() -> None:
    data = bytearray(read("spring-banner.png"))
    data[data.index(b"IDAT") + 10] ^= 0x5A  # the chunk's CRC no longer matches
    problem = rejected(bytes(data))
    assert problem.status == 422
    assert "checksum of its IDAT chunk" in problem.reason


def test_check_a_corrupted_gif_block_is_422() -> None:
    data = bytearray(read("spring-banner.gif"))
    # The first block introducer, after the header and the global colour table.
    data[13 + 3 * 2 ** ((data[10] & 0x07) + 1)] = 0x00
    problem = rejected(bytes(data))
    assert problem.status == 422
    assert "unknown block 0x00" in problem.reason


@pytest.mark.parametrize(("data", "why"), [
    (PNG_SIGNATURE + chunk(b"IDAT", b"x") + chunk(b"IEND", b""), "IHDR"),
    (PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 1, 8, 0, 0, 0, 0))
     + chunk(b"IEND", b""), "zero"),
    (png(2, 2)[:33] + chunk(b"IEND", b""), "IDAT"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "no image"),
    (b"\xff\xd8\xff\xd9", "no image frame"),
    (read("spring-banner.jpg")[:-2], "truncated"),
    (read("spring-banner.gif")[:-1], "trailer"),
])
def test_check_structural_problems_are_named(data: bytes, why: str) -> None:
    problem = rejected(data)
    assert problem.status == 422
    assert why in problem.reason


def test_check_trailing_bytes_after_the_end_marker_are_tolerated() -> None:
    # Cameras and editors append data after EOI / IEND; readers ignore it, so do we.
    assert check(read("spring-banner.jpg") + b"trailer") == "image/jpeg"
    assert check(read("spring-banner.png") + b"trailer") == "image/png"
