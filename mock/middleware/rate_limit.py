"""Spend one request of the API key's budget per authenticated request, and say so in headers.

A fixed window per key: the first request after a window has ended starts the next one,
which lasts the key's `window_seconds`. Counters are rows in the store, so every worker
process sharing the database spends one budget, and windows follow the sandbox clock.
Two middlewares: `RateLimitMiddleware` spends (it needs the verified key), and
`RateLimitHeaders`, outside the exception handlers, writes the headers on every answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock.auth import token_info
from mock.errors import RateLimited
from mock.sandbox import Sandbox

OVER_LIMIT = (
    "This API key has used its {limit} requests for this {window}-second window; wait "
    "{seconds} seconds (Retry-After), then retry."
)
STATE = "rate_limit"  # the Budget spent on this request, in the scope's state


@dataclass(frozen=True)
class Budget:
    limit: int
    window_seconds: int
    used: int  # requests counted in this window, this one included
    reset_at: float  # Unix seconds on the sandbox clock
    now: float

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    @property
    def reset_in(self) -> int:
        """Whole seconds until the window ends (at least 1: the window has not ended yet)."""
        return math.ceil(self.reset_at - self.now)

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at)),
            "RateLimit-Policy": f"{self.limit};w={self.window_seconds}",
            "RateLimit": f"limit={self.limit}, remaining={self.remaining}, reset={self.reset_in}",
        }


def spend(box: Sandbox, info: dict[str, Any]) -> Budget:
    """Count this request against its key's budget (a blocking database write)."""
    custom = info.get("rate_limit")
    limit, window = ((custom["limit"], custom["window_seconds"]) if custom
                     else box.settings.rate_policy)
    now = box.clock.now().timestamp()
    used, start = box.store.spend_request(info["api_key_id"], now, window)
    return Budget(limit, window, used, start + window, now)


class RateLimitMiddleware:
    """Spend the budget of a verified key; over it, answer 429 before anything else runs."""

    def __init__(self, app: ASGIApp, *, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        info = token_info(scope) if scope["type"] == "http" else None
        if info is None:  # no verified key: the control API, or a 401 on its way
            await self.app(scope, receive, send)
            return
        budget = await run_in_threadpool(spend, self.sandbox, info)
        scope["state"][STATE] = budget
        if budget.exceeded:
            raise RateLimited(
                OVER_LIMIT.format(limit=budget.limit, window=budget.window_seconds,
                                  seconds=budget.reset_in),
                headers={"Retry-After": str(budget.reset_in)},
            )
        await self.app(scope, receive, send)


class RateLimitHeaders:
    """Write the budget spent on this request into its response, whatever produced it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_budget(message: Message) -> None:
            budget: Budget | None = scope.get("state", {}).get(STATE)
            if message["type"] == "http.response.start" and budget is not None:
                headers = MutableHeaders(scope=message)
                for name, value in budget.headers().items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_budget)
