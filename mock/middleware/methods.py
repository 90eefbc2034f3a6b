"""Answer 405, with every documented method in `Allow`, before routing picks a wrong route.

Routing alone gets two cases wrong: its `Allow` names one route's methods, and a literal
path such as `/media/imports` (POST only) also matches `/media/{media_id}` (GET), so a GET
there reached validation and answered 400. Here a literal path wins over a template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mock.errors import WRONG_METHOD, MethodNotAllowed
from mock.openapi31 import HTTP_METHODS


class MethodsMiddleware:
    def __init__(self, app: ASGIApp, *, documents: dict[str, dict[str, Any]]) -> None:
        self.app = app
        self.routes = list(_routes(documents))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            methods = next((m for rx, m in self.routes if rx.fullmatch(scope["path"])), None)
            if methods is not None and scope["method"] not in methods:
                allowed = ", ".join(methods)
                raise MethodNotAllowed(
                    WRONG_METHOD.format(method=scope["method"], allowed=allowed),
                    headers={"Allow": allowed},
                )
        await self.app(scope, receive, send)


def _routes(documents: dict[str, dict[str, Any]]) -> Iterable[tuple[re.Pattern[str], list[str]]]:
    """Every documented path as a pattern with its methods, most specific first."""
    found = []
    for base, document in documents.items():
        for template, item in document.get("paths", {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(base + template))
            methods = [m.upper() for m in HTTP_METHODS if m in item]
            found.append((template.count("{"), re.compile(pattern), methods))
    found.sort(key=lambda route: route[0])
    return [(rx, methods) for _, rx, methods in found]
