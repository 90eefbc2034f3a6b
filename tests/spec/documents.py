"""Loading the two documents, and the checks that the test suite runs on them.

Each check takes a document and returns its findings, so that a test can run it on the
real document (no findings) and on a deliberately broken copy (a finding).
"""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec"
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
METHODS = ("get", "put", "post", "delete", "patch")


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((SPEC / name).read_text())  # type: ignore[no-any-return]


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for token in node["$ref"].removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


# Examples -------------------------------------------------------------------------------


def examples(doc: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """Every (pointer, schema, example) in the document: media types, parameters, headers,
    named examples and schema-level `examples`, wherever they stand."""

    def walk(node: Any, pointer: str, in_schema: bool) -> Iterator[tuple[str, Any, Any]]:
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from walk(item, f"{pointer}/{i}", in_schema)
            return
        if not isinstance(node, dict):
            return
        if in_schema and isinstance(node.get("examples"), list):
            schema = {k: v for k, v in node.items() if k != "examples"}
            for i, value in enumerate(node["examples"]):
                yield f"{pointer}/examples/{i}", schema, value
        if not in_schema and isinstance(node.get("schema"), dict):
            if "example" in node:
                yield f"{pointer}/example", node["schema"], node["example"]
            for name, ex in (node.get("examples") or {}).items():
                ex = resolve(doc, ex)
                if "value" in ex:
                    yield f"{pointer}/examples/{name}", node["schema"], ex["value"]
        for key, value in node.items():
            if key in {"example", "default", "enum", "const"} or (in_schema and key == "examples"):
                continue
            child_in_schema = in_schema or key == "schema" or pointer == "/components/schemas"
            if in_schema and key == "properties":
                for name, sub in value.items():
                    yield from walk(sub, f"{pointer}/properties/{name}", True)
                continue
            yield from walk(value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}",
                            child_in_schema)

    yield from walk(doc, "", False)


def validator(doc: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator (formats checked) for a schema inside `doc`."""
    registry: Registry[Any] = Registry().with_resource(
        "urn:doc", Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    return Draft202012Validator(_rebase(copy.deepcopy(schema)), registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def component(doc: dict[str, Any], name: str) -> Draft202012Validator:
    return validator(doc, {"$ref": f"#/components/schemas/{name}"})


def example_errors(doc: dict[str, Any]) -> list[str]:
    """Every example that does not validate (JSON Schema 2020-12, formats checked)."""
    found = []
    for pointer, schema, value in examples(doc):
        found += [f"{pointer}: {e.message}" for e in validator(doc, schema).iter_errors(value)]
    return found


def _rebase(node: Any) -> Any:
    """Point local `#/…` references at the document registered as urn:doc."""
    if isinstance(node, dict):
        return {k: ("urn:doc" + v if k == "$ref" and v.startswith("#") else _rebase(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_rebase(v) for v in node]
    return node


# Redocly --------------------------------------------------------------------------------


def redocly(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REDOCLY), "lint", "--config", str(ROOT / "redocly.yaml"), str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
