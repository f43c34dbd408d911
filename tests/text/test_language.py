"""Language detection by Unicode script."""

from __future__ import annotations

import pytest

from uxlift.text.language import ScriptCounts, detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where is my order?", "en"),
        ("Où est ma commande ? Ça coûte combien ?", "en"),  # Latin script
        ("我想退货，怎么办？", "zh"),
        ("好", "zh"),
        ("ok", "en"),
        ("iPhone 15 退货 怎么办", "zh"),
        ("我的iPhone坏了", "zh"),
        ("How do I say 谢谢 in a polite way?", "en"),
        ("東京の天気はどうですか", "ja"),
        ("배송은 얼마나 걸리나요?", "ko"),
        ("Где мой заказ?", "other"),
        ("", "other"),
        ("   ", "other"),
        ("12345 !!! ...", "other"),
        ("🎉🎉👍", "other"),
        ("ＡＢＣ", "en"),  # full-width Latin is normalized
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_no_letters_gives_the_default() -> None:
    assert detect_language("🎉 123", default="en") == "en"
    assert detect_language("hello", default="zh") == "en"


def test_a_tie_goes_to_chinese() -> None:
    counts = ScriptCounts.of("abc 好")
    assert (counts.latin, counts.han) == (3, 1)
    assert detect_language("abc 好") == "zh"


def test_detection_is_deterministic_and_fast_enough() -> None:
    text = "iPhone 15 退货 怎么办 " * 200
    assert {detect_language(text) for _ in range(20)} == {"zh"}
