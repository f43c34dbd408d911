"""Supervised fine-tuning of a local transformer encoder for classification.

The recipe: the pretrained encoder, mean pooling, dropout and a linear head,
trained with AdamW (a higher rate for the fresh head), linear warm-up and decay,
label smoothing and optional class weights; the token embedding table stays
frozen (a third less time per step; see docs/notes/text-classifier.md).
``method="lora"`` trains low-rank adapters (peft) instead of every weight and
merges them back at the end, so a saved model is a plain encoder either way.
Validation after each epoch drives early stopping and keeps the best weights
(or the mean of the late epochs' weights when validation prefers it); batches
are grouped by length so a CPU wastes little time on padding; matrix products
run in bfloat16 where the CPU has native units for it. Seeded runs repeat
exactly on the same machine.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from uxlift.errors import ConfigError, InvalidInput
from uxlift.text.encoder_classifier import EncoderClassifier
from uxlift.text.torch_threads import TORCH_THREADS

log = logging.getLogger(__name__)

METHODS = ("full", "lora")
EpochCallback = Callable[[int, dict[str, float]], None]


@dataclass(frozen=True)
class FineTuneConfig:
    """Hyper-parameters of one fine-tuning run (defaults suit short texts)."""

    method: str = "full"
    epochs: int = 8
    batch_size: int = 32
    learning_rate: float = 1e-4
    head_learning_rate: float = 2e-3
    weight_decay: float = 0.01
    dropout: float = 0.1
    warmup_ratio: float = 0.06
    label_smoothing: float = 0.1
    max_length: int = 64
    patience: int = 3
    freeze_word_embeddings: bool = True
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    bf16: bool | None = None
    time_budget_s: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise InvalidInput(f"finetune method must be one of {METHODS}, not {self.method!r}")
        for name in ("epochs", "batch_size", "max_length", "lora_r"):
            if getattr(self, name) < 1:
                raise InvalidInput(f"{name} must be at least 1")
        if not self.learning_rate > 0 or not self.head_learning_rate > 0:
            raise InvalidInput("learning rates must be positive")


@dataclass
class EpochRecord:
    epoch: int
    train_loss: float
    seconds: float
    val_loss: float | None = None
    val_accuracy: float | None = None


@dataclass
class TrainingHistory:
    epochs: list[EpochRecord] = field(default_factory=list)
    best_epoch: int = -1
    averaged_epochs: int = 0
    stopped_early: bool = False
    stopped_by_budget: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _torch() -> Any:
    import torch

    return torch


def _use_bf16(config: FineTuneConfig) -> bool:
    if config.bf16 is not None:
        return config.bf16
    from uxlift.text.fast_encoder import cpu_has_bf16

    return cpu_has_bf16()


def _length_batches(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Shuffled batches of similar length: sort within random pools of 50 batches."""
    order = rng.permutation(len(lengths))
    pool = batch_size * 50
    grouped = [
        chunk[np.argsort(lengths[chunk], kind="stable")]
        for chunk in np.array_split(order, max(1, math.ceil(len(order) / pool)))
    ]
    flat = np.concatenate(grouped)
    batches = [flat[i : i + batch_size] for i in range(0, len(flat), batch_size)]
    rng.shuffle(batches)  # type: ignore[arg-type]
    return batches


def _add_lora(model: EncoderClassifier, config: FineTuneConfig) -> None:
    from peft import LoraConfig, get_peft_model

    targets = [
        name
        for name in ("query", "value", "q_proj", "v_proj", "q_lin", "v_lin")
        if any(n.endswith(name) for n, _ in model.encoder.named_modules())
    ]
    if not targets:
        raise ConfigError("LoRA found no attention projections (query/value) in this encoder")
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=targets,
    )
    model.encoder = get_peft_model(model.encoder, lora)


def _freeze_word_embeddings(model: EncoderClassifier) -> None:
    """Keep the token embedding table fixed: half of MiniLM's weights, little gain
    from tuning them on a small set, and a dense gradient for every step."""
    embeddings = model.encoder.get_input_embeddings()
    if embeddings is not None:
        embeddings.weight.requires_grad_(False)


def _adamw(groups: list[dict[str, Any]], weight_decay: float) -> Any:
    """AdamW, fused into one kernel per step where this torch build allows it."""
    torch = _torch()
    try:
        return torch.optim.AdamW(groups, weight_decay=weight_decay, fused=True)
    except (RuntimeError, TypeError):
        return torch.optim.AdamW(groups, weight_decay=weight_decay)


