"""Idempotency-Key and keyless retries: each write runs once, and its answer is replayed.

A POST or PATCH of the public API is claimed in the store just before its handler runs:
under its Idempotency-Key for `idempotency_ttl` seconds or, without a key, under its
fingerprint (method, path, canonical body) for `retry_window` seconds. A claim is a row
whose (API key, key) pair is unique, so of several concurrent requests, in any worker
process, one runs; the others find its row and get its answer replayed when it is done,
409 while it runs, or 422 when the key came with a different request.

`IdempotencyMiddleware` claims or replays; `IdempotencyRecorder`, outside the exception
handlers, keeps the answer exactly as the client gets it (problems rendered) before sending it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock.auth import token_info
from mock.errors import BusinessRule, Conflict, field_error
from mock.middleware import bodies
from mock.sandbox import Sandbox

HEADER = "Idempotency-Key"
REPLAYED = (b"idempotent-replayed", b"true")
KEY_REUSED = (
    "This Idempotency-Key was first used with a different request (method, path or body); "
    "send a new key with a new request."
)
KEY_IN_FLIGHT = (
    "A request with this Idempotency-Key is still running; retry in a moment to get its answer."
)
RETRY_IN_FLIGHT = (
    "An identical request is still running; retry in a moment to get its answer, or send "
    "a distinct Idempotency-Key if you mean to do this twice."
)
STATE = "idempotency"  # the Claim of this request, in the scope's state
WRITES = frozenset({"POST", "PATCH"})
# Real seconds after which a claim still running is taken to be abandoned (its worker died).
LEASE_SECONDS = 60.0
ATTEMPTS = 3
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')


@dataclass(frozen=True)
class Claim:
    seq: int
    keyed: bool  # under an Idempotency-Key; otherwise a keyless retry window

    def keeps(self, status: int) -> bool:
        """With a key, every answer of the operation but a server error is kept. Without
        one, only successes: an error changed nothing, so running it again is harmless."""
        return status < 500 if self.keyed else 200 <= status < 300


class IdempotencyMiddleware:
    """Claim a write before its handler runs, or answer for it from its earlier claim."""

    def __init__(self, app: ASGIApp, *, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        info, key = token_info(scope), Headers(scope=scope).get(HEADER)
        if info is None or (key is None and not self.sandbox.settings.retry_window):
            await self.app(scope, receive, send)
            return
        body = await bodies.read(receive)
        found = await run_in_threadpool(self._claim, info["api_key_id"], key,
                                        fingerprint(scope, body))
        if isinstance(found, Claim):
            scope["state"][STATE] = found
            await self.app(scope, bodies.replaying(body, receive), send)
            return
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in found["headers"]]
        await send({"type": "http.response.start", "status": found["status"],
                    "headers": [*headers, REPLAYED]})
        await send({"type": "http.response.body", "body": found["body"]})

    def _claim(self, api_key_id: str, key: str | None, fingerprint: str
               ) -> Claim | dict[str, Any]:
        """This request's new Claim, or the finished row of the request it repeats."""
        box = self.sandbox
        now, real_now = box.clock.now().timestamp(), box.clock.real().timestamp()
        ttl = box.settings.idempotency_ttl if key is not None else box.settings.retry_window
        stored_key = f"key:{key}" if key is not None else f"auto:{fingerprint}"
        row = {"api_key_id": api_key_id, "key": stored_key, "fingerprint": fingerprint,
               "state": "running", "expires_at": now + ttl,
               "lease_until": real_now + LEASE_SECONDS}
        for _ in range(ATTEMPTS):
            seq = box.store.claim_idempotency(row, now, real_now)
            if seq is not None:
                return Claim(seq, keyed=key is not None)
            held = box.store.idempotency_row(api_key_id, stored_key)
            if held is None:  # released since (its answer was not kept): claim it again
                continue
            if held["fingerprint"] != fingerprint:
                raise BusinessRule(KEY_REUSED, errors=[field_error("header", [HEADER], KEY_REUSED)])
            if held["state"] == "running":
                break
            return held
        raise Conflict(KEY_IN_FLIGHT if key is not None else RETRY_IN_FLIGHT)


class IdempotencyRecorder:
    """Keep (or release) a claimed request's answer before the client sees any of it."""

    def __init__(self, app: ASGIApp, *, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []
        settled = False

        async def record(message: Message) -> None:
            nonlocal settled
            claim: Claim | None = scope["state"].get(STATE)
            if claim is None or settled:
                await send(message)
                return
            held.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                await run_in_threadpool(self._settle, claim, held)
                settled = True
                for each in held:
                    await send(each)

        try:
            await self.app(scope, receive, record)
        finally:
            claim = scope["state"].get(STATE)
            if claim is not None and not settled:  # no complete answer: let a retry run
                await run_in_threadpool(self.sandbox.store.release_idempotency, claim.seq)

    def _settle(self, claim: Claim, messages: list[Message]) -> None:
        start, status = messages[0], messages[0]["status"]
        if not claim.keeps(status):
            self.sandbox.store.release_idempotency(claim.seq)
            return
        headers = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in start["headers"]]
        body = b"".join(m.get("body", b"") for m in messages[1:])
        self.sandbox.store.finish_idempotency(claim.seq, status, headers, body)


def fingerprint(scope: Scope, body: bytes) -> str:
    """SHA-256 of the method, the path with its query and the canonical body."""
    target = scope["path"]
    if scope.get("query_string"):
        target += "?" + scope["query_string"].decode("latin-1")
    content_type = Headers(scope=scope).get("content-type", "")
    digest = hashlib.sha256(f"{scope['method']} {target}\n".encode())
    digest.update(_canonical(content_type, body))
    return digest.hexdigest()


def _canonical(content_type: str, body: bytes) -> bytes:
    if body and "json" in content_type:
        try:
            return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, RecursionError):
            # An operation that takes no body does not validate one: compare it as sent.
            return body
    boundary = _BOUNDARY.search(content_type)
    # A client picks a new multipart boundary per attempt; it is not part of the request.
    return body.replace(boundary[1].encode("latin-1"), b"") if boundary else body
