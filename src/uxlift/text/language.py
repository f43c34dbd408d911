"""Language detection by Unicode script: fast, deterministic, no model.

uxlift serves English and Chinese, so telling them apart is a question of
script, not vocabulary: count Han ideographs, Japanese kana, Hangul and Latin
letters and return the language of the heaviest script. A Han character
carries about as much meaning as a short English word's worth of letters (a
Chinese word is ~1.5 characters, an English word ~5 letters), so each CJK
character weighs ``CJK_WEIGHT`` Latin letters; "iPhone 15 退货 怎么办" is
Chinese, "How do I say 谢谢?" is English. "en" stands for Latin script in
general (English is the only Latin-script language uxlift ships resources
for). Text with no letters at all (empty, digits, emoji, punctuation) gets
``default``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

LANGUAGES = ("zh", "en", "ja", "ko", "other")
CJK_WEIGHT = 3.0

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d"
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"

_HAN = re.compile(f"[{HAN}]")
_KANA = re.compile(f"[{KANA}]")
_HANGUL = re.compile(f"[{HANGUL}]")
_LATIN = re.compile(f"[{LATIN}]")
_LETTER = re.compile(r"[^\W\d_]")
# In Chinese text a stray kana (a "の" in a slogan) is noise; Japanese prose is
# rarely less than a fifth kana.
_MIN_KANA_SHARE = 0.2


@dataclass(frozen=True)
class ScriptCounts:
    """How many characters of ``text`` belong to each script uxlift tells apart."""

    han: int
    kana: int
    hangul: int
    latin: int
    other: int

    @classmethod
    def of(cls, text: str) -> ScriptCounts:
        text = unicodedata.normalize("NFKC", text)
        han = len(_HAN.findall(text))
        kana = len(_KANA.findall(text))
        hangul = len(_HANGUL.findall(text))
        latin = len(_LATIN.findall(text))
        letters = len(_LETTER.findall(text))
        other = max(letters - han - kana - hangul - latin, 0)
        return cls(han=han, kana=kana, hangul=hangul, latin=latin, other=other)


def detect_language(text: str, *, default: str = "other") -> str:
    """``"zh"``, ``"en"``, ``"ja"``, ``"ko"`` or ``"other"`` for ``text``.

    The majority script wins, CJK characters weighted by ``CJK_WEIGHT``; ties go
    to the CJK language (the rarer and more informative signal). Han with enough
    kana is Japanese; Han alone is Chinese (a short kanji-only Japanese phrase is
    indistinguishable from Chinese by script). Without any letter: ``default``.
    """
    counts = ScriptCounts.of(text)
    cjk = counts.han + counts.kana
    is_japanese = counts.kana > 0 and counts.kana >= _MIN_KANA_SHARE * cjk
    weights = {
        "ja" if is_japanese else "zh": CJK_WEIGHT * cjk,
        "ko": CJK_WEIGHT * counts.hangul,
        "en": float(counts.latin),
        "other": float(counts.other),
    }
    best = max(weights, key=weights.__getitem__)  # first key wins ties: CJK first
    return best if weights[best] > 0 else default