def _merge_lora(model: EncoderClassifier) -> None:
    if hasattr(model.encoder, "merge_and_unload"):
        model.encoder = model.encoder.merge_and_unload()


def _schedule(optimizer: Any, total_steps: int, warmup_ratio: float) -> Any:
    torch = _torch()
    warmup = max(1, int(total_steps * warmup_ratio))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


class _WeightAverage:
    """A running mean of model weights, one sample per epoch."""

    def __init__(self) -> None:
        self.count = 0
        self._sum: dict[str, dict[str, Any]] = {}

    def add(self, model: EncoderClassifier) -> None:
        parts = {"encoder": model.encoder.state_dict(), "head": model.head.state_dict()}
        for part, weights in parts.items():
            into = self._sum.setdefault(part, {})
            for name, tensor in weights.items():
                if not tensor.is_floating_point():
                    into[name] = tensor.detach().clone()
                    continue
                value = tensor.detach().double()
                into[name] = value.clone() if name not in into else into[name] + value
        self.count += 1

    def state(self) -> dict[str, dict[str, Any]]:
        return {
            part: {
                name: (total / self.count).float() if total.is_floating_point() else total
                for name, total in weights.items()
            }
            for part, weights in self._sum.items()
        }


def _seed_everything(seed: int) -> None:
    torch = _torch()
    torch.manual_seed(seed)
    os.environ.setdefault("PYTHONHASHSEED", str(seed))


