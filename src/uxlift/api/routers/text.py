"""Text embeddings over HTTP, with concurrent small requests batched together."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from uxlift.api.auth import require
from uxlift.api.body import read_model
from uxlift.api.openapi import json_body
from uxlift.errors import InvalidInput

router = APIRouter(prefix="/v1", tags=["text"])
MAX_TEXTS = 256


class EmbedRequest(BaseModel):
    texts: list[str] = Field(min_length=1, max_length=MAX_TEXTS)


@router.post(
    "/embed",
    openapi_extra=json_body(EmbedRequest),
    summary="Embed texts with the configured encoder",
    description='Body: {"texts": [...]} (1-256 texts). Returns unit vectors and the encoder id.',
    dependencies=[Depends(require("read"))],
)
async def embed(request: Request) -> dict[str, Any]:
    services = request.app.state.services
    body = await read_model(request, EmbedRequest)
    limit = services.settings.max_text_chars
    too_long = [
        {"field": f"texts.{i}", "reason": f"longer than {limit} characters"}
        for i, text in enumerate(body.texts)
        if len(text) > limit
    ]
    if too_long:
        raise InvalidInput("some texts are too long", details=too_long)
    vectors = await run_in_threadpool(services.query_encoder.encode, body.texts)
    return {
        "encoder": services.query_encoder.id,
        "dim": int(vectors.shape[1]),
        "vectors": [[round(float(x), 6) for x in row] for row in vectors],
    }
