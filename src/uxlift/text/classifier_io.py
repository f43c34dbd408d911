"""Saving, loading and describing ``TextClassifier``: a directory with a JSON manifest.

Fine-tuned encoders are written as plain Hugging Face directories with
safetensors weights; the scikit-learn parts (TF-IDF vocabulary, logistic
regression) go through joblib, which unpickles: load only directories you trust.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from uxlift.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from uxlift.text.classifier import TextClassifier

MANIFEST = "textclassifier.json"
LINEAR_PARTS = ("tfidf_", "tfidf_model_", "embedding_model_", "hybrid_model_")
OPEN_SET = "open_set.npz"


def save(model: TextClassifier, path: Path) -> Path:
    import joblib

    from uxlift.text.classifier import FORMAT_VERSION

    path.mkdir(parents=True, exist_ok=True)
    parts = {name: getattr(model, name) for name in LINEAR_PARTS if hasattr(model, name)}
    if parts:
        joblib.dump(parts, path / "linear.joblib")
    if hasattr(model, "finetuned_"):
        model.finetuned_.save(path / "finetuned")
    if hasattr(model, "open_set_"):
        _save_open_set(model, path)
    for i, member in enumerate(getattr(model, "members_", [])):
        save(member, path / f"member-{i}")
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "params": model.get_params(),
        "method": model.method_,
        "classes": model.classes_.tolist(),
        "temperature": model.temperature_,
        "validation_accuracy": model.validation_accuracy_,
        "fit_seconds": model.fit_seconds_,
        "blend": getattr(model, "blend_", {}),
        "encoder_id": getattr(model, "encoder_id_", None),
        "members": len(getattr(model, "members_", [])),
    }
    (path / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    return path


def load(cls: type[TextClassifier], path: Path) -> TextClassifier:
    import joblib

    from uxlift.text.classifier import FORMAT_VERSION

    manifest_path = path / MANIFEST
    if not manifest_path.exists():
        raise NotFound(f"no saved text classifier at {path} ({MANIFEST} missing)")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise InvalidInput(
            f"saved classifier format {manifest.get('format')} is not supported "
            f"(expected {FORMAT_VERSION})"
        )
    model = cls(**manifest["params"])
    model.method_ = manifest["method"]
    model.classes_ = np.array(manifest["classes"], dtype=object)
    model.temperature_ = float(manifest["temperature"])
    model.validation_accuracy_ = float(manifest["validation_accuracy"])
    model.fit_seconds_ = float(manifest["fit_seconds"])
    model.blend_ = {str(k): float(v) for k, v in manifest["blend"].items()}
    if manifest.get("encoder_id"):
        model.encoder_id_ = manifest["encoder_id"]
    if (path / "linear.joblib").exists():
        for name, part in joblib.load(path / "linear.joblib").items():
            setattr(model, name, part)
    if (path / "finetuned").exists():
        from uxlift.text.encoder_classifier import EncoderClassifier

        model.finetuned_ = EncoderClassifier.load(path / "finetuned")
        model.max_length_ = model.finetuned_.max_length
    if (path / OPEN_SET).exists():
        _load_open_set(model, path)
    if manifest.get("members"):
        model.members_ = [load(cls, path / f"member-{i}") for i in range(manifest["members"])]
    return model


def _save_open_set(model: TextClassifier, path: Path) -> None:
    import scipy.sparse as sp

    np.savez(path / OPEN_SET, **model.open_set_.to_arrays())
    if sp.issparse(model.bank_):
        sp.save_npz(path / "open_set_bank_sparse.npz", model.bank_)
    else:
        np.save(path / "open_set_bank.npy", model.bank_.astype(np.float16))


def _load_open_set(model: TextClassifier, path: Path) -> None:
    import scipy.sparse as sp

    from uxlift.text.open_set import OpenSetCalibration

    with np.load(path / OPEN_SET) as arrays:
        model.open_set_ = OpenSetCalibration.from_arrays({k: arrays[k] for k in arrays.files})
    if (path / "open_set_bank_sparse.npz").exists():
        model.bank_ = sp.load_npz(path / "open_set_bank_sparse.npz").tocsr()
    else:
        model.bank_ = np.load(path / "open_set_bank.npy").astype(np.float32)


def describe(model: TextClassifier) -> dict[str, Any]:
    """A JSON-ready summary of a fitted classifier."""
    out: dict[str, Any] = {
        "method": model.method_,
        "n_classes": len(model.classes_),
        "temperature": round(model.temperature_, 4),
        "validation_accuracy": model.validation_accuracy_,
        "fit_seconds": round(model.fit_seconds_, 1),
    }
    if hasattr(model, "history_"):
        out["max_length"] = model.max_length_
        out["best_epoch"] = model.history_.best_epoch
        out["epochs_run"] = len(model.history_.epochs)
        out["averaged_epochs"] = model.history_.averaged_epochs
    if getattr(model, "blend_", None):
        out["blend_weights"] = model.blend_
    if getattr(model, "members_", None):
        out["members"] = {_member_name(m, model.members_): describe(m) for m in model.members_}
    return json.loads(json.dumps(out, default=str))


def _member_name(member: Any, members: list[Any]) -> str:
    """The member's encoder, with its seed when the encoder trained more than once."""
    repeated = sum(m.encoder == member.encoder for m in members) > 1
    return f"{member.encoder} seed {member.random_state}" if repeated else member.encoder
