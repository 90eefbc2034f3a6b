"""Which organizations an API key can see: its own and every descendant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from connexion import context

from mock.errors import NotFound


@dataclass(frozen=True)
class Tenant:
    org_id: str
    api_key_id: str
    orgs: frozenset[str]
    parents: Mapping[str, str | None]

    def subtree(self, org_id: str) -> frozenset[str]:
        """`org_id` and its descendants; 404 when it is outside this tenant's tree."""
        if org_id not in self.orgs:
            raise NotFound.of("organization", org_id)
        return descendants(org_id, self.parents)


def descendants(root: str, parents: Mapping[str, str | None]) -> frozenset[str]:
    children: dict[str | None, list[str]] = {}
    for org, parent in parents.items():
        children.setdefault(parent, []).append(org)
    seen, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return frozenset(seen) if root in parents else frozenset()


def current(parents: Mapping[str, str | None]) -> Tenant:
    """The tenant of the request being handled (Connexion put its token info in context)."""
    info = context.context["token_info"]
    return Tenant(info["sub"], info["api_key_id"], descendants(info["sub"], parents), parents)
