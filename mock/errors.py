"""Every error the sandbox answers, as RFC 9457 problem+json.

    Problem (connexion.ProblemException)
     ├── BadRequest              400  malformed or schema-invalid input; `errors` lists fields
     ├── Unauthorized            401  no key, or an unknown key
     ├── Forbidden               403  a presigned file URL that expired or was changed
     ├── NotFound                404  unknown, or outside the key's organization tree
     ├── MethodNotAllowed        405  the path exists, the method does not (`Allow` lists them)
     ├── Conflict                409  the resource's state forbids it
     ├── PayloadTooLarge         413
     ├── UnsupportedMediaType    415
     ├── BusinessRule            422  well-formed, but breaks a documented rule
     ├── RateLimited             429  the key's budget is spent; `Retry-After` says how long
     └── NotBuilt                501  a documented operation the sandbox does not emulate yet

Connexion's own problems (validation, 401, 415) and Starlette's HTTP errors are rendered
by `render` the same way, with `request_id` added, so a client sees one format.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from connexion.exceptions import OAuthProblem, ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://docs.broadcast.example/problems/"

# Details that tell the caller how to fix the request; tests assert these.
MISSING_KEY = "Send your API key in the X-API-Key header."
UNKNOWN_KEY = (
    "The API key in X-API-Key is unknown or revoked; create a key in the sandbox dashboard."
)
UNKNOWN_ROUTE = "No such endpoint; see the API reference for the available paths."
BAD_CURSOR = "The cursor is not one this API issued; pass next_cursor from the previous page."
INVALID_UTF8 = "The request body is not valid UTF-8."
MALFORMED_JSON = "The request body is not valid JSON: {error}."
TOO_DEEP = "The request body nests arrays or objects too deeply; no operation needs that."
NO_CONTENT_TYPE = "Say what the body is: send a Content-Type header (application/json)."
SCHEMA_MISMATCH = "The request does not match the schema; fix the fields listed in `errors`."
WRONG_METHOD = "{method} is not allowed here; use one of: {allowed}."
TOO_LARGE = "The request body is larger than {limit} bytes."
INTERNAL = "The sandbox failed unexpectedly; this is a sandbox bug, please report it."
NOT_BUILT = "The sandbox does not emulate this documented operation yet."

_TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
    415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
    500: "Internal Server Error", 501: "Not Implemented",
}
_TYPES = {
    400: "validation-error", 401: "unauthorized", 403: "forbidden", 404: "not-found",
    405: "method-not-allowed", 409: "conflict", 413: "payload-too-large",
    415: "unsupported-media-type", 422: "business-rule", 429: "rate-limited",
    500: "internal-error", 501: "not-implemented",
}
log = logging.getLogger(__name__)


class Problem(ProblemException):  # type: ignore[misc]
    status_code_default = 500

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        status = self.status_code_default
        super().__init__(
            status=status,
            title=_TITLES[status],
            detail=detail,
            type=TYPE_BASE + _TYPES[status],
            headers=headers,
            ext={"errors": errors} if errors else None,
        )


class BadRequest(Problem):
    status_code_default = 400


class Unauthorized(Problem):
    status_code_default = 401


class Forbidden(Problem):
    status_code_default = 403


class NotFound(Problem):
    status_code_default = 404

    @classmethod
    def of(cls, kind: str, resource_id: str) -> NotFound:
        return cls(f"No {kind} {resource_id} is visible to this API key.")


class MethodNotAllowed(Problem):
    status_code_default = 405


class Conflict(Problem):
    status_code_default = 409


class PayloadTooLarge(Problem):
    status_code_default = 413


class UnsupportedMediaType(Problem):
    status_code_default = 415


class BusinessRule(Problem):
    status_code_default = 422


class NotBuilt(Problem):
    status_code_default = 501


class RateLimited(Problem):
    status_code_default = 429


def field_error(location: str, path: Any, message: str) -> dict[str, str]:
    """One `errors` entry: a JSON Pointer prefixed by where the value is (body, query …)."""
    tokens = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return {"pointer": "/" + "/".join([location, *tokens]), "message": message}


def render(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Render any exception as problem+json, carrying the request's id."""
    headers: dict[str, str] = {}
    if isinstance(exc, ProblemException):
        status = exc.status
        body: dict[str, Any] = {
            "type": exc.type if exc.type and exc.type != "about:blank"
            else TYPE_BASE + _TYPES.get(status, "error"),
            "title": exc.title or _TITLES.get(status, "Error"),
            "status": status,
            "detail": _text(exc.detail) or _TITLES.get(status, "Error"),
        }
        body.update(exc.ext or {})
        headers.update(exc.headers or {})
        if isinstance(exc, OAuthProblem):  # Connexion found no X-API-Key header at all.
            body["detail"] = MISSING_KEY
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        body = {
            "type": TYPE_BASE + _TYPES.get(status, "error"),
            "title": _TITLES.get(status, "Error"),
            "status": status,
            "detail": UNKNOWN_ROUTE if status == 404 else _text(exc.detail),
        }
        headers.update(exc.headers or {})
    else:
        log.error("unhandled error", exc_info=exc)
        status = 500
        body = {"type": TYPE_BASE + _TYPES[500], "title": _TITLES[500], "status": 500,
                "detail": INTERNAL}
    # The path as sent (still percent-encoded), so that it is a valid URI reference.
    body["instance"] = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    body["request_id"] = request.scope.get("state", {}).get("request_id", "")
    headers.pop("content-type", None)
    headers.pop("Content-Type", None)
    return ConnexionResponse(
        status_code=status,
        mimetype=PROBLEM_JSON,
        content_type=PROBLEM_JSON,
        body=json.dumps(body).encode(),
        headers=headers,
    )


def _text(detail: Any) -> str:
    return detail if isinstance(detail, str) else json.dumps(detail)
