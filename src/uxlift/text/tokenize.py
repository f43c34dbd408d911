"""Tokenization for lexical methods (BM25, TF-IDF): jieba for Chinese, Unicode rules else.

Text is NFKC-normalized, then cut into runs of Han characters and runs of
everything else, so mixed text such as "iPhone 15 退货 怎么办" gets the best
of both: Han runs go through jieba's search mode (a long word also yields its
sub-words, which helps recall), other runs through a Unicode rule (letters and
digits, accents kept, punctuation dropped, ``'s`` stripped). Japanese text
(detected, or ``language="ja"``) gets overlapping character bigrams for its
Han and kana runs instead of jieba. jieba loads its bundled dictionary once,
lazily, quietly and under a lock, into a private instance so that words other
code adds to ``jieba``'s global tokenizer never change uxlift's tokens.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from uxlift.text.language import HAN, KANA, detect_language

log = logging.getLogger(__name__)

_HAN_RUN = re.compile(f"([{HAN}]+)")
_CJK_RUN = re.compile(f"([{HAN}{KANA}]+)")
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_ASCII_WORD = re.compile(r"[a-z]+")

_EN_STOPWORDS = """a about an and any are as at be been but by can could did do does for from
    had has have he her him his how i if in into is it its me my no not of on or
    our please she so than that the their them then there these they this those to
    us was we were what when where which who why will with would you your"""
_ZH_STOPWORDS = """的 了 吗 呢 吧 啊 呀 哦 嗯 么 嘛 是 在 和 与 及 或 就 都 也 还 又
    我 你 您 他 她 它 我们 你们 他们 这 那 这个 那个 一个
    有 没 被 把 给 让 请 问 想 要 会 能 可以 一下"""
EN_STOPWORDS = frozenset(_EN_STOPWORDS.split())
ZH_STOPWORDS = frozenset(_ZH_STOPWORDS.split())
STOPWORDS = EN_STOPWORDS | ZH_STOPWORDS

_jieba_lock = threading.Lock()
_jieba: Any = None


def _jieba_tokenizer() -> Any:
    """The shared jieba instance, loaded on first use; later calls are lock-free."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.initialize()
                _jieba = instance
                log.debug("jieba dictionary loaded")
    return _jieba


def minimal_stem(token: str) -> str:
    """English plural stripping (Lucene's minimal stemmer): boxes->boxe, parties->party."""
    n = len(token)
    if n < 3 or token[-1] != "s" or not _ASCII_WORD.fullmatch(token):
        return token
    if token[-2] in "us":
        return token
    if token[-2] == "e":
        if n > 3 and token[-3] == "i" and token[-4] not in "ae":
            return token[:-3] + "y"
        if token[-3] in "iaoe":
            return token
    return token[:-1]


def _bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@dataclass(frozen=True, kw_only=True)
class Tokenizer:
    """Callable text -> tokens.

    ``stopwords``: False keeps every token, True drops uxlift's short en + zh
    lists, or pass your own collection (compared after lowercasing).
    ``lowercase``: casefold Latin text. ``stem``: strip English plurals.
    ``search_mode``: jieba's search mode (sub-words too) rather than plain cut.
    """

    lowercase: bool = True
    stopwords: bool | Collection[str] = False
    stem: bool = False
    search_mode: bool = True

    def __call__(self, text: str, *, language: str | None = None) -> list[str]:
        return self.tokenize(text, language=language)

    def tokenize(self, text: str, *, language: str | None = None) -> list[str]:
        """Tokens of ``text``; ``language`` overrides detection ("ja" -> bigrams)."""
        if not text:
            return []
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
        if language is None:
            language = detect_language(text)
        splitter = _CJK_RUN if language == "ja" else _HAN_RUN
        stop = self._stopword_set()
        tokens: list[str] = []
        for i, part in enumerate(splitter.split(text)):
            if not part:
                continue
            if i % 2 == 0:
                tokens.extend(self._words(part, stop))
            elif language == "ja":
                tokens.extend(_bigrams(part))
            else:
                tokens.extend(t for t in self._han(part) if t not in stop)
        return tokens

    def _words(self, part: str, stop: Collection[str]) -> Iterable[str]:
        for match in _WORD.finditer(part.casefold() if self.lowercase else part):
            word = match.group()
            if word.endswith(("'s", "'S")):
                word = word[:-2]
            if stop and word.casefold() in stop:
                continue
            yield minimal_stem(word) if self.stem else word

    def _han(self, run: str) -> list[str]:
        jieba = _jieba_tokenizer()
        if self.search_mode:
            return list(jieba.cut_for_search(run, HMM=True))
        return list(jieba.cut(run, HMM=True))

    def _stopword_set(self) -> Collection[str]:
        if self.stopwords is True:
            return STOPWORDS
        return self.stopwords or frozenset()

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly parameters (a custom stopword collection becomes a sorted list)."""
        params = asdict(self)
        if not isinstance(self.stopwords, bool):
            params["stopwords"] = sorted(self.stopwords)
        return params

    @classmethod
    def from_dict(cls, params: dict[str, Any]) -> Tokenizer:
        params = dict(params)
        if isinstance(params.get("stopwords"), list):
            params["stopwords"] = frozenset(params["stopwords"])
        return cls(**params)


DEFAULT_TOKENIZER = Tokenizer()


def tokenize(text: str, *, language: str | None = None) -> list[str]:
    """Tokens of ``text`` with the default options (lowercase, every token kept)."""
    return DEFAULT_TOKENIZER.tokenize(text, language=language)
