"""Export a local mean-pooling encoder to ONNX once, and reuse the cached file.

The exported graph takes ``input_ids`` and ``attention_mask`` and returns the
mean-pooled, L2-normalized sentence vectors, so one ONNX Runtime call does the
whole encoding. Files live in a directory the caller owns (e.g.
``<data_dir>/models``), keyed by the weights digest and the exporter version,
so a changed model or torch never reuses a stale graph.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from uxlift.text.encoders import weights_digest
from uxlift.text.torch_threads import TORCH_THREADS

log = logging.getLogger(__name__)

_EXPORT_LOCK = threading.Lock()
EXPORT_COUNT = {"n": 0}  # how many exports this process ran (tests check reuse)


def onnx_model_path(model_dir: Path, cache_dir: Path) -> Path:
    """Where the fp32 ONNX export of ``model_dir`` is cached."""
    import torch

    version = torch.__version__.split("+")[0]
    return Path(cache_dir) / f"{model_dir.name}-{weights_digest(model_dir)}-t{version}-fp32.onnx"


def ensure_onnx_model(model_dir: Path, cache_dir: Path) -> tuple[Path, bool]:
    """The cached ONNX file for ``model_dir``, exported first if missing.

    Returns the path and whether this call exported it. The file is written
    under a temporary name and renamed, so readers never see half a file.
    """
    path = onnx_model_path(model_dir, cache_dir)
    with _EXPORT_LOCK:
        if path.exists():
            return path, False
        _write_atomically(path, lambda tmp: _export(model_dir, tmp))
        EXPORT_COUNT["n"] += 1
        log.info("exported %s to ONNX at %s", model_dir.name, path)
        return path, True


def int8_model_path(fp32_path: Path) -> Path:
    """Where the int8 copy of the fp32 export at ``fp32_path`` is cached."""
    return fp32_path.with_name(fp32_path.name.removesuffix("-fp32.onnx") + "-int8.onnx")


def ensure_int8_model(fp32_path: Path) -> Path:
    """The int8 copy of an exported graph, quantized once and cached beside it.

    Dynamic quantization (ONNX Runtime): the weights of every matrix product are
    stored as int8 per output channel, activations are quantized per batch, so
    CPUs with VNNI multiply in int8. Vectors move by a cosine of about 0.99; see
    ``docs/notes/encoder-speed.md`` for what that does to labels.
    """
    path = int8_model_path(fp32_path)
    with _EXPORT_LOCK:
        if not path.exists():
            _write_atomically(path, lambda tmp: _quantize(fp32_path, tmp))
            log.info("quantized %s to int8 at %s", fp32_path.name, path)
    return path


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".onnx.part")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _quantize(source: Path, target: Path) -> None:
    """ONNX Runtime's recommended order: shape inference and graph clean-up first
    (symbolic inference cannot follow the dynamic axes here and is skipped), then
    dynamic quantization."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    prepared = target.with_name(target.name + ".pre")
    try:
        quant_pre_process(source, prepared, skip_symbolic_shape=True)
        quantize_dynamic(prepared, target, weight_type=QuantType.QInt8, per_channel=True)
    finally:
        prepared.unlink(missing_ok=True)


def _pooling_module(model: Any) -> Any:
    import torch

    class MeanPooled(torch.nn.Module):
        """The transformer plus mean pooling and L2 normalization."""

        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.inner(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return MeanPooled(model).eval()


def _export(model_dir: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(model_dir, local_files_only=True, attn_implementation="eager")
    wrapped = _pooling_module(model.eval())
    sample = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with TORCH_THREADS.capturing(), warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped,
            (sample, sample),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["embeddings"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "embeddings": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
