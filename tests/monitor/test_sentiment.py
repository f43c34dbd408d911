"""The sentiment model: the shipped default on both languages, retraining, persistence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from uxlift.errors import InvalidInput, NotFitted
from uxlift.monitor.analyzer import LazyEncoders
from uxlift.monitor.default_sentiment import load_default, shipped_model_dir, training_data
from uxlift.monitor.sentiment import SentimentModel, head_for, normalize_label


@pytest.fixture(scope="module")
def encoders(tmp_path_factory: pytest.TempPathFactory) -> LazyEncoders:
    return LazyEncoders(tmp_path_factory.mktemp("models"))


def test_labels_in_common_spellings_normalize_and_unknown_ones_are_named() -> None:
    assert [normalize_label(v) for v in ("0", 1, "1.0", "NEG", "neutral", "正面")] == [
        "negative", "positive", "positive", "negative", "neutral", "positive",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="'meh'"):
        normalize_label("meh")
    assert head_for("The courier was late") == "en" and head_for("快递太慢了") == "multi"


def test_the_shipped_model_was_trained_on_the_shipped_data() -> None:
    texts, labels = training_data()
    model = SentimentModel.load(shipped_model_dir())
    english = sum(head_for(t) == "en" for t in texts)
    assert model.heads_["en"].n_train == english
    assert model.heads_["multi"].n_train == len(texts)
    assert set(labels) == {"negative", "neutral", "positive"}
    assert sum(head_for(t) == "multi" for t in texts) >= 200


def test_the_default_reads_english_and_chinese_out_of_the_box(encoders: LazyEncoders) -> None:
    model = load_default(encoders.functions())
    texts = [
        "Terrible service, the parcel never arrived and nobody answers.",
        "Absolutely love it, works perfectly and arrived early!",
        "The package is expected on Tuesday.",
        "太难吃了，送来的时候全凉了，再也不点了。",
        "房间干净，服务热情，下次还来。",
    ]
    results = model.classify(texts)
    assert [r.label for r in results] == [
        "negative", "positive", "neutral", "negative", "positive",
    ]  # fmt: skip
    assert results[0].score < -0.5 < 0.5 < results[1].score
    assert all(0 < r.confidence <= 1 for r in results)
    proba = model.predict_proba(texts)
    assert np.allclose(proba.sum(axis=1), 1.0)


def test_retraining_on_english_labels_keeps_the_default_chinese_head(
    encoders: LazyEncoders, tmp_path: Path
) -> None:
    texts = ["great stuff", "awful stuff", "love this", "hate this", "superb", "dreadful"] * 6
    labels = ["pos", "neg"] * 18
    own = SentimentModel(encoders=encoders.functions()).fit(texts, labels)
    assert set(own.heads_) == {"en"} and own.heads_["en"].classes == ("negative", "positive")
    own.with_fallback(load_default(encoders.functions()))
    saved = own.save(tmp_path / "model")
    loaded = SentimentModel.load(saved, encoders=encoders.functions())
    assert loaded.predict(["hate it", "这家店太棒了"]) == ["negative", "positive"]
    assert loaded.predict_proba(["superb"])[0, 1] == 0.0  # this head knows no neutral


def test_bad_training_input_is_refused_clearly(encoders: LazyEncoders) -> None:
    model = SentimentModel(encoders=encoders.functions())
    with pytest.raises(InvalidInput):
        model.fit(["only good"] * 4, ["positive"] * 4)
    with pytest.raises(InvalidInput):
        model.fit(["a", "b"], ["positive"])
    with pytest.raises(NotFitted):
        SentimentModel().predict(["anything"])


def test_evaluation_of_a_trained_model_reports_binary_accuracy_on_binary_sets(
    encoders: LazyEncoders,
) -> None:
    from uxlift.monitor.sentiment_evaluation import evaluate_sentiment_model

    model = load_default(encoders.functions())
    texts = ["I love it", "Worst purchase ever", "非常好吃", "太难吃了", "It broke in a day"]
    report = evaluate_sentiment_model(model, texts, ["1", "0", "1", "0", "0"])
    assert report["n_test"] == 5 and report["binary_accuracy"] == 1.0
    assert report["accuracy"] <= report["binary_accuracy"]
    assert set(report["per_class"]) <= {"negative", "neutral", "positive"}
    three_way = evaluate_sentiment_model(model, ["The box is blue."], ["neutral"])
    assert "binary_accuracy" not in three_way
