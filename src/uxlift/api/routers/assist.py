"""The assistant: conversations, streaming, feedback, the agent queue and metrics.

Scopes: ``assist`` talks to the assistant (a chat widget's key); ``agent``
works the hand-off queue; ``admin`` reloads a newly trained intent model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from uxlift.api.auth import require
from uxlift.api.body import read_model
from uxlift.api.openapi import EVENT_STREAM_ANSWER, json_body
from uxlift.text.language import HAN

router = APIRouter(prefix="/v1/assist", tags=["assistant"])
_HAN = re.compile(f"[{HAN}]")


class NewConversation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: str | None = Field(default=None, min_length=1, max_length=256)
    language: str | None = Field(default=None, pattern="^(en|zh)$")
    attributes: dict[str, str | int | float | bool] | None = Field(default=None, max_length=20)


class NewMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=2000)
    message_id: str | None = Field(default=None, min_length=1, max_length=128)
    stream: bool = False


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")
    helpful: bool | None = None
    csat: int | None = Field(default=None, ge=1, le=5)
    message_id: str | None = Field(default=None, min_length=1, max_length=160)
    comment: str | None = Field(default=None, max_length=2000)


class AgentReply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=2000)
    agent: str = Field(default="agent", min_length=1, max_length=128)
    save_to_kb: bool = False
    question: str | None = Field(default=None, min_length=1, max_length=2000)
    intent: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.\-]{1,64}$")


def sse(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {orjson.dumps(data).decode()}\n\n".encode()


def event_stream(events: Any) -> StreamingResponse:
    """A server-sent-events response over an iterator of ``sse`` pieces (sync or async)."""
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def text_pieces(text: str | None) -> Iterator[str]:
    """The reply in small pieces (words; characters for Chinese), as a generator streams."""
    if not text:
        return
    if _HAN.search(text):
        for start in range(0, len(text), 4):
            yield text[start : start + 4]
        return
    words = text.split(" ")
    for i, word in enumerate(words):
        yield word if i == len(words) - 1 else word + " "


def streamed(reply: dict[str, Any]) -> StreamingResponse:
    """A reply as server-sent events: ``meta``, ``delta`` pieces, then ``done``."""

    def events() -> Iterator[bytes]:
        meta = {k: v for k, v in reply.items() if k != "text"}
        yield sse("meta", meta)
        for piece in text_pieces(reply.get("text")):
            yield sse("delta", {"text": piece})
        yield sse("done", {"message_id": reply.get("message_id")})

    return event_stream(events())


@router.post(
    "/conversations",
    openapi_extra=json_body(NewConversation, required=False),
    status_code=201,
    summary="Start a conversation",
    dependencies=[Depends(require("assist"))],
)
async def start_conversation(request: Request) -> dict[str, Any]:
    body = await read_model(request, NewConversation) if await request.body() else None
    conversations = request.app.state.services.conversations
    return await run_in_threadpool(
        conversations.start,
        body.user_id if body else None,
        body.language if body else None,
        body.attributes if body else None,
    )


@router.get(
    "/conversations/{conversation_id}",
    summary="A conversation and its messages",
    dependencies=[Depends(require("assist"))],
)
def get_conversation(request: Request, conversation_id: str) -> dict[str, Any]:
    return request.app.state.services.conversations.get(conversation_id)


@router.post(
    "/conversations/{conversation_id}/messages",
    responses=EVENT_STREAM_ANSWER,
    openapi_extra=json_body(NewMessage),
    summary="Send a message; get the answer, a clarifying question or a hand-off",
    description=(
        "Returns action (answer | clarify | handoff), text, intent, confidence, sources and "
        "options. With \"stream\": true or 'Accept: text/event-stream' the reply comes as "
        "server-sent events (meta, delta..., done). A repeated message_id returns the "
        "stored reply."
    ),
    dependencies=[Depends(require("assist"))],
)
async def post_message(request: Request, conversation_id: str) -> Any:
    body = await read_model(request, NewMessage)
    conversations = request.app.state.services.conversations
    reply = await run_in_threadpool(
        conversations.send, conversation_id, body.text, message_id=body.message_id
    )
    wants_stream = body.stream or "text/event-stream" in request.headers.get("accept", "")
    return streamed(reply) if wants_stream else reply


@router.post(
    "/conversations/{conversation_id}/feedback",
    openapi_extra=json_body(Feedback),
    summary="Helpful or not, and/or CSAT 1-5",
    dependencies=[Depends(require("assist"))],
)
async def post_feedback(request: Request, conversation_id: str) -> dict[str, Any]:
    body = await read_model(request, Feedback)
    return await run_in_threadpool(
        request.app.state.services.conversations.feedback,
        conversation_id,
        helpful=body.helpful,
        csat=body.csat,
        message_id=body.message_id,
        comment=body.comment,
    )


@router.get("/handoffs", summary="The agent queue", dependencies=[Depends(require("agent"))])
def list_handoffs(
    request: Request,
    status: str | None = Query("open", pattern="^(open|answered|all)$"),
    limit: int = Query(100, ge=1, le=500),
) -> dict[str, Any]:
    chosen = None if status == "all" else status
    tickets = request.app.state.services.conversations.tickets(chosen, limit)
    return {"tickets": tickets}


@router.get("/handoffs/{ticket_id}", summary="One ticket", dependencies=[Depends(require("agent"))])
def get_handoff(request: Request, ticket_id: str) -> dict[str, Any]:
    return request.app.state.services.conversations.ticket(ticket_id)


@router.post(
    "/handoffs/{ticket_id}/reply",
    openapi_extra=json_body(AgentReply),
    summary="Answer a ticket; optionally save the answer into the knowledge base",
    dependencies=[Depends(require("agent"))],
)
async def reply_handoff(request: Request, ticket_id: str) -> dict[str, Any]:
    body = await read_model(request, AgentReply)
    return await run_in_threadpool(
        request.app.state.services.conversations.agent_reply,
        ticket_id,
        body.text,
        agent=body.agent,
        save_to_kb=body.save_to_kb,
        question=body.question,
        intent=body.intent,
    )


@router.get(
    "/metrics",
    summary="Containment, hand-off rate, CSAT and answer latency",
    dependencies=[Depends(require("read"))],
)
def assistant_metrics(request: Request) -> dict[str, Any]:
    services = request.app.state.services
    out = services.conversations.metrics()
    out["intent_model"] = services.assistant.intent_version
    return out


@router.post(
    "/reload",
    summary="Load the newest trained intent model",
    dependencies=[Depends(require("admin"))],
)
async def reload_assistant(request: Request) -> dict[str, Any]:
    version = await run_in_threadpool(request.app.state.services.assistant.reload)
    return {"intent_model": version}
