"""Sentence pieces for demo reviews and searches, in English and Chinese (own writing).

Reviews are composed as opener + one or two aspect sentences + optional closer,
picked from the tone that matches the reviewer's rating. Placeholders:
``{noun}``, ``{material}``, ``{style}`` and ``{brand}``.
"""

from __future__ import annotations

REVIEW_EN: dict[str, dict[str, tuple[str, ...]]] = {
    "positive": {
        "openers": (
            "Really happy with this {noun}.",
            "Love it!",
            "Exactly what I hoped for.",
            "Great {noun}, would buy again.",
            "Five stars from me.",
            "Honestly one of my best purchases this year.",
            "Very pleased with this one.",
        ),
        "aspects": (
            "The {material} feels lovely and well made.",
            "Looks even better in person, properly {style}.",
            "Arrived quickly and was packed with care.",
            "Great value for the quality you get.",
            "The {material} has held up perfectly so far.",
            "Comfortable, sturdy and it looks great.",
            "{brand} clearly pays attention to detail.",
            "Exactly like the photos, the colour is spot on.",
        ),
        "closers": (
            "Highly recommend.",
            "Already ordered a second one.",
            "Worth every penny.",
            "Would recommend to friends.",
            "",
        ),
    },
    "mixed": {
        "openers": (
            "It's okay.",
            "Decent {noun} but not perfect.",
            "Mixed feelings about this one.",
            "Does the job, nothing special.",
            "Average overall.",
        ),
        "aspects": (
            "The {material} is nice, but the finish could be better.",
            "Delivery took longer than expected.",
            "A bit smaller than it looked in the photos.",
            "The {style} look is fine, though the stitching is uneven.",
            "Good idea, slightly clumsy in daily use.",
            "Fair for the price, I expected a little more from {brand}.",
        ),
        "closers": ("Might keep it.", "Fine for the price.", "Three stars.", ""),
    },
    "negative": {
        "openers": (
            "Really disappointed.",
            "Would not buy again.",
            "Not as described.",
            "Sadly this {noun} was a letdown.",
            "Very poor.",
        ),
        "aspects": (
            "The {material} feels cheap and thin.",
            "It broke after a week.",
            "Arrived damaged and the box was crushed.",
            "Poor quality for the price.",
            "Nothing like the {style} look in the pictures.",
            "The seams came apart almost straight away.",
            "Customer service never answered my emails.",
        ),
        "closers": ("Avoid.", "Waste of money.", "I am asking for a refund.", "Returned it.", ""),
    },
}

REVIEW_ZH: dict[str, dict[str, tuple[str, ...]]] = {
    "positive": {
        "openers": (
            "很满意这款{noun}。",
            "非常喜欢！",
            "和我想要的一模一样。",
            "这是今年买得最值的东西之一。",
            "好评！",
            "第二次回购了，依然很满意。",
        ),
        "aspects": (
            "{material}的手感很舒服，做工精细。",
            "实物比图片还好看，很有{style}的感觉。",
            "物流很快，包装也很用心。",
            "性价比很高。",
            "用了一段时间，{material}一点都没变形。",
            "颜色和图片一样，没有色差。",
            "{brand}的细节处理得很好。",
        ),
        "closers": ("推荐购买！", "会继续回购。", "物超所值。", "已经推荐给朋友了。", ""),
    },
    "mixed": {
        "openers": ("还可以吧。", "整体一般，有好有坏。", "中规中矩。", "凑合能用。"),
        "aspects": (
            "{material}还行，但做工有点粗糙。",
            "发货有点慢。",
            "尺寸比想象的小一点。",
            "{style}的设计还不错，就是线头有点多。",
            "价格再便宜一点就好了。",
        ),
        "closers": ("先留着用吧。", "三星。", "这个价格也就这样了。", ""),
    },
    "negative": {
        "openers": (
            "非常失望。",
            "不会再买了。",
            "和描述的不一样。",
            "太差了。",
            "后悔买了这款{noun}。",
        ),
        "aspects": (
            "质量太差了，{material}很薄。",
            "用了一周就坏了。",
            "收到的时候包装破损了。",
            "完全不值这个价。",
            "一点也没有图片上{style}的感觉。",
            "联系客服一直没人回复。",
        ),
        "closers": ("不推荐。", "已经申请退货退款。", "浪费钱。", ""),
    },
}

# Search queries: {material} / {style} and {noun}, in each language.
SEARCH_EN: tuple[str, ...] = (
    "{value} {noun}",
    "{value} {noun}",
    "{noun} {value}",
    "best {value} {noun}",
    "{value} {noun} sale",
    "cheap {value} {noun}",
    "{value} {noun} gift",
)
SEARCH_ZH: tuple[str, ...] = (
    "{value}{noun}",
    "{value}{noun}",
    "{value} {noun}",
    "{value}{noun} 推荐",
    "{value}{noun} 打折",
    "平价{value}{noun}",
)
