"""Issue 4: fixture files behind presigned-URL look-alikes, checked like S3 checks them.

A presigned URL works on whatever address the sandbox was reached at, survives a restart,
and answers 403 once it expired on the sandbox clock or after any change to its query.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from mock import presign
from mock.clock import rfc3339
from mock.resources import fixtures_dir
from tests.conftest import sandbox_settings
from tests.mock.contact_files import CONTACTS
from tests.mock.job_helpers import advance, control
from tests.mock.job_helpers import presign as presign_url
from tests.serving import Live, serve

SPRING = "contacts/spring_sale.csv"


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | changes
    return parts._replace(query=urlencode(query)).geturl()


def _next_second() -> datetime:
    return (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)


def test_list_files_names_every_contact_fixture_with_its_size_and_type(live: Live) -> None:
    with control(live) as ctl:
        files = {f["path"]: f for f in ctl.get("/files").json()["data"]}
    for path in CONTACTS.iterdir():
        listed = files[f"contacts/{path.name}"]
        assert listed["size_bytes"] == path.stat().st_size
        assert listed["content_type"] == ("text/html" if path.suffix == ".html" else "text/csv")


def test_presigned_url_serves_the_file_on_the_sandbox_own_address(live: Live) -> None:
    with control(live) as ctl:
        answer = ctl.post("/files/presign", json={"path": SPRING, "expires_in": 600}).json()
        response = ctl.get(answer["url"])
    assert answer["url"].startswith(f"{live.base}/sandbox/files/{SPRING}?")
    query = dict(parse_qsl(urlsplit(answer["url"]).query))
    assert set(query) == {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                          "X-Amz-SignedHeaders", "X-Amz-Signature"}
    assert query["X-Amz-Expires"] == "600"
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content == (CONTACTS / "spring_sale.csv").read_bytes()


def test_percent_encoded_slashes_reach_the_same_file(live: Live) -> None:
    with control(live) as ctl:
        url = presign_url(ctl, SPRING).replace("contacts/", "contacts%2F", 1)
        response = ctl.get(url)
    assert response.status_code == 200
    assert response.content == (CONTACTS / "spring_sale.csv").read_bytes()


def test_url_expires_on_the_sandbox_clock(fresh: Live) -> None:
    with control(fresh) as ctl:
        # Frozen on a whole second, as X-Amz-Date counts in whole seconds
        ctl.put("/clock", json={"frozen": True, "now": rfc3339(_next_second())})
        url = presign_url(ctl, SPRING, expires_in=60)
        advance(ctl, 60)
        assert ctl.get(url).status_code == 200  # valid up to and including its last second
        advance(ctl, 1)
        response = ctl.get(url)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("This presigned URL expired at ")


@pytest.mark.parametrize(("name", "value"), [
    ("X-Amz-Expires", "604800"),
    ("X-Amz-Date", "20991231T000000Z"),
    ("X-Amz-Credential", "OTHER/20261101/us-east-1/s3/aws4_request"),
    ("X-Amz-Signature", "0" * 64),
])
def test_changed_query_is_403(live: Live, name: str, value: str) -> None:
    with control(live) as ctl:
        response = ctl.get(_with_query(presign_url(ctl, SPRING), **{name: value}))
    assert response.status_code == 403
    assert response.json()["detail"] == presign.TAMPERED


def test_signature_of_one_file_does_not_open_another(live: Live) -> None:
    with control(live) as ctl:
        url = presign_url(ctl, SPRING).replace("spring_sale.csv", "with_bad_rows.csv")
        response = ctl.get(url)
    assert response.status_code == 403


def test_unknown_file_is_404(live: Live) -> None:
    with control(live) as ctl:
        presigned = ctl.post("/files/presign", json={"path": "contacts/nope.csv"})
        fetched = ctl.get(presign_url(ctl, SPRING).replace("spring_sale.csv", "nope.csv"))
    assert presigned.status_code == 404
    assert fetched.status_code == 404
    assert "contacts/nope.csv" in fetched.json()["detail"]


@pytest.mark.parametrize("path", ["../api_keys.json", "contacts/../../api_keys.json",
                                  ".hidden/x.csv", "/etc/passwd"])
def test_presign_refuses_paths_outside_the_folder(live: Live, path: str) -> None:
    with control(live) as ctl:
        response = ctl.post("/files/presign", json={"path": path})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/body/path"


@pytest.mark.parametrize("raw", ["contacts/%2E%2E/%2E%2E/api_keys.json", "%2E%2E%2Fapi_keys.json",
                                 "contacts/..%2F..%2Fapi_keys.json"])
def test_get_refuses_traversal(live: Live, raw: str) -> None:
    with control(live) as ctl:
        query = urlsplit(presign_url(ctl, SPRING)).query
        response = ctl.get(f"/files/{raw}?{query}")
    assert response.status_code in (400, 404)
    assert b"sk_sandbox_" not in response.content


def test_symlink_out_of_the_folder_is_not_served(tmp_path: Path) -> None:
    # Given fixtures whose files folder holds a link to a file outside it
    fixtures = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), fixtures)
    (fixtures / "files" / "contacts" / "escape.csv").symlink_to(fixtures / "api_keys.json")
    with serve(sandbox_settings(tmp_path, fixtures=fixtures)) as live, control(live) as ctl:
        listed = [f["path"] for f in ctl.get("/files").json()["data"]]
        response = ctl.post("/files/presign", json={"path": "contacts/escape.csv"})
    assert response.status_code == 404
    assert "contacts/escape.csv" not in listed


def test_presigned_url_survives_a_restart_on_any_port(tmp_path: Path) -> None:
    settings = sandbox_settings(tmp_path)
    with serve(settings) as first, control(first) as ctl:
        url = presign_url(ctl, SPRING)
    with serve(settings) as second, control(second) as ctl:
        moved = second.base + url.removeprefix(first.base)
        assert ctl.get(moved).status_code == 200


def test_url_of_another_sandbox_is_403(live: Live, fresh: Live) -> None:
    with control(live) as one, control(fresh) as two:
        url = presign_url(one, SPRING)
        response = two.get(fresh.base + url.removeprefix(live.base))
    assert response.status_code == 403
