"""Score a redactor against labelled cases: recall, precision and F1, per entity.

A gold span is found (true positive) when a finding of the same entity overlaps
at least 90% of it; each finding can match one gold span at most. Findings that
match nothing are false positives, unmatched gold spans false negatives. With
nothing to find, recall is 1.0; with nothing found, precision is 1.0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from uxlift.privacy.redaction_cases import RedactionCase

MIN_GOLD_OVERLAP = 0.9
MAX_FAILURES = 20


class SpanLike(Protocol):
    entity: str
    start: int
    end: int


class FindsSpans(Protocol):
    def find(self, text: str) -> Sequence[SpanLike]: ...


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


@dataclass(frozen=True)
class EntityScore:
    """Counts for one entity type, with the derived rates."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "recall": self.recall,
                "precision": self.precision, "f1": self.f1}  # fmt: skip


@dataclass(frozen=True)
class RedactionFailure:
    """One miss (``missed``) or false alarm (``spurious``), kept as an example."""

    kind: str
    entity: str
    span_text: str
    text: str


@dataclass(frozen=True)
class RedactionReport:
    """Pooled and per-entity scores over a case list."""

    tp: int
    fp: int
    fn: int
    n_cases: int
    per_entity: dict[str, EntityScore]
    failures: list[RedactionFailure] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "recall": self.recall,
            "precision": self.precision,
            "f1": self.f1,
            "n_cases": self.n_cases,
            "per_entity": {name: s.to_dict() for name, s in sorted(self.per_entity.items())},
        }


def _gold_offsets(case: RedactionCase) -> list[tuple[str, int, int]]:
    """Locate each gold substring, left to right, so repeats map to distinct places."""
    located, cursor = [], {}
    for entity, value in case.spans:
        start = case.text.find(value, cursor.get(value, 0))
        if start < 0:
            raise ValueError(f"gold span {value!r} not in text {case.text!r}")
        cursor[value] = start + len(value)
        located.append((entity, start, start + len(value)))
    return located


def _matches(finding: SpanLike, gold: tuple[str, int, int]) -> bool:
    entity, start, end = gold
    overlap = min(finding.end, end) - max(finding.start, start)
    return finding.entity == entity and overlap >= MIN_GOLD_OVERLAP * (end - start)


def _score_case(
    case: RedactionCase, findings: Sequence[SpanLike]
) -> tuple[list[tuple[str, int, int]], list[SpanLike], list[str]]:
    """Return (missed gold spans, spurious findings, entities of matched golds)."""
    unused = list(findings)
    missed, hits = [], []
    for gold in _gold_offsets(case):
        match = next((f for f in unused if _matches(f, gold)), None)
        if match is None:
            missed.append(gold)
        else:
            unused.remove(match)
            hits.append(gold[0])
    return missed, unused, hits


def evaluate_redaction(
    redactor: FindsSpans, cases: Iterable[RedactionCase], *, max_failures: int = MAX_FAILURES
) -> RedactionReport:
    """Run ``redactor.find`` over every case and count matches against the gold spans."""
    counts: dict[str, list[int]] = {}
    failures: list[RedactionFailure] = []
    n_cases = 0
    for case in cases:
        n_cases += 1
        missed, spurious, hits = _score_case(case, redactor.find(case.text))
        for entity in hits:
            counts.setdefault(entity, [0, 0, 0])[0] += 1
        for f in spurious:
            counts.setdefault(f.entity, [0, 0, 0])[1] += 1
            failures.append(
                RedactionFailure("spurious", f.entity, case.text[f.start : f.end], case.text)
            )
        for entity, start, end in missed:
            counts.setdefault(entity, [0, 0, 0])[2] += 1
            failures.append(RedactionFailure("missed", entity, case.text[start:end], case.text))
    per_entity = {name: EntityScore(*c) for name, c in counts.items()}
    return RedactionReport(
        tp=sum(s.tp for s in per_entity.values()),
        fp=sum(s.fp for s in per_entity.values()),
        fn=sum(s.fn for s in per_entity.values()),
        n_cases=n_cases,
        per_entity=per_entity,
        failures=failures[:max_failures],
    )
