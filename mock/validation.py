"""Request validators that report every failing field, as JSON Pointers, in one 400.

Connexion's own validators stop at the first error, answer a 500 for a body that is not
UTF-8, and check only Draft 4 formats; these subclasses keep Connexion's parsing and
coercion and change only how failures are collected and reported.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    MultiPartFormDataValidator,
)
from connexion.validators import ParameterValidator as ConnexionParameterValidator
from jsonschema import Draft4Validator, FormatChecker, ValidationError
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import Scope

from mock.errors import (
    INVALID_UTF8,
    MALFORMED_JSON,
    SCHEMA_MISMATCH,
    TOO_DEEP,
    BadRequest,
    field_error,
)

# Every format jsonschema knows (date, uri, …), not only Draft 4's.
FORMATS = FormatChecker()
MALFORMED_MULTIPART = "The request body is not valid multipart/form-data: {error}"
UNDOCUMENTED_FIELD = "is not a documented field"


def _errors(location: str, prefix: list[Any], found: Iterable[ValidationError]) -> list[
    dict[str, str]
]:
    return [field_error(location, [*prefix, *e.absolute_path], e.message) for e in found]


class ParameterValidator(ConnexionParameterValidator):  # type: ignore[misc]
    """Checks query, path and header parameters; unknown query parameters are errors."""

    def validate_request(self, request: ConnexionRequest) -> None:
        errors: list[dict[str, str]] = []
        if self.strict_validation:
            unknown = self.validate_query_parameter_list(
                request, security_params=self.security_query_params
            )
            errors += [field_error("query", [name], "is not a documented query parameter")
                       for name in sorted(unknown)]
        sources: dict[str, Callable[[str], Any]] = {
            "query": request.query_params.get,
            "path": lambda name: request.path_params.get(name.replace("-", "_")),
            "header": request.headers.get,
        }
        for location, get in sources.items():
            for param in self.parameters.get(location, []):
                value = get(param["name"])
                if value is None:
                    if param.get("required"):
                        errors.append(field_error(location, [param["name"]], "is required"))
                    continue
                if is_nullable(param) and is_null(value):
                    continue
                validator = Draft4Validator(param.get("schema", {}), format_checker=FORMATS)
                errors += _errors(location, [param["name"]], validator.iter_errors(value))
        if errors:
            raise BadRequest(SCHEMA_MISMATCH, errors=errors)


class JSONBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    """Parses JSON strictly (UTF-8, well-formed) and reports every schema error."""

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(INVALID_UTF8, errors=[field_error("body", [], INVALID_UTF8)]) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            detail = MALFORMED_JSON.format(error=exc)
            raise BadRequest(detail, errors=[field_error("body", [], detail)]) from None
        except RecursionError:
            raise BadRequest(TOO_DEEP, errors=[field_error("body", [], TOO_DEEP)]) from None

    def _validate(self, body: Any) -> None:
        if body is None and not self._nullable:
            raise BadRequest(SCHEMA_MISMATCH, errors=[field_error("body", [], "is required")])
        validator = Draft4RequestValidator(self._schema, format_checker=FORMATS)
        found = sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
        if found:
            raise BadRequest(SCHEMA_MISMATCH, errors=_errors("body", [], found))


class MultiPartBodyValidator(MultiPartFormDataValidator):  # type: ignore[misc]
    """Parses multipart bodies (a malformed one is a 400, not a 500) and reports every field
    error; file parts reach the handler untouched."""

    @property
    def _form_parser_cls(self) -> type[MultiPartParser]:
        return _ClosingParser

    async def _parse(self, stream: AsyncGenerator[bytes, None], scope: Scope) -> Any:
        try:
            return await super()._parse(stream, scope)
        except MultiPartException as exc:
            detail = MALFORMED_MULTIPART.format(error=exc.message)
            raise BadRequest(detail, errors=[field_error("body", [], detail)]) from None

    def _validate(self, body: Any) -> None:
        extra = sorted(set(body) - set(self._schema.get("properties", {})))
        if not self._strict_validation:
            extra = []
        errors = [field_error("body", [name], UNDOCUMENTED_FIELD) for name in extra]
        validator = Draft4RequestValidator(self._schema, format_checker=FORMATS)
        # Unknown fields are already listed, one pointer each.
        found = [e for e in validator.iter_errors(body)
                 if not (extra and e.validator == "additionalProperties")]
        errors += _errors("body", [], sorted(found, key=lambda e: list(map(str, e.path))))
        if errors:
            raise BadRequest(SCHEMA_MISMATCH, errors=errors)


class _ClosingParser(MultiPartParser):
    """Closes the uploaded files' temporary copies at once: validation reads only the field
    names and values; the handler gets the files from its own parse of the body."""

    async def parse(self) -> FormData:
        form = await super().parse()
        await form.close()
        return form


def validator_map() -> dict[str, Any]:
    """The validators to hand to Connexion's `validator_map=`."""
    bodies = MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": JSONBodyValidator,
                            "multipart/form-data": MultiPartBodyValidator})
    return {"parameter": ParameterValidator, "body": bodies}
