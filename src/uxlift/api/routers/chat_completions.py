"""An OpenAI-compatible ``POST /v1/chat/completions`` facade over the assistant.

Any chat client that speaks the OpenAI API (the ``openai`` package, chat UIs)
can talk to the assistant: the last user message is answered, the reply is the
message content, and ``stream: true`` sends ``chat.completion.chunk`` events
ending with ``data: [DONE]``. The assistant's view (action, intent,
confidence, sources, options) travels in an extra ``uxlift`` field of the
completion (and of the first chunk).

The OpenAI protocol is stateless, so each request is a new conversation
unless the client sends back the ``X-Uxlift-Conversation`` header it got:
then the message continues that conversation (clarifications, hand-off).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from uxlift.api.auth import require
from uxlift.api.body import read_model
from uxlift.api.openapi import EVENT_STREAM_ANSWER, json_body
from uxlift.api.routers.assist import text_pieces
from uxlift.errors import InvalidInput

router = APIRouter(prefix="/v1", tags=["assistant"])
MODEL = "uxlift-assistant"
HEADER = "X-Uxlift-Conversation"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str = MODEL
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    user: str | None = Field(default=None, max_length=256)


def _text_of(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    parts = message.content or []
    return " ".join(str(p.get("text", "")) for p in parts if p.get("type") == "text")


def content_of(reply: dict[str, Any]) -> str:
    """What a plain chat client shows: the text, with numbered options when clarifying."""
    text = reply.get("text") or ""
    options = reply.get("options") or []
    if options:
        text += "\n" + "\n".join(f"{i}. {o['label']}" for i, o in enumerate(options, start=1))
    return text


def _uxlift_view(reply: dict[str, Any], conversation_id: str) -> dict[str, Any]:
    keys = ("action", "intent", "confidence", "sources", "options", "ticket_id", "message_id")
    return {"conversation_id": conversation_id, **{k: reply.get(k) for k in keys}}


def _chunk(completion_id: str, created: int, delta: dict, finish: str | None) -> bytes:
    body = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + orjson.dumps(body) + b"\n\n"


@router.post(
    "/chat/completions",
    responses=EVENT_STREAM_ANSWER,
    openapi_extra=json_body(ChatRequest),
    summary="OpenAI-compatible chat completions answered by the assistant",
    dependencies=[Depends(require("assist"))],
)
async def chat_completions(request: Request) -> Any:
    body = await read_model(request, ChatRequest)
    users = [m for m in body.messages if m.role == "user"]
    if not users or not _text_of(users[-1]).strip():
        raise InvalidInput(
            "the conversation needs a user message with text",
            details=[{"field": "messages", "reason": "no user message with text"}],
        )
    conversations = request.app.state.services.conversations
    conversation_id = request.headers.get(HEADER)

    def run() -> tuple[str, dict[str, Any]]:
        chosen = conversation_id
        if not chosen:
            chosen = conversations.start(body.user)["id"]
        return chosen, conversations.send(chosen, _text_of(users[-1]))

    chosen, reply = await run_in_threadpool(run)
    created = int(time.time())
    completion_id = f"chatcmpl-{reply['message_id']}"
    content = content_of(reply)
    headers = {HEADER: chosen}
    if body.stream:
        return StreamingResponse(
            _stream(completion_id, created, content, _uxlift_view(reply, chosen)),
            media_type="text/event-stream",
            headers={**headers, "Cache-Control": "no-store"},
        )
    completion = {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": len(_text_of(users[-1]).split()),
            "completion_tokens": len(content.split()),
            "total_tokens": len(_text_of(users[-1]).split()) + len(content.split()),
        },
        "uxlift": _uxlift_view(reply, chosen),
    }
    return JSONResponse(completion, headers=headers)


def _stream(
    completion_id: str, created: int, content: str, view: dict[str, Any]
) -> Iterator[bytes]:
    first = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL,
        "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}],
        "uxlift": view,
    }
    yield b"data: " + orjson.dumps(first) + b"\n\n"
    for piece in text_pieces(content):
        yield _chunk(completion_id, created, {"content": piece}, None)
    yield _chunk(completion_id, created, {}, "stop")
    yield b"data: [DONE]\n\n"
