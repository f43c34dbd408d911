"""A transformer encoder with a classification head: the fine-tuned model.

Mean pooling over the encoder's last layer, dropout, one linear layer. Saved as
a plain Hugging Face directory (``encoder/``), the head's weights in
safetensors and a small manifest, so a saved model loads without uxlift's
training code and without pickles.

A text longer than ``max_length`` tokens keeps its head and its tail (a quarter
of the budget from the start, the rest from the end) rather than its head only:
a long review tends to state its verdict in the last lines, and head-and-tail
truncation is the best of the ways Sun et al. compared for fine-tuning BERT on
long reviews ("How to Fine-Tune BERT for Text Classification?", CCL 2019).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.errors import ConfigError
from uxlift.text.torch_threads import TORCH_THREADS

# Tokens per text when none are given: the shortest budget unless over a tenth of
# the training texts exceed it (hotel reviews do; sentences and chats do not).
TOKEN_BUDGETS = (64, 128, 256)
LONG_SHARE = 0.1


def _torch() -> Any:
    import torch

    return torch


HEAD_SHARE = 0.25  # of the token budget a long text keeps from its start
TRUNCATIONS = ("head+tail", "head")


def head_and_tail(ids: list[int], max_length: int, head_share: float = HEAD_SHARE) -> list[int]:
    """``ids`` cut to ``max_length``: a quarter from the start, the rest from the end.

    The ids include the special tokens, so the first ([CLS]) and the last ([SEP])
    survive the cut.
    """
    if len(ids) <= max_length:
        return ids
    head = max(1, int(max_length * head_share))
    return ids[:head] + ids[len(ids) - (max_length - head) :]


class EncoderClassifier:
    """A fine-tunable encoder with a classification head; ``logits`` for inference."""

    def __init__(
        self,
        encoder: Any,
        tokenizer: Any,
        n_classes: int,
        *,
        dropout: float,
        max_length: int,
        truncation: str = "head+tail",
    ) -> None:
        torch = _torch()
        if truncation not in TRUNCATIONS:
            raise ConfigError(f"truncation must be one of {TRUNCATIONS}, not {truncation!r}")
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.truncation = truncation
        self.n_classes = n_classes
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(int(encoder.config.hidden_size), n_classes)

    @classmethod
    def from_pretrained(
        cls,
        model_dir: Path,
        n_classes: int,
        *,
        dropout: float,
        max_length: int,
        truncation: str = "head+tail",
    ) -> EncoderClassifier:
        if not (Path(model_dir) / "config.json").exists():
            raise ConfigError(f"fine-tuning needs a local Hugging Face model; none at {model_dir}")
        from transformers import AutoModel, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        encoder = AutoModel.from_pretrained(model_dir, local_files_only=True)
        return cls(
            encoder,
            tokenizer,
            n_classes,
            dropout=dropout,
            max_length=max_length,
            truncation=truncation,
        )

    def parameters(self) -> list[Any]:
        return [p for p in [*self.encoder.parameters(), *self.head.parameters()] if p.requires_grad]

    def train(self, mode: bool = True) -> None:
        self.encoder.train(mode)
        self.dropout.train(mode)
        self.head.train(mode)

    def tokenize(self, texts: Sequence[str]) -> dict[str, Any]:
        if self.truncation == "head":
            return self.tokenizer(
                list(texts),
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            )
        torch = _torch()
        encoded = self.tokenizer(
            list(texts), truncation=False, return_attention_mask=False, verbose=False
        )
        rows = [head_and_tail(row, self.max_length) for row in encoded["input_ids"]]
        width = max((len(row) for row in rows), default=0)
        ids = np.full((len(rows), width), self.tokenizer.pad_token_id or 0, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        return {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}

    def pooled(self, batch: dict[str, Any]) -> Any:
        """The mean of the last layer over real tokens: the head's input."""
        hidden = self.encoder(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
        ).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return ((hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)).float()

    def forward(self, batch: dict[str, Any]) -> Any:
        return self.head(self.dropout(self.pooled(batch)))

    def logits(
        self, texts: Sequence[str], *, batch_size: int = 64, bf16: bool = False
    ) -> np.ndarray:
        """Raw class scores for ``texts`` (length-sorted batches; input order kept)."""
        return self.logits_and_features(texts, batch_size=batch_size, bf16=bf16)[0]

    def logits_and_features(
        self, texts: Sequence[str], *, batch_size: int = 64, bf16: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Raw class scores and pooled features of ``texts``, in one pass."""
        torch = _torch()
        self.train(False)
        hidden_size = int(self.head.in_features)
        logits = np.zeros((len(texts), self.n_classes), dtype=np.float32)
        features = np.zeros((len(texts), hidden_size), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16)
        with TORCH_THREADS.eager(), torch.inference_mode(), autocast:
            for start in range(0, len(texts), batch_size):
                chosen = order[start : start + batch_size]
                pooled = self.pooled(self.tokenize([texts[i] for i in chosen]))
                features[chosen] = pooled.numpy()
                logits[chosen] = self.head(pooled).float().numpy()
        return logits, features

    def state(self) -> dict[str, Any]:
        return {
            "encoder": copy.deepcopy(self.encoder.state_dict()),
            "head": copy.deepcopy(self.head.state_dict()),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.encoder.load_state_dict(state["encoder"])
        self.head.load_state_dict(state["head"])

    def save(self, path: Path) -> None:
        """A plain encoder directory, the head's weights and a small manifest."""
        from safetensors.torch import save_file

        path.mkdir(parents=True, exist_ok=True)
        self.encoder.save_pretrained(path / "encoder")
        self.tokenizer.save_pretrained(path / "encoder")
        save_file(
            {k: v.contiguous() for k, v in self.head.state_dict().items()},
            str(path / "head.safetensors"),
        )
        manifest = {
            "n_classes": self.n_classes,
            "max_length": self.max_length,
            "truncation": self.truncation,
        }
        (path / "classifier.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> EncoderClassifier:
        from safetensors.torch import load_file

        manifest = json.loads((path / "classifier.json").read_text(encoding="utf-8"))
        model = cls.from_pretrained(
            path / "encoder",
            manifest["n_classes"],
            dropout=0.0,
            max_length=manifest["max_length"],
            truncation=manifest.get("truncation", "head"),  # saves before truncation was named
        )
        model.head.load_state_dict(load_file(str(path / "head.safetensors")))
        model.train(False)
        return model


def token_budget(model_dir: Path, texts: list[str], *, seed: int = 0, sample: int = 2000) -> int:
    """The first of ``TOKEN_BUDGETS`` that holds all but ``LONG_SHARE`` of ``texts``
    whole (the last when none does), judged on a sample of them."""
    from transformers import AutoTokenizer

    if len(texts) > sample:
        chosen = np.random.default_rng(seed).choice(len(texts), sample, replace=False)
        texts = [texts[i] for i in chosen]
    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    lengths = np.array([len(ids) for ids in tokenizer(texts, verbose=False)["input_ids"]])
    for budget in TOKEN_BUDGETS:
        if (lengths > budget).mean() <= LONG_SHARE:
            return budget
    return TOKEN_BUDGETS[-1]
