from uxlift.privacy.checksums import cn_id_valid, iban_valid, luhn_valid
from uxlift.privacy.evaluation import evaluate_redaction
from uxlift.privacy.redact import ENTITIES, Redactor
from uxlift.privacy.redaction_cases import RedactionCase, redaction_cases


def test_set_is_large_bilingual_and_has_negatives():
    cases = redaction_cases()
    assert len(cases) >= 300
    assert {c.language for c in cases} == {"en", "zh"}
    assert sum(not c.spans for c in cases) >= 100
    assert {entity for c in cases for entity, _ in c.spans} == set(ENTITIES)
    assert all(value in c.text for c in cases for _, value in c.spans)


def test_set_is_deterministic_per_seed():
    assert redaction_cases(seed=3) == redaction_cases(seed=3)
    assert redaction_cases(seed=3) != redaction_cases(seed=4)
    assert all(isinstance(c, RedactionCase) for c in redaction_cases(seed=3))


def test_checksummed_positives_really_validate():
    for case in redaction_cases():
        for entity, value in case.spans:
            compact = value.replace(" ", "").replace("-", "")
            if entity == "CARD":
                assert luhn_valid(compact), value
            elif entity == "CN_ID":
                assert cn_id_valid(compact), value
            elif entity == "IBAN":
                assert iban_valid(compact), value


def test_redactor_meets_the_quality_target_on_the_set():
    report = evaluate_redaction(Redactor(), redaction_cases())
    assert report.n_cases >= 300
    assert report.recall >= 0.98, report.failures
    assert report.precision >= 0.95, report.failures
    for entity, score in report.per_entity.items():
        assert score.recall >= 0.95, (entity, score)


def test_quality_holds_on_other_seeds():
    for seed in (1, 2):
        report = evaluate_redaction(Redactor(), redaction_cases(seed))
        assert report.recall >= 0.98 and report.precision >= 0.95, (seed, report.failures)
