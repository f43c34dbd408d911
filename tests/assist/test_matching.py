"""Question matching: lexical and dense similarity, and their calibrated fusion."""

from __future__ import annotations

import numpy as np
import pytest

from uxlift.assist.matching import QuestionMatcher, dense_similarity, lexical_similarity
from uxlift.errors import InvalidInput, NotFitted
from uxlift.text.bm25 import BM25
from uxlift.text.encoders import encoder_from_spec

SAME = [
    ("how do I close my card", "I want to cancel my card"),
    ("where is my refund", "my refund has not arrived yet"),
    ("can I change my pin", "how to reset the pin of my card"),
    ("the app will not open", "app crashes when I start it"),
    ("what is the exchange rate", "which rate do you use to convert currency"),
    ("my transfer is pending", "why is the transfer still pending"),
]
DIFFERENT = [
    ("how do I close my card", "what is the exchange rate"),
    ("where is my refund", "can I change my pin"),
    ("can I change my pin", "the app will not open"),
    ("the app will not open", "my transfer is pending"),
    ("what is the exchange rate", "I want to cancel my card"),
    ("my transfer is pending", "my refund has not arrived yet"),
]


def test_pair_scores_equal_the_indexed_scores() -> None:
    documents = ["cancel my card now", "card refund status", "exchange rate today please"]
    index = BM25().fit(documents)
    for query in ("cancel card", "refund", "rate today"):
        indexed = index.transform([query])[0]
        paired = index.pair_scores([query] * len(documents), documents)
        np.testing.assert_allclose(paired, indexed, atol=1e-12)
    with pytest.raises(InvalidInput):
        index.pair_scores(["a"], ["b", "c"])


def test_lexical_similarity_is_one_for_the_same_words_and_zero_for_none() -> None:
    a = ["花呗怎么还款", "cancel my card", "花呗怎么还款"]
    b = ["花呗怎么还款", "cancel my card", "天气不错"]
    assert lexical_similarity(a, b).tolist() == pytest.approx([1.0, 1.0, 0.0])


@pytest.fixture(scope="module")
def encoder():
    return encoder_from_spec("minilm")


def test_paraphrases_score_above_unrelated_questions(encoder) -> None:
    a, b = zip(*(SAME + DIFFERENT), strict=True)
    dense = dense_similarity(encoder, list(a), list(b))
    assert dense[: len(SAME)].mean() > dense[len(SAME) :].mean() + 0.2
    matcher = QuestionMatcher(encoder).fit(list(a), list(b), [1] * len(SAME) + [0] * len(DIFFERENT))
    probability = matcher.predict_proba(
        ["how can I cancel my card", "close my card"],
        ["I would like to close my card", "pending transfer"],
    )
    assert 0.0 < probability[1] < 0.5 < probability[0] < 1.0


def test_the_matcher_refuses_bad_input(encoder) -> None:
    with pytest.raises(NotFitted):
        QuestionMatcher(encoder).predict_proba(["a"], ["b"])
    with pytest.raises(InvalidInput):
        QuestionMatcher(encoder).fit(["a", "b"], ["c", "d"], [1, 1])  # one class only
    with pytest.raises(InvalidInput):
        lexical_similarity("abc", "abd")
