"""Topics of opinion texts: user-defined topics assigned zero-shot.

A topic is a name, a description and seed keywords. A text belongs to it when

* one of its keywords occurs in the text (case-insensitive; for Chinese a plain
  substring, there being no word boundaries), or
* the text's embedding is unusually close to the topic's. Raw cosines are not
  comparable across encoders or topics (multilingual-e5 puts almost everything
  between 0.75 and 0.9), so each topic's cosine is standardized against how
  close it is to a background of ordinary texts: ``z = (cos - mean) / sd``. A
  text joins topics whose ``z`` is at least ``min_z`` and within ``margin`` of
  its best topic.

Texts are embedded by the same encoder as their sentiment head (see
:mod:`uxlift.monitor.sentiment`), so each text is encoded once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from uxlift.monitor.sentiment import head_for

Encode = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Topic:
    name: str
    description: str = ""
    keywords: tuple[str, ...] = ()

    def prompt(self) -> str:
        parts = [self.name]
        if self.description:
            parts.append(self.description)
        if self.keywords:
            parts.append(", ".join(self.keywords))
        return ": ".join(parts[:2]) + ("; " + parts[2] if len(parts) > 2 else "")


class ZeroShotTopics:
    """Assigns :class:`Topic` s to texts (see the module docstring)."""

    def __init__(
        self,
        topics: Sequence[Topic],
        *,
        encoders: dict[str, Encode],
        background: dict[str, Sequence[str]],
        min_z: float = 3.0,
        margin: float = 1.0,
    ) -> None:
        self.topics = list(topics)
        self.encoders = encoders
        self.min_z = min_z
        self.margin = margin
        self._keywords = [
            tuple(k.lower() for k in topic.keywords if k.strip()) for topic in self.topics
        ]
        self._vectors: dict[str, np.ndarray] = {}
        self._centre: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if self.topics:
            prompts = [t.prompt() for t in self.topics]
            for head, encode in encoders.items():
                vectors = np.asarray(encode(prompts), dtype=np.float32)
                self._vectors[head] = vectors
                reference = np.asarray(encode(list(background.get(head, ()))), dtype=np.float32)
                if len(reference) >= 10:
                    similarity = reference @ vectors.T
                    spread = np.maximum(similarity.std(axis=0), 1e-3)
                    self._centre[head] = (similarity.mean(axis=0), spread)
                else:
                    self._centre[head] = (np.zeros(len(prompts)), np.full(len(prompts), 0.1))

    def assign(
        self, texts: Sequence[str], vectors: dict[str, np.ndarray] | None = None
    ) -> list[tuple[str, ...]]:
        """Topic names per text. ``vectors`` may carry texts' embeddings already
        computed per head (rows in the order of the texts routed to that head)."""
        if not self.topics:
            return [() for _ in texts]
        found: list[set[str]] = [self._keyword_topics(t) for t in texts]
        groups: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            head = head_for(text)
            head = head if head in self._vectors else next(iter(self._vectors))
            groups.setdefault(head, []).append(i)
        for head, members in groups.items():
            given = None if vectors is None else vectors.get(head)
            if given is None or len(given) != len(members):
                given = np.asarray(self.encoders[head]([texts[i] for i in members]))
            z = self.z_scores(head, given)
            best = z.max(axis=1)
            for row, i in enumerate(members):
                near = (z[row] >= self.min_z) & (z[row] >= best[row] - self.margin)
                chosen = np.flatnonzero(near)
                found[i].update(self.topics[j].name for j in chosen)
        order = {t.name: k for k, t in enumerate(self.topics)}
        return [tuple(sorted(names, key=order.__getitem__)) for names in found]

    def z_scores(self, head: str, vectors: np.ndarray) -> np.ndarray:
        mean, spread = self._centre[head]
        return (np.asarray(vectors, dtype=np.float32) @ self._vectors[head].T - mean) / spread

    def _keyword_topics(self, text: str) -> set[str]:
        lowered = text.lower()
        return {
            self.topics[j].name
            for j, words in enumerate(self._keywords)
            if any(_contains(lowered, w) for w in words)
        }


SUFFIXES = ("", "s", "es", "ed", "d", "ing")


def _contains(text: str, word: str) -> bool:
    """``word`` in ``text``: a whole word (or with a plural/tense ending) for Latin
    script, a substring for CJK."""
    if not word.isascii():
        return word in text
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        tail = end
        while tail < len(text) and text[tail].isalnum():
            tail += 1
        before_ok = start == 0 or not text[start - 1].isalnum()
        if before_ok and text[end:tail] in SUFFIXES:
            return True
        start = text.find(word, start + 1)
    return False
