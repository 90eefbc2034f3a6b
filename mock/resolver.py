"""Map the documents' operationIds to handlers, so the documents name no Python.

An operation's handler is `<package>.<its tag in snake_case>.<its operationId in snake_case>`:
`scheduleProject`, tagged `Projects`, is `mock.handlers.projects.schedule_project`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any, NoReturn

from connexion.resolver import Resolver

from mock.errors import NOT_BUILT, NotBuilt
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
        name = f"{package}.{snake(tags[operation_id])}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            module = None
        # An operation the sandbox does not emulate yet is still a regular operation
        # (authenticated, rate limited, validated) that answers 501.
        return getattr(module, snake(operation_id), not_built)

    return Resolver(function_resolver=find)


def not_built(**_: Any) -> NoReturn:
    raise NotBuilt(NOT_BUILT)
