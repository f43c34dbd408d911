"""The fast inference path of the default encoder (all-MiniLM-L6-v2).

Two engines, each used where it measures best on a small CPU:

* small batches (single texts, the server's request path) run through ONNX
  Runtime in fp32 on a graph exported once from the local weights: it has far
  less per-call overhead than eager PyTorch, and stays exact;
* large batches run through PyTorch with the linear layers in bfloat16
  (autocast, so AMX / AVX-512-BF16 units do the matrix products) compiled by
  TorchInductor with frozen weights. Cosine to the fp32 reference is > 0.9999.

``precision="fp32"`` keeps everything in ONNX Runtime fp32 (for CPUs without
bf16 units); ``"auto"`` picks bf16 only where the CPU has native bf16. ``"int8"``
sends large batches through a dynamically quantized copy of the ONNX graph
(int8 matrix products on VNNI units; cosine to fp32 about 0.99, for callers that
keep labels rather than vectors); ``"fastest"`` is bf16 where the CPU has it,
else int8 where it has VNNI, else fp32. The ``id`` records the engine, so bf16
or int8 vectors never mix with fp32 ones in a cache.
Texts are tokenized by the Rust ``tokenizers`` library and batched by length.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.errors import ConfigError
from uxlift.text.encoders import minilm_dir, weights_digest
from uxlift.text.onnx_export import ensure_int8_model, ensure_onnx_model
from uxlift.text.torch_threads import TORCH_THREADS

log = logging.getLogger(__name__)

PRECISIONS = ("auto", "fastest", "bf16", "int8", "fp32")


@functools.cache
def _cpu_flags() -> frozenset[str]:
    """The CPU's feature flags, read from ``/proc/cpuinfo`` once per process."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return frozenset()
    lines = text.splitlines()
    return frozenset(flag for line in lines if line.startswith("flags") for flag in line.split())


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AMX or AVX-512 BF16)."""
    return bool(_cpu_flags() & {"amx_bf16", "avx512_bf16"})


def cpu_has_vnni() -> bool:
    """Whether this CPU has int8 dot-product instructions (AVX-512 VNNI or AVX-VNNI)."""
    return bool(_cpu_flags() & {"avx512_vnni", "avx_vnni"})


def batch_engine(precision: str) -> str:
    """The engine large batches run on for ``precision``: bf16, int8 or fp32."""
    if precision in ("bf16", "int8", "fp32"):
        return precision
    if cpu_has_bf16():
        return "bf16"
    return "int8" if precision == "fastest" and cpu_has_vnni() else "fp32"


class FastMiniLMEncoder:
    """all-MiniLM-L6-v2 (or any BERT-style local model), fast on CPU.

    ``cache_dir`` holds the exported ONNX graph (e.g. ``<data_dir>/models``).
    ``small_batch`` is the largest batch sent to the exact fp32 engine when the
    bf16 or int8 engine is on; ``compile=False`` keeps the bf16 engine eager (no C compiler
    needed). ``calls`` counts the texts actually encoded.
    """

    def __init__(
        self,
        *,
        cache_dir: Path | str,
        model_dir: Path | str | None = None,
        name: str = "all-MiniLM-L6-v2",
        precision: str = "auto",
        max_length: int = 256,
        batch_size: int = 64,
        small_batch: int = 8,
        threads: int | None = None,
        compile: bool = True,
    ) -> None:
        if precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {PRECISIONS}, not {precision!r}")
        self.model_dir = Path(model_dir) if model_dir is not None else minilm_dir()
        if not (self.model_dir / "tokenizer.json").exists():
            raise ConfigError(f"no fast tokenizer at {self.model_dir} (tokenizer.json missing)")
        self.cache_dir = Path(cache_dir)
        self.name = name
        self.precision = precision
        self.max_length = max_length
        self.batch_size = batch_size
        self.small_batch = small_batch
        self.threads = threads
        self.compile = compile
        self.calls = 0
        self.engine = batch_engine(precision)
        self.bf16 = self.engine == "bf16"
        self.onnx_path, self.exported = ensure_onnx_model(self.model_dir, self.cache_dir)
        self._tokenizer = _load_tokenizer(self.model_dir, max_length)
        self._sessions: dict[str, Any] = {}  # ONNX Runtime sessions by engine, opened on use
        config = json.loads((self.model_dir / "config.json").read_text(encoding="utf-8"))
        self._dim = int(config.get("hidden_size", 384))
        self._torch: Any = None
        self._engine_lock = threading.Lock()
        digest = weights_digest(self.model_dir)
        suffix = "" if self.engine == "fp32" else f":{self.engine}"
        self._id = f"{name}@{digest}:mean:{max_length}:{''!r}" + suffix

    @property
    def id(self) -> str:
        return self._id

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode ``texts`` in length-sorted batches; rows keep input order."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if len(texts) == 1:
            out = self._encode_batch([texts[0]])
        else:
            order = np.argsort([len(t) for t in texts], kind="stable")
            out = np.empty((len(texts), self.dim), dtype=np.float32)
            for start in range(0, len(texts), self.batch_size):
                chosen = order[start : start + self.batch_size]
                out[chosen] = self._encode_batch([texts[i] for i in chosen])
        self.calls += len(texts)
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        big = len(texts) > self.small_batch
        if big and self.engine == "bf16":
            return self._encode_bf16(ids, mask)
        session = self._onnx("int8" if big and self.engine == "int8" else "fp32")
        feeds = {"input_ids": ids, "attention_mask": mask}
        return np.asarray(session.run(None, feeds)[0], dtype=np.float32)

    def _onnx(self, engine: str) -> Any:
        """The fp32 or int8 ONNX Runtime session, opened on first use (the int8
        graph is quantized then, once per cache): a big-batch-only caller never
        holds the fp32 graph in memory."""
        session = self._sessions.get(engine)
        if session is not None:  # no lock once open: a loading bf16 engine never blocks it
            return session
        with self._engine_lock:
            if engine not in self._sessions:
                path = self.onnx_path if engine == "fp32" else ensure_int8_model(self.onnx_path)
                self._sessions[engine] = _onnx_session(path, self.threads or _cpu_count())
            return self._sessions[engine]

    def _encode_bf16(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        with TORCH_THREADS.capturing() if self.compile else TORCH_THREADS.eager():
            model = self._torch_model()
            input_ids, attention = torch.from_numpy(ids), torch.from_numpy(mask)
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
                hidden = model(input_ids=input_ids, attention_mask=attention).last_hidden_state
            hidden = hidden.float()
            weights = attention.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1).numpy().astype(np.float32)

    def _torch_model(self) -> Any:
        """The bf16 engine, loaded (and compiled, lazily on first use) once."""
        with self._engine_lock:
            if self._torch is None:
                self._torch = _load_torch_model(self.model_dir, compile=self.compile)
            return self._torch


def _cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _load_tokenizer(model_dir: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    padding = tokenizer.padding or {}
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(
        pad_id=int(padding.get("pad_id", 0)), pad_token=str(padding.get("pad_token", "[PAD]"))
    )
    return tokenizer


def _onnx_session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _load_torch_model(model_dir: Path, *, compile: bool) -> Any:
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_dir, local_files_only=True).eval()
    return compiled_for_inference(model) if compile else model


def compiled_for_inference(model: Any) -> Any:
    """``model`` compiled for bf16 inference on dynamic shapes, or ``model`` itself when
    no compiler backend is available (still bf16 under autocast)."""
    import torch

    try:
        # Frozen weights let Inductor prepack them for the bf16 matrix units.
        return torch.compile(model, dynamic=True, options={"freezing": True})
    except Exception as exc:  # no compiler backend here: stay eager, still bf16
        log.warning("torch.compile unavailable (%s); using eager bf16", exc)
        return model
