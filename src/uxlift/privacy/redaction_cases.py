"""A seeded, labelled redaction test set in English and Chinese.

Cases are review, chat and search-like sentences built from templates. They
hold positives of every entity in varied formats (grouped, compact, full-width,
international), look-alike negatives (dates, prices, order and tracking
numbers, versions, numbers that fail a checksum) and texts with no PII at all.
Nothing is downloaded: every value is generated from ``seed``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from uxlift.privacy.synthetic_pii import (
    LOOKALIKE_MAKERS,
    MAKERS,
    make_date,
    make_order_number,
    make_phone,
)

POSITIVES_PER_ENTITY = 28
NEGATIVES_PER_LANGUAGE = 70
MIXED_PER_LANGUAGE = 25


@dataclass(frozen=True)
class RedactionCase:
    """A text and its gold spans as (entity, exact substring); no spans means no PII."""

    text: str
    spans: tuple[tuple[str, str], ...]
    language: str


_LABELS = {
    "en": {
        "EMAIL": ("email", "e-mail address", "mail"),
        "PHONE": ("phone", "number", "mobile", "cell"),
        "CARD": ("card", "credit card", "card number", "Visa"),
        "CN_ID": ("ID number", "Chinese ID", "resident ID"),
        "IP": ("IP", "IP address", "server"),
        "IBAN": ("IBAN", "bank account", "account"),
    },
    "zh": {
        "EMAIL": ("邮箱", "电子邮件", "邮件地址"),
        "PHONE": ("手机", "电话", "手机号", "联系方式"),
        "CARD": ("银行卡", "信用卡号", "卡号"),
        "CN_ID": ("身份证", "身份证号码", "证件号"),
        "IP": ("IP地址", "IP", "服务器"),
        "IBAN": ("IBAN", "银行账户", "收款账号"),
    },
}

_POSITIVE_TEMPLATES = {
    "en": (
        "Please reach me at {v} if the parcel is late.",
        "my {label} is {v}, thanks",
        "{label}: {v}",
        "Can you update my {label} to {v}? The old one stopped working.",
        "Hi, it's me again ({v}). Still waiting on order {order}.",
        "{v} is the {label} on the account",
        "Refund didn't arrive. {label} {v}.",
        "I put my {label} ({v}) on the form on {date} but nobody replied",
        "{label}={v};",
    ),
    "zh": (
        "请联系我{v}谢谢",
        "我的{label}是{v}，麻烦尽快处理",
        "{label}：{v}",
        "客服你好，{label}{v}，订单{order}还没发货",
        "麻烦把{label}改成{v}吧",
        "（{v}）这个是我的{label}",
        "{v}这个{label}一直有问题",
        "{date}下的单，{label}{v}，请尽快回复",
        "{label}{v}",
    ),
}

# Entity-specific shapes that generic templates miss.
_SPECIAL_TEMPLATES = {
    "EMAIL": ("Reply to <{v}> please", "mailto:{v}", "发邮件到{v}。"),
    "IP": ("ssh {v} times out", "服务器{v}连不上了", "blocked from {v} again!"),
    "PHONE": ("Tel.{v}", "call me on {v}!!", "电话{v}（工作日）"),
}

_NEGATIVE_TEMPLATES = {
    "en": (
        "Ordered on {n}, still not here.",
        "order number {n} was charged twice",
        "The {n} one is way better than the old model",
        "Paid {n} and it broke after a week",
        "Tracking says {n} but the status hasn't changed",
        "Updated to {n} and the app keeps crashing",
        "got {n} of them, all fine",
        "reference {n} please check",
    ),
    "zh": (
        "{n}下的单，到现在还没到",
        "订单号{n}被扣了两次钱",
        "价格{n}，性价比很高",
        "升级到{n}以后一直闪退",
        "快递单号{n}一直没更新",
        "买了{n}，质量不错",
        "参考号：{n}，请核实",
    ),
}

_CLEAN = {
    "en": (
        "Great fit, runs a little small, would buy again.",
        "The app logs me out every time I switch tabs. Very annoying!",
        "@support why is checkout so slow today?",
        "Note: the colour is darker than in the photos.",
        "Delivery was quick but the box was crushed.",
        "wireless earbuds noise cancelling",
        "Can I return this without the original packaging?",
        "Five stars - the battery lasts all day.",
        "Customer service was friendly and fixed it fast.",
        "love it!!! :) :: best purchase ever",
    ),
    "zh": (
        "质量很好，物流也快，下次还会再买。",
        "客服态度太差了，问了三次都没人回。",
        "@客服 为什么一直显示支付失败？",
        "颜色和图片有色差，不过还可以接受。",
        "无线蓝牙耳机 降噪 长续航",
        "包装破损了，希望以后注意一下。",
        "这个App更新以后总是闪退，怎么办？",
        "尺码偏小，建议买大一号。",
        "东西收到了，和描述的一样，好评！",
        "能不能开发票？谢谢。",
    ),
}

_MIXED_TEMPLATES = {
    "en": (
        "Contact {EMAIL} or {PHONE}; order {n} arrived damaged.",
        "Card {CARD} was charged twice on {n}. Reach me at {EMAIL}.",
        "Wire it to {IBAN} and text {PHONE} when done",
        "Login from {IP} wasn't me! My email is {EMAIL}",
    ),
    "zh": (
        "手机{PHONE}，邮箱{EMAIL}，{n}下的单",
        "身份证{CN_ID}，银行卡{CARD}，请帮我核实",
        "我的IP是{IP}，账号邮箱{EMAIL}，一直登录失败",
        "退款打到{IBAN}吧，有问题打{PHONE}",
    ),
}


def _make_value(rng: random.Random, entity: str, language: str) -> str:
    if entity == "PHONE":
        chinese = rng.random() < (0.8 if language == "zh" else 0.15)
        return make_phone(rng, chinese=chinese)
    return MAKERS[entity](rng)


def _lookalike(rng: random.Random) -> str:
    return rng.choice(LOOKALIKE_MAKERS)(rng)


def _positive(rng: random.Random, entity: str, language: str) -> RedactionCase:
    value = _make_value(rng, entity, language)
    templates = _POSITIVE_TEMPLATES[language] + _SPECIAL_TEMPLATES.get(entity, ())
    text = rng.choice(templates).format(
        v=value,
        label=rng.choice(_LABELS[language][entity]),
        order=make_order_number(rng),
        date=make_date(rng),
    )
    return RedactionCase(text, ((entity, value),), language)


def _mixed(rng: random.Random, language: str) -> RedactionCase:
    template = rng.choice(_MIXED_TEMPLATES[language])
    values = {entity: _make_value(rng, entity, language) for entity in MAKERS}
    text = template.format(n=_lookalike(rng), **values)
    spans = tuple((e, v) for e, v in values.items() if "{" + e + "}" in template)
    return RedactionCase(text, spans, language)


def redaction_cases(seed: int = 0) -> list[RedactionCase]:
    """The labelled test set: the same ``seed`` always gives the same cases."""
    rng = random.Random(seed)
    cases: list[RedactionCase] = []
    for language in ("en", "zh"):
        for entity in MAKERS:
            cases += [_positive(rng, entity, language) for _ in range(POSITIVES_PER_ENTITY)]
        negatives = _NEGATIVE_TEMPLATES[language]
        cases += [
            RedactionCase(rng.choice(negatives).format(n=_lookalike(rng)), (), language)
            for _ in range(NEGATIVES_PER_LANGUAGE)
        ]
        cases += [RedactionCase(text, (), language) for text in _CLEAN[language]]
        cases += [_mixed(rng, language) for _ in range(MIXED_PER_LANGUAGE)]
    return cases
