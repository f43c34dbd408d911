"""One error tree for the whole package.

Every error carries a machine-readable ``code``, the HTTP ``status`` it maps to,
a human ``message`` and optional ``details`` (e.g. one entry per rejected field).
The API renders them as ``{"error": {"code", "message", "details"}}``; the CLI
prints one line and exits with ``exit_code``.
"""

from __future__ import annotations

from typing import Any


class UxliftError(Exception):
    """Base of every error uxlift raises on purpose."""

    code = "error"
    status = 500
    exit_code = 1

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidInput(UxliftError):
    """The caller sent something that fails validation."""

    code = "invalid_input"
    status = 422
    exit_code = 2


class BadRequest(InvalidInput):
    """The request cannot be parsed at all (malformed JSON, wrong content type)."""

    code = "bad_request"
    status = 400


class NotFound(UxliftError):
    code = "not_found"
    status = 404
    exit_code = 3


class Conflict(UxliftError):
    code = "conflict"
    status = 409
    exit_code = 4


class Unauthorized(UxliftError):
    code = "unauthorized"
    status = 401
    exit_code = 5


class Forbidden(UxliftError):
    code = "forbidden"
    status = 403
    exit_code = 5


class PayloadTooLarge(UxliftError):
    code = "payload_too_large"
    status = 413
    exit_code = 2


class RateLimited(UxliftError):
    code = "rate_limited"
    status = 429
    exit_code = 6

    def __init__(self, message: str, *, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NotFitted(UxliftError):
    """A model was used before ``fit`` (or before one was trained and saved)."""

    code = "not_fitted"
    status = 409
    exit_code = 7


class ConfigError(UxliftError):
    """The configuration is unsafe or inconsistent."""

    code = "config_error"
    status = 500
    exit_code = 8


class StorageError(UxliftError):
    """The embedded store failed or is locked by another process."""

    code = "storage_error"
    status = 503
    exit_code = 9
