"""Serve an OpenAPI 3.1 document with Connexion 3.3, which only accepts 3.0.

This is the one place that knows Connexion's limits. Connexion checks every document
against its bundled 3.0 meta-schema and validates with JSON Schema Draft 4 plus
`nullable`, so the 3.1 document is down-converted here, keyword by keyword, into its
exact 3.0 equivalent. A keyword with no exact 3.0 equivalent is refused with its
location instead of being dropped, because a dropped keyword would silently
loosen validation. The converted copy only feeds Connexion; users, Schemathesis
and the Postman generator read the 3.1 document itself.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import validate as validate_openapi

# JSON Schema keywords of 3.1 that 3.0 cannot express exactly.
UNSUPPORTED = frozenset(
    {
        "prefixItems", "unevaluatedProperties", "unevaluatedItems", "if", "then", "else",
        "$defs", "dependentRequired", "dependentSchemas", "patternProperties",
        "propertyNames", "contains", "minContains", "maxContains", "$anchor",
        "$dynamicRef", "$dynamicAnchor", "$id", "$schema",
    }
)
# The keys of a path item that are operations.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Keywords whose values are schemas, or maps / lists of schemas.
_SCHEMA_VALUED = ("items", "not", "additionalProperties")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


class UnsupportedSchema(ValueError):
    """The document uses a 3.1 construct that has no exact 3.0 equivalent."""

    def __init__(self, pointer: str, reason: str) -> None:
        super().__init__(f"{pointer}: {reason}")
        self.pointer = pointer


def load(path: Path) -> dict[str, Any]:
    """Read a 3.1 document and check it with openapi-spec-validator first."""
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate_openapi(document)
    return document


def to_connexion(document: dict[str, Any]) -> dict[str, Any]:
    """Return a 3.0.3 copy of `document` that Connexion accepts and validates exactly."""
    if not str(document.get("openapi", "")).startswith("3.1"):
        raise UnsupportedSchema("/openapi", "expected an OpenAPI 3.1 document")
    converted = copy.deepcopy(document)
    converted["openapi"] = "3.0.3"
    # 3.1-only top-level and info fields that Connexion has no use for.
    for key in ("webhooks", "jsonSchemaDialect"):
        converted.pop(key, None)
    converted.get("components", {}).pop("pathItems", None)
    info = converted["info"]
    info.pop("summary", None)
    info.get("license", {}).pop("identifier", None)
    converted.setdefault("paths", {})
    return _walk(converted, "")  # type: ignore[no-any-return]


def _walk(node: Any, pointer: str) -> Any:
    """Find schema positions in a non-schema part of the document."""
    if isinstance(node, list):
        return [_walk(item, f"{pointer}/{i}") for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        here = f"{pointer}/{_escape(key)}"
        if key == "schema" and isinstance(value, dict):
            out[key] = convert_schema(value, here)
        elif pointer == "/components" and key == "schemas":
            out[key] = {name: convert_schema(s, f"{here}/{_escape(name)}")
                        for name, s in value.items()}
        else:
            out[key] = _walk(value, here)
    return out


def convert_schema(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """Convert one JSON Schema 2020-12 schema object into an OpenAPI 3.0 schema object."""
    for keyword in UNSUPPORTED & schema.keys():
        raise UnsupportedSchema(f"{pointer}/{keyword}", f"'{keyword}' has no 3.0 equivalent")
    if "$ref" in schema:
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        if not siblings:
            return {"$ref": schema["$ref"]}
        # 3.0 ignores siblings of $ref; allOf keeps both the reference and its neighbours.
        return convert_schema({"allOf": [{"$ref": schema["$ref"]}], **siblings}, pointer)

    out: dict[str, Any] = {}
    for key, value in schema.items():
        here = f"{pointer}/{_escape(key)}"
        if key == "type" and isinstance(value, list):
            types = [t for t in value if t != "null"]
            if len(types) != 1:
                raise UnsupportedSchema(here, f"type {value} is not one type plus 'null'")
            out["type"] = types[0]
            if "null" in value:
                out["nullable"] = True
        elif key == "const":
            out["enum"] = [value]
        elif key == "examples":
            if value:
                out["example"] = value[0]
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(value, bool):
                raise UnsupportedSchema(here, "boolean exclusive bounds are 3.0 syntax")
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key == "contentMediaType":
            out["format"] = "binary"
        elif key == "contentEncoding":
            continue
        elif key == "properties":
            out[key] = {name: convert_schema(s, f"{here}/{_escape(name)}")
                        for name, s in value.items()}
        elif key in _SCHEMA_VALUED and isinstance(value, dict):
            out[key] = convert_schema(value, here)
        elif key in _SCHEMA_LISTS:
            branches = [convert_schema(s, f"{here}/{i}") for i, s in enumerate(value)]
            if any(b.get("type") == "null" for b in branches):
                raise UnsupportedSchema(here, "a 'null' branch; use type: [T, 'null']")
            out[key] = branches
        else:
            out[key] = value
    if out.get("type") == "null":
        raise UnsupportedSchema(pointer, "type 'null' alone has no 3.0 equivalent")
    return out


def _escape(token: str) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")
