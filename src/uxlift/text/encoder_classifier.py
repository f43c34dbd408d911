"""A transformer encoder with a classification head: the fine-tuned model.

Mean pooling over the encoder's last layer, dropout, one linear layer. Saved as
a plain Hugging Face directory (``encoder/``), the head's weights in
safetensors and a small manifest, so a saved model loads without uxlift's
training code and without pickles.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.errors import ConfigError


def _torch() -> Any:
    import torch

    return torch


class EncoderClassifier:
    """A fine-tunable encoder with a classification head; ``logits`` for inference."""

    def __init__(
        self, encoder: Any, tokenizer: Any, n_classes: int, *, dropout: float, max_length: int
    ) -> None:
        torch = _torch()
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.n_classes = n_classes
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(int(encoder.config.hidden_size), n_classes)

    @classmethod
    def from_pretrained(
        cls, model_dir: Path, n_classes: int, *, dropout: float, max_length: int
    ) -> EncoderClassifier:
        if not (Path(model_dir) / "config.json").exists():
            raise ConfigError(f"fine-tuning needs a local Hugging Face model; none at {model_dir}")
        from transformers import AutoModel, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        encoder = AutoModel.from_pretrained(model_dir, local_files_only=True)
        return cls(encoder, tokenizer, n_classes, dropout=dropout, max_length=max_length)

    def parameters(self) -> list[Any]:
        return [p for p in [*self.encoder.parameters(), *self.head.parameters()] if p.requires_grad]

    def train(self, mode: bool = True) -> None:
        self.encoder.train(mode)
        self.dropout.train(mode)
        self.head.train(mode)

    def tokenize(self, texts: Sequence[str]) -> dict[str, Any]:
        return self.tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
        )

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
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
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
        manifest = {"n_classes": self.n_classes, "max_length": self.max_length}
        (path / "classifier.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> EncoderClassifier:
        from safetensors.torch import load_file

        manifest = json.loads((path / "classifier.json").read_text(encoding="utf-8"))
        model = cls.from_pretrained(
            path / "encoder", manifest["n_classes"], dropout=0.0, max_length=manifest["max_length"]
        )
        model.head.load_state_dict(load_file(str(path / "head.safetensors")))
        model.train(False)
        return model
