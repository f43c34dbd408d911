from dataclasses import dataclass

import pytest

from uxlift.privacy.evaluation import EntityScore, evaluate_redaction
from uxlift.privacy.redaction_cases import RedactionCase


@dataclass(frozen=True)
class Span:
    entity: str
    start: int
    end: int


class Scripted:
    """Returns fixed findings per text, to check the arithmetic."""

    def __init__(self, answers: dict[str, list[Span]]) -> None:
        self.answers = answers

    def find(self, text: str) -> list[Span]:
        return self.answers.get(text, [])


CASES = [
    RedactionCase("mail a@b.org now", (("EMAIL", "a@b.org"),), "en"),
    RedactionCase("电话13812345678谢谢", (("PHONE", "13812345678"),), "zh"),
    RedactionCase("order 2024-03-15", (), "en"),
    RedactionCase(
        "call 0123456789 or x@y.com", (("PHONE", "0123456789"), ("EMAIL", "x@y.com")), "en"
    ),
]


def test_counts_recall_precision_and_f1():
    redactor = Scripted(
        {
            "mail a@b.org now": [Span("EMAIL", 5, 12)],  # exact: tp
            "电话13812345678谢谢": [Span("PHONE", 2, 12)],  # 10 of 11 chars (91%): tp
            "order 2024-03-15": [Span("PHONE", 6, 16)],  # nothing to find: fp
            # phone missed (fn); email labelled as the wrong entity (fn + fp)
            "call 0123456789 or x@y.com": [Span("IP", 19, 26)],
        }
    )
    report = evaluate_redaction(redactor, CASES)
    assert (report.tp, report.fp, report.fn, report.n_cases) == (2, 2, 2, 4)
    assert report.recall == pytest.approx(0.5)
    assert report.precision == pytest.approx(0.5)
    assert report.f1 == pytest.approx(0.5)
    assert report.per_entity["PHONE"] == EntityScore(tp=1, fp=1, fn=1)
    assert report.per_entity["EMAIL"] == EntityScore(tp=1, fp=0, fn=1)
    assert report.per_entity["IP"] == EntityScore(tp=0, fp=1, fn=0)
    kinds = sorted((f.kind, f.entity, f.span_text) for f in report.failures)
    assert ("missed", "PHONE", "0123456789") in kinds
    assert ("spurious", "PHONE", "2024-03-15") in kinds


def test_a_redactor_that_misses_everything_fails_the_target():
    report = evaluate_redaction(Scripted({}), CASES)
    assert report.recall == 0.0
    assert report.precision == 1.0  # nothing flagged, nothing wrongly flagged
    assert report.f1 == 0.0
    assert report.recall < 0.98


def test_partial_overlap_below_ninety_percent_is_a_miss():
    redactor = Scripted({"电话13812345678谢谢": [Span("PHONE", 2, 11)]})  # 9 of 11 chars
    report = evaluate_redaction(redactor, CASES[1:2])
    assert (report.tp, report.fp, report.fn) == (0, 1, 1)


def test_to_dict_has_the_json_keys():
    data = evaluate_redaction(Scripted({}), CASES).to_dict()
    assert {"recall", "precision", "f1", "n_cases", "per_entity"} <= set(data)
    assert data["per_entity"]["EMAIL"]["fn"] == 2


def test_gold_span_missing_from_text_is_an_error():
    with pytest.raises(ValueError, match="not in text"):
        evaluate_redaction(Scripted({}), [RedactionCase("abc", (("EMAIL", "zzz"),), "en")])
