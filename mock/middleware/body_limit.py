"""Refuse request bodies over the limit with 413, before anything buffers them."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock.errors import TOO_LARGE, BadRequest, PayloadTooLarge


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise BadRequest("The Content-Length header is not a number.")
            if int(declared) > self.max_bytes:
                raise PayloadTooLarge(TOO_LARGE.format(limit=self.max_bytes))
        received = 0

        async def counted() -> Message:
            # A chunked body has no Content-Length: count it as it arrives.
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise PayloadTooLarge(TOO_LARGE.format(limit=self.max_bytes))
            return message

        await self.app(scope, counted, send)
