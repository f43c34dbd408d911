"""Every error leaves the API in one shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
import math

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from uxlift.errors import RateLimited, UxliftError

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "invalid_input",
    429: "rate_limited",
}


def error_response(status: int, code: str, message: str, details: list | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


async def _uxlift_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, UxliftError)
    response = error_response(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
    if exc.status >= 500:
        log.error("%s: %s", exc.code, exc.message)
    return response


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "field": ".".join(str(p) for p in err.get("loc", ())[1:]) or "<body>",
            "reason": err.get("msg"),
        }
        for err in exc.errors()
    ]
    return error_response(422, "invalid_input", "the request is invalid", details)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    response = error_response(exc.status_code, code, str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(_methods_taken_at(request, exc))
    return response


def _methods_taken_at(request: Request, refused: StarletteHTTPException) -> list[str]:
    """The methods that some route at this path takes, less the one refused (routing
    alone names only the first route's, and one path may be served by several)."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    for route in (*getattr(request.app.state, "api_routes", ()), *request.app.router.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(path):
            methods |= getattr(route, "methods", None) or set()
    if not methods:
        allowed = (refused.headers or {}).get("Allow", "")
        methods = {m.strip() for m in allowed.split(",") if m.strip()}
    return sorted(methods - {request.method})


async def _unexpected(_: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal", "internal error; see the server log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UxliftError, _uxlift_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
