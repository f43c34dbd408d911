"""Conversations with the assistant: turns, hand-offs to agents, feedback.

The I/O shell around :class:`~uxlift.assist.assistant.Assistant`. A turn
stores the user's message (redacted) and the reply, updates the
conversation's state, and logs one ``chat`` event (redacted text; action,
intent and confidence in its properties) in the shared event log. A hand-off
opens a ticket holding the redacted transcript; while a ticket is open the
user's messages go to the agent, not the bot. An agent's reply reaches the
conversation and may be saved into the knowledge base as a FAQ answer to the
question the user asked: the learning loop.

A client may send its own ``message_id``: a retried message returns the stored
reply instead of a second one.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from uxlift.assist.assistant import Assistant, Reply
from uxlift.assist.chat_events import event_table
from uxlift.assist.kb_service import KnowledgeBaseService
from uxlift.assist.policy import HANDOFF, ConversationState
from uxlift.errors import Conflict, InvalidInput, NotFound
from uxlift.events.ingest import EventIngestor
from uxlift.experiments.definition import audience_attributes
from uxlift.privacy.pseudonymize import Pseudonymizer
from uxlift.privacy.redact import Redactor
from uxlift.store import Store
from uxlift.store import conversations as rows

SURFACE = "assistant"
MAX_MESSAGE_CHARS = 2000
MAX_ID_CHARS = 128


def _check_text(text: Any, field: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(f"{field} is empty", details=[{"field": field, "reason": "empty"}])
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            f"{field} is too long",
            details=[{"field": field, "reason": f"more than {MAX_MESSAGE_CHARS} characters"}],
        )
    return text.strip()


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


class ConversationService:
    def __init__(
        self,
        store: Store,
        assistant: Assistant,
        kb: KnowledgeBaseService,
        events: EventIngestor,
        pseudonymizer: Pseudonymizer,
        redactor: Redactor,
    ) -> None:
        self.store = store
        self.assistant = assistant
        self.kb = kb
        self.events = events
        self.pseudonymizer = pseudonymizer
        self.redactor = redactor
        self.experiments: Any = None  # ExperimentService, set when the services are wired
        self.clock: Callable[[], float] = time.time  # a simulation may run its own clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC).replace(tzinfo=None)

    # ------------------------------------------------------------ lifecycle
    def start(
        self,
        user_id: str | None = None,
        language: str | None = None,
        attributes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new conversation. ``attributes`` (e.g. ``{"platform": "ios"}``) are matched
        against the audience filters of experiments on the assistant."""
        if user_id is not None and (not isinstance(user_id, str) or not user_id.strip()):
            raise InvalidInput(
                "user_id must be a non-empty string",
                details=[{"field": "user_id", "reason": "empty or not a string"}],
            )
        if language not in (None, "en", "zh"):
            raise InvalidInput(
                "language must be 'en' or 'zh'",
                details=[{"field": "language", "reason": f"got {language!r}"}],
            )
        conversation_id = _new_id("conv")
        user_key = self.pseudonymizer.user_key(user_id or f"anonymous:{conversation_id}")
        state = ConversationState(
            language=language or "en", attributes=audience_attributes(attributes)
        )
        with self.store.transaction() as cur:
            rows.insert_conversation(
                cur, conversation_id, user_key, language, state.to_dict(), self._now()
            )
        return {"id": conversation_id, "status": "open", "language": language}

    def _conversation(self, conversation_id: str) -> dict[str, Any]:
        found = rows.get_conversation(self.store.cursor(), conversation_id)
        if found is None:
            raise NotFound(f"no conversation {conversation_id!r}")
        return found

    def get(self, conversation_id: str) -> dict[str, Any]:
        conversation = self._conversation(conversation_id)
        cur = self.store.cursor()
        ticket = rows.open_ticket_of(cur, conversation_id)
        return {
            "id": conversation["id"],
            "status": conversation["status"],
            "language": conversation["language"],
            "ticket_id": ticket["ticket_id"] if ticket else None,
            "messages": [_public_message(m) for m in rows.messages(cur, conversation_id)],
        }

    # ---------------------------------------------------------------- turns
    def send(
        self, conversation_id: str, text: Any, *, message_id: str | None = None
    ) -> dict[str, Any]:
        """Answer one user message (or pass it to the agent while a ticket is open)."""
        text = _check_text(text, "text")
        if message_id is not None:
            if not isinstance(message_id, str) or not 0 < len(message_id) <= MAX_ID_CHARS:
                raise InvalidInput(
                    "message_id must be a string of 1-128 characters",
                    details=[{"field": "message_id", "reason": "bad length or type"}],
                )
            earlier = rows.get_message(self.store.cursor(), f"{conversation_id}:{message_id}")
            if earlier is not None:
                return self._replay(conversation_id, earlier)
        conversation = self._conversation(conversation_id)
        user_message_id = f"{conversation_id}:{message_id or _new_id('msg')}"
        redacted = self.redactor.redact(text)
        ticket = rows.open_ticket_of(self.store.cursor(), conversation_id)
        if ticket is not None:
            return self._to_agent(conversation, ticket, user_message_id, redacted)
        state = ConversationState.from_dict(conversation["state"])
        started = time.perf_counter()
        generate = None
        if self.experiments is not None:  # an experiment may turn generation on or off
            config, _ = self.experiments.configure_key(
                conversation["user_key"], "assist.", dict(state.attributes)
            )
            generate = config.get("generation")
        reply = self.assistant.reply(text, state, conversation["user_key"], generate=generate)
        latency_ms = (time.perf_counter() - started) * 1000
        ticket_id = self._record_turn(conversation, user_message_id, redacted, reply, latency_ms)
        return self._response(conversation_id, user_message_id, reply, latency_ms, ticket_id)

    def _record_turn(
        self,
        conversation: dict[str, Any],
        user_message_id: str,
        redacted: str,
        reply: Reply,
        latency_ms: float,
    ) -> str | None:
        now = self._now()
        conversation_id, user_key = conversation["id"], conversation["user_key"]
        ticket_id = _new_id("tkt") if reply.action == HANDOFF else None
        with self.store.transaction() as cur:
            rows.insert_message(cur, {
                "message_id": user_message_id, "conversation_id": conversation_id,
                "user_key": user_key, "role": "user", "text": redacted, "ts": now,
            })  # fmt: skip
            rows.insert_message(cur, {
                "message_id": f"{user_message_id}:reply", "conversation_id": conversation_id,
                "user_key": user_key, "role": "assistant", "text": self.redactor.redact(reply.text),
                "action": reply.action, "intent": reply.intent, "confidence": reply.confidence,
                "sources": reply.sources, "latency_ms": latency_ms,
                "ts": now,
            })  # fmt: skip
            status = "handed_off" if ticket_id else "open"
            rows.update_conversation(
                cur, conversation_id, state=reply.state.to_dict(), status=status,
                language=reply.language, at=now,
            )  # fmt: skip
            if ticket_id:
                transcript = [
                    {"role": m["role"], "text": m["text"], "ts": m["ts"].isoformat()}
                    for m in rows.messages(cur, conversation_id)
                ]
                rows.insert_ticket(cur, {
                    "ticket_id": ticket_id, "conversation_id": conversation_id,
                    "user_key": user_key, "reason": reply.reason or "handoff", "status": "open",
                    "transcript": transcript, "created_at": now, "updated_at": now,
                })  # fmt: skip
        self._log_event(
            user_key, user_message_id, conversation_id, "chat", redacted,
            {"role": "user", "action": reply.action, "intent": reply.intent,
             "confidence": round(reply.confidence, 4), "in_scope": reply.in_scope},
        )  # fmt: skip
        return ticket_id

    def _to_agent(
        self, conversation: dict, ticket: dict, user_message_id: str, redacted: str
    ) -> dict[str, Any]:
        now = self._now()
        with self.store.transaction() as cur:
            rows.insert_message(cur, {
                "message_id": user_message_id, "conversation_id": conversation["id"],
                "user_key": conversation["user_key"], "role": "user", "text": redacted,
                "action": HANDOFF, "ts": now,
            })  # fmt: skip
            rows.append_transcript(
                cur, ticket["ticket_id"], {"role": "user", "text": redacted, "ts": now.isoformat()},
                now,
            )  # fmt: skip
        self._log_event(
            conversation["user_key"], user_message_id, conversation["id"], "chat", redacted,
            {"role": "user", "action": HANDOFF, "ticket_id": ticket["ticket_id"]},
        )  # fmt: skip
        return {
            "conversation_id": conversation["id"],
            "message_id": user_message_id.split(":", 1)[1],
            "action": HANDOFF,
            "text": None,
            "intent": None,
            "confidence": None,
            "sources": [],
            "options": [],
            "ticket_id": ticket["ticket_id"],
            "waiting_for_agent": True,
        }

    def _response(
        self, conversation_id: str, user_message_id: str, reply: Reply, latency_ms: float,
        ticket_id: str | None,
    ) -> dict[str, Any]:  # fmt: skip
        return {
            "conversation_id": conversation_id,
            "message_id": user_message_id.split(":", 1)[1],
            **reply.to_dict(),
            "ticket_id": ticket_id,
            "latency_ms": round(latency_ms, 2),
        }

    def _replay(self, conversation_id: str, earlier: dict[str, Any]) -> dict[str, Any]:
        cur = self.store.cursor()
        answer = rows.get_message(cur, f"{earlier['message_id']}:reply")
        ticket = rows.open_ticket_of(cur, conversation_id)
        return {
            "conversation_id": conversation_id,
            "message_id": earlier["message_id"].split(":", 1)[1],
            "action": answer["action"] if answer else HANDOFF,
            "text": answer["text"] if answer else None,
            "intent": answer["intent"] if answer else None,
            "confidence": answer["confidence"] if answer else None,
            "sources": answer["sources"] if answer else [],
            "options": [],
            "ticket_id": ticket["ticket_id"] if ticket else None,
            "replayed": True,
        }

    # --------------------------------------------------------------- agents
    def tickets(self, status: str | None = "open", limit: int = 100) -> list[dict[str, Any]]:
        if status not in (None, "open", "answered"):
            raise InvalidInput(
                "status must be 'open' or 'answered'",
                details=[{"field": "status", "reason": f"got {status!r}"}],
            )
        if not 1 <= limit <= 500:
            raise InvalidInput(
                "limit must be between 1 and 500", details=[{"field": "limit", "reason": "range"}]
            )
        return [_public_ticket(t) for t in rows.list_tickets(self.store.cursor(), status, limit)]

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        found = rows.get_ticket(self.store.cursor(), ticket_id)
        if found is None:
            raise NotFound(f"no ticket {ticket_id!r}")
        return _public_ticket(found)

    def agent_reply(
        self,
        ticket_id: str,
        text: Any,
        *,
        agent: str = "agent",
        save_to_kb: bool = False,
        question: str | None = None,
        intent: str | None = None,
    ) -> dict[str, Any]:
        """The agent answers the ticket; optionally the answer joins the knowledge base."""
        text = _check_text(text, "text")
        ticket = rows.get_ticket(self.store.cursor(), ticket_id)
        if ticket is None:
            raise NotFound(f"no ticket {ticket_id!r}")
        if ticket["status"] != "open":
            raise Conflict(f"ticket {ticket_id!r} is already answered")
        now = self._now()
        conversation = self._conversation(ticket["conversation_id"])
        redacted = self.redactor.redact(text)
        message_id = f"{conversation['id']}:{_new_id('agent')}"
        with self.store.transaction() as cur:
            rows.insert_message(cur, {
                "message_id": message_id, "conversation_id": conversation["id"],
                "user_key": conversation["user_key"], "role": "agent", "text": redacted,
                "action": "answer", "ts": now,
            })  # fmt: skip
            rows.answer_ticket(cur, ticket_id, redacted, agent, now)
            state = ConversationState.from_dict(conversation["state"])
            calm = ConversationState(language=state.language, attributes=state.attributes)
            rows.update_conversation(
                cur, conversation["id"], state=calm.to_dict(), status="open",
                language=conversation["language"], at=now,
            )  # fmt: skip
        self._log_event(
            conversation["user_key"], message_id, conversation["id"], "chat", redacted,
            {"role": "agent", "ticket_id": ticket_id},
        )  # fmt: skip
        saved = None
        if save_to_kb:
            saved = self._save_answer(ticket, redacted, question, intent, state.language)
        return {"ticket_id": ticket_id, "status": "answered", "kb_entry_id": saved}

    def _save_answer(
        self, ticket: dict, answer: str, question: str | None, intent: str | None, language: str
    ) -> str:
        asked = question or next(
            (line["text"] for line in reversed(ticket["transcript"]) if line["role"] == "user"),
            None,
        )
        if not asked:
            raise InvalidInput(
                "no question to save the answer under",
                details=[{"field": "question", "reason": "the transcript has no user message"}],
            )
        raw: dict[str, Any] = {"questions": [asked], "answer": answer, "language": language}
        if intent:
            raw["intent"] = intent
        report = self.kb.upsert([raw])
        if report.rejected:
            raise InvalidInput("the answer cannot be saved", details=report.rejected)
        return report.ids[0]

    # ------------------------------------------------------------- feedback
    def feedback(
        self,
        conversation_id: str,
        *,
        helpful: bool | None = None,
        csat: int | None = None,
        message_id: str | None = None,
        comment: str | None = None,
    ) -> dict[str, Any]:
        if helpful is None and csat is None:
            raise InvalidInput(
                "give helpful and/or csat",
                details=[{"field": "helpful", "reason": "neither helpful nor csat given"}],
            )
        if csat is not None and (isinstance(csat, bool) or csat not in range(1, 6)):
            raise InvalidInput(
                "csat must be an integer from 1 to 5",
                details=[{"field": "csat", "reason": f"got {csat!r}"}],
            )
        conversation = self._conversation(conversation_id)
        properties: dict[str, Any] = {"surface": SURFACE, "conversation_id": conversation_id}
        if helpful is not None:
            properties["helpful"] = bool(helpful)
        if message_id:
            properties["message_id"] = message_id
        if comment:
            properties["comment"] = self.redactor.redact(_check_text(comment, "comment"))
        event_id = f"feedback-{conversation_id}-{message_id or 'conversation'}"
        self._log_event(
            conversation["user_key"], event_id, conversation_id, "feedback", None, properties,
            value=float(csat) if csat is not None else None, raw_id=True,
        )  # fmt: skip
        return {"conversation_id": conversation_id, "recorded": True}

    def metrics(self, since: datetime | None = None) -> dict[str, Any]:
        cur = self.store.cursor()
        return {**rows.assistant_metrics(cur, since), **rows.feedback_metrics(cur, SURFACE, since)}

    # ---------------------------------------------------------------- events
    def _log_event(
        self,
        user_key: str,
        message_id: str,
        conversation_id: str,
        event_type: str,
        text: str | None,
        properties: dict[str, Any],
        *,
        value: float | None = None,
        raw_id: bool = False,
    ) -> None:
        """One event in the shared log (text already redacted; a retry stores nothing twice)."""
        event_id = message_id if raw_id else f"chat-{message_id}"
        self.events.store_table(
            event_table(
                event_id, user_key, conversation_id, event_type, text,
                {"surface": SURFACE, "conversation_id": conversation_id, **properties}, value,
                self._now(),
            )
        )  # fmt: skip


def _public_message(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": message["message_id"].split(":", 1)[1],
        "role": message["role"],
        "text": message["text"],
        "action": message["action"],
        "intent": message["intent"],
        "confidence": message["confidence"],
        "sources": message["sources"],
        "ts": message["ts"].isoformat() + "Z",
    }


def _public_ticket(ticket: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": ticket["ticket_id"],
        "conversation_id": ticket["conversation_id"],
        "reason": ticket["reason"],
        "status": ticket["status"],
        "transcript": ticket["transcript"],
        "agent_reply": ticket["agent_reply"],
        "agent": ticket["agent"],
        "created_at": ticket["created_at"].isoformat() + "Z",
        "updated_at": ticket["updated_at"].isoformat() + "Z",
    }
