"""Knowledge-base entries: FAQ answers and document passages, and their validation.

An entry is what the assistant can answer with. A FAQ entry has one or more
ways to ask (``questions``), an ``answer``, and optionally an ``intent`` (the
intent model learns from its questions) and ``tags``. A passage is a chunk of
an imported document (``kind="passage"``): its text is the answer, its
``source`` names the document and heading, and retrieval finds it by content.

Entry ids are stable: given by the caller, or derived from the language and
the first question (FAQ) or the document, heading and position (passage), so
importing the same file twice updates entries instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

from uxlift.text.language import detect_language

KINDS = ("faq", "passage")
LANGUAGES = ("en", "zh")
MAX_QUESTIONS = 50
MAX_TEXT_CHARS = 8000
MAX_POSITION = 1_000_000  # a passage's place in its document
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")
INTENT_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


@dataclass(frozen=True)
class KbEntry:
    """One answerable unit of the knowledge base."""

    entry_id: str
    kind: str
    answer: str
    language: str
    questions: tuple[str, ...] = ()
    intent: str | None = None
    tags: tuple[str, ...] = ()
    title: str | None = None
    source: str | None = None
    document: str | None = None
    position: int = 0

    def texts(self) -> list[str]:
        """What retrieval indexes: every question, or the passage (title first)."""
        if self.kind == "faq":
            return list(self.questions)
        return [f"{self.title}\n{self.answer}" if self.title else self.answer]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entry_id,
            "kind": self.kind,
            "questions": list(self.questions),
            "answer": self.answer,
            "intent": self.intent,
            "tags": list(self.tags),
            "language": self.language,
            "title": self.title,
            "source": self.source,
            "document": self.document,
            "position": self.position,
        }


@dataclass
class EntryProblems:
    """Field-level reasons one raw entry was refused."""

    problems: list[dict[str, str]] = field(default_factory=list)

    def add(self, field_name: str, reason: str) -> None:
        self.problems.append({"field": field_name, "reason": reason})


def stable_id(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"kb_{digest[:16]}"


def _text_list(value: Any, name: str, problems: EntryProblems) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts = [p for p in re.split(r"\s*\|\s*|\n", value)]
    elif isinstance(value, list | tuple):
        parts = list(value)
    else:
        problems.add(name, f"expected a list of strings, got {type(value).__name__}")
        return ()
    out: list[str] = []
    for i, part in enumerate(parts):
        if not isinstance(part, str):
            problems.add(f"{name}[{i}]", f"expected a string, got {type(part).__name__}")
            continue
        text = " ".join(part.split())
        if len(text) > MAX_TEXT_CHARS:
            problems.add(f"{name}[{i}]", f"longer than {MAX_TEXT_CHARS} characters")
        elif text and text not in out:
            out.append(text)
    return tuple(out)


def _optional_text(value: Any, name: str, problems: EntryProblems) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(name, f"expected a string, got {type(value).__name__}")
        return None
    text = value.strip()
    return text or None


def entry_from_dict(raw: Any, *, default_language: str | None = None) -> KbEntry | EntryProblems:
    """A validated entry, or the reasons it was refused (each naming its field)."""
    problems = EntryProblems()
    if not isinstance(raw, dict):
        problems.add("entry", f"expected an object, got {type(raw).__name__}")
        return problems
    known = {"id", "kind", "question", "questions", "answer", "intent", "tags", "language"}
    known |= {"title", "source", "document", "position"}
    for key in sorted(set(raw) - known):
        problems.add(str(key), "unknown field")
    kind = raw.get("kind") or "faq"
    if kind not in KINDS:
        problems.add("kind", f"must be one of {list(KINDS)}")
    questions = _text_list(raw.get("questions"), "questions", problems)
    questions += tuple(q for q in _text_list(raw.get("question"), "question", problems))
    questions = tuple(dict.fromkeys(questions))
    if len(questions) > MAX_QUESTIONS:
        problems.add("questions", f"more than {MAX_QUESTIONS} questions")
    if kind == "faq" and not questions:
        problems.add("questions", "a FAQ entry needs at least one question")
    answer = _optional_text(raw.get("answer"), "answer", problems)
    if not answer:
        problems.add("answer", "missing or empty")
    elif len(answer) > MAX_TEXT_CHARS:
        problems.add("answer", f"longer than {MAX_TEXT_CHARS} characters")
    intent = _optional_text(raw.get("intent"), "intent", problems)
    if intent is not None and not INTENT_PATTERN.fullmatch(intent):
        problems.add("intent", "use letters, digits, '_', '.' or '-' (at most 64)")
    tags = _text_list(raw.get("tags"), "tags", problems)
    language = _optional_text(raw.get("language"), "language", problems)
    if language is None:
        sample = " ".join([*questions[:3], answer or ""])
        language = default_language or (detect_language(sample) if sample.strip() else "en")
    if language not in LANGUAGES:
        problems.add("language", f"must be one of {list(LANGUAGES)}")
    entry_id = _optional_text(raw.get("id"), "id", problems)
    if entry_id is not None and not ID_PATTERN.fullmatch(entry_id):
        problems.add("id", "use 1-128 letters, digits, '_', '.', ':' or '-'")
    position = raw.get("position", 0)
    if isinstance(position, float) and position.is_integer():
        position = int(position)  # JSON does not tell 3 from 3.0
    if (
        not isinstance(position, int)
        or isinstance(position, bool)
        or not 0 <= position <= MAX_POSITION
    ):
        problems.add("position", f"must be an integer from 0 to {MAX_POSITION}")
        position = 0
    if problems.problems:
        return problems
    assert answer is not None
    document = _optional_text(raw.get("document"), "document", problems)
    if entry_id is None:
        key = questions[0] if kind == "faq" else f"{document}\x1f{position}\x1f{answer[:200]}"
        entry_id = stable_id(kind, language, key.casefold())
    return KbEntry(
        entry_id=entry_id,
        kind=kind,
        answer=answer,
        language=language,
        questions=questions,
        intent=intent,
        tags=tags,
        title=_optional_text(raw.get("title"), "title", problems),
        source=_optional_text(raw.get("source"), "source", problems),
        document=document,
        position=position,
    )


def with_id(entry: KbEntry, entry_id: str) -> KbEntry:
    return replace(entry, entry_id=entry_id)
