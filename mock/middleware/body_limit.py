"""Refuse request bodies over the limit with 413, before anything buffers them.

A chunked body (no Content-Length) is read here up to the limit and handed on with a
Content-Length, because Connexion's validators treat a body without one as missing.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Receive, Scope, Send

from mock.errors import TOO_LARGE, BadRequest, PayloadTooLarge
from mock.middleware import bodies

BAD_LENGTH = "The Content-Length header is not a number."


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise BadRequest(BAD_LENGTH)
            if int(declared) > self.max_bytes:
                raise PayloadTooLarge(TOO_LARGE.format(limit=self.max_bytes))
            await self.app(scope, receive, send)
            return
        if "chunked" not in headers.get("transfer-encoding", "").lower():
            await self.app(scope, receive, send)
            return
        body = await bodies.read(receive, on_chunk=self._check)
        MutableHeaders(scope=scope)["content-length"] = str(len(body))
        await self.app(scope, bodies.replaying(body, receive), send)

    def _check(self, size: int) -> None:
        if size > self.max_bytes:
            raise PayloadTooLarge(TOO_LARGE.format(limit=self.max_bytes))
