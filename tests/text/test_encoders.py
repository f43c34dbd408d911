"""The default encoder: the real all-MiniLM-L6-v2 weights, loaded offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from uxlift.errors import ConfigError
from uxlift.text.encoders import TransformerEncoder, encoder_from_spec, minilm_dir


@pytest.fixture(scope="module")
def encoder() -> TransformerEncoder:
    made = encoder_from_spec("minilm")
    assert isinstance(made, TransformerEncoder)
    return made


def test_vectors_are_unit_length_float32_in_input_order(encoder: TransformerEncoder) -> None:
    texts = ["a long sentence about waterproof hiking boots for wet trails", "mug", "boots"]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    again = encoder.encode(texts[::-1])
    np.testing.assert_allclose(again[::-1], vectors, atol=1e-5)


def test_similar_meanings_are_closer(encoder: TransformerEncoder) -> None:
    shoe, boot, kettle = encoder.encode(
        ["trail running shoes", "hiking boots for mountains", "electric kettle for tea"]
    )
    assert shoe @ boot > shoe @ kettle + 0.1


def test_matches_sentence_transformers_reference(encoder: TransformerEncoder) -> None:
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(minilm_dir()), device="cpu", local_files_only=True)
    texts = ["Where is my order?", "我的订单在哪里", "Refund took two weeks, not happy."]
    expected = reference.encode(texts, normalize_embeddings=True)
    cosine = np.sum(encoder.encode(texts) * expected, axis=1)
    assert cosine.min() > 0.9999


def test_id_names_model_weights_and_options(encoder: TransformerEncoder) -> None:
    assert encoder.id.startswith("all-MiniLM-L6-v2@")
    other = TransformerEncoder(model_dir=minilm_dir(), name="all-MiniLM-L6-v2", max_length=128)
    assert other.id != encoder.id


def test_unknown_encoder_spec_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown encoder"):
        encoder_from_spec("gpt-17")
    with pytest.raises(ConfigError, match=r"config\.json"):
        TransformerEncoder(model_dir=tmp_path)
