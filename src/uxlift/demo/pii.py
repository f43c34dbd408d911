"""Fake but well-formed personal data, planted in demo texts to test redaction.

Values are valid in form: payment card numbers pass the Luhn check and Chinese
resident ids carry a correct GB 11643 check character. Every planted value is
recorded as ``(entity, value)`` so the privacy layer can be verified end to end.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PII_SHARE = 0.03
_MIN_PLANTED = 5  # at least one of each kind whenever there are enough texts

_FIRST = ("anna", "li", "marco", "sofia", "wei", "james", "priya", "lucas", "mei", "omar")
_LAST = ("keller", "zhang", "rossi", "novak", "chen", "walsh", "iyer", "moreau", "liu", "haddad")
_DOMAINS = ("example.com", "mailbox.example.org", "post.example.net", "example.cn")
_CN_REGIONS = ("110101", "310104", "440305", "330106", "510107", "420102", "320106")
_CN_MOBILE_PREFIXES = ("138", "139", "150", "158", "186", "177", "135", "199")
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = "10X98765432"

PLANT_TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "email": ("You can email me at {v} about this.", "Please reply to {v}."),
        "phone": ("Call me on {v} if anything is unclear.", "My number is {v}."),
        "payment_card": ("My card {v} was charged for this.", "I paid with card {v}."),
        "cn_resident_id": ("My ID number is {v} if you need to verify me.",),
    },
    "zh": {
        "email": ("我的邮箱是{v}，有问题请联系。", "请发邮件到{v}。"),
        "phone": ("我的手机号是{v}，请尽快联系我。", "有事打我电话{v}。"),
        "payment_card": ("扣款的银行卡号是{v}。", "我用的卡号是{v}。"),
        "cn_resident_id": ("我的身份证号是{v}，请帮我核实。", "实名信息：身份证{v}。"),
    },
}


def luhn_check_digit(partial: str) -> int:
    """The digit that makes ``partial + digit`` pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return (10 - total % 10) % 10


def luhn_valid(number: str) -> bool:
    digits = "".join(ch for ch in number if ch.isdigit())
    return len(digits) > 1 and luhn_check_digit(digits[:-1]) == int(digits[-1])


def cn_id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of a resident id."""
    return _ID_CHECK[int(np.dot(_ID_WEIGHTS, [int(c) for c in first17])) % 11]


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def make_email(rng: np.random.Generator) -> str:
    first, last = _FIRST[rng.integers(len(_FIRST))], _LAST[rng.integers(len(_LAST))]
    return f"{first}.{last}{rng.integers(1, 99)}@{_DOMAINS[rng.integers(len(_DOMAINS))]}"


def make_phone(rng: np.random.Generator) -> str:
    formats = (
        lambda: f"+44 7700 900{_digits(rng, 3)}",
        lambda: f"+1 415-555-0{_digits(rng, 3)}",
        lambda: f"+49 151 {_digits(rng, 4)} {_digits(rng, 4)}",
        lambda: f"+33 6 {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
    )
    return formats[rng.integers(len(formats))]()


def make_cn_mobile(rng: np.random.Generator) -> str:
    return _CN_MOBILE_PREFIXES[rng.integers(len(_CN_MOBILE_PREFIXES))] + _digits(rng, 8)


def make_card(rng: np.random.Generator) -> str:
    prefix = "4" if rng.random() < 0.6 else f"5{rng.integers(1, 6)}"
    partial = prefix + _digits(rng, 15 - len(prefix))
    number = partial + str(luhn_check_digit(partial))
    if rng.random() < 0.5:
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def make_cn_id(rng: np.random.Generator) -> str:
    year = int(rng.integers(1960, 2005))
    month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
    first17 = (
        f"{_CN_REGIONS[rng.integers(len(_CN_REGIONS))]}{year}{month:02d}{day:02d}{_digits(rng, 3)}"
    )
    return first17 + cn_id_check_char(first17)


# (entity, maker) in the order kinds are cycled; both phone makers report "phone".
_KINDS: tuple[tuple[str, Callable[[np.random.Generator], str]], ...] = (
    ("email", make_email),
    ("phone", make_phone),
    ("phone", make_cn_mobile),
    ("payment_card", make_card),
    ("cn_resident_id", make_cn_id),
)


def plant_pii(
    rng: np.random.Generator, texts: list[str], languages: list[str]
) -> list[tuple[str, str]]:
    """Append a PII sentence to about 3% of ``texts`` (in place); return what was planted."""
    n = len(texts)
    k = min(n, max(_MIN_PLANTED, round(PII_SHARE * n)))
    chosen = np.sort(rng.choice(n, size=k, replace=False)) if k else np.array([], dtype=int)
    kinds = rng.permutation(np.resize(np.arange(len(_KINDS)), k))
    planted: list[tuple[str, str]] = []
    for index, kind in zip(chosen.tolist(), kinds.tolist(), strict=True):
        entity, make = _KINDS[kind]
        value = make(rng)
        options = PLANT_TEMPLATES[languages[index]][entity]
        sentence = options[rng.integers(len(options))].format(v=value)
        joiner = "" if languages[index] == "zh" else " "
        texts[index] = f"{texts[index]}{joiner}{sentence}"
        planted.append((entity, value))
    return planted
