"""Topics learned from labels, with the real encoders, through the analyzer."""

from __future__ import annotations

from pathlib import Path

import pytest

from uxlift.errors import InvalidInput
from uxlift.monitor.analyzer import LazyEncoders, TextAnalyzer, topics_dir
from uxlift.monitor.supervised_topics import SupervisedTopics

LABELLED = [
    ("my parcel is late", "delivery"), ("the courier never came", "delivery"),
    ("package lost in transit", "delivery"), ("shipping took two weeks", "delivery"),
    ("where is my refund", "refund"), ("money back still missing", "refund"),
    ("refund request refused", "refund"), ("they never paid me back", "refund"),
    ("nice weather today", "none"), ("I like the colour blue", "none"),
    ("see you at lunch", "none"), ("the cat is asleep", "none"),
    ("快递还没到", "delivery"), ("物流太慢了", "delivery"), ("包裹丢了", "delivery"),
    ("退款还没到账", "refund"), ("怎么还不退钱", "refund"), ("退款被拒绝", "refund"),
    ("今天天气很好", "none"), ("我喜欢蓝色", "none"), ("中午一起吃饭", "none"),
]  # fmt: skip


def test_learned_topics_label_new_texts_in_both_languages(tmp_path: Path) -> None:
    encoders = LazyEncoders(tmp_path / "models")
    texts, labels = zip(*(LABELLED * 3), strict=True)
    model = SupervisedTopics(encoders=encoders.functions()).fit(list(texts), list(labels))
    assert model.topics == ["delivery", "refund"]
    model.save(topics_dir(encoders.models_dir))
    analyzer = TextAnalyzer(encoders)
    found = analyzer.analyze(["the courier lost my package", "退款什么时候到", "good morning"])
    assert [a.topics for a in found] == [("delivery",), ("refund",), ()]
    with pytest.raises(InvalidInput):
        SupervisedTopics(encoders=encoders.functions()).fit(["a", "b"], ["x", "x"])
