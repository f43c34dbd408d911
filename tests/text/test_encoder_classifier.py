"""EncoderClassifier: how texts longer than the token budget are cut."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from uxlift.errors import ConfigError
from uxlift.text.encoder_classifier import EncoderClassifier, head_and_tail
from uxlift.text.encoders import minilm_dir


def test_a_long_sequence_keeps_a_quarter_from_its_start_and_the_rest_from_its_end() -> None:
    ids = list(range(100))
    cut = head_and_tail(ids, 16)
    assert cut == [0, 1, 2, 3, *range(88, 100)]
    assert head_and_tail(ids[:16], 16) == ids[:16]  # short enough: unchanged


@pytest.fixture(scope="module")
def classifiers() -> dict[str, EncoderClassifier]:
    return {
        mode: EncoderClassifier.from_pretrained(
            minilm_dir(), 2, dropout=0.0, max_length=12, truncation=mode
        )
        for mode in ("head+tail", "head")
    }


def test_short_texts_tokenize_the_same_either_way(
    classifiers: dict[str, EncoderClassifier],
) -> None:
    texts = ["great phone", "the battery died after two days of use"]
    ours, plain = (classifiers[m].tokenize(texts) for m in ("head+tail", "head"))
    for key in ("input_ids", "attention_mask"):
        np.testing.assert_array_equal(ours[key].numpy(), plain[key].numpy())


def test_a_long_review_keeps_its_verdict_at_the_end(
    classifiers: dict[str, EncoderClassifier],
) -> None:
    text = "we stayed four nights " * 10 + "overall terrible"
    tokenizer = classifiers["head+tail"].tokenizer
    ids = classifiers["head+tail"].tokenize([text])["input_ids"][0].tolist()
    assert len(ids) == 12 and ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id
    assert tokenizer.decode(ids[-3:-1]) == "overall terrible"
    head_only = classifiers["head"].tokenize([text])["input_ids"][0].tolist()
    assert "terrible" not in tokenizer.decode(head_only)


def test_truncation_round_trips_and_older_saves_read_as_head_only(tmp_path: Path) -> None:
    model = EncoderClassifier.from_pretrained(minilm_dir(), 2, dropout=0.0, max_length=12)
    model.save(tmp_path / "m")
    assert EncoderClassifier.load(tmp_path / "m").truncation == "head+tail"
    manifest = tmp_path / "m" / "classifier.json"
    manifest.write_text('{"n_classes": 2, "max_length": 12}', encoding="utf-8")
    assert EncoderClassifier.load(tmp_path / "m").truncation == "head"
    with pytest.raises(ConfigError, match="truncation"):
        EncoderClassifier.from_pretrained(
            minilm_dir(), 2, dropout=0.0, max_length=12, truncation="middle"
        )


def test_the_token_budget_grows_only_when_many_texts_are_long() -> None:
    from uxlift.text.encoder_classifier import token_budget
    from uxlift.text.encoders import minilm_dir

    short = ["fast delivery, thanks"] * 95
    long = ["the room was clean and the staff were kind " * 8] * 5  # about 75 tokens
    longer = ["the room was clean and the staff were kind " * 40] * 5  # about 370
    assert token_budget(minilm_dir(), short + long) == 64  # 5 % long: not worth it
    assert token_budget(minilm_dir(), short[:80] + long * 4) == 128  # 20 % long
    assert token_budget(minilm_dir(), short[:80] + long + longer * 3) == 256  # 15 % over 128
    assert token_budget(minilm_dir(), longer) == 256  # none fits: the largest budget
