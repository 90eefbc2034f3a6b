"""Issue 3: the hierarchy endpoints, their cursor pagination and their filters."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.mock.hierarchy_data import KINDS, in_tree, owner, records
from tests.serving import Live


def walk(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["data"]) <= params.get("limit", 25)
        items += page["data"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 100])
@pytest.mark.parametrize(("name", "path"), KINDS)
def test_pagination_walk_returns_every_item_once(
    live: Live, keys: dict[str, str], name: str, path: str, limit: int
) -> None:
    with live.client(keys["org_acme_root"]) as client:
        items = walk(client, path, limit=limit)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert set(ids) == {r["id"] for r in records(name) if in_tree(owner(name, r), "org_acme_root")}


def test_full_page_then_empty_last_page_is_not_possible(live: Live, keys: dict[str, str]) -> None:
    # Exactly `limit` items left: the page must say it is the last one.
    total = len([b for b in records("brands") if in_tree(b["org_id"], "org_acme_root")])
    with live.client(keys["org_acme_root"]) as client:
        page = client.get("/brands", params={"limit": total}).json()
    assert len(page["data"]) == total
    assert page["next_cursor"] is None


FILTERS = [
    ("brands", "/brands", {"org_id": "org_acme_retail"}),
    ("campaigns", "/campaigns", {"org_id": "org_acme_retail"}),
    ("campaigns", "/campaigns", {"brand_id": "brd_retail_shop"}),
    ("phone_numbers", "/phone-numbers", {"org_id": "org_acme_health"}),
    ("phone_numbers", "/phone-numbers", {"brand_id": "brd_retail_rewards"}),
    ("phone_numbers", "/phone-numbers", {"campaign_id": "cmp_acme_promo"}),
    ("phone_numbers", "/phone-numbers", {"capability": "mms"}),
    ("phone_numbers", "/phone-numbers", {"capability": "sms"}),
    ("phone_numbers", "/phone-numbers", {"org_id": "org_acme_retail", "capability": "mms"}),
    ("tracking_domains", "/tracking-domains", {"org_id": "org_acme_retail"}),
    ("tracking_domains", "/tracking-domains", {"brand_id": "brd_acme_main"}),
    ("organizations", "/organizations", {"org_id": "org_acme_retail"}),
    ("organizations", "/organizations", {"parent_id": "org_acme_root"}),
]


def matches(name: str, record: dict[str, Any], filters: dict[str, str]) -> bool:
    for key, value in filters.items():
        if key == "org_id" and not in_tree(owner(name, record), value):
            return False
        if key == "capability" and not record["capabilities"][value]:
            return False
        if key in {"brand_id", "campaign_id", "parent_id"} and record[key] != value:
            return False
    return True


@pytest.mark.parametrize(("name", "path", "filters"), FILTERS)
def test_filter_returns_exactly_the_matching_items(
    live: Live, keys: dict[str, str], name: str, path: str, filters: dict[str, str]
) -> None:
    expected = {r["id"] for r in records(name)
                if in_tree(owner(name, r), "org_acme_root") and matches(name, r, filters)}
    with live.client(keys["org_acme_root"]) as client:
        got = {item["id"] for item in walk(client, path, limit=2, **filters)}
    assert expected, "a filter case must select something"
    assert got == expected


def test_org_filter_includes_descendants(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        orgs = {b["org_id"] for b in walk(client, "/brands", org_id="org_acme_retail")}
    assert orgs == {"org_acme_retail", "org_acme_retail_west"}


@pytest.mark.parametrize("cursor", ["nope", "c1_", "c1_xyz", "%%%", "c1_1234567890abc", "C1_1"])
def test_malformed_cursor_is_400_with_pointer(
    live: Live, keys: dict[str, str], cursor: str
) -> None:
    with live.client(keys["org_acme_root"]) as client:
        response = client.get("/brands", params={"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/query/cursor"


def test_cursor_past_the_end_is_an_empty_last_page(live: Live, keys: dict[str, str]) -> None:
    with live.client(keys["org_acme_root"]) as client:
        page = client.get("/brands", params={"cursor": "c1_ffffffff"}).json()
    assert page == {"data": [], "next_cursor": None}
