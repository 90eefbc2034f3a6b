"""Issue 4: media are uploaded or imported, checked by their bytes, polled until ready or failed.

Over a real server on loopback: uploads answer 202 (or 413 / 415 / 422 on arrival), imports
download a presigned fixture URL and end `ready` or `failed` with a reason, and a media item
that a scheduled project uses cannot be deleted.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from mock import downloads, jobs, media_types
from mock.downloads import FAILED as DOWNLOAD_FAILED
from mock.errors import TOO_LARGE
from mock.handlers.media import IN_USE, NO_FILE, NOT_HTTP
from mock.store import Store, tables
from tests.conftest import sandbox_settings
from tests.mock.media_data import IMAGES, NOT_AN_IMAGE, TRUNCATED, big_png, read
from tests.serving import Live, serve

ROOT, RETAIL, HEALTH, GLOBEX = "org_acme_root", "org_acme_retail", "org_acme_health", \
    "org_globex_root"
SECONDS = 2.0  # the default media_seconds
FINAL = ("ready", "failed")


def upload(client: httpx.Client, filename: str, content: bytes,
           declared: str = "image/png", **fields: str) -> httpx.Response:
    return client.post("/media", files={"file": (filename, content, declared)}, data=fields)


def freeze(live: Live) -> None:
    httpx.put(f"{live.base}/sandbox/clock", json={"frozen": True}).raise_for_status()


def advance(live: Live, seconds: float) -> None:
    httpx.post(f"{live.base}/sandbox/clock/advance", json={"seconds": seconds},
               timeout=60).raise_for_status()


def presign(live: Live, path: str, expires_in: int = 3600) -> str:
    response = httpx.post(f"{live.base}/sandbox/files/presign",
                          json={"path": path, "expires_in": expires_in})
    response.raise_for_status()
    return str(response.json()["url"])


def imported(live: Live, client: httpx.Client, source_url: str) -> dict[str, Any]:
    """Import `source_url` on a frozen clock, advance past the processing time, return it."""
    response = client.post("/media/imports", json={"source_url": source_url})
    assert response.status_code == 202, response.text
    advance(live, SECONDS)
    body: dict[str, Any] = client.get(response.headers["Location"].removeprefix("/v1")).json()
    return body


def poll_states(client: httpx.Client, *started: httpx.Response) -> list[list[str]]:
    """The distinct statuses a client sees of each started media item, in order: first in the
    202 answer, then polling all of them in turn until each is final."""
    seen = [[response.json()["status"]] for response in started]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for states, response in zip(seen, started, strict=True):
            if states[-1] not in FINAL:
                status = client.get(response.headers["Location"].removeprefix("/v1"))
                if status.json()["status"] != states[-1]:
                    states.append(status.json()["status"])
        if all(states[-1] in FINAL for states in seen):
            return seen
        time.sleep(0.05)
    raise AssertionError(f"still not final after 30 s: {seen}")


def insert_project(live: Live, org_id: str, status: str, media_ids: list[str]) -> dict[str, Any]:
    project = {"id": f"prj_{status}", "org_id": org_id, "status": status, "media_ids": media_ids}
    Store(live.settings.database_url).insert(tables.projects, project, status=status,
                                             contact_list_id=None, media_ids=media_ids)
    return project


@pytest.fixture
def frozen(fresh: Live) -> Live:
    """A fresh sandbox whose clock stands still until a test advances it."""
    freeze(fresh)
    return fresh


@pytest.fixture
def quick(tmp_path: Path) -> Iterator[Live]:
    """A fresh sandbox on the real clock, whose media take a fraction of a second."""
    with serve(sandbox_settings(tmp_path, media_seconds=0.3)) as server:
        yield server


# Upload ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content_type"), IMAGES.items())
def test_upload_each_image_type_is_202_then_ready(
    frozen: Live, keys: dict[str, str], name: str, content_type: str
) -> None:
    content = read(name)
    with frozen.client(keys[ROOT]) as client:
        # Given a real image, declared with a wrong type on purpose: the bytes decide
        response = upload(client, name, content, declared="application/octet-stream")
        assert response.status_code == 202, response.text
        media = response.json()
        assert response.headers["Location"] == f"/v1/media/{media['id']}"
        assert media["status"] == "processing"
        assert (media["content_type"], media["size_bytes"]) == (content_type, len(content))
        assert (media["name"], media["org_id"], media["source_url"]) == (name, ROOT, None)
        assert client.get(f"/media/{media['id']}").json()["status"] == "processing"
        # When the processing time passes on the sandbox clock
        advance(frozen, SECONDS)
        # Then it is ready, with the type detected from its bytes
        ready = client.get(f"/media/{media['id']}").json()
    assert ready == {**media, "status": "ready", "updated_at": ready["updated_at"]}
    assert ready["updated_at"] > media["created_at"]


def test_upload_stores_the_bytes_and_they_survive_a_restart(
    tmp_path: Path, keys: dict[str, str]
) -> None:
    settings = sandbox_settings(tmp_path, media_seconds=0.0)
    content = read("spring-banner.gif")
    with serve(settings) as live, live.client(keys[ROOT]) as client:
        response = upload(client, "banner.gif", content, name="Banner")
        media = response.json()
        assert poll_states(client, response) == [["processing", "ready"]]
    with serve(settings) as live, live.client(keys[ROOT]) as client:
        again = client.get(f"/media/{media['id']}").json()
    assert (again["status"], again["name"]) == ("ready", "Banner")
    files = tables.media_files
    with Store(settings.database_url).connect() as conn:
        stored = conn.execute(select(files.c.content)
                              .where(files.c.media_id == media["id"])).scalar()
    assert stored == content


def test_upload_renamed_non_image_is_415(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys[ROOT]) as client:
        before = client.get("/media").json()["data"]
        # Given a text file named photo.jpg and declared image/jpeg
        response = upload(client, NOT_AN_IMAGE, read(NOT_AN_IMAGE), declared="image/jpeg")
        after = client.get("/media").json()["data"]
    # Then it is refused for what its bytes are, and nothing was created
    assert response.status_code == 415, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == media_types.NOT_AN_IMAGE
    assert response.json()["errors"] == [
        {"pointer": "/body/file", "message": media_types.NOT_AN_IMAGE}]
    assert after == before


def test_upload_over_one_megabyte_is_413(live: Live, keys: dict[str, str]) -> None:
    content = big_png(media_types.MAX_BYTES)
    assert media_types.MAX_BYTES < len(content) < live.settings.max_body_bytes
    with live.client(keys[ROOT]) as client:
        response = upload(client, "big.png", content)
    assert response.status_code == 413, response.text
    assert response.json()["detail"] == media_types.TOO_LARGE.format(
        size=len(content), limit=media_types.MAX_BYTES)


def test_upload_over_the_body_limit_is_413_before_it_is_read(
    live: Live, keys: dict[str, str]
) -> None:
    content = big_png(live.settings.max_body_bytes)
    with live.client(keys[ROOT]) as client:
        response = upload(client, "huge.png", content)
    assert response.status_code == 413, response.text
    assert response.json()["detail"] == TOO_LARGE.format(limit=live.settings.max_body_bytes)


@pytest.mark.parametrize(("content", "detail"), [
    (b"", media_types.EMPTY),
    (read(TRUNCATED), "The file starts like a PNG image but cannot be read: it ends inside"),
])
def test_upload_empty_or_truncated_is_422(
    live: Live, keys: dict[str, str], content: bytes, detail: str
) -> None:
    with live.client(keys[ROOT]) as client:
        response = upload(client, "banner.png", content)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(detail)


def test_upload_without_a_file_part_is_400(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys[ROOT]) as client:
        # A part named `file` without a filename is a plain field, not a file
        response = client.post("/media", files={"file": (None, b"not a file")})
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == NO_FILE


@pytest.mark.parametrize(("request_kwargs", "status"), [
    ({"json": {"file": "aGVsbG8="}}, 415),
    ({"content": b"--x\r\n", "headers": {"content-type": "multipart/form-data"}}, 400),
    ({"files": {"file": ("a.png", read("spring-banner.png"))}, "data": {"colour": "red"}}, 400),
])
def test_upload_malformed_request_is_4xx(
    live: Live, keys: dict[str, str], request_kwargs: dict[str, Any], status: int
) -> None:
    with live.client(keys[ROOT]) as client:
        response = client.post("/media", **request_kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


# Import ------------------------------------------------------------------------------------


def test_import_from_a_presigned_url_ends_ready(frozen: Live, keys: dict[str, str]) -> None:
    url = presign(frozen, "media/spring-banner.jpg")
    with frozen.client(keys[ROOT]) as client:
        response = client.post("/media/imports", json={"source_url": url, "org_id": RETAIL})
        assert response.status_code == 202, response.text
        media = response.json()
        assert (media["status"], media["content_type"], media["size_bytes"]) == (
            "processing", None, None)
        assert (media["name"], media["org_id"], media["source_url"]) == (
            "spring-banner.jpg", RETAIL, url)
        advance(frozen, SECONDS)
        ready = client.get(response.headers["Location"].removeprefix("/v1")).json()
    assert ready["status"] == "ready", ready
    assert ready["content_type"] == "image/jpeg"
    assert ready["size_bytes"] == len(read("spring-banner.jpg"))
    assert ready["failure_reason"] is None


@pytest.mark.parametrize(("path", "reason"), [
    # Served as image/jpeg, as its name says; its bytes say otherwise.
    ("media/photo.jpg", media_types.NOT_AN_IMAGE),
    ("media/truncated.png", "The file starts like a PNG image but cannot be read"),
    ("contacts/spring_sale.csv", media_types.NOT_AN_IMAGE),
])
def test_import_of_a_non_image_ends_failed_with_a_reason(
    frozen: Live, keys: dict[str, str], path: str, reason: str
) -> None:
    with frozen.client(keys[ROOT]) as client:
        media = imported(frozen, client, presign(frozen, path))
    assert media["status"] == "failed", media
    assert media["failure_reason"].startswith(reason)
    assert media["content_type"] is None
    assert media["size_bytes"] == len((frozen.settings.fixtures / "files" / path).read_bytes())


def test_import_of_an_expired_url_ends_failed(frozen: Live, keys: dict[str, str]) -> None:
    url = presign(frozen, "media/spring-banner.png", expires_in=1)
    with frozen.client(keys[ROOT]) as client:
        media = imported(frozen, client, url)  # runs 2 s later: the URL has expired
    assert media["status"] == "failed", media
    assert media["failure_reason"].startswith(DOWNLOAD_FAILED.format(reason="")[:-1])
    assert "403" in media["failure_reason"]


def test_import_from_an_unreachable_host_ends_failed(
    frozen: Live, keys: dict[str, str]
) -> None:
    with frozen.client(keys[ROOT]) as client:
        # Port 9 (discard) on loopback: nothing listens there
        media = imported(frozen, client, "http://127.0.0.1:9/banner.png")
    assert media["status"] == "failed", media
    assert media["failure_reason"].startswith("Download failed: could not connect")


def test_import_that_breaks_unexpectedly_ends_failed(
    frozen: Live, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a sandbox bug in the download step (the server runs in this process)
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(downloads, "fetch", broken)
    with frozen.client(keys[ROOT]) as client:
        media = imported(frozen, client, "https://files.example/banner.png")
    # Then the media does not stay `processing` for ever
    assert (media["status"], media["failure_reason"]) == ("failed", jobs.FAILED_UNEXPECTEDLY)


@pytest.mark.parametrize("source_url", [
    "ftp://files.example/banner.png", "file:///etc/passwd", "http:///banner.png",
])
def test_import_of_a_non_http_url_is_422(
    live: Live, keys: dict[str, str], source_url: str
) -> None:
    with live.client(keys[ROOT]) as client:
        response = client.post("/media/imports", json={"source_url": source_url})
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"pointer": "/body/source_url", "message": NOT_HTTP}]


# States ------------------------------------------------------------------------------------


def test_polling_client_sees_processing_then_ready(quick: Live, keys: dict[str, str]) -> None:
    with quick.client(keys[ROOT]) as client:
        uploaded = upload(client, "banner.png", read("spring-banner.png"))
        from_url = client.post("/media/imports",
                               json={"source_url": presign(quick, "media/spring-banner.gif")})
        broken = client.post("/media/imports",
                             json={"source_url": presign(quick, "media/photo.jpg")})
        states = poll_states(client, uploaded, from_url, broken)
    assert states == [["processing", "ready"], ["processing", "ready"], ["processing", "failed"]]


# List, get, delete -------------------------------------------------------------------------


def test_list_is_newest_first_and_filters_by_status_and_org(
    frozen: Live, keys: dict[str, str]
) -> None:
    with frozen.client(keys[ROOT]) as client:
        first = upload(client, "a.png", read("spring-banner.png")).json()
        second = upload(client, "b.gif", read("spring-banner.gif"), org_id=RETAIL).json()
        advance(frozen, SECONDS)
        third = upload(client, "c.jpg", read("spring-banner.jpg")).json()

        def ids(**params: Any) -> list[str]:
            response = client.get("/media", params=params)
            assert response.status_code == 200, response.text
            return [m["id"] for m in response.json()["data"]]

        assert ids() == [third["id"], second["id"], first["id"]]
        assert ids(status="ready") == [second["id"], first["id"]]
        assert ids(status="processing") == [third["id"]]
        assert ids(status="failed") == []
        assert ids(org_id=RETAIL) == [second["id"]]
        page = client.get("/media", params={"limit": 2}).json()
        rest = client.get("/media", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [m["id"] for m in page["data"] + rest["data"]] == [
        third["id"], second["id"], first["id"]]
    assert rest["next_cursor"] is None


def test_delete_is_204_then_404(fresh: Live, keys: dict[str, str]) -> None:
    with fresh.client(keys[ROOT]) as client:
        media = upload(client, "a.png", read("spring-banner.png")).json()
        deleted = client.delete(f"/media/{media['id']}")
        assert (deleted.status_code, deleted.content) == (204, b"")
        assert client.get(f"/media/{media['id']}").status_code == 404
        assert client.delete(f"/media/{media['id']}").status_code == 404
        assert client.get("/media").json()["data"] == []
    files = tables.media_files
    with Store(fresh.settings.database_url).connect() as conn:
        assert conn.execute(select(files).where(files.c.media_id == media["id"])).first() is None


@pytest.mark.parametrize("status", ["scheduled", "sending"])
def test_delete_media_of_an_active_project_is_409(
    fresh: Live, keys: dict[str, str], status: str
) -> None:
    with fresh.client(keys[ROOT]) as client:
        media = upload(client, "a.png", read("spring-banner.png")).json()
        other = upload(client, "b.png", read("spring-banner.png")).json()
        # Given a project that will send (or is sending) this media
        project = insert_project(fresh, ROOT, status, [other["id"], media["id"]])
        # Then the media cannot be deleted, and stays
        response = client.delete(f"/media/{media['id']}")
        assert response.status_code == 409, response.text
        assert response.json()["detail"] == IN_USE
        assert client.get(f"/media/{media['id']}").status_code == 200
        # Until the project no longer holds it
        Store(fresh.settings.database_url).replace(tables.projects,
                                                   {**project, "status": "completed"},
                                                   status="completed")
        assert client.delete(f"/media/{media['id']}").status_code == 204


def test_delete_media_of_a_draft_project_is_204(fresh: Live, keys: dict[str, str]) -> None:
    with fresh.client(keys[ROOT]) as client:
        media = upload(client, "a.png", read("spring-banner.png")).json()
        insert_project(fresh, ROOT, "draft", [media["id"]])
        assert client.delete(f"/media/{media['id']}").status_code == 204


# Tenancy -----------------------------------------------------------------------------------


def test_other_organizations_media_is_404(fresh: Live, keys: dict[str, str]) -> None:
    with fresh.client(keys[RETAIL]) as retail:
        media = upload(retail, "a.png", read("spring-banner.png")).json()
    path = f"/media/{media['id']}"
    with fresh.client(keys[ROOT]) as root:  # an ancestor sees it
        assert root.get(path).status_code == 200
    for org in (HEALTH, GLOBEX):  # a sibling and another tree do not
        with fresh.client(keys[org]) as client:
            assert client.get(path).status_code == 404
            assert client.delete(path).status_code == 404
            assert client.get("/media").json()["data"] == []
    with fresh.client(keys[RETAIL]) as retail:
        assert retail.get(path).status_code == 200


@pytest.mark.parametrize("org_id", [HEALTH, GLOBEX])
def test_upload_or_import_for_an_org_outside_the_tree_is_404(
    live: Live, keys: dict[str, str], org_id: str
) -> None:
    with live.client(keys[RETAIL]) as client:
        uploaded = upload(client, "a.png", read("spring-banner.png"), org_id=org_id)
        from_url = client.post("/media/imports", json={
            "source_url": "https://files.example/a.png", "org_id": org_id})
        listed = client.get("/media", params={"org_id": org_id})
    assert [uploaded.status_code, from_url.status_code, listed.status_code] == [404, 404, 404]
