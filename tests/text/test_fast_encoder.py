"""The fast encoder: faithful to the fp32 reference, cached export reused."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from uxlift.errors import ConfigError
from uxlift.text import fast_encoder, onnx_export
from uxlift.text.encoders import TransformerEncoder, encoder_from_spec, minilm_dir
from uxlift.text.fast_encoder import FastMiniLMEncoder

TEXTS = [
    "Where is my order?",
    "The hiking boots fell apart after two weeks, very disappointed with the stitching.",
    "best waterproof trail running shoes under 100 dollars",
    "Exactly what I hoped for. Arrived quickly and was packed with care. Would recommend.",
    "how do I change the delivery address after checkout",
    "mug",
    "我的订单什么时候发货？",
    "质量很好，物流也很快，下次还会再买。",
    "退货需要多长时间才能退款",
    "Can I pay with PayPal or only by credit card? 可以用支付宝吗",
    "",
    "ok " * 300,  # longer than max_length: truncated like the reference
]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def fast(models_dir: Path) -> FastMiniLMEncoder:
    return FastMiniLMEncoder(cache_dir=models_dir, precision="bf16", small_batch=2)


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return TransformerEncoder(model_dir=minilm_dir()).encode(TEXTS * 2)


def test_batches_match_fp32_reference(fast: FastMiniLMEncoder, reference: np.ndarray) -> None:
    vectors = fast.encode(TEXTS * 2)  # 24 texts: the bf16 engine
    assert vectors.shape == (24, 384) and vectors.dtype == np.float32
    assert np.sum(vectors * reference, axis=1).min() >= 0.99


def test_single_texts_match_fp32_reference(fast: FastMiniLMEncoder, reference: np.ndarray) -> None:
    singles = np.stack([fast.encode([text])[0] for text in TEXTS])  # the ONNX engine
    assert np.sum(singles * reference[: len(TEXTS)], axis=1).min() >= 0.99


def test_fp32_precision_matches_reference(models_dir: Path, reference: np.ndarray) -> None:
    exact = FastMiniLMEncoder(cache_dir=models_dir, precision="fp32")
    vectors = exact.encode(TEXTS * 2)
    assert np.sum(vectors * reference, axis=1).min() >= 0.9999


def test_unit_norm_and_input_order(fast: FastMiniLMEncoder) -> None:
    vectors = fast.encode(TEXTS)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    reverse = fast.encode(TEXTS[::-1])
    assert np.sum(reverse[::-1] * vectors, axis=1).min() >= 0.9999


def test_empty_input_and_call_counter(models_dir: Path) -> None:
    encoder = FastMiniLMEncoder(cache_dir=models_dir, precision="fp32")
    empty = encoder.encode([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32
    encoder.encode(["one", "two", "three"])
    assert encoder.calls == 3


def test_cached_export_is_reused(models_dir: Path, fast: FastMiniLMEncoder) -> None:
    mtime = fast.onnx_path.stat().st_mtime_ns
    exports = onnx_export.EXPORT_COUNT["n"]
    again = FastMiniLMEncoder(cache_dir=models_dir, precision="fp32")
    assert not again.exported and again.onnx_path == fast.onnx_path
    assert again.onnx_path.stat().st_mtime_ns == mtime
    assert onnx_export.EXPORT_COUNT["n"] == exports
    assert [p.name for p in models_dir.glob("*-fp32.onnx")] == [fast.onnx_path.name]


def test_ids_record_precision(models_dir: Path, fast: FastMiniLMEncoder) -> None:
    fp32_id = TransformerEncoder(model_dir=minilm_dir(), name="all-MiniLM-L6-v2").id
    assert fast.id != fp32_id and fast.id.endswith(":bf16")
    assert FastMiniLMEncoder(cache_dir=models_dir, precision="fp32").id == fp32_id


def test_int8_batches_stay_close_and_single_texts_exact(
    models_dir: Path, reference: np.ndarray
) -> None:
    int8 = FastMiniLMEncoder(cache_dir=models_dir, precision="int8", small_batch=2)
    assert int8.id.endswith(":int8")
    batched = int8.encode(TEXTS * 2)  # 24 texts: the quantized graph
    cosine = np.sum(batched * reference, axis=1)
    assert cosine.min() >= 0.95 and cosine.mean() >= 0.98
    assert cosine.min() < 0.9999  # really quantized, not the fp32 graph again
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    single = np.stack([int8.encode([text])[0] for text in TEXTS[:4]])  # exact fp32 path
    assert np.sum(single * reference[:4], axis=1).min() >= 0.9999


def test_int8_copy_is_quantized_once_and_reused(models_dir: Path) -> None:
    first = FastMiniLMEncoder(cache_dir=models_dir, precision="int8", small_batch=1)
    first.encode(TEXTS[:3])
    (copy,) = models_dir.glob("*-int8.onnx")
    mtime = copy.stat().st_mtime_ns
    again = FastMiniLMEncoder(cache_dir=models_dir, precision="int8", small_batch=1)
    again.encode(TEXTS[:3])
    assert copy.stat().st_mtime_ns == mtime
    assert not list(models_dir.glob("*.part")) and not list(models_dir.glob("*.pre"))


@pytest.mark.parametrize(
    ("flags", "auto", "fastest"),
    [
        ({"avx512_bf16", "avx512_vnni"}, "bf16", "bf16"),
        ({"amx_bf16"}, "bf16", "bf16"),
        ({"avx512_vnni"}, "fp32", "int8"),
        ({"avx_vnni"}, "fp32", "int8"),
        ({"avx2"}, "fp32", "fp32"),
    ],
)
def test_engine_follows_cpu_units(
    monkeypatch: pytest.MonkeyPatch, flags: set[str], auto: str, fastest: str
) -> None:
    monkeypatch.setattr(fast_encoder, "_cpu_flags", lambda: flags)
    assert fast_encoder.batch_engine("auto") == auto
    assert fast_encoder.batch_engine("fastest") == fastest
    assert [fast_encoder.batch_engine(p) for p in ("bf16", "int8", "fp32")] == [
        "bf16",
        "int8",
        "fp32",
    ]


def test_spec_builds_fast_encoder(models_dir: Path) -> None:
    assert isinstance(encoder_from_spec("minilm-fast", models_dir=models_dir), FastMiniLMEncoder)
    with pytest.raises(ConfigError):
        encoder_from_spec("minilm-fast")
    with pytest.raises(ConfigError):
        FastMiniLMEncoder(cache_dir=models_dir, precision="int4")


@pytest.mark.timeout(300, method="thread")  # a deadlock may hold the GIL: fail, not hang
def test_compiling_beside_eager_batches_on_another_thread_finishes(models_dir: Path) -> None:
    """A first compiled call on one thread while another thread runs autocast batches:
    the two once waited on each other for good (the review labeller beside the item
    embedder); graph capture now runs alone and both finish."""
    compiling = FastMiniLMEncoder(cache_dir=models_dir, precision="bf16", small_batch=1)
    eager = TransformerEncoder(model_dir=minilm_dir(), batch_size=8)
    done: dict[str, object] = {}

    def compile_once() -> None:
        done["compiled"] = compiling.encode(TEXTS)

    def eager_until_compiled() -> None:
        rounds = 0
        while "compiled" not in done and rounds < 2000:
            eager.encode(TEXTS)
            rounds += 1
        done["eager_rounds"] = rounds

    jobs = (eager_until_compiled, compile_once)
    threads = [threading.Thread(target=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
        time.sleep(0.2)
    deadline = time.monotonic() + 240
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "PyTorch threads deadlocked"
    assert np.asarray(done["compiled"]).shape == (len(TEXTS), 384)
    assert int(done["eager_rounds"]) >= 1  # type: ignore[call-overload]
