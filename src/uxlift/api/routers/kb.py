"""The knowledge base: FAQ entries and document passages (CRUD and document upload).

Writes need the ``agent`` scope (agents curate answers); reads need ``read``.
Every change reaches the assistant on its next message, without a restart.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from uxlift.api.auth import require
from uxlift.api.body import read_batch, read_json, read_model
from uxlift.api.documented_bodies import KbEntryBody
from uxlift.api.openapi import batch_body, json_body
from uxlift.api.paging import MAX_OFFSET
from uxlift.assist.kb_files import DOCUMENT_SUFFIXES
from uxlift.errors import InvalidInput

router = APIRouter(prefix="/v1/kb", tags=["knowledge base"])


class DocumentUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"^[^/\\]+$",
        json_schema_extra={"pattern": r"^[^/\\]+\.(md|markdown|txt)$"},
    )
    text: str = Field(min_length=1, max_length=2_000_000)
    language: str | None = Field(default=None, pattern="^(en|zh)$")
    max_chars: int | None = Field(default=None, ge=50, le=5000)


@router.post(
    "/entries",
    openapi_extra=batch_body(KbEntryBody, "entries"),
    summary="Add or replace entries",
    description=(
        'Body: a JSON array of entries, or {"entries": [...]}. An entry has questions (or '
        "question), answer, and optionally intent, tags, language and id. Valid entries are "
        "kept; each refused one is reported with its row, field and reason."
    ),
    dependencies=[Depends(require("agent"))],
)
async def post_entries(request: Request) -> dict[str, Any]:
    services = request.app.state.services
    raw = await read_batch(request, "entries", max_rows=services.settings.max_batch_events)
    report = await run_in_threadpool(services.kb.upsert, raw)
    if raw and not report.ids:
        raise InvalidInput("no entry in the batch is valid", details=report.rejected)
    return report.to_dict()


@router.post(
    "/documents",
    openapi_extra=json_body(DocumentUpload),
    summary="Import a Markdown or text document as passages",
    description="Re-importing a document with the same name replaces its passages.",
    dependencies=[Depends(require("agent"))],
)
async def post_document(request: Request) -> dict[str, Any]:
    body = await read_model(request, DocumentUpload)
    suffix = Path(body.name).suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise InvalidInput(
            f"document name must end in one of {list(DOCUMENT_SUFFIXES)}",
            details=[{"field": "name", "reason": f"suffix {suffix or '(none)'}"}],
        )
    kb = request.app.state.services.kb

    def run() -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / body.name
            path.write_text(body.text, encoding="utf-8")
            report = kb.import_file(
                path, language=body.language, document=body.name, max_chars=body.max_chars
            )
        return report.to_dict()

    return await run_in_threadpool(run)


@router.get("/entries", summary="List entries", dependencies=[Depends(require("read"))])
def list_entries(
    request: Request,
    kind: str | None = Query(None, pattern="^(faq|passage)$"),
    language: str | None = Query(None, pattern="^(en|zh)$"),
    intent: str | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    entries, total = request.app.state.services.kb.list(
        kind=kind, language=language, intent=intent, limit=limit, offset=offset
    )
    return {
        "entries": [e.to_dict() for e in entries],
        "total": total,
        "limit": limit,
        "offset": offset,
    }


@router.get("/entries/{entry_id}", summary="One entry", dependencies=[Depends(require("read"))])
def get_entry(request: Request, entry_id: str) -> dict[str, Any]:
    return request.app.state.services.kb.get(entry_id).to_dict()


@router.put(
    "/entries/{entry_id}",
    summary="Replace one entry",
    dependencies=[Depends(require("agent"))],
    openapi_extra=json_body(KbEntryBody),
)
async def put_entry(request: Request, entry_id: str) -> dict[str, Any]:
    raw = await read_json(request)
    if isinstance(raw, dict):
        raw.pop("id", None)
    entry = await run_in_threadpool(request.app.state.services.kb.replace, entry_id, raw)
    return entry.to_dict()


@router.delete(
    "/entries/{entry_id}",
    status_code=204,
    summary="Delete one entry",
    dependencies=[Depends(require("agent"))],
)
async def delete_entry(request: Request, entry_id: str) -> None:
    await run_in_threadpool(request.app.state.services.kb.delete, entry_id)
