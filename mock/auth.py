"""API keys: generation, storage as digests, and the lookup Connexion calls for X-API-Key.

Keys are long random tokens, so one SHA-256 digest is enough (a slow password hash
would only slow every request). A key's first characters are its public prefix: the
lookup finds candidates by prefix, then compares digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

from connexion.security import ApiKeySecurityHandler

from mock.errors import UNKNOWN_KEY, Unauthorized
from mock.store import Store

PREFIX_LENGTH = 16


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prefix(key: str) -> str:
    return key[:PREFIX_LENGTH]


def new_key() -> str:
    return "sk_sandbox_" + secrets.token_hex(20)


def key_row(key_id: str, org_id: str, name: str, key: str, created_at: str) -> dict[str, Any]:
    """The api_keys row for `key`: never the key itself."""
    return {"id": key_id, "org_id": org_id, "name": name, "prefix": prefix(key),
            "digest": digest(key), "created_at": created_at}


def lookup(store: Store, key: str) -> dict[str, Any]:
    """Resolve a presented key to Connexion's token info, or raise 401."""
    presented = digest(key)
    for row in store.api_keys_with_prefix(prefix(key)):
        if hmac.compare_digest(row["digest"], presented):
            return {"sub": row["org_id"], "api_key_id": row["id"]}
    raise Unauthorized(UNKNOWN_KEY)


def security_handler(check: Callable[[str], dict[str, Any]]) -> type[ApiKeySecurityHandler]:
    """An apiKey handler class bound to `check`, for Connexion's `security_map`.

    Binding it here keeps implementation names (`x-apikeyInfoFunc`) out of the document.
    """

    class Handler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return lambda api_key, required_scopes=None: check(api_key)

    return Handler
