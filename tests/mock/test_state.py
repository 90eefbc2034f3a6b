"""Issue 3: state lives in a SQLite file, survives a restart, and a reset reloads the fixtures."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import sandbox_settings
from tests.serving import serve


def test_state_survives_a_restart(tmp_path: Path, keys: dict[str, str]) -> None:
    settings = sandbox_settings(tmp_path)
    # Given a list created on a running sandbox
    with serve(settings) as first, first.client(keys["org_acme_root"]) as client:
        made = client.post("/contact-lists", json={"name": "Survivors"}).json()
    # When the sandbox starts again on the same file
    with serve(settings) as second, second.client(keys["org_acme_root"]) as client:
        again = client.get(f"/contact-lists/{made['id']}")
    # Then the list is still there
    assert again.status_code == 200
    assert again.json() == made
    assert Path(settings.database_url.removeprefix("sqlite:///")).is_file()


def test_reset_reloads_the_fixtures_and_drops_what_was_made(
    tmp_path: Path, keys: dict[str, str]
) -> None:
    with serve(sandbox_settings(tmp_path)) as live:
        control = httpx.Client(base_url=live.base + "/sandbox", timeout=30)
        with live.client(keys["org_acme_root"]) as client:
            made = client.post("/contact-lists", json={"name": "Temporary"}).json()
            key = control.post("/api-keys", json={"org_id": "org_acme_health",
                                                  "name": "temp"}).json()
            assert client.get("/brands", headers={"X-API-Key": key["key"]}).status_code == 200
            # When the sandbox is reset
            reset = control.post("/reset")
            # Then what was made is gone, the new key too, and the fixtures are back
            assert reset.status_code == 200
            assert reset.json()["counts"]["contact_lists"] == 0
            assert reset.json()["counts"]["organizations"] == 5
            assert client.get(f"/contact-lists/{made['id']}").status_code == 404
            assert client.get("/brands", headers={"X-API-Key": key["key"]}).status_code == 401
            assert client.get("/brands/brd_acme_main").status_code == 200
        control.close()


def test_created_key_is_shown_once_and_works(tmp_path: Path) -> None:
    with serve(sandbox_settings(tmp_path)) as live:
        with httpx.Client(base_url=live.base + "/sandbox", timeout=30) as control:
            made = control.post("/api-keys", json={"org_id": "org_acme_retail_west",
                                                   "name": "west"})
            assert made.status_code == 201
            listed = control.get("/api-keys", params={"org_id": "org_acme_retail_west"}).json()
        assert made.json()["key"] not in str(listed)
        assert made.json()["id"] in {k["id"] for k in listed["data"]}
        with live.client(made.json()["key"]) as client:
            orgs = client.get("/organizations").json()["data"]
        assert [o["id"] for o in orgs] == ["org_acme_retail_west"]


def test_last_used_at_follows_the_key_to_the_minute(tmp_path: Path, keys: dict[str, str]) -> None:
    with serve(sandbox_settings(tmp_path)) as live, \
            httpx.Client(base_url=live.base + "/sandbox", timeout=30) as control:
        control.put("/clock", json={"frozen": True, "now": "2030-01-01T10:00:00Z"})

        def used() -> str | None:
            listed = control.get("/api-keys", params={"org_id": "org_acme_health"}).json()
            return next(k["last_used_at"] for k in listed["data"] if k["id"] == "key_acme_health")

        assert used() is None
        with live.client(keys["org_acme_health"]) as client:
            client.get("/brands")
            assert used() == "2030-01-01T10:00:00Z"
            control.post("/clock/advance", json={"seconds": 30})
            client.get("/brands")
            assert used() == "2030-01-01T10:00:00Z"  # within the minute: not written again
            control.post("/clock/advance", json={"seconds": 31})
            client.get("/brands")
            assert used() == "2030-01-01T10:01:01Z"
