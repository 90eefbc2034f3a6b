"""Issue 2: both documents are valid, lint clean, and every example matches its schema."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from tests.spec import rules
from tests.spec.documents import SPEC, example_errors, examples, load, redocly

DOCUMENTS = ["openapi.yaml", "sandbox.yaml"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_openapi_spec_validator_accepts_the_document(name: str) -> None:
    validate(load(name))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_redocly_lint_has_no_errors(name: str) -> None:
    result = redocly(SPEC / name)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_example_validates_against_its_schema(name: str) -> None:
    doc = load(name)
    assert len(list(examples(doc))) > 40
    assert example_errors(doc) == []


def test_examples_are_found_everywhere_they_stand() -> None:
    pointers = [p for p, *_ in examples(load("openapi.yaml"))]
    for prefix in ("/components/schemas/", "/components/parameters/", "/components/headers/",
                   "/components/responses/", "/paths/", "/webhooks/"):
        assert any(p.startswith(prefix) for p in pointers), prefix
    assert any("/requestBody/" in p for p in pointers)


@pytest.mark.parametrize("rule", rules.PUBLIC_RULES, ids=lambda r: r.__name__)
def test_public_document_follows_the_house_rule(
    rule: Callable[[dict[str, Any]], list[str]]
) -> None:
    assert rule(load("openapi.yaml")) == []


@pytest.mark.parametrize("rule", rules.SANDBOX_RULES, ids=lambda r: r.__name__)
def test_sandbox_document_follows_the_house_rule(
    rule: Callable[[dict[str, Any]], list[str]]
) -> None:
    assert rule(load("sandbox.yaml")) == []


def test_public_document_names_no_python() -> None:
    text = (SPEC / "openapi.yaml").read_text()
    for marker in ("x-openapi-router-controller", "x-apikeyInfoFunc", "mock.", "x-eov"):
        assert marker not in text


# Each check is seen failing on a deliberately broken copy ---------------------------------


def broken(mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = copy.deepcopy(load("openapi.yaml"))
    mutate(doc)
    return doc


def _bad_example(doc: dict[str, Any]) -> None:
    content = doc["paths"]["/brands/{brand_id}"]["get"]["responses"]["200"]["content"]
    content["application/json"]["example"]["created_at"] = 12345


def _bad_schema_example(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Timestamp"]["examples"] = ["yesterday"]


def _parameter_without_location(doc: dict[str, Any]) -> None:
    del doc["components"]["parameters"]["Limit"]["in"]


def _plain_json_error(doc: dict[str, Any]) -> None:
    doc["paths"]["/brands"]["get"]["responses"]["404"] = {
        "description": "gone", "content": {"application/json": {"schema": {"type": "object"}}}}


def test_spec_validator_rejects_a_broken_copy() -> None:
    with pytest.raises(OpenAPIValidationError):
        validate(broken(_parameter_without_location))


@pytest.mark.parametrize(
    "mutate", [_bad_example, _bad_schema_example, _plain_json_error],
    ids=["media-example", "schema-example", "problem"],
)
def test_redocly_rejects_a_broken_copy(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None]
) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(broken(mutate), sort_keys=False))
    result = redocly(path)
    assert result.returncode != 0
    assert "error" in (result.stdout + result.stderr).lower()


def test_example_check_rejects_a_broken_copy() -> None:
    found = example_errors(broken(_bad_example))
    assert len(found) == 1
    assert found[0].startswith("/paths/~1brands~1{brand_id}/get/responses/200/content/")


def test_example_check_catches_formats_in_schema_examples() -> None:
    found = example_errors(broken(_bad_schema_example))
    assert found == ["/components/schemas/Timestamp/examples/0: 'yesterday' is not a 'date-time'"]


BREAKS = {
    rules.documented_operations: lambda d: d["paths"]["/brands"]["get"].pop("summary"),
    rules.error_responses: lambda d: d["paths"]["/brands"]["get"]["responses"].pop("429"),
    rules.response_headers: lambda d: d["paths"]["/brands"]["get"]["responses"]["200"]
    ["headers"].pop("X-RateLimit-Remaining"),
    rules.idempotency_keys: lambda d: d["paths"]["/contact-lists"]["post"].pop("parameters"),
    rules.success_examples: lambda d: d["paths"]["/brands"]["get"]["responses"]["200"]
    ["content"]["application/json"].pop("example"),
    rules.create_links: lambda d: d["paths"]["/contact-lists"]["post"]["responses"]["201"]
    .pop("links"),
    rules.webhook_events: lambda d: d["webhooks"].pop("link.clicked"),
}


@pytest.mark.parametrize("rule", list(BREAKS), ids=lambda r: r.__name__)
def test_house_rule_rejects_a_broken_copy(rule: Callable[[dict[str, Any]], list[str]]) -> None:
    assert len(rule(broken(BREAKS[rule]))) >= 1
