"""Review sentiment, Chinese texts, search queries and planted PII."""

from __future__ import annotations

import re
import statistics

from uxlift.demo import DemoStore
from uxlift.demo.pii import cn_id_check_char, luhn_valid

POSITIVE = ("love", "happy", "pleased", "recommend", "worth every", "满意", "喜欢", "推荐购买")
NEGATIVE = ("disappointed", "cheap and thin", "broke", "waste", "avoid", "失望", "太差", "浪费")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _review_ratings(store: DemoStore) -> list[tuple[str, float]]:
    """(review text, the rating given in the same visit)."""
    rating = {
        (e["session_id"], e["item_id"]): e["value"] for e in store.events if e["type"] == "rate"
    }
    return [
        (e["text"], rating[(e["session_id"], e["item_id"])])
        for e in store.events
        if e["type"] == "review"
    ]


def test_review_sentiment_follows_the_rating(default_run: tuple[DemoStore, float]) -> None:
    pairs = _review_ratings(default_run[0])
    positive = [r for text, r in pairs if any(w in text.lower() for w in POSITIVE)]
    negative = [r for text, r in pairs if any(w in text.lower() for w in NEGATIVE)]
    assert len(positive) > 50 and len(negative) > 10
    assert statistics.mean(positive) > statistics.mean(negative) + 1.5


def test_ratings_rise_with_true_utility(default_run: tuple[DemoStore, float]) -> None:
    store = default_run[0]
    rates = [e for e in store.events if e["type"] == "rate"]
    utility = store.truth.utilities([e["user_id"] for e in rates], [e["item_id"] for e in rates])
    high = [e["value"] for e, u in zip(rates, utility, strict=True) if u > 1.5]
    low = [e["value"] for e, u in zip(rates, utility, strict=True) if u < 0.5]
    assert statistics.mean(high) > statistics.mean(low)


def test_some_users_write_in_chinese(default_run: tuple[DemoStore, float]) -> None:
    texts = [e for e in default_run[0].events if e["type"] in {"review", "chat", "search"}]
    chinese = [e for e in texts if e["properties"]["language"] == "zh"]
    assert 0.05 < len(chinese) / len(texts) < 0.3
    assert all(CJK.search(e["text"]) for e in chinese)
    assert any(e["type"] == "review" for e in chinese)
    writers = {e["user_id"] for e in chinese if e["type"] != "search"}
    english = {e["user_id"] for e in texts if e["properties"]["language"] == "en"}
    english -= {e["user_id"] for e in texts if e["type"] == "search"}
    assert not writers & english  # a user reviews and chats in one language


def test_search_queries_name_materials_or_styles(small_store: DemoStore) -> None:
    queries = [e["text"] for e in small_store.events if e["type"] == "search"]
    assert len(queries) > 50
    assert len(set(queries)) > 0.3 * len(queries)


def test_planted_pii_is_recorded_valid_and_present(default_run: tuple[DemoStore, float]) -> None:
    store = default_run[0]
    free_texts = [e["text"] for e in store.events if e["type"] in {"review", "chat"}]
    planted = store.planted_pii
    assert {entity for entity, _ in planted} == {"email", "phone", "payment_card", "cn_resident_id"}
    assert 0.02 * len(free_texts) <= len(planted) <= 0.05 * len(free_texts)
    joined = "\n".join(free_texts)
    for entity, value in planted:
        assert value in joined, (entity, value)
        if entity == "payment_card":
            assert luhn_valid(value)
        if entity == "cn_resident_id":
            assert len(value) == 18 and cn_id_check_char(value[:17]) == value[17]
    assert any(re.fullmatch(r"1[3-9]\d{9}", v) for e, v in planted if e == "phone")
    search_texts = "\n".join(e["text"] for e in store.events if e["type"] == "search")
    assert not any(value in search_texts for _, value in planted)


def test_luhn_and_resident_id_checks_reject_corruption() -> None:
    assert luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("4111 1111 1111 1112")
    assert cn_id_check_char("11010519491231002") == "X"  # the GB 11643 worked example