class FineTuner:
    """Runs one fine-tuning job; ``fit`` returns the trained model and its history."""

    def __init__(
        self,
        config: FineTuneConfig,
        *,
        progress: bool = True,
        on_epoch: EpochCallback | None = None,
        checkpoint_dir: Path | None = None,
    ) -> None:
        self.config = config
        self.progress = progress
        self.on_epoch = on_epoch
        self.checkpoint_dir = checkpoint_dir
        self.budget_reached = False

    def fit(
        self,
        model_dir: Path,
        texts: Sequence[str],
        labels: np.ndarray,
        n_classes: int,
        *,
        validation: tuple[Sequence[str], np.ndarray] | None = None,
        class_weights: np.ndarray | None = None,
    ) -> tuple[EncoderClassifier, TrainingHistory]:
        torch = _torch()
        cfg = self.config
        if len(texts) != len(labels) or not len(texts):
            raise InvalidInput("fine-tuning needs as many labels as texts, and at least one text")
        _seed_everything(cfg.seed)
        self.budget_reached = False
        model, optimizer = self._prepare(model_dir, n_classes)
        steps_per_epoch = math.ceil(len(texts) / cfg.batch_size)
        scheduler = _schedule(optimizer, cfg.epochs * steps_per_epoch, cfg.warmup_ratio)
        weight = None if class_weights is None else torch.tensor(class_weights, dtype=torch.float32)
        loss_fn = torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=cfg.label_smoothing)
        history = TrainingHistory()
        rng = np.random.default_rng(cfg.seed)
        lengths = np.array([len(t) for t in texts])
        targets = torch.as_tensor(np.asarray(labels, dtype=np.int64))
        best: tuple[float, dict[str, Any]] | None = None
        average = _WeightAverage()
        stale = 0
        started = time.monotonic()
        bf16 = _use_bf16(cfg)
        for epoch in range(cfg.epochs):
            epoch_start = time.monotonic()
            model.train(True)
            loss = self._run_epoch(
                model,
                texts,
                targets,
                _length_batches(lengths, cfg.batch_size, rng),
                optimizer,
                scheduler,
                loss_fn,
                bf16,
                epoch,
                None if cfg.time_budget_s is None else started + cfg.time_budget_s,
            )
            record = EpochRecord(
                epoch=epoch, train_loss=loss, seconds=time.monotonic() - epoch_start
            )
            if validation is not None and len(validation[0]):
                record.val_loss, record.val_accuracy = _validate(model, validation, bf16)
            history.epochs.append(record)
            self._report(record)
            if epoch >= cfg.epochs // 2:
                average.add(model)
            score = record.val_accuracy if record.val_accuracy is not None else -loss
            if best is None or score > best[0] + 1e-9:
                best, stale = (score, model.state()), 0
                history.best_epoch = epoch
                self._checkpoint(model)
            else:
                stale += 1
            if validation is not None and stale >= cfg.patience:
                history.stopped_early = True
                break
            if self.budget_reached or self._out_of_time(started, epoch):
                history.stopped_by_budget = True
                break
        self._keep_best_weights(model, best, average, validation, bf16, history)
        if cfg.method == "lora":
            _merge_lora(model)
        model.train(False)
        return model, history

    def _prepare(self, model_dir: Path, n_classes: int) -> tuple[EncoderClassifier, Any]:
        """The model to train (embeddings frozen, adapters added) and its optimizer."""
        cfg = self.config
        model = EncoderClassifier.from_pretrained(
            model_dir, n_classes, dropout=cfg.dropout, max_length=cfg.max_length
        )
        if cfg.freeze_word_embeddings:
            _freeze_word_embeddings(model)
        if cfg.method == "lora":
            _add_lora(model, cfg)
        groups = [
            {
                "params": [p for p in model.encoder.parameters() if p.requires_grad],
                "lr": cfg.learning_rate,
            },
            {"params": list(model.head.parameters()), "lr": cfg.head_learning_rate},
        ]
        return model, _adamw(groups, cfg.weight_decay)

    def _report(self, record: EpochRecord) -> None:
        if self.on_epoch is not None:
            metrics = {k: v for k, v in asdict(record).items() if v is not None and k != "epoch"}
            self.on_epoch(record.epoch, metrics)

    def _out_of_time(self, started: float, epoch: int) -> bool:
        """Whether another epoch (at the mean pace so far) would pass the budget."""
        budget = self.config.time_budget_s
        if budget is None or epoch + 1 >= self.config.epochs:
            return False
        elapsed = time.monotonic() - started
        if elapsed + elapsed / (epoch + 1) <= budget:
            return False
        log.warning("fine-tuning stopped after epoch %d to stay within %.0f s", epoch + 1, budget)
        return True

    def _keep_best_weights(
        self,
        model: EncoderClassifier,
        best: tuple[float, dict[str, Any]] | None,
        average: _WeightAverage,
        validation: tuple[Sequence[str], np.ndarray] | None,
        bf16: bool,
        history: TrainingHistory,
    ) -> None:
        """The mean of the late epochs' weights when validation likes it at least as
        much as the best single epoch (it usually generalizes better: Izmailov et
        al. 2018), else that best epoch."""
        if best is None:
            return
        if average.count >= 2 and validation is not None and len(validation[0]):
            model.restore(average.state())
            _, accuracy = _validate(model, validation, bf16)
            if accuracy + 1e-9 >= best[0]:
                history.averaged_epochs = average.count
                return
        model.restore(best[1])

    def _run_epoch(
        self,
        model: EncoderClassifier,
        texts: Sequence[str],
        targets: Any,
        batches: list[np.ndarray],
        optimizer: Any,
        scheduler: Any,
        loss_fn: Any,
        bf16: bool,
        epoch: int,
        deadline: float | None = None,
    ) -> float:
        """One pass over ``batches`` (cut short, after at least one batch, at ``deadline``)."""
        torch = _torch()
        from tqdm.auto import tqdm

        total, seen = 0.0, 0
        bar = tqdm(
            batches,
            desc=f"epoch {epoch + 1}/{self.config.epochs}",
            unit="batch",
            disable=not self.progress,
            leave=False,
        )
        for chosen in bar:
            with TORCH_THREADS.eager():
                batch = model.tokenize([texts[i] for i in chosen])
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                    logits = model.forward(batch)
                loss = loss_fn(logits.float(), targets[chosen])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
            total += float(loss.item()) * len(chosen)
            seen += len(chosen)
            bar.set_postfix(loss=f"{total / seen:.3f}")
            if deadline is not None and time.monotonic() > deadline:
                log.warning("fine-tuning stopped mid-epoch %d: time budget reached", epoch + 1)
                self.budget_reached = True
                break
        return total / max(seen, 1)

    def _checkpoint(self, model: EncoderClassifier) -> None:
        if self.checkpoint_dir is None:
            return
        from safetensors.torch import save_file

        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        weights = {f"encoder.{k}": v.contiguous() for k, v in model.encoder.state_dict().items()}
        weights.update({f"head.{k}": v.contiguous() for k, v in model.head.state_dict().items()})
        save_file(weights, str(self.checkpoint_dir / "best.safetensors"))


def _validate(
    model: EncoderClassifier, validation: tuple[Sequence[str], np.ndarray], bf16: bool
) -> tuple[float, float]:
    from scipy.special import log_softmax

    texts, labels = validation
    logits = model.logits(list(texts), bf16=bf16).astype(np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    nll = -log_softmax(logits, axis=1)[np.arange(len(labels)), labels].mean()
    accuracy = float((logits.argmax(axis=1) == labels).mean())
    return float(nll), accuracy
