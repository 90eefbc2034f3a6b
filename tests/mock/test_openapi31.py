"""Issue 3: the 3.1 → Connexion adapter converts exactly, or refuses with the location."""

from __future__ import annotations

import json
import pkgutil
from typing import Any

import pytest
from jsonschema import Draft4Validator

from mock import openapi31
from mock.resources import spec_path

CONNEXION_META = json.loads(
    pkgutil.get_data("connexion", "resources/schemas/v3.0/schema.json")  # type: ignore[arg-type]
)


@pytest.mark.parametrize("name", ["openapi.yaml", "sandbox.yaml"])
def test_both_documents_convert_to_what_connexion_accepts(name: str) -> None:
    converted = openapi31.to_connexion(openapi31.load(spec_path(name)))
    Draft4Validator(CONNEXION_META).validate(converted)
    assert converted["openapi"] == "3.0.3"
    assert "webhooks" not in converted


def test_the_source_document_is_not_changed() -> None:
    doc = openapi31.load(spec_path())
    before = json.dumps(doc, sort_keys=True)
    openapi31.to_connexion(doc)
    assert json.dumps(doc, sort_keys=True) == before


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": ["string", "null"]}, {"type": "string", "nullable": True}),
        ({"type": ["integer"]}, {"type": "integer"}),
        ({"const": "a"}, {"enum": ["a"]}),
        ({"type": "number", "exclusiveMinimum": 0}, {"type": "number", "minimum": 0,
                                                     "exclusiveMinimum": True}),
        ({"type": "number", "exclusiveMaximum": 5}, {"type": "number", "maximum": 5,
                                                     "exclusiveMaximum": True}),
        ({"type": "string", "examples": ["x", "y"]}, {"type": "string", "example": "x"}),
        ({"type": "string", "contentMediaType": "image/png"}, {"type": "string",
                                                              "format": "binary"}),
        ({"$ref": "#/components/schemas/A", "description": "d"},
         {"allOf": [{"$ref": "#/components/schemas/A"}], "description": "d"}),
        ({"type": "object", "properties": {"a": {"type": ["string", "null"]}},
          "additionalProperties": {"const": 1}},
         {"type": "object", "properties": {"a": {"type": "string", "nullable": True}},
          "additionalProperties": {"enum": [1]}}),
        ({"anyOf": [{"required": ["a"]}, {"items": {"const": 2}}]},
         {"anyOf": [{"required": ["a"]}, {"items": {"enum": [2]}}]}),
    ],
)
def test_schema_keywords_convert_exactly(schema: dict[str, Any], expected: dict[str, Any]) -> None:
    assert openapi31.convert_schema(schema, "#/s") == expected


@pytest.mark.parametrize(
    ("schema", "pointer"),
    [
        ({"prefixItems": [{"type": "string"}]}, "#/s/prefixItems"),
        ({"properties": {"a": {"unevaluatedProperties": False}}},
         "#/s/properties/a/unevaluatedProperties"),
        ({"type": ["string", "integer"]}, "#/s/type"),
        ({"oneOf": [{"type": "string"}, {"type": "null"}]}, "#/s/oneOf/1"),
        ({"if": {"type": "string"}}, "#/s/if"),
        ({"exclusiveMinimum": True}, "#/s/exclusiveMinimum"),
    ],
)
def test_constructs_without_a_3_0_equivalent_are_refused(
    schema: dict[str, Any], pointer: str
) -> None:
    with pytest.raises(openapi31.UnsupportedSchema) as raised:
        openapi31.convert_schema(schema, "#/s")
    assert raised.value.pointer == pointer


def test_schemas_are_found_in_parameters_bodies_responses_and_components() -> None:
    doc = {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1", "summary": "s",
                                     "license": {"name": "MIT", "identifier": "MIT"}},
        "paths": {"/x": {"post": {
            "parameters": [{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}}],
            "requestBody": {"content": {"application/json": {"schema": {"const": 1}}}},
            "responses": {"200": {"description": "ok", "headers": {"H": {"schema": {"const": 2}}},
                                  "content": {"application/json": {"schema": {"const": 3}}}}},
        }}},
        "components": {"schemas": {"S": {"const": 4}}},
        "webhooks": {"w": {}},
    }
    out = openapi31.to_connexion(doc)
    op = out["paths"]["/x"]["post"]
    assert op["parameters"][0]["schema"] == {"type": "string", "nullable": True}
    assert op["requestBody"]["content"]["application/json"]["schema"] == {"enum": [1]}
    assert op["responses"]["200"]["headers"]["H"]["schema"] == {"enum": [2]}
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {"enum": [3]}
    assert out["components"]["schemas"]["S"] == {"enum": [4]}
    assert out["info"] == {"title": "t", "version": "1", "license": {"name": "MIT"}}
    Draft4Validator(CONNEXION_META).validate(out)


def test_a_3_0_document_is_refused() -> None:
    with pytest.raises(openapi31.UnsupportedSchema):
        openapi31.to_connexion({"openapi": "3.0.3", "info": {}, "paths": {}})
