"""Cutting documents (Markdown or plain text) into passages for retrieval.

A passage stays under one heading: Markdown is split at every ``#`` heading,
and each section's paragraphs are packed into passages of at most
``max_chars`` characters. A paragraph longer than that is split at sentence
ends (``.!?`` and the Chinese ``。！？``), and a sentence longer than that at
``max_chars``. Each passage records its heading path ("Returns > Refunds"),
which is shown as the answer's source and indexed with the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from uxlift.text.language import HAN, KANA

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
DEFAULT_MAX_CHARS = 700
_CJK = re.compile(f"[{HAN}{KANA}\u3000-\u303f\uff00-\uffef]")  # scripts and their punctuation


@dataclass(frozen=True)
class Passage:
    heading: str
    text: str
    position: int


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading path, lines) per section, in document order."""
    path: list[tuple[int, str]] = []
    sections: list[tuple[str, list[str]]] = [("", [])]
    in_code = False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
        match = None if in_code else HEADING.match(line)
        if match:
            level, title = len(match.group(1)), match.group(2).strip()
            path = [(lv, t) for lv, t in path if lv < level] + [(level, title)]
            sections.append((" > ".join(t for _, t in path), []))
        else:
            sections[-1][1].append(line)
    return [(heading, lines) for heading, lines in sections if "".join(lines).strip()]


def _paragraphs(lines: list[str]) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return out


def _pieces(paragraph: str, max_chars: int) -> list[str]:
    if len(paragraph) <= max_chars:
        return [paragraph]
    pieces: list[str] = []
    for sentence in (s for s in SENTENCE_END.split(paragraph) if s.strip()):
        while len(sentence) > max_chars:
            pieces.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        pieces.append(sentence)
    return pieces


def _joiner(a: str, b: str) -> str:
    """No space between pieces where either side is Chinese or Japanese script."""
    return "" if _CJK.match(a[-1:]) or _CJK.match(b[:1]) else " "


def chunk_document(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> list[Passage]:
    """The passages of ``text``, each under ``max_chars`` characters."""
    if max_chars < 50:
        raise ValueError("max_chars must be at least 50")
    passages: list[Passage] = []
    for heading, lines in _sections(text):
        current = ""
        for paragraph in _paragraphs(lines):
            for piece in _pieces(paragraph, max_chars):
                if current and len(current) + 1 + len(piece) > max_chars:
                    passages.append(Passage(heading, current, len(passages)))
                    current = ""
                current = f"{current}{_joiner(current, piece)}{piece}" if current else piece
        if current:
            passages.append(Passage(heading, current, len(passages)))
    return passages
