"""The contract's house rules (issue 2), each a function from a document to its violations."""

from __future__ import annotations

from typing import Any

from tests.spec.documents import METHODS, operations, resolve

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                "RateLimit-Policy", "RateLimit", "X-Request-Id")
ALWAYS = ("400", "401", "429")


def documented_operations(doc: dict[str, Any]) -> list[str]:
    out = []
    for path, method, op in operations(doc):
        where = f"{method.upper()} {path}"
        for field in ("operationId", "summary", "description"):
            if not op.get(field):
                out.append(f"{where}: no {field}")
        if len(op.get("tags", [])) != 1:
            out.append(f"{where}: needs exactly one tag")
    return out


def error_responses(doc: dict[str, Any]) -> list[str]:
    out = []
    for path, method, op in operations(doc):
        codes = set(op["responses"])
        missing = [c for c in ALWAYS if c not in codes]
        if "{" in path and "404" not in codes:
            missing.append("404")
        if "requestBody" in op:
            missing += [c for c in ("413", "415") if c not in codes]
        if method in ("post", "patch"):
            missing += [c for c in ("409", "422") if c not in codes]
        if missing:
            out.append(f"{method.upper()} {path}: no {', '.join(missing)}")
        for code, response in op["responses"].items():
            response = resolve(doc, response)
            if code.startswith("4") and "application/problem+json" not in response.get("content",
                                                                                        {}):
                out.append(f"{method.upper()} {path} {code}: not problem+json")
    return out


def response_headers(doc: dict[str, Any]) -> list[str]:
    out = []
    for path, method, op in operations(doc):
        for code, response in op["responses"].items():
            headers = resolve(doc, response).get("headers", {})
            missing = [h for h in RATE_HEADERS if h not in headers]
            if code == "429" and "Retry-After" not in headers:
                missing.append("Retry-After")
            if method in ("post", "patch") and code.startswith("2") \
                    and "Idempotent-Replayed" not in headers:
                missing.append("Idempotent-Replayed")
            if code in ("201", "202") and "Location" not in headers:
                missing.append("Location")
            if missing:
                out.append(f"{method.upper()} {path} {code}: no {', '.join(missing)}")
    return out


def idempotency_keys(doc: dict[str, Any]) -> list[str]:
    out = []
    for path, method, op in operations(doc):
        if method in ("post", "patch"):
            names = {resolve(doc, p)["name"] for p in op.get("parameters", [])}
            if "Idempotency-Key" not in names:
                out.append(f"{method.upper()} {path}: no Idempotency-Key parameter")
    return out


def success_examples(doc: dict[str, Any]) -> list[str]:
    out = []
    for path, method, op in operations(doc):
        for code, response in op["responses"].items():
            for media, content in resolve(doc, response).get("content", {}).items():
                if code.startswith("2") and media.endswith("json") \
                        and "example" not in content and "examples" not in content:
                    out.append(f"{method.upper()} {path} {code}: no example")
        body = resolve(doc, op.get("requestBody", {}))
        for media, content in body.get("content", {}).items():
            if "example" not in content and "examples" not in content:
                out.append(f"{method.upper()} {path} {media} body: no example")
            schema = resolve(doc, content.get("schema", {}))
            if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
                out.append(f"{method.upper()} {path} body: additionalProperties is not false")
    return out


def create_links(doc: dict[str, Any]) -> list[str]:
    """Every create (201/202) links to the operations on what it made."""
    out = []
    for path, method, op in operations(doc):
        for code in ("201", "202"):
            if method == "post" and code in op["responses"]:
                links = resolve(doc, op["responses"][code]).get("links", {})
                if not links:
                    out.append(f"POST {path} {code}: no links")
                known = {o["operationId"] for *_, o in operations(doc)}
                out += [f"POST {path}: link {name} to unknown {link.get('operationId')}"
                        for name, link in links.items() if link.get("operationId") not in known]
    return out


def webhook_events(doc: dict[str, Any]) -> list[str]:
    out = []
    expected = {"message.sent", "message.delivered", "message.failed", "message.replied",
                "link.clicked", "webhook.test"}
    hooks = doc.get("webhooks", {})
    out += [f"webhooks: no {name}" for name in sorted(expected - set(hooks))]
    for name, item in hooks.items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            headers = {resolve(doc, p)["name"] for p in op.get("parameters", [])}
            out += [f"webhook {name}: no {h} header" for h in
                    ("webhook-id", "webhook-timestamp", "webhook-signature") if h not in headers]
            content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "example" not in content and "examples" not in content:
                out.append(f"webhook {name}: no example payload")
    return out


PUBLIC_RULES = [documented_operations, error_responses, response_headers, idempotency_keys,
                success_examples, create_links, webhook_events]
SANDBOX_RULES = [documented_operations, success_examples]
