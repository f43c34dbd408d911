"""API key management for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from uxlift.api.auth import require
from uxlift.api.body import read_model
from uxlift.api.openapi import json_body
from uxlift.keys import SCOPES

router = APIRouter(prefix="/v1/keys", tags=["admin"])


class KeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Annotated[str, Field(json_schema_extra={"enum": list(SCOPES)})]] = Field(
        min_length=1
    )


@router.post(
    "",
    openapi_extra=json_body(KeyRequest),
    summary="Create an API key (the secret is shown once)",
    dependencies=[Depends(require("admin"))],
)
async def create_key(request: Request) -> dict[str, Any]:
    body = await read_model(request, KeyRequest)
    created = request.app.state.services.keys.create(
        name=body.name, scopes=body.scopes, actor=request.state.actor
    )
    return {
        "key_id": created.key_id,
        "name": created.name,
        "scopes": list(created.scopes),
        "key": created.secret,
    }


@router.get(
    "", summary="List API keys (never their secrets)", dependencies=[Depends(require("admin"))]
)
def list_keys(request: Request) -> dict[str, Any]:
    records = request.app.state.services.keys.list()
    return {
        "keys": [
            {
                "key_id": r.key_id,
                "name": r.name,
                "scopes": list(r.scopes),
                "created_at": r.created_at.isoformat(),
                "revoked": r.revoked_at is not None,
            }
            for r in records
        ]
    }


@router.delete("/{key_id}", summary="Revoke an API key", dependencies=[Depends(require("admin"))])
def revoke_key(request: Request, key_id: str) -> dict[str, Any]:
    request.app.state.services.keys.revoke(key_id, actor=request.state.actor)
    return {"key_id": key_id, "revoked": True}
