"""Spotting a frustrated user, so the assistant hands over instead of insisting.

A message counts as frustrated when it carries an explicit complaint cue (a
lexicon in English and Chinese: threats to complain or sue, insults to the
service, "third time", "nobody answers") or shouts (two or more all-capital
words, or three exclamation marks in a row). The lexicon is deliberately short and
high-precision: a false alarm costs an agent's minute, a miss costs a customer.
"""

from __future__ import annotations

import re

CUES_EN = (
    "unacceptable", "worst", "ridiculous", "useless", "pathetic", "terrible service",
    "legal action", "lawyer", "sue you", "report you", "reporting you", "scam", "fraud",
    "third time", "fourth time", "nobody answers", "no one answers", "i'm done", "im done",
    "fed up", "sick of", "furious", "angry", "disgusting", "complaint", "manager",
    "waste of time", "not happy at all", "rip off", "ripoff", "rude", "outrageous",
)  # fmt: skip
CUES_ZH = (
    "投诉", "太差", "垃圾", "骗子", "气死", "经理", "律师", "起诉", "第三次", "没人理",
    "无法接受", "差评", "忍无可忍", "坑人", "欺骗", "什么破", "太过分", "受够", "法律",
    "态度很差", "态度差", "到底怎么回事", "气愤", "离谱",
)  # fmt: skip
_SHOUTED_WORD = re.compile(r"\b[A-Z]{3,}\b")
_EXCLAIM = re.compile(r"[!！]{3,}")


def is_frustrated(text: str) -> bool:
    lowered = text.casefold()
    if any(cue in lowered for cue in CUES_EN) or any(cue in text for cue in CUES_ZH):
        return True
    shouted = [w for w in _SHOUTED_WORD.findall(text) if w not in {"FAQ", "USA", "PIN", "SMS"}]
    return len(shouted) >= 2 or bool(_EXCLAIM.search(text))
