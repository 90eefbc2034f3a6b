"""Issue 3: a key sees its organization and every descendant; anything else is a 404."""

from __future__ import annotations

import pytest

from mock.errors import MISSING_KEY, UNKNOWN_KEY
from tests.mock.hierarchy_data import KINDS, in_tree, owner, records
from tests.serving import Live

CASES = [
    (key_org, name, path, record["id"], in_tree(owner(name, record), key_org))
    for key_org in [o["id"] for o in records("organizations")]
    for name, path in KINDS
    for record in records(name)
]


def test_matrix_covers_every_outcome() -> None:
    outcomes = {visible for *_, visible in CASES}
    assert outcomes == {True, False}
    assert len({case[0] for case in CASES}) >= 5


@pytest.mark.parametrize(("key_org", "name", "path", "resource_id", "visible"), CASES)
def test_get_is_200_inside_the_tree_and_404_outside(
    live: Live, keys: dict[str, str], key_org: str, name: str, path: str, resource_id: str,
    visible: bool,
) -> None:
    # Given a fixture key, When it reads one fixture resource
    with live.client(keys[key_org]) as client:
        response = client.get(f"{path}/{resource_id}")
    # Then it sees exactly what lies in its organization tree
    if visible:
        assert response.status_code == 200, response.text
        assert response.json()["id"] == resource_id
    else:
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert resource_id in response.json()["detail"]


@pytest.mark.parametrize("key_org", [o["id"] for o in records("organizations")])
@pytest.mark.parametrize(("name", "path"), KINDS)
def test_list_returns_exactly_the_tree(
    live: Live, keys: dict[str, str], key_org: str, name: str, path: str
) -> None:
    expected = {r["id"] for r in records(name) if in_tree(owner(name, r), key_org)}
    with live.client(keys[key_org]) as client:
        body = client.get(path, params={"limit": 100}).json()
    assert {item["id"] for item in body["data"]} == expected
    assert body["next_cursor"] is None


@pytest.mark.parametrize(("name", "path"), KINDS)
def test_missing_key_is_401(live: Live, name: str, path: str) -> None:
    with live.client() as client:
        response = client.get(path)
    assert response.status_code == 401
    assert response.json()["detail"] == MISSING_KEY


@pytest.mark.parametrize("key", ["sk_sandbox_unknown", "", "sk_sandbox_acmeroot_3f9c2b7e5d1a4c8e"])
def test_unknown_key_is_401(live: Live, key: str) -> None:
    with live.client() as client:
        response = client.get("/brands", headers={"X-API-Key": key})
    assert response.status_code == 401
    assert response.json()["detail"] in {UNKNOWN_KEY, MISSING_KEY}
    assert response.json()["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("param", "value"),
    [("org_id", "org_globex_root"), ("brand_id", "brd_globex"), ("campaign_id", "cmp_globex_news"),
     ("org_id", "org_unknown")],
)
def test_filter_outside_the_tree_is_404(
    live: Live, keys: dict[str, str], param: str, value: str
) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.get("/phone-numbers", params={param: value})
    assert response.status_code == 404
    assert value in response.json()["detail"]


def test_parent_filter_outside_the_tree_is_404(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_retail"]) as client:
        response = client.get("/organizations", params={"parent_id": "org_acme_root"})
    assert response.status_code == 404


def test_keys_are_stored_only_as_digests(fresh: Live, keys: dict[str, str]) -> None:
    database = fresh.settings.database_url.removeprefix("sqlite:///")
    with open(database, "rb") as db:
        content = db.read()
    for key in keys.values():
        assert key.encode() not in content
