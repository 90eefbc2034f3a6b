"""Reading a request body in a middleware, and handing it on to the app as if unread."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import Message, Receive


async def read(receive: Receive, *, on_chunk: Callable[[int], None] | None = None) -> bytes:
    """The whole body; `on_chunk` sees the running size after each chunk (and may raise)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if on_chunk is not None:
            on_chunk(size)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A receive channel that gives `body` again, then whatever `receive` gives."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
