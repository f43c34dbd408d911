"""Augmentation keeps labels, is deterministic, and leaves short texts alone."""

from __future__ import annotations

import numpy as np

from uxlift.text.augment import augment, perturb


def test_augment_appends_labelled_copies_deterministically() -> None:
    texts = ["where is my parcel right now", "reset my password please now"]
    out_texts, out_labels = augment(texts, [0, 1], copies=2, seed=7)
    assert out_texts[:2] == texts and len(out_texts) == 6
    assert out_labels == [0, 1, 0, 1, 0, 1]
    assert augment(texts, [0, 1], copies=2, seed=7) == (out_texts, out_labels)
    for original, copy in zip(texts * 2, out_texts[2:], strict=True):
        assert set(copy.split()) <= set(original.split())


def test_short_texts_are_unchanged_and_chinese_is_edited_per_character() -> None:
    rng = np.random.default_rng(0)
    assert perturb("hi", rng) == "hi"
    edited = perturb("送餐很快味道很好", rng)
    assert sorted(edited) <= sorted("送餐很快味道很好") and len(edited) >= 2
