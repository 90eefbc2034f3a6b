"""Refuse request bodies over the limit with 413, before anything buffers them.

A chunked body (no Content-Length) is read here up to the limit and handed on with a
Content-Length, because Connexion's validators treat a body without one as missing.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock.errors import TOO_LARGE, BadRequest, PayloadTooLarge

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
        body = await self._read(receive)
        MutableHeaders(scope=scope)["content-length"] = str(len(body))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise PayloadTooLarge(TOO_LARGE.format(limit=self.max_bytes))
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)
