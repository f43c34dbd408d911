"""The OpenAPI document, completed with what FastAPI cannot infer.

Routes read their JSON bodies themselves: after authentication (a caller without a
key learns nothing of a body's rules), and batch routes keep a batch's valid rows
rather than refusing it whole. So each such route names its body here, with
``json_body(Model)`` or ``batch_body(Model, key)``, and ``install_openapi`` adds those
models to the document's components. Every error answers with one shape, described
once as ``Error`` and listed on each operation.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

_COMPONENTS = "#/components/schemas/"
_BODY_MODELS: dict[str, type[BaseModel]] = {}


class ErrorDetail(BaseModel):
    """One problem; batch routes add the row's ``index``."""

    model_config = ConfigDict(extra="allow")

    field: str | None = Field(default=None, description="the field at fault, dotted")
    reason: str | None = Field(default=None, description="why it was refused")


class ErrorBody(BaseModel):
    code: str = Field(description="machine-readable: invalid_input, not_found, ...")
    message: str
    details: list[ErrorDetail] = Field(
        default_factory=list, description="one entry per problem, each naming its field"
    )


class Error(BaseModel):
    """The answer of every failed request."""

    error: ErrorBody


ERRORS_OF_ANY_KEYED_CALL = {
    "401": "no API key, or an unknown one",
    "403": "the key lacks the scope this route needs",
    "404": "nothing with that id, or with an id the request names",
    "409": "conflicts with what is stored: a name in use, a state that forbids it, "
    "a model not trained yet",
    "422": "a parameter or field is not valid; details name each one and why",
    "429": "the key's rate limit is spent; retry after Retry-After seconds",
    "503": "the store cannot be used just now",
}
ERRORS_OF_A_BODY = {
    "400": "the body is not JSON, or not of the expected form",
    "413": "the body or the batch is too large",
}


EVENT_STREAM_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "server-sent events, when a stream was asked for",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    known = _BODY_MODELS.setdefault(model.__name__, model)
    if known is not model:
        raise ValueError(f"two request bodies are named {model.__name__}")
    return {"$ref": _COMPONENTS + model.__name__}


def json_body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` of a route whose body is one ``model`` object."""
    return {
        "requestBody": {
            "required": required,
            "content": {"application/json": {"schema": _ref(model)}},
        }
    }


def batch_body(row: type[BaseModel], key: str) -> dict[str, Any]:
    """``openapi_extra`` of a batch route: ``[row, ...]`` or ``{key: [row, ...]}``."""
    rows = {"type": "array", "items": _ref(row)}
    wrapped = {"type": "object", "properties": {key: rows}, "required": [key]}
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"anyOf": [rows, wrapped]}}},
        }
    }


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` add the named bodies and the error shape."""
    infer = app.openapi

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            inferred = infer()
            app.openapi_schema = None  # FastAPI caches its own; ours replaces it whole
            app.openapi_schema = completed(copy.deepcopy(inferred))
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]


def completed(schema: dict[str, Any]) -> dict[str, Any]:
    """FastAPI's document with the named bodies and the one error shape added."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    models = [*_BODY_MODELS.values(), Error]
    _, definitions = models_json_schema(
        [(m, "validation") for m in models], ref_template=_COMPONENTS + "{model}"
    )
    for name, definition in definitions.get("$defs", {}).items():
        if schemas.get(name, definition) != definition:
            raise ValueError(f"two schemas are named {name}")
        schemas[name] = definition
    schemas.pop("HTTPValidationError", None)  # FastAPI's 422, which this API never sends
    schemas.pop("ValidationError", None)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            _document_errors(operation)
    return schema


def _document_errors(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    shape = {"content": {"application/json": {"schema": {"$ref": _COMPONENTS + "Error"}}}}
    if not operation.get("security"):  # health and readiness: open, with answers of their own
        if "422" in responses:
            responses["422"] = {"description": ERRORS_OF_ANY_KEYED_CALL["422"], **shape}
        return
    errors = {code: r["description"] for code, r in responses.items() if code[0] in "45"}
    errors |= ERRORS_OF_ANY_KEYED_CALL
    if "requestBody" in operation:
        errors |= ERRORS_OF_A_BODY
    for status, description in sorted(errors.items()):
        responses[status] = {"description": description, **shape}
