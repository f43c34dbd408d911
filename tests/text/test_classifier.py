"""TextClassifier: the three methods, calibration, persistence and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.text.intent_data import HELD_OUT, intent_examples
from uxlift.errors import ConfigError, InvalidInput, NotFitted
from uxlift.text.classifier import TextClassifier
from uxlift.text.classifier_io import describe


@pytest.fixture(scope="module")
def data() -> tuple[list[str], list[str]]:
    return intent_examples()


@pytest.mark.parametrize("method", ["tfidf+logreg", "embedding+logreg"])
def test_linear_methods_learn_the_intents(method: str, data: tuple[list[str], list[str]]) -> None:
    texts, labels = data
    model = TextClassifier(method=method).fit(texts, labels)
    held_texts = [t for t, _ in HELD_OUT]
    proba = model.predict_proba(held_texts)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    if method == "embedding+logreg":
        assert model.predict(held_texts).tolist() == [label for _, label in HELD_OUT]
    assert model.validation_accuracy_ >= 0.9
    assert set(model.classes_.tolist()) == {"refund", "delivery", "password"}


def test_finetune_learns_and_round_trips(data: tuple[list[str], list[str]], tmp_path: Path) -> None:
    texts, labels = data
    model = TextClassifier(
        method="finetune",
        epochs=3,
        learning_rate=2e-4,
        blend=False,
        checkpoint_dir=str(tmp_path / "checkpoints"),
    ).fit(texts, labels)
    assert model.method_ == "finetune" and len(model.history_.epochs) >= 1
    assert (tmp_path / "checkpoints" / "best.safetensors").exists()
    held_texts = [t for t, _ in HELD_OUT]
    assert model.predict(held_texts).tolist() == [label for _, label in HELD_OUT]
    loaded = TextClassifier.load(model.save(tmp_path / "model"))
    np.testing.assert_allclose(
        loaded.predict_proba(held_texts), model.predict_proba(held_texts), atol=1e-5
    )
    assert (tmp_path / "model" / "finetuned" / "encoder" / "config.json").exists()
    assert model.max_length_ == loaded.max_length_ == 64  # short texts: the short budget


def test_lora_finetune_trains_adapters_and_saves_a_plain_encoder(
    data: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    texts, labels = data
    model = TextClassifier(
        method="finetune", finetune_method="lora", epochs=2, learning_rate=1e-3, blend=False
    ).fit(texts, labels)
    assert not hasattr(model.finetuned_.encoder, "merge_and_unload")
    loaded = TextClassifier.load(model.save(tmp_path / "lora"))
    held_texts = [t for t, _ in HELD_OUT]
    np.testing.assert_allclose(
        loaded.decision_function(held_texts), model.decision_function(held_texts), atol=1e-4
    )


def test_auto_uses_tfidf_for_chinese_with_the_english_encoder() -> None:
    texts = [
        "送餐很快，味道很好",
        "太难吃了，送得很慢",
        "非常好吃，还会再点",
        "菜是凉的，很失望",
    ] * 6
    labels = ["pos", "neg", "pos", "neg"] * 6
    model = TextClassifier().fit(texts, labels)
    assert model.method_ == "tfidf+logreg"
    assert model.predict(["味道很好，送餐很快"]).tolist() == ["pos"]


def test_temperature_makes_probabilities_less_extreme_when_overconfident() -> None:
    texts, labels = intent_examples()
    noisy = list(labels)
    rng = np.random.default_rng(0)
    for i in rng.choice(len(noisy), size=12, replace=False):
        noisy[i] = "refund" if noisy[i] != "refund" else "delivery"
    model = TextClassifier(method="tfidf+logreg", C=1000.0, validation_fraction=0.3).fit(
        texts, noisy
    )
    assert model.temperature_ > 1.0


def test_predict_before_fit_raises_not_fitted() -> None:
    with pytest.raises(NotFitted):
        TextClassifier().predict(["hello"])


@pytest.mark.parametrize(
    ("texts", "labels", "field"),
    [
        ("one string", ["a"], "texts"),
        ([], [], "texts"),
        (["a", "b"], ["x"], "labels"),
        (["a", 3], ["x", "y"], "texts[1]"),
        (["a", "b", "c"], ["x", "x", "x"], "labels"),
    ],
)
def test_bad_training_input_names_the_field(texts: object, labels: list[str], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        TextClassifier(method="tfidf+logreg").fit(texts, labels)  # type: ignore[arg-type]
    assert caught.value.details[0]["field"] == field


def test_unknown_method_is_refused(data: tuple[list[str], list[str]]) -> None:
    with pytest.raises(InvalidInput, match="method"):
        TextClassifier(method="magic").fit(*data)


def test_time_budget_stops_fine_tuning_after_the_epoch_that_would_overrun(
    data: tuple[list[str], list[str]],
) -> None:
    texts, labels = data
    model = TextClassifier(method="finetune", epochs=4, time_budget_s=0.01, blend=False)
    model.fit(texts, labels)
    assert model.history_.stopped_by_budget and len(model.history_.epochs) == 1


def test_refitting_with_another_method_drops_the_old_model(
    data: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    texts, labels = data
    model = TextClassifier(method="embedding+logreg").fit(texts, labels)
    model.set_params(method="tfidf+logreg").fit(texts, labels)
    assert not hasattr(model, "embedding_model_")
    model.save(tmp_path / "m")
    assert TextClassifier.load(tmp_path / "m").method_ == "tfidf+logreg"


def test_the_hybrid_learns_from_ngrams_and_e5_and_round_trips(tmp_path: Path) -> None:
    texts = [
        "快递太慢了", "送货晚了三天", "物流一直不更新", "外卖送得很慢", "包裹还没到",
        "退款还没到账", "怎么申请退款", "退钱太慢了", "我要退款", "退款被拒绝了",
    ] * 3  # fmt: skip
    labels = (["delivery"] * 5 + ["refund"] * 5) * 3
    model = TextClassifier(encoder="e5").fit(texts, labels)
    assert model.method_ == "tfidf+embedding+logreg"
    probes = ["快递到哪了", "钱什么时候退回来"]
    assert model.predict(probes).tolist() == ["delivery", "refund"]
    loaded = TextClassifier.load(model.save(tmp_path / "hybrid"))
    np.testing.assert_allclose(loaded.predict_proba(probes), model.predict_proba(probes))


def test_an_ensemble_averages_its_fine_tuned_members_and_round_trips(
    data: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    texts, labels = data
    model = TextClassifier(
        encoder="minilm+minilm", epochs=2, learning_rate=2e-4, blend=False, random_state=3
    ).fit(texts, labels)
    assert model.method_ == "ensemble" and [m.encoder for m in model.members_] == ["minilm"] * 2
    assert [m.method_ for m in model.members_] == ["finetune"] * 2
    assert not hasattr(model, "finetuned_")  # the members hold the encoders
    held = [t for t, _ in HELD_OUT]
    averaged = np.mean([m.predict_proba(held) for m in model.members_], axis=0)
    np.testing.assert_allclose(
        np.argmax(model.predict_proba(held), axis=1), np.argmax(averaged, axis=1)
    )
    assert model.predict(held).tolist() == [label for _, label in HELD_OUT]
    restored = TextClassifier.load(model.save(tmp_path / "ensemble"))
    np.testing.assert_allclose(restored.predict_proba(held), model.predict_proba(held), atol=1e-6)
    assert len(restored.members_) == 2 and (tmp_path / "ensemble" / "member-1").is_dir()


def test_an_ensemble_of_methods_trains_each_member_its_own_way(
    data: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    texts, labels = data
    model = TextClassifier(
        encoder="minilm+e5",
        epochs=2,
        learning_rate=2e-4,
        blend=False,
        seeds_per_encoder=2,
        random_state=4,
    ).fit(texts, labels)
    assert model.method_ == "ensemble"
    # the fine-tuned member trains with two seeds, the linear one once
    methods = ["finetune"] * 2 + ["tfidf+embedding+logreg"]
    assert [m.method_ for m in model.members_] == methods
    assert [m.random_state for m in model.members_] == [4, 5, 4]
    assert {m.split_seed for m in model.members_} == {4}  # one validation split for all
    held = [t for t, _ in HELD_OUT]
    seeded = [m.decision_function(held) for m in model.members_[:2]]
    assert not np.allclose(seeded[0], seeded[1])
    assert model.predict(held).tolist() == [label for _, label in HELD_OUT]
    names = list(describe(model)["members"])
    assert names == ["minilm seed 4", "minilm seed 5", "e5"]
    restored = TextClassifier.load(model.save(tmp_path / "mixed"))
    assert [m.method_ for m in restored.members_] == methods
    np.testing.assert_allclose(restored.predict_proba(held), model.predict_proba(held), atol=1e-6)


def test_seeds_per_encoder_must_be_a_whole_number(data: tuple[list[str], list[str]]) -> None:
    texts, labels = data
    for bad in (0, "many", True):
        with pytest.raises(InvalidInput) as caught:
            TextClassifier(encoder="minilm+e5", seeds_per_encoder=bad).fit(texts, labels)
        assert caught.value.details[0]["field"] == "seeds_per_encoder"


def test_an_ensemble_is_calibrated_on_scores_its_members_made_before_seeing_validation() -> None:
    rng = np.random.default_rng(5)
    words = ["parcel", "refund", "screen", "courier", "battery", "invoice", "strap", "lid"]
    texts = [f"{rng.choice(words)} {rng.choice(words)} number {i}" for i in range(240)]
    labels = rng.choice(["a", "b"], size=len(texts)).tolist()  # nothing to learn
    model = TextClassifier(
        encoder="minilm+e5", epochs=1, learning_rate=2e-4, C=64.0, random_state=1
    ).fit(texts, labels)
    # the members' final refits memorize every text, validation included; the
    # ensemble's validation figures must not come from them
    assert model.validation_accuracy_ < 0.8
    assert model.temperature_ > 0.5  # no confident sharpening from leaked scores
    assert all(not hasattr(m, "_validation_proba") for m in model.members_)


def test_an_ensemble_is_fine_tuned_or_trained_by_each_members_method(
    data: tuple[list[str], list[str]],
) -> None:
    texts, labels = data
    with pytest.raises(InvalidInput, match="each member's own method"):
        TextClassifier(method="tfidf+logreg", encoder="minilm+e5-torch").fit(texts, labels)
    with pytest.raises(ConfigError, match="cannot be fine-tuned"):
        TextClassifier(method="finetune", encoder="minilm+e5", epochs=1).fit(texts, labels)


def test_fine_tuning_settings_default_per_encoder() -> None:
    assert TextClassifier(encoder="e5-torch").finetune_settings() == (5e-5, 4)
    assert TextClassifier(encoder="minilm").finetune_settings() == (1e-4, 8)
    assert TextClassifier(encoder="e5-torch", epochs=2).finetune_settings() == (5e-5, 2)
