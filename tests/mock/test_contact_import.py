"""Issue 4: reading a contact CSV — the header, normalising to E.164, and file-level failures."""

from __future__ import annotations

import pytest

from mock import contact_import
from mock.contact_import import ImportFailed, normalise, parse


@pytest.mark.parametrize(("raw", "e164"), [
    ("(202) 555-0100", "+12025550100"),
    ("202.555.0101", "+12025550101"),
    ("1 202 555 0102", "+12025550102"),
    ("+1 (202) 555-0103", "+12025550103"),
    ("+44 20 7946 0958", "+442079460958"),
    ("555-0100", None),  # no area code
    ("+1 555 555 0100", None),  # no such area code
    ("call me", None),
    ("12345", None),
])
def test_numbers_are_normalised_or_refused_by_phonenumbers(raw: str, e164: str | None) -> None:
    assert normalise(raw) == e164


def test_header_is_matched_case_insensitively_and_custom_names_are_kept() -> None:
    parsed = parse(b"\xef\xbb\xbf PHONE ,First_Name,Store Name,\n2025550100,Ada,Main St,\n",
                   "text/csv", ())
    assert parsed.contacts == [{"phone": "+12025550100", "first_name": "Ada", "last_name": None,
                                "custom_fields": {"Store Name": "Main St"}}]


def test_short_rows_are_padded_and_long_rows_trimmed() -> None:
    parsed = parse(b"phone,first_name,last_name\n2025550100\n2025550101,Ada,L,extra\n",
                   None, ())
    assert [(c["first_name"], c["last_name"]) for c in parsed.contacts] == [(None, None),
                                                                           ("Ada", "L")]


@pytest.mark.parametrize(("data", "content_type", "reason"), [
    (b"", "text/csv", contact_import.EMPTY),
    (b" \r\n\n", "text/csv", contact_import.EMPTY),
    (b"<!DOCTYPE html><html></html>", "text/csv", contact_import.HTML),
    (b"  <html><body>Sign in</body></html>", None, contact_import.HTML),
    (b"phone\n+12025550100\n", "text/html", contact_import.HTML),
    (b"phone,phone\n1,2\n", "text/csv", contact_import.SAME_COLUMN.format(name="phone")),
    (b"name\nAda\n", "text/csv", contact_import.NO_PHONE.format(found="name")),
])
def test_file_level_problems_fail_the_whole_file(data: bytes, content_type: str | None,
                                                 reason: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        parse(data, content_type, ())
    assert caught.value.reason == reason
