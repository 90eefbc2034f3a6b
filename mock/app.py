"""The app factory: builds the Connexion app for the public API and the /sandbox control API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from mock import errors, openapi31
from mock.auth import lookup, security_handler
from mock.middleware.body_limit import BodyLimitMiddleware
from mock.middleware.content_type import ContentTypeMiddleware
from mock.middleware.idempotency import IdempotencyMiddleware, IdempotencyRecorder
from mock.middleware.methods import MethodsMiddleware
from mock.middleware.rate_limit import RateLimitHeaders, RateLimitMiddleware
from mock.middleware.request_id import RequestIdMiddleware
from mock.resolver import handler_resolver
from mock.resources import spec_path
from mock.sandbox import Sandbox
from mock.settings import Settings
from mock.validation import validator_map

PUBLIC_BASE = "/v1"
SANDBOX_BASE = "/sandbox"


def create_app(settings: Settings | None = None, *, sandbox: Sandbox | None = None) -> AsyncApp:
    """Build the sandbox. Pass `settings` (or an opened `sandbox`) to override the defaults."""
    settings = settings or Settings.from_env()
    sandbox = sandbox or Sandbox.open(settings)
    public = openapi31.load(spec_path("openapi.yaml"))
    control = openapi31.load(spec_path("sandbox.yaml"))

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        # Due work runs in the background while the server is up.
        worker = asyncio.create_task(sandbox.scheduler.loop())
        try:
            yield
        finally:
            worker.cancel()
            with suppress(asyncio.CancelledError):
                await worker

    app = AsyncApp(__name__, lifespan=lifespan)
    common: dict[str, Any] = {
        "strict_validation": True,
        "validate_responses": settings.validate_responses,
        "validator_map": validator_map(),
        # Connexion would serve its 3.0 conversion; the contract is the 3.1 document in spec/.
        "swagger_ui_options": SwaggerUIOptions(serve_spec=False, swagger_ui=False),
    }

    async def check_key(key: str) -> dict[str, Any]:
        # Off the event loop: the lookup reads and writes the database.
        return await run_in_threadpool(lookup, sandbox.store, sandbox.clock, key)

    app.add_api(
        openapi31.to_connexion(public),
        base_path=PUBLIC_BASE,
        resolver=handler_resolver(public, "mock.handlers"),
        security_map={"apiKey": security_handler(check_key)},
        **common,
    )
    app.add_api(
        openapi31.to_connexion(control),
        base_path=SANDBOX_BASE,
        resolver=handler_resolver(control, "mock.control"),
        **common,
    )

    app.add_error_handler(ProblemException, errors.render)
    app.add_error_handler(HTTPException, errors.render)
    app.add_error_handler(Exception, errors.render)

    # Outermost: every response, Connexion's own problems included, carries X-Request-Id,
    # and handlers find the sandbox in the request's state. Nothing is authenticated yet.
    app.add_middleware(RequestIdMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(_Provide, position=MiddlewarePosition.BEFORE_EXCEPTION, sandbox=sandbox)
    # Still outside the exception handlers, so they see every answer as sent, problems
    # included: the budget spent goes into its headers, and a claimed write's answer is kept.
    app.add_middleware(RateLimitHeaders, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(IdempotencyRecorder, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       sandbox=sandbox)
    # After Connexion's security: the key is verified (its token_info is in the scope) or
    # the request was answered 401, and nothing is validated yet. So every authenticated
    # request spends budget, schema errors too, and a 429 comes before anything else.
    app.add_middleware(RateLimitMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION,
                       sandbox=sandbox)
    # Inside the exception handling, so its 405 renders as problem+json; before routing,
    # so that the documents, not the first matching route, decide which methods exist.
    app.add_middleware(MethodsMiddleware, position=MiddlewarePosition.BEFORE_ROUTING,
                       documents={PUBLIC_BASE: public, SANDBOX_BASE: control})
    # Inside the exception handling, so their 415 and 413 render as problem+json;
    # authenticated, so that those count like any answer. Bodies are refused unread.
    app.add_middleware(ContentTypeMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION)
    app.add_middleware(
        BodyLimitMiddleware,
        position=MiddlewarePosition.BEFORE_VALIDATION,
        max_bytes=settings.max_body_bytes,
    )
    # Just before the handler: authenticated, within budget, validated. A write is claimed
    # here, so requests rejected earlier (401, 429, 400, 413, 415) are never kept or replayed.
    app.add_middleware(IdempotencyMiddleware, position=MiddlewarePosition.BEFORE_CONTEXT,
                       sandbox=sandbox)
    return app


class _Provide:
    """Put the sandbox into each request's state, for `mock.sandbox.sandbox()`."""

    def __init__(self, app: ASGIApp, *, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["sandbox"] = self.sandbox
        await self.app(scope, receive, send)
