"""The hierarchy fixtures, read straight from the files, to derive what each key must see."""

from __future__ import annotations

import json
from typing import Any

from mock.resources import fixtures_dir

# (fixture file, collection path) for every hierarchy resource.
KINDS = [
    ("organizations", "/organizations"),
    ("brands", "/brands"),
    ("campaigns", "/campaigns"),
    ("phone_numbers", "/phone-numbers"),
    ("tracking_domains", "/tracking-domains"),
]


def records(name: str) -> list[dict[str, Any]]:
    return json.loads((fixtures_dir() / f"{name}.json").read_text())  # type: ignore[no-any-return]


def owner(name: str, record: dict[str, Any]) -> str:
    return record["id"] if name == "organizations" else record["org_id"]


def in_tree(org: str, root: str) -> bool:
    """Whether `org` is `root` or below it, walking parent links."""
    parents = {o["id"]: o["parent_id"] for o in records("organizations")}
    while org is not None:
        if org == root:
            return True
        org = parents[org]
    return False
