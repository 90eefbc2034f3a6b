"""Map the documents' operationIds to handlers, so the documents name no Python.

An operation's handler is `<package>.<its tag in snake_case>.<its operationId in snake_case>`:
`scheduleProject`, tagged `Projects`, is `mock.handlers.projects.schedule_project`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

from connexion.resolver import Resolver

from mock.openapi31 import HTTP_METHODS


def snake(name: str) -> str:
    name = re.sub(r"[^0-9A-Za-z]+", "_", name)
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).strip("_").lower()


def operation_tags(document: dict[str, Any]) -> dict[str, str]:
    return {
        op["operationId"]: op["tags"][0]
        for item in document.get("paths", {}).values()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


def handler_resolver(document: dict[str, Any], package: str) -> Resolver:
    tags = operation_tags(document)

    def find(operation_id: str) -> Callable[..., Any]:
        module = importlib.import_module(f"{package}.{snake(tags[operation_id])}")
        return getattr(module, snake(operation_id))  # type: ignore[no-any-return]

    return Resolver(function_resolver=find)
