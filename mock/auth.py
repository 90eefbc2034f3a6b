"""API keys: generation, storage as digests, and the lookup Connexion calls for X-API-Key.

Keys are long random tokens, so one SHA-256 digest is enough (a slow password hash
would only slow every request). A key's first characters are its public prefix: the
lookup finds candidates by prefix, then compares digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from connexion.security import ApiKeySecurityHandler
from starlette.types import Scope

from mock.clock import Clock, parse_rfc3339, rfc3339
from mock.errors import UNKNOWN_KEY, Unauthorized
from mock.store import Store

PREFIX_LENGTH = 20


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]


def new_key() -> str:
    return "sk_sandbox_" + secrets.token_hex(20)


def key_row(key_id: str, org_id: str, name: str, key: str, created_at: str,
            rate_limit: dict[str, int] | None = None) -> dict[str, Any]:
    """The api_keys row for `key`: never the key itself."""
    return {"id": key_id, "org_id": org_id, "name": name, "prefix": prefix(key),
            "digest": digest(key), "rate_limit": rate_limit, "created_at": created_at,
            "last_used_at": None}


def public(row: dict[str, Any]) -> dict[str, Any]:
    """The API representation of a key: no digest, no secret."""
    return {k: row[k] for k in ("id", "org_id", "name", "prefix", "rate_limit", "created_at",
                                "last_used_at")}


def lookup(store: Store, clock: Clock, key: str) -> dict[str, Any]:
    """Resolve a presented key to Connexion's token info, or raise 401."""
    presented = digest(key)
    for row in store.api_keys_with_prefix(prefix(key)):
        if hmac.compare_digest(row["digest"], presented):
            now = clock.now()
            # To the minute: a write on every request would only cost time.
            last = row["last_used_at"]
            if last is None or (now - parse_rfc3339(last)).total_seconds() >= 60:
                store.touch_api_key(row["id"], rfc3339(now))
            return {"sub": row["org_id"], "api_key_id": row["id"],
                    "rate_limit": row["rate_limit"]}
    raise Unauthorized(UNKNOWN_KEY)


def token_info(scope: Scope) -> dict[str, Any] | None:
    """What `lookup` returned for this request; None until (or unless) a key was verified.

    Connexion's SecurityMiddleware puts it in the scope's Connexion context once the key
    passes, so middleware after it (MiddlewarePosition.BEFORE_VALIDATION or later) finds it.
    """
    found = scope.get("extensions", {}).get("connexion_context", {}).get("token_info")
    return found if isinstance(found, dict) else None


def security_handler(
    check: Callable[[str], Awaitable[dict[str, Any]]],
) -> type[ApiKeySecurityHandler]:
    """An apiKey handler class bound to `check`, for Connexion's `security_map`.

    Binding it here keeps implementation names (`x-apikeyInfoFunc`) out of the document.
    """

    class Handler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return lambda api_key, required_scopes=None: check(api_key)

    return Handler
