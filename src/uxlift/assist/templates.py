"""Answer templates: ``{{slot}}`` and ``{{slot|fallback}}`` filled from the user's context.

A FAQ answer may name facts about the asking user ("Your last order, {{last_order_item}},
...") that a :class:`UserContextProvider` supplies. A slot without a value takes its
fallback, or is left out (and reported) when it has none, so the user never sees braces.
"""

from __future__ import annotations

import re
from typing import Protocol

SLOT = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|([^}]*))?\}\}")


class UserContextProvider(Protocol):
    """Facts about a user (by pseudonymous key) that answers may quote."""

    def context(self, user_key: str) -> dict[str, str]: ...


def slots(template: str) -> list[str]:
    return [m.group(1) for m in SLOT.finditer(template)]


def fill(template: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """The filled text and the slots that had neither a value nor a fallback."""
    missing: list[str] = []

    def one(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        value = values.get(name)
        if value not in (None, ""):
            return str(value)
        if fallback is not None:
            return fallback.strip()
        missing.append(name)
        return ""

    text = SLOT.sub(one, template)
    return re.sub(r"[ \t]{2,}", " ", text).strip(), missing
