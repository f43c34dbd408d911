"""Data-subject requests: erase a user everywhere, export what is stored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

from uxlift.api.auth import require

router = APIRouter(prefix="/v1/users", tags=["privacy"])

BELOW_A_USER = re.compile(r"/v1/users/\{user_id(?::path)?\}/([^/{}]+)")


def routes_below_a_user(routes: Iterable[BaseRoute]) -> set[str]:
    """``{"export", "recommendations"}``: the routes under ``/v1/users/{user_id}/``."""
    found = (BELOW_A_USER.fullmatch(getattr(route, "path", "")) for route in routes)
    return {match[1] for match in found if match}


@router.get(
    "/{user_id:path}/export",
    summary="Everything stored about a user (right of access); audited",
    dependencies=[Depends(require("admin"))],
)
async def export_user(request: Request, user_id: str) -> dict[str, Any]:
    services = request.app.state.services
    return await run_in_threadpool(services.users.export, user_id, actor=request.state.actor)


@router.delete(
    "/{user_id:path}",
    summary="Erase every row tied to a user (right to erasure); audited",
    description=(
        "An id may hold '/'. Encode it as %2F when the id ends in the name of a route "
        "below a user ('/export', '/recommendations'): sent plain, that is the route, "
        "and DELETE on it answers 405."
    ),
    responses={405: {"description": "the path names a route below a user"}},
    dependencies=[Depends(require("admin"))],
)
async def erase_user(request: Request, user_id: str) -> dict[str, Any]:
    # A DELETE on a route below a user is a wrong method, not the erasure of a user whose
    # id ends in "/export"; such an id, sent with its slash encoded (%2F), is erased.
    head, _, last = user_id.rpartition("/")
    raw_path = request.scope.get("raw_path", b"").decode("latin-1")
    if (
        head
        and last in routes_below_a_user(request.app.state.api_routes)
        and raw_path.endswith(f"/{last}")
    ):
        raise HTTPException(405, f"DELETE is not allowed on /{last}")  # Allow: added on 405
    services = request.app.state.services
    report = await run_in_threadpool(services.users.erase, user_id, actor=request.state.actor)
    return report.to_dict()
