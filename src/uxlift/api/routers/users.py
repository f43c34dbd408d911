"""Data-subject requests: erase a user everywhere, export what is stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from uxlift.api.auth import require

router = APIRouter(prefix="/v1/users", tags=["privacy"])

# Routes below a user; a DELETE on one of them is a wrong method, not an erasure of a
# user whose id happens to end in "/export".
USER_SUBROUTES = {"export": "GET", "recommendations": "GET"}


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
        "An id may hold '/'. One ending in '/export' or '/recommendations' names a route "
        "below a user and answers 405; erase such a user with `uxlift users erase`."
    ),
    dependencies=[Depends(require("admin"))],
)
async def erase_user(request: Request, user_id: str) -> dict[str, Any]:
    head, _, last = user_id.rpartition("/")
    if head and last in USER_SUBROUTES:
        raise HTTPException(
            405, f"DELETE is not allowed on /{last}", headers={"Allow": USER_SUBROUTES[last]}
        )
    services = request.app.state.services
    report = await run_in_threadpool(services.users.erase, user_id, actor=request.state.actor)
    return report.to_dict()
