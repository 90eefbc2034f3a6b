"""Issue 3: every error is problem+json with a request id; no input ever gives a 500."""

from __future__ import annotations

import pytest

from mock import errors
from tests.serving import Live

JSON = {"Content-Type": "application/json"}


def assert_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["type"].startswith("https://")
    assert body["request_id"] == response.headers["x-request-id"]
    assert body["instance"].startswith("/")
    return body  # type: ignore[no-any-return]


def test_every_response_has_a_fresh_request_id(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        ids = {client.get("/brands").headers["x-request-id"] for _ in range(3)}
        ids.add(client.get("/nope").headers["x-request-id"])
    assert len(ids) == 4


@pytest.mark.parametrize(
    ("method", "path", "headers", "content", "status"),
    [
        ("POST", "/contact-lists", JSON, b"{\"name\": ", 400),
        ("POST", "/contact-lists", JSON, b"\xff\xfe{}", 400),
        ("POST", "/contact-lists", JSON, b"[1, 2]", 400),
        ("POST", "/contact-lists", JSON, b"", 400),
        ("POST", "/contact-lists", {"Content-Type": "text/plain"}, b"{}", 415),
        ("POST", "/contact-lists", JSON, b"{\"name\": \"" + b"x" * 3_000_000 + b"\"}", 413),
        ("GET", "/brands?unknown=1", {}, b"", 400),
        ("GET", "/brands?limit=0", {}, b"", 400),
        ("GET", "/brands?limit=abc", {}, b"", 400),
        ("GET", "/brands/not-an-id", {}, b"", 400),
        ("GET", "/no/such/route", {}, b"", 404),
        ("DELETE", "/brands", {}, b"", 405),
        ("PUT", "/organizations/org_acme_root", {}, b"", 405),
    ],
)
def test_bad_input_is_a_4xx_problem(
    live: Live, keys: dict[str, str], method: str, path: str, headers: dict[str, str],
    content: bytes, status: int,
) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.request(method, path, headers=headers, content=content)
    assert_problem(response, status)


def test_schema_errors_list_every_field_as_a_pointer(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.get("/phone-numbers", params={"limit": 500, "capability": "fax",
                                                         "extra": "1"})
    body = assert_problem(response, 400)
    assert body["detail"] == errors.SCHEMA_MISMATCH
    assert {e["pointer"] for e in body["errors"]} == {
        "/query/limit", "/query/capability", "/query/extra"}


def test_body_errors_point_into_the_body(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.post("/contact-lists", json={"name": "", "color": "red"})
    body = assert_problem(response, 400)
    pointers = {e["pointer"] for e in body["errors"]}
    assert "/body/name" in pointers
    assert "/body" in pointers  # the unknown property is reported on the object


def test_invalid_utf8_is_400_not_500(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.post("/contact-lists", headers=JSON, content=b"{\"name\": \"\xc3\x28\"}")
    assert assert_problem(response, 400)["detail"] == errors.INVALID_UTF8


def test_405_allow_lists_every_documented_method(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.put("/contact-lists/cl_x")
    assert_problem(response, 405)
    assert set(response.headers["allow"].split(", ")) == {"GET", "PATCH", "DELETE"}


def test_literal_path_wins_over_a_template(live: Live, keys: dict[str, str]) -> None:
    # /media/imports is POST only, though GET /media/{media_id} would match it too
    with live.client(keys["org_acme_root"]) as client:
        response = client.get("/media/imports")
    assert_problem(response, 405)
    assert response.headers["allow"] == "POST"


def test_chunked_body_over_the_limit_is_413(live: Live, keys: dict[str, str]) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 100_000

    with live.client(keys["org_acme_root"]) as client:
        response = client.post("/contact-lists", headers=JSON, content=chunks())
    assert_problem(response, 413)


def test_unknown_route_is_404_even_without_a_key(live: Live) -> None:
    with live.client() as client:
        response = client.get("/definitely/not/here")
    assert assert_problem(response, 404)["detail"] == errors.UNKNOWN_ROUTE


def test_body_without_a_content_type_is_415(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.post("/contact-lists", content=b'{"name": "x"}',
                               headers={"Content-Type": ""})
    assert assert_problem(response, 415)["detail"] == errors.NO_CONTENT_TYPE


def test_media_types_match_whatever_their_case(fresh: Live, keys: dict[str, str]) -> None:
    with fresh.client(keys["org_acme_root"]) as client:
        response = client.post("/contact-lists", content=b'{"name": "Case"}',
                               headers={"Content-Type": "Application/JSON; charset=UTF-8"})
    assert response.status_code == 201
    assert response.json()["name"] == "Case"


def test_deeply_nested_json_is_400(live: Live, keys: dict[str, str]) -> None:
    body = b'{"name": "x", "description": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    with live.client(keys["org_acme_root"]) as client:
        response = client.post("/contact-lists", headers=JSON, content=body)
    assert assert_problem(response, 400)["detail"] == errors.TOO_DEEP


@pytest.mark.parametrize("content", [b"[[[[", b"\xff\xfe", b'{"a": 1}'])
def test_a_body_where_none_is_taken_is_not_a_500(
    fresh: Live, keys: dict[str, str], content: bytes
) -> None:
    with fresh.client(keys["org_acme_root"]) as client:
        made = client.post("/contact-lists", json={"name": "No body"}).json()
        response = client.post(f"/contact-lists/{made['id']}/lrn-analyses", headers=JSON,
                               content=content)
    # The operation takes no body; the list is empty, which is what it answers.
    assert assert_problem(response, 422)["instance"].endswith("/lrn-analyses")


@pytest.mark.parametrize("key", [None, "sk_sandbox_unknown_0000000000000000"])
def test_an_operation_not_emulated_yet_still_needs_a_key(live: Live, key: str | None) -> None:
    with live.client(key) as client:
        response = client.get("/projects")
    assert assert_problem(response, 401)


def test_an_operation_not_emulated_yet_is_a_counted_501(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.get("/projects")
    assert assert_problem(response, 501)["detail"] == errors.NOT_BUILT
    assert "x-ratelimit-remaining" in response.headers
