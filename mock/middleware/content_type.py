"""Make Content-Type decisive: compare media types case-insensitively, and refuse a body
that says nothing about what it is (415) instead of handing raw bytes to a handler."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Receive, Scope, Send

from mock.errors import NO_CONTENT_TYPE, UnsupportedMediaType


class ContentTypeMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            content_type = headers.get("content-type", "").strip()
            has_body = headers.get("content-length", "0") != "0" or (
                "chunked" in headers.get("transfer-encoding", "").lower())
            if not content_type and has_body:
                raise UnsupportedMediaType(NO_CONTENT_TYPE)
            if content_type:
                media_type, sep, parameters = content_type.partition(";")
                # Media types are case-insensitive (RFC 9110); Connexion matches them exactly.
                MutableHeaders(scope=scope)["content-type"] = media_type.lower() + sep + parameters
        await self.app(scope, receive, send)
