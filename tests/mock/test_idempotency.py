"""Issue 5: Idempotency-Key replays, conflicts and expiry, and safe keyless retries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock.clock import SandboxClock
from mock.middleware.idempotency import (
    KEY_IN_FLIGHT,
    KEY_REUSED,
    LEASE_SECONDS,
    fingerprint,
)
from tests.conftest import sandbox_settings
from tests.mock.job_helpers import advance, control, freeze, store_of
from tests.mock.limit_helpers import JSON, budget
from tests.serving import Live, serve

ROOT = "org_acme_root"
DAY = 24 * 3600


@pytest.fixture
def frozen(tmp_path: Path) -> Iterator[Live]:
    with serve(sandbox_settings(tmp_path)) as server:
        with control(server) as ctl:
            freeze(ctl)
        yield server


def lists(client: httpx.Client) -> list[str]:
    return [item["id"] for item in client.get("/contact-lists", params={"limit": 100})
            .json()["data"]]


def post_list(client: httpx.Client, key: str | None, body: bytes | dict[str, object]
              ) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    if isinstance(body, bytes):
        return client.post("/contact-lists", headers={**headers, **JSON}, content=body)
    return client.post("/contact-lists", headers=headers, json=body)


def test_same_key_same_request_replays_the_original(frozen: Live, keys: dict[str, str]) -> None:
    with frozen.client(keys[ROOT]) as client:
        before = lists(client)
        first = post_list(client, "k-1", {"name": "Spring", "description": "A"})
        # Key order and whitespace do not make another request
        again = post_list(client, "k-1", b'{ "description" : "A",\n "name": "Spring" }')
        after = lists(client)
    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    # X-Request-Id and the budget describe the replay itself
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert budget(again)["remaining"] == budget(first)["remaining"] - 1
    assert len(after) == len(before) + 1


def test_same_key_different_request_is_422(frozen: Live, keys: dict[str, str]) -> None:
    with frozen.client(keys[ROOT]) as client:
        first = post_list(client, "k-2", {"name": "Spring"})
        other_body = post_list(client, "k-2", {"name": "Summer"})
        list_a, list_b = first.json()["id"], post_list(client, None, {"name": "B"}).json()["id"]
        other_method = client.patch(f"/contact-lists/{list_a}", json={"name": "Spring"},
                                    headers={"Idempotency-Key": "k-2"})
        client.patch(f"/contact-lists/{list_a}", json={"name": "C"},
                     headers={"Idempotency-Key": "k-2b"})
        other_path = client.patch(f"/contact-lists/{list_b}", json={"name": "C"},
                                  headers={"Idempotency-Key": "k-2b"})
    for answer in (other_body, other_method, other_path):
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"] == KEY_REUSED
        assert answer.json()["errors"] == [{"pointer": "/header/Idempotency-Key",
                                            "message": KEY_REUSED}]
        assert budget(answer)["limit"] > 0


def test_same_key_while_the_first_runs_is_409(frozen: Live, keys: dict[str, str]) -> None:
    # Given a request with key k-3 still running (its claim is in the store, unfinished)
    scope = {"method": "POST", "path": "/v1/contact-lists", "query_string": b"",
             "headers": [(b"content-type", b"application/json")]}
    with store_of(frozen) as store:
        clock = SandboxClock(store)
        row = {"api_key_id": "key_acme_root", "key": "key:k-3", "state": "running",
               "fingerprint": fingerprint(scope, b'{"name": "Spring"}'),
               "expires_at": clock.now().timestamp() + DAY,
               "lease_until": clock.real().timestamp() + LEASE_SECONDS}
        assert store.claim_idempotency(row, clock.now().timestamp(),
                                       clock.real().timestamp()) is not None
    # When the same request comes again
    with frozen.client(keys[ROOT]) as client:
        answer = post_list(client, "k-3", {"name": "Spring"})
    # Then it is told to retry in a moment
    assert answer.status_code == 409
    assert answer.json()["detail"] == KEY_IN_FLIGHT
    assert budget(answer)["limit"] > 0


def test_keys_are_scoped_to_the_api_key(frozen: Live, keys: dict[str, str]) -> None:
    with frozen.client(keys[ROOT]) as root, frozen.client(keys["org_acme_retail"]) as retail:
        mine = post_list(root, "shared", {"name": "Spring"})
        theirs = post_list(retail, "shared", {"name": "Spring"})
    assert theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]


@pytest.mark.parametrize(("length", "status"), [(255, 201), (256, 400)])
def test_a_key_over_255_characters_is_400(
    frozen: Live, keys: dict[str, str], length: int, status: int
) -> None:
    with frozen.client(keys[ROOT]) as client:
        answer = post_list(client, "k" * length, {"name": "Spring"})
    assert answer.status_code == status, answer.text
    if status == 400:
        pointers = [e["pointer"] for e in answer.json()["errors"]]
        assert pointers == ["/header/Idempotency-Key"]


def test_keys_expire_after_24_hours_on_the_sandbox_clock(
    frozen: Live, keys: dict[str, str]
) -> None:
    with frozen.client(keys[ROOT]) as client, control(frozen) as ctl:
        first = post_list(client, "k-4", {"name": "Spring"})
        advance(ctl, DAY - 1)
        kept = post_list(client, "k-4", {"name": "Spring"})
        advance(ctl, 1)
        expired = post_list(client, "k-4", {"name": "Spring"})
    assert kept.headers["idempotent-replayed"] == "true"
    assert kept.json()["id"] == first.json()["id"]
    assert "idempotent-replayed" not in expired.headers
    assert expired.json()["id"] != first.json()["id"]


def test_answers_of_the_operation_are_kept_errors_too(frozen: Live, keys: dict[str, str]) -> None:
    with frozen.client(keys[ROOT]) as client:
        first = client.patch("/contact-lists/cl_nope", json={"name": "x"},
                             headers={"Idempotency-Key": "k-5"})
        again = client.patch("/contact-lists/cl_nope", json={"name": "x"},
                             headers={"Idempotency-Key": "k-5"})
    assert first.status_code == again.status_code == 404
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()


def test_a_patch_is_replayed_as_it_was(frozen: Live, keys: dict[str, str]) -> None:
    with frozen.client(keys[ROOT]) as client:
        list_id = post_list(client, None, {"name": "Spring"}).json()["id"]
        renamed = client.patch(f"/contact-lists/{list_id}", json={"name": "Summer"},
                               headers={"Idempotency-Key": "k-6"})
        client.patch(f"/contact-lists/{list_id}", json={"name": "Autumn"})
        replayed = client.patch(f"/contact-lists/{list_id}", json={"name": "Summer"},
                                headers={"Idempotency-Key": "k-6"})
        now = client.get(f"/contact-lists/{list_id}").json()
    assert replayed.json() == renamed.json()
    assert replayed.headers["idempotent-replayed"] == "true"
    assert now["name"] == "Autumn"  # the replay changed nothing


@pytest.mark.parametrize(("headers", "content", "status"), [
    (JSON, b'{"name": ""}', 400),
    (JSON, b'{"name": ', 400),
    ({"Content-Type": "text/plain"}, b'{"name": "Spring"}', 415),
    (JSON, b'{"name": "' + b"x" * 3_000_000 + b'"}', 413),
])
def test_requests_rejected_before_they_ran_are_not_kept(
    frozen: Live, keys: dict[str, str], headers: dict[str, str], content: bytes, status: int
) -> None:
    # Given a request refused with a key, When the fixed request reuses the key
    with frozen.client(keys[ROOT]) as client:
        refused = client.post("/contact-lists", content=content,
                              headers={**headers, "Idempotency-Key": "k-7"})
        fixed = post_list(client, "k-7", {"name": "Spring"})
    # Then the fixed request runs: the refusal was not stored
    assert refused.status_code == status
    assert fixed.status_code == 201
    assert "idempotent-replayed" not in fixed.headers


def test_a_429_is_not_kept(tmp_path: Path, keys: dict[str, str]) -> None:
    with serve(sandbox_settings(tmp_path, rate_limit="1/hour")) as server, \
            server.client(keys[ROOT]) as client, control(server) as ctl:
        client.get("/brands")
        refused = post_list(client, "k-8", {"name": "Spring"})
        advance(ctl, 3600)
        fixed = post_list(client, "k-8", {"name": "Spring"})
    assert refused.status_code == 429
    assert fixed.status_code == 201
    assert "idempotent-replayed" not in fixed.headers


def test_a_401_is_not_kept(frozen: Live, keys: dict[str, str]) -> None:
    with frozen.client("sk_sandbox_unknown_0000000000000000") as bad:
        refused = post_list(bad, "k-9", {"name": "Spring"})
    with frozen.client(keys[ROOT]) as client:
        fixed = post_list(client, "k-9", {"name": "Spring"})
    assert refused.status_code == 401
    assert fixed.status_code == 201
    assert "idempotent-replayed" not in fixed.headers


# Keyless retries ------------------------------------------------------------------------


def test_an_identical_keyless_write_is_replayed(frozen: Live, keys: dict[str, str]) -> None:
    with frozen.client(keys[ROOT]) as client:
        before = lists(client)
        first = post_list(client, None, {"name": "Spring", "description": "A"})
        retry = post_list(client, None, b'{"description":"A","name":"Spring"}')
        different = post_list(client, None, {"name": "Spring", "description": "B"})
        after = lists(client)
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.content == first.content
    assert "idempotent-replayed" not in different.headers
    assert len(after) == len(before) + 2


def test_keyless_retries_are_replayed_for_the_retry_window_only(
    frozen: Live, keys: dict[str, str]
) -> None:
    with frozen.client(keys[ROOT]) as client, control(frozen) as ctl:
        first = post_list(client, None, {"name": "Spring"})
        advance(ctl, 59)
        retry = post_list(client, None, {"name": "Spring"})
        advance(ctl, 1)
        later = post_list(client, None, {"name": "Spring"})
    assert retry.json()["id"] == first.json()["id"]
    assert later.status_code == 201
    assert "idempotent-replayed" not in later.headers
    assert later.json()["id"] != first.json()["id"]


def test_keyless_errors_are_answered_afresh(frozen: Live, keys: dict[str, str]) -> None:
    with frozen.client(keys[ROOT]) as client:
        answers = [client.patch("/contact-lists/cl_nope", json={"name": "x"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [404, 404]
    assert "idempotent-replayed" not in answers[1].headers


def test_a_retry_window_of_0_turns_keyless_replay_off(
    tmp_path: Path, keys: dict[str, str]
) -> None:
    with serve(sandbox_settings(tmp_path, retry_window=0)) as server, \
            server.client(keys[ROOT]) as client:
        answers = [post_list(client, None, {"name": "Spring"}) for _ in range(2)]
        kept = [post_list(client, "k-10", {"name": "Spring"}) for _ in range(2)]
    assert answers[0].json()["id"] != answers[1].json()["id"]
    assert kept[1].headers["idempotent-replayed"] == "true"  # keys still work
