"""Data-subject requests: erase a user everywhere, export what is stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from uxlift.api.auth import require

router = APIRouter(prefix="/v1/users", tags=["privacy"])


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
    dependencies=[Depends(require("admin"))],
)
async def erase_user(request: Request, user_id: str) -> dict[str, Any]:
    services = request.app.state.services
    report = await run_in_threadpool(services.users.erase, user_id, actor=request.state.actor)
    return report.to_dict()
