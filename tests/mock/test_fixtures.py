"""Issue 3: every fixture record matches its schema, and the tree has the promised shape."""

from __future__ import annotations

import pytest

from mock import auth, fixtures
from mock.resources import fixtures_dir
from tests.spec.documents import component, load

PUBLIC = load("openapi.yaml")
CONTROL = load("sandbox.yaml")
RECORDS = [(kind.schema, record) for kind in fixtures.RESOURCES
           for record in fixtures.read(fixtures_dir(), kind.file)]


@pytest.mark.parametrize(("schema", "record"), RECORDS, ids=[r["id"] for _, r in RECORDS])
def test_fixture_record_validates_against_its_schema(schema: str, record: dict) -> None:
    errors = [e.message for e in component(PUBLIC, schema).iter_errors(record)]
    assert errors == []


@pytest.mark.parametrize("key", fixtures.sandbox_keys(fixtures_dir()), ids=lambda k: k["id"])
def test_fixture_api_key_validates_as_the_sandbox_shows_it(key: dict) -> None:
    row = auth.key_row(key["id"], key["org_id"], key["name"], key["key"],
                       "2026-11-01T09:30:00Z", key.get("rate_limit"))
    shown = {**auth.public(row), "key": key["key"]}
    assert [e.message for e in component(CONTROL, "ApiKeyWithSecret").iter_errors(shown)] == []


def test_org_tree_is_three_levels_with_two_children_under_the_root() -> None:
    orgs = {o["id"]: o["parent_id"] for o in fixtures.read(fixtures_dir(), "organizations.json")}
    roots = [o for o, parent in orgs.items() if parent is None]
    children = {root: [o for o, parent in orgs.items() if parent == root] for root in roots}
    grandchildren = [o for o, parent in orgs.items() if parent in children["org_acme_root"]]
    assert len(children["org_acme_root"]) >= 2
    assert grandchildren


def test_every_org_has_each_kind_of_resource() -> None:
    orgs = [o["id"] for o in fixtures.read(fixtures_dir(), "organizations.json")]
    for name in ("brands.json", "campaigns.json", "phone_numbers.json", "tracking_domains.json"):
        owners = {r["org_id"] for r in fixtures.read(fixtures_dir(), name)}
        assert set(orgs) <= owners, name
    numbers = fixtures.read(fixtures_dir(), "phone_numbers.json")
    for org in orgs:
        kinds = {n["capabilities"]["mms"] for n in numbers if n["org_id"] == org}
        assert kinds == {True, False}, f"{org} needs an SMS-only and an MMS-capable number"


def test_keys_exist_for_the_root_and_a_child() -> None:
    orgs = {k["org_id"] for k in fixtures.sandbox_keys(fixtures_dir())}
    assert {"org_acme_root", "org_acme_retail"} <= orgs


def test_broken_fixture_is_caught() -> None:
    brand = dict(fixtures.read(fixtures_dir(), "brands.json")[0], website="not a url")
    assert list(component(PUBLIC, "Brand").iter_errors(brand))


def test_missing_fixture_file_fails_loudly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(fixtures.FixtureError, match="Missing fixture file"):
        fixtures.rows(tmp_path, "2026-11-01T09:30:00Z")
