"""Redact personal data from free text before it is stored.

``Redactor.find`` returns non-overlapping findings; ``Redactor.redact`` swaps
each for a typed placeholder such as ``<PHONE>``. Text with no digit and no
``@`` returns at once, so the common case (most reviews) costs one regex scan.
Full-width digits and symbols (common in Chinese input) are folded to ASCII
before matching; the mapping is one character to one, so offsets still point
into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from uxlift.privacy.recognizers import RECOGNIZERS, SPECIFICITY

ENTITIES: tuple[str, ...] = tuple(RECOGNIZERS)

_TRIGGER = re.compile(r"[0-9@\uff10-\uff19\uff20]")
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its entity type and where it sits in the text."""

    entity: str
    start: int
    end: int
    text: str


def placeholder(entity: str) -> str:
    """The typed placeholder that replaces an entity, e.g. ``<EMAIL>``."""
    return f"<{entity}>"


def _resolve_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep the longest span of any overlapping group; ties go to the more specific entity."""
    ranked = sorted(spans, key=lambda s: (s[0] - s[1], SPECIFICITY[s[2]], s[0]))
    kept: list[tuple[int, int, str]] = []
    for span in ranked:
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return sorted(kept)


class Redactor:
    """Finds and replaces emails, phones, payment cards, CN IDs, IPs and IBANs."""

    def __init__(self, *, entities: Iterable[str] | None = None) -> None:
        self.entities = tuple(entities) if entities is not None else ENTITIES
        unknown = sorted(set(self.entities) - set(ENTITIES))
        if unknown:
            raise ValueError(f"unknown entities {unknown}; known: {list(ENTITIES)}")
        self._recognizers = [(name, RECOGNIZERS[name]) for name in self.entities]

    def find(self, text: str) -> list[Finding]:
        """Non-overlapping findings, sorted by position."""
        if not _TRIGGER.search(text):
            return []
        scan = text if text.isascii() else text.translate(_FULLWIDTH)
        spans = [
            (start, end, name)
            for name, recognize in self._recognizers
            for start, end in recognize(scan)
        ]
        return [Finding(name, s, e, text[s:e]) for s, e, name in _resolve_overlaps(spans)]

    def redact(self, text: str) -> str:
        """The text with every finding replaced by its placeholder."""
        findings = self.find(text)
        if not findings:
            return text
        parts, last = [], 0
        for f in findings:
            parts += (text[last : f.start], placeholder(f.entity))
            last = f.end
        parts.append(text[last:])
        return "".join(parts)


_DEFAULT = Redactor()


def find(text: str) -> list[Finding]:
    """Findings of every entity type, using the default redactor."""
    return _DEFAULT.find(text)


def redact(text: str) -> str:
    """Redact every entity type, using the default redactor."""
    return _DEFAULT.redact(text)
