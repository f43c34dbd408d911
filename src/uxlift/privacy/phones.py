"""Phone number recognizer: Chinese mobiles by pattern, the rest via ``phonenumbers``.

Running ``PhoneNumberMatcher`` over every text for six regions costs about
200 µs, so a cheap regex first picks phone-shaped candidates (7+ digits) and
only those reach the matcher. On top of the matcher's VALID leniency, a few
rules drop what it lets through in user text: dates and dotted quads, national
numbers written without the trunk "0" that GB/DE/FR/CN use, and bare digit runs
with no phone word nearby (a bare 10-digit run is more often an order number).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

Span = tuple[int, int]

PHONE_REGIONS = ("US", "GB", "CN", "DE", "FR", "IN")
_MIN_DIGITS = 7
_MATCHER_MIN_DIGITS = 14  # room for two numbers, or one plus stray digits
_E164_MAX_DIGITS = 15
_CONTEXT_BEFORE = 40
_CONTEXT_AFTER = 16

# Chinese mobiles: 1[3-9]x plus 8 digits, optional +86/0086/86, spaces or dashes.
# No word boundaries: "我的手机13812345678谢谢" must match.
_CN_MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]{4}){2}(?![0-9])"
)
# Anything phone-shaped, not glued to letters ("ORD-7731-2291") or a '#'.
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z+#])(?<![A-Za-z]-)(?:\+ ?|00)?\(?[0-9][0-9 ()\-./]{5,24}[0-9](?![0-9])"
)
# Digits in uniform blocks of four (cards, tracking numbers) never hold a phone.
_CARD_LIKE = re.compile(
    r"[0-9]{4}(?:[ \-][0-9]{4})+(?:[ \-][0-9]{1,4})?|[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{4,5}"
)
# Dates and dotted quads that the VALID leniency lets through in some region.
_DATE_OR_IP = re.compile(
    r"[0-9]{4}[\-/.][0-9]{1,2}[\-/.][0-9]{1,2}|[0-9]{1,2}[\-/.][0-9]{1,2}[\-/.][0-9]{4}"
    r"|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+"
)
# Words that introduce an order, tracking or reference number.
_ID_WORDS = re.compile(
    r"(?:order|tracking|reference|ref|invoice|no\.|订单|单号|编号|参考号|快递|物流|发票)"
    r"(?: ?(?:number|no\.?|id|code)|号|编号)?[^0-9A-Za-z]{0,6}$",
    re.IGNORECASE,
)
# Words that say a bare digit run is a phone number.
_PHONE_WORDS = re.compile(
    r"phone|call|tel\b|mobile|cell|text|whats ?app|number|contact|reach|ring|sms"
    r"|电话|手机|联系|致电|打|来电|号码|微信",
    re.IGNORECASE,
)


def _digit_count(value: str) -> int:
    return sum(ch.isdigit() for ch in value)


def _plausible_national(digits: str, region: str) -> bool:
    """How people write national numbers: trunk "0" in GB/DE/FR/CN, 10 digits in US/IN."""
    if region == "US":
        return len(digits) == 10 or (len(digits) == 11 and digits[0] == "1")
    if region == "IN":
        return digits[0] == "0" or (len(digits) == 10 and digits[0] in "6789")
    return digits[0] == "0"


def _accept(raw: str, region: str) -> bool:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) < _MIN_DIGITS or _DATE_OR_IP.search(raw):
        return False
    if raw.lstrip("(").startswith(("+", "00")):
        return True
    return _plausible_national(digits, region)


def _parses_as_phone(candidate: str, region: str) -> bool:
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return False
    # With an explicit country code, a number of possible length is a phone even
    # when its range is unassigned or reserved (e.g. UK 07700 900xxx): user text
    # with "+CC" and that many digits is rarely anything else.
    international = candidate.lstrip("( ").startswith(("+", "00"))
    plausible = (
        phonenumbers.is_possible_number(number)
        if international
        else phonenumbers.is_valid_number(number)
    )
    return plausible and _accept(candidate, region)


def _matched(candidate: str) -> list[Span]:
    """Phone numbers inside one candidate, trying the default regions in turn.

    The whole candidate is tried with ``parse`` first (about 10x cheaper than the
    matcher); only long candidates that may hold two numbers reach the matcher.
    """
    regions = PHONE_REGIONS[:1] if candidate.startswith("+") else PHONE_REGIONS
    n_digits = _digit_count(candidate)
    if n_digits <= _E164_MAX_DIGITS and any(_parses_as_phone(candidate, r) for r in regions):
        return [(0, len(candidate))]
    if n_digits < _MATCHER_MIN_DIGITS or candidate.isdigit():
        return []
    if _CARD_LIKE.fullmatch(candidate.strip("() ")):
        return []
    found: list[Span] = []
    for region in regions:
        for match in PhoneNumberMatcher(candidate, region, leniency=Leniency.VALID):
            if _accept(match.raw_string, region):
                found.append((match.start, match.end))
    return found


def _bare_run_is_phone(text: str, start: int, end: int) -> bool:
    """A bare digit run counts only next to a phone word and not after an order word."""
    if _ID_WORDS.search(text, max(0, start - 16), start):
        return False
    window = text[max(0, start - _CONTEXT_BEFORE) : end + _CONTEXT_AFTER]
    return _PHONE_WORDS.search(window) is not None


def find_phones(text: str, blocked: Sequence[Span] = ()) -> list[Span]:
    """Phone spans; candidates overlapping a ``blocked`` span (an IBAN, say) are skipped."""
    spans = [m.span() for m in _CN_MOBILE.finditer(text)]
    covered = set(spans)
    for m in _CANDIDATE.finditer(text):
        start, end = m.span()
        candidate = m.group()
        if m.span() in covered or _digit_count(_DATE_OR_IP.sub("", candidate)) < _MIN_DIGITS:
            continue
        if any(s < end and start < e for s, e in blocked):
            continue
        if candidate.isdigit() and not _bare_run_is_phone(text, start, end):
            continue
        spans.extend((start + s, start + e) for s, e in _matched(candidate))
    return spans
