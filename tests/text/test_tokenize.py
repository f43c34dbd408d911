"""Tokenization for lexical methods: jieba for Chinese, Unicode rules for other text."""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading

from uxlift.text.tokenize import DEFAULT_TOKENIZER, Tokenizer, minimal_stem, tokenize


def test_english_punctuation_case_and_accents() -> None:
    text = "Héllo, WÖRLD! The café's 3.5 kg box — don’t panic (v2)."
    assert tokenize(text) == [
        "héllo",
        "wörld",
        "the",
        "café",
        "3.5",
        "kg",
        "box",
        "don't",
        "panic",
        "v2",
    ]


def test_nfkc_folds_full_width_and_casefold_folds_sharp_s() -> None:
    assert tokenize("ＡＢＣ１２３ Straße") == ["abc123", "strasse"]


def test_chinese_sentence() -> None:
    tokens = tokenize("我想退货，怎么办？")
    assert "退货" in tokens
    assert "怎么办" in tokens
    assert "，" not in tokens and "？" not in tokens


def test_search_mode_adds_sub_words() -> None:
    assert {"中华", "人民", "共和国", "中华人民共和国"} <= set(tokenize("中华人民共和国"))
    plain = Tokenizer(search_mode=False)("中华人民共和国")
    assert plain == ["中华人民共和国"]


def test_mixed_chinese_and_english() -> None:
    tokens = tokenize("iPhone 15 退货 怎么办")
    assert tokens[:3] == ["iphone", "15", "退货"]
    assert "怎么办" in tokens
    assert tokenize("我的iPhone坏了")[:3] == ["我", "的", "iphone"]


def test_empty_and_symbol_only_text() -> None:
    assert tokenize("") == []
    assert tokenize("  ...!!! 🎉 ") == []


def test_japanese_gets_character_bigrams() -> None:
    assert tokenize("天気です") == ["天気", "気で", "です"]
    assert tokenize("天気", language="ja") == ["天気"]


def test_stopwords_option() -> None:
    text = "Where is my order? 我的订单在哪里"
    with_stop = Tokenizer(stopwords=True)(text)
    assert "is" not in with_stop and "my" not in with_stop and "的" not in with_stop
    assert {"order", "订单"} <= set(with_stop)
    assert "is" in tokenize(text)
    custom = Tokenizer(stopwords={"order"})(text)
    assert "order" not in custom and "is" in custom


def test_lowercase_and_stem_options() -> None:
    assert Tokenizer(lowercase=False)("Return iPhones") == ["Return", "iPhones"]
    assert Tokenizer(stem=True)("parties boxes bus returns") == ["party", "boxe", "bus", "return"]
    assert minimal_stem("is") == "is"
    assert minimal_stem("cafés") == "cafés"  # only ASCII words are stemmed


def test_tokenizer_round_trips_and_pickles() -> None:
    tok = Tokenizer(stopwords={"b", "a"}, stem=True)
    assert Tokenizer.from_dict(tok.to_dict()) == Tokenizer(
        stopwords=frozenset({"a", "b"}), stem=True
    )
    assert pickle.loads(pickle.dumps(DEFAULT_TOKENIZER)) == DEFAULT_TOKENIZER


def test_jieba_loads_once_across_threads() -> None:
    results: list[list[str]] = []

    def work() -> None:
        results.append(tokenize("我想退货，怎么办？"))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r == results[0] for r in results)


def test_jieba_loads_quietly() -> None:
    code = "from uxlift.text.tokenize import tokenize; print(tokenize('我想退货'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "退货" in done.stdout
    assert "Building prefix dict" not in done.stderr and "Loading model" not in done.stderr
