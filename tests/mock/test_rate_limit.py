"""Issue 5: a fixed-window request budget per API key, told in headers, kept in the database."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from mock.middleware.rate_limit import OVER_LIMIT
from mock.settings import Settings, SettingsError, parse_rate
from mock.store import tables
from tests.conftest import sandbox_settings
from tests.mock.job_helpers import advance, control, freeze, store_of
from tests.mock.limit_helpers import CLI, JSON, RATE_HEADERS, budget
from tests.serving import Live, serve

ROOT = "org_acme_root"


@pytest.fixture
def hourly(tmp_path: Path) -> Iterator[Live]:
    """A sandbox with the documented budget, 100 requests per hour, on a frozen clock."""
    with serve(sandbox_settings(tmp_path, rate_limit="100/hour")) as server:
        with control(server) as ctl:
            freeze(ctl)
        yield server


def test_every_authenticated_answer_carries_the_budget(
    hourly: Live, keys: dict[str, str]
) -> None:
    # Given a fresh budget, When the key gets successes and errors of every kind
    with hourly.client(keys[ROOT]) as client:
        answers = [
            client.get("/brands"),
            client.get("/brands/brd_nope"),
            client.get("/brands", params={"limit": 0}),
            client.post("/contact-lists", json={"name": ""}),
            client.post("/contact-lists", headers={"Content-Type": "text/plain"}, content=b"{}"),
            client.post("/contact-lists", headers=JSON, content=b"[" * 3_000_000),
            client.patch("/contact-lists/cl_nope", json={"name": "x"}),
            client.post("/contact-lists", json={"name": "a"}),
        ]
    # Then each says where the key stands, and each spent one request
    assert [a.status_code for a in answers] == [200, 404, 400, 400, 415, 413, 404, 201]
    seen = [budget(a) for a in answers]
    assert [b["remaining"] for b in seen] == list(range(99, 91, -1))
    assert {(b["limit"], b["window"]) for b in seen} == {(100, 3600)}
    # And on a frozen clock the window ends one hour after its first request
    assert {b["reset_in"] for b in seen} == {3600}
    assert len({b["reset"] for b in seen}) == 1


def test_the_101st_request_is_429_with_retry_after(hourly: Live, keys: dict[str, str]) -> None:
    with hourly.client(keys[ROOT]) as client:
        served = [client.get("/organizations") for _ in range(100)]
        over = client.get("/organizations")
    # Then the budget counts down one by one, never up, and the 101st is refused
    assert {s.status_code for s in served} == {200}
    assert [budget(s)["remaining"] for s in served] == list(range(99, -1, -1))
    assert over.status_code == 429
    assert over.headers["content-type"] == "application/problem+json"
    assert over.headers["retry-after"] == "3600"
    assert budget(over)["remaining"] == 0
    assert over.json()["detail"] == OVER_LIMIT.format(limit=100, window=3600, seconds=3600)


def test_refused_requests_do_not_move_the_reset(hourly: Live, keys: dict[str, str]) -> None:
    with hourly.client(keys[ROOT]) as client, control(hourly) as ctl:
        first = budget(client.get("/brands"))
        for _ in range(99):
            client.get("/brands")
        advance(ctl, 600)
        refused = [client.get("/brands") for _ in range(3)]
    assert {r.status_code for r in refused} == {429}
    assert {budget(r)["reset"] for r in refused} == {first["reset"]}
    assert {r.headers["retry-after"] for r in refused} == {"3000"}


def test_advancing_the_clock_past_the_reset_restores_the_budget(
    hourly: Live, keys: dict[str, str]
) -> None:
    with hourly.client(keys[ROOT]) as client, control(hourly) as ctl:
        for _ in range(100):
            client.get("/brands")
        assert client.get("/brands").status_code == 429
        advance(ctl, 3599)
        assert client.get("/brands").status_code == 429
        advance(ctl, 1)
        renewed = client.get("/brands")
    # Then a new window starts at this request
    assert renewed.status_code == 200
    assert budget(renewed)["remaining"] == 99
    assert budget(renewed)["reset_in"] == 3600


def test_requests_without_a_valid_key_spend_nothing(hourly: Live, keys: dict[str, str]) -> None:
    # Given requests with no key and with an unknown key
    with hourly.client() as anonymous, hourly.client("sk_sandbox_unknown_0000000000000000") as bad:
        refused = [anonymous.get("/brands"), bad.get("/brands"), bad.post("/contact-lists",
                                                                           json={"name": "a"})]
    # Then they are 401s without rate-limit headers, and no budget was touched
    assert [r.status_code for r in refused] == [401, 401, 401]
    assert not [h for r in refused for h in RATE_HEADERS if h in r.headers]
    with store_of(hourly) as store:
        assert store.count(tables.rate_limits) == 0
    with hourly.client(keys[ROOT]) as client:
        assert budget(client.get("/brands"))["remaining"] == 99


def test_paths_and_methods_the_api_lacks_spend_nothing(
    hourly: Live, keys: dict[str, str]
) -> None:
    # They are answered by routing, before the key is checked
    with hourly.client(keys[ROOT]) as client:
        refused = [client.get("/no/such/path"), client.put("/brands")]
        after = client.get("/brands")
    assert [r.status_code for r in refused] == [404, 405]
    assert not [h for r in refused for h in RATE_HEADERS if h in r.headers]
    assert budget(after)["remaining"] == 99


def test_budgets_are_per_key(hourly: Live, keys: dict[str, str]) -> None:
    with hourly.client(keys[ROOT]) as root, hourly.client(keys["org_acme_retail"]) as retail:
        for _ in range(100):
            root.get("/brands")
        assert root.get("/brands").status_code == 429
        assert budget(retail.get("/brands"))["remaining"] == 99


def test_the_control_api_is_not_rate_limited(tmp_path: Path) -> None:
    with serve(sandbox_settings(tmp_path, rate_limit="2/hour")) as server, \
            control(server) as ctl:
        answers = [ctl.get("/clock") for _ in range(5)]
    assert {a.status_code for a in answers} == {200}
    assert not [h for a in answers for h in RATE_HEADERS if h in a.headers]


def test_the_fixture_ci_key_has_its_own_large_budget(hourly: Live, ci_key: str) -> None:
    with hourly.client(ci_key) as client:
        seen = budget(client.get("/brands"))
    assert (seen["limit"], seen["remaining"], seen["window"]) == (1_000_000, 999_999, 3600)


def test_a_created_key_keeps_its_own_budget(hourly: Live) -> None:
    # Given a key made with 3 requests per minute
    with control(hourly) as ctl:
        made = ctl.post("/api-keys", json={"org_id": ROOT, "name": "tiny",
                                           "rate_limit": {"limit": 3, "window_seconds": 60}})
        assert made.status_code == 201, made.text
        with hourly.client(made.json()["key"]) as client:
            spent = [client.get("/brands") for _ in range(4)]
            advance(ctl, 60)
            renewed = client.get("/brands")
    # Then the fourth request is refused until the minute is over
    assert [r.status_code for r in spent] == [200, 200, 200, 429]
    assert spent[3].headers["retry-after"] == "60"
    assert budget(spent[0])["window"] == 60
    assert budget(renewed)["remaining"] == 2


def test_the_global_setting_sets_the_default_budget(tmp_path: Path, keys: dict[str, str]) -> None:
    with serve(sandbox_settings(tmp_path, rate_limit="2/minute")) as server, \
            server.client(keys[ROOT]) as client:
        answers = [client.get("/brands") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert budget(answers[0])["window"] == 60


@pytest.mark.parametrize(("text", "policy"), [
    ("100/hour", (100, 3600)), ("1/second", (1, 1)), ("5000/minute", (5000, 60)),
    ("7/day", (7, 86400)),
])
def test_rate_limit_setting_is_n_per_unit(text: str, policy: tuple[int, int]) -> None:
    assert parse_rate(text) == policy
    assert Settings.from_env({"SANDBOX_RATE_LIMIT": text}).rate_policy == policy


@pytest.mark.parametrize("text", ["100", "100/hours", "0/hour", "-1/hour", "1.5/hour",
                                  " 100/hour", "100/Hour", "100 / hour", "/hour", ""])
def test_a_bad_rate_limit_names_the_variable(text: str) -> None:
    with pytest.raises(SettingsError, match="SANDBOX_RATE_LIMIT"):
        Settings.from_env({"SANDBOX_RATE_LIMIT": text})


def test_cli_refuses_a_bad_rate_limit_at_start(tmp_path: Path) -> None:
    result = subprocess.run([str(CLI), "serve", "--rate-limit", "lots"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "SANDBOX_RATE_LIMIT" in result.stderr


def test_default_budget_is_the_documented_one() -> None:
    assert Settings().rate_policy == (100, 3600)
