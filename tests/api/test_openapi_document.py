"""The OpenAPI document describes the bodies routes read themselves and the one error
shape, and the paging bounds it states hold over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import auth

WRITES = ("post", "put", "patch")
# writes that take no body: state changes named by the path alone
BODILESS = {
    ("post", "/v1/models/{version}/promote"),
    ("post", "/v1/assist/reload"),
    ("post", "/v1/monitor/scan"),
    ("post", "/v1/webhooks/deliveries/{delivery_id}/retry"),
    ("post", "/v1/experiments/{experiment_id}/start"),
    ("post", "/v1/experiments/{experiment_id}/stop"),
    ("post", "/v1/experiments/{experiment_id}/allocation"),
}


@pytest.fixture
def document(http: httpx.Client) -> dict[str, Any]:
    return http.get("/openapi.json").json()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


def test_every_write_documents_its_body_and_only_writes_that_read_one(
    document: dict[str, Any],
) -> None:
    undocumented, invented = [], []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            if method in WRITES and (method, path) not in BODILESS:
                if "application/json" not in body:
                    undocumented.append(f"{method.upper()} {path}")
            elif body:
                invented.append(f"{method.upper()} {path}")
    assert (undocumented, invented) == ([], [])


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    known = {f"#/components/schemas/{name}" for name in document["components"]["schemas"]}
    refs = set(_refs(document))
    assert "#/components/schemas/KbEntryBody" in refs
    assert refs - known == set()


def test_a_batch_body_is_a_list_or_an_object_holding_it(document: dict[str, Any]) -> None:
    schema = document["paths"]["/v1/events"]["post"]["requestBody"]["content"]
    forms = schema["application/json"]["schema"]["anyOf"]
    listed, wrapped = forms
    event = _resolve(document, listed["items"])
    assert {"user_id", "type"} <= set(event["required"])
    assert wrapped["required"] == ["events"]
    assert wrapped["properties"]["events"] == listed


def test_errors_of_keyed_routes_share_one_documented_shape(
    document: dict[str, Any], http: httpx.Client, keys: dict[str, str]
) -> None:
    responses = document["paths"]["/v1/texts"]["get"]["responses"]
    assert {"401", "403", "404", "422", "429"} <= set(responses)
    error = _resolve(document, responses["422"]["content"]["application/json"]["schema"])
    assert error["required"] == ["error"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    answer = http.get("/v1/texts", params={"offset": 10**20}, headers=auth(keys["read"]))
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "offset"


def test_an_undeclared_method_is_405_allowing_every_route_at_the_path(
    http: httpx.Client,
) -> None:
    answer = http.request("TRACE", "/healthz")
    assert answer.status_code == 405 and answer.headers["allow"] == "GET"
    answer = http.request("TRACE", "/v1/kb/entries")  # served by two routes
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, POST"
    assert answer.json()["error"]["code"] == "method_not_allowed"
