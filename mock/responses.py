"""Handler results as Connexion expects them: (body, status, headers).

The content type is always explicit: the operations also document problem+json
answers, and Connexion will not guess between two media types.
"""

from __future__ import annotations

from typing import Any

JSON = {"Content-Type": "application/json"}

Result = tuple[Any, int, dict[str, str]]


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Result:
    return body, status, {**JSON, **(headers or {})}


def created(body: dict[str, Any], location: str, status: int = 201) -> Result:
    return ok(body, status, {"Location": location})


def no_content() -> Result:
    return None, 204, {}
