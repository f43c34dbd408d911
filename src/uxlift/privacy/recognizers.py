"""Pattern recognizers for personal data in free text (English and Chinese).

Each recognizer takes a text and returns ``(start, end)`` spans. Patterns are
ASCII-only on purpose: Chinese text has no word boundaries, so a span is
delimited by "not a digit / not a Latin letter" instead of ``\\b`` (which
treats CJK characters as word characters). Validation (Luhn, GB 11643, mod-97,
``ipaddress``, ``phonenumbers``) keeps look-alike numbers out, and a number
shaped like an IBAN or a resident ID is never reported as a card or a phone,
even when its own checksum fails.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from uxlift.privacy.checksums import (
    IBAN_LENGTHS,
    cn_id_shaped,
    cn_id_valid,
    iban_valid,
    luhn_valid,
)
from uxlift.privacy.phones import Span, find_phones

Recognizer = Callable[[str], list[Span]]

_CARD_LENGTHS = range(13, 20)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_%+\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)
# Digit groups joined by single spaces or dashes, not glued to letters or digits;
# a trailing group followed by "/" (an expiry date such as 12/25) is left out.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]+(?:[ \-][0-9]+)*(?![0-9A-Za-z/])")
_DIGITS = re.compile(r"[0-9]+")
_CN_ID = re.compile(
    r"(?<![0-9A-Za-z])[1-9][0-9]{5} ?(?:19|20)[0-9]{6} ?[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
# Letters may precede an IBAN or an IP in Chinese text ("IBANDE89...", "IP192...").
_IBAN = re.compile(r"(?<![0-9])[A-Za-z]{2}[0-9]{2}(?: ?[0-9A-Za-z]){11,32}")
_IPV4 = re.compile(  # not after a version prefix such as "v1.2.3.4"
    r"(?<![0-9.])(?<![^A-Za-z][vV])(?<!^[vV])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9]|\.[0-9])"
)
_IPV6 = re.compile(
    r"(?<![0-9A-Fa-f])(?<![0-9A-Fa-f]:)(?!:[^:])(?:[0-9A-Fa-f]{0,4}:){2,7}"
    r"(?:(?:[0-9]{1,3}\.){3}[0-9]{1,3}|[0-9A-Fa-f]{1,4})?(?![0-9A-Za-z:])"
)


def find_emails(text: str) -> list[Span]:
    """Email addresses with a dotted domain and an alphabetic top-level domain."""
    if "@" not in text:
        return []
    return [m.span() for m in _EMAIL.finditer(text)]


def _card_brand_plausible(digits: str) -> bool:
    """Issuer prefix and length fit a known card scheme (cuts Luhn's 1-in-10 luck)."""
    n, p2, p3, p4 = len(digits), int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:
        return n == 16  # Mastercard
    if p2 in (34, 37):
        return n == 15  # American Express
    if p2 in (62, 65) or p4 == 6011 or 644 <= p3 <= 649 or 3528 <= p4 <= 3589:
        return n >= 16  # UnionPay, Discover, JCB
    if p2 in (36, 38, 39) or 300 <= p3 <= 305:
        return n >= 14  # Diners Club
    return p2 in (50, 56, 57, 58, 63, 67)  # Maestro


def _card_grouping_ok(lengths: list[int]) -> bool:
    if len(lengths) == 1:
        return True
    if lengths[0] == 4 and lengths[1] == 6 and len(lengths) == 3:
        return True  # Amex / Diners style 4-6-5 or 4-6-4
    return all(length == 4 for length in lengths[:-1]) and lengths[-1] <= 4


def _card_window(text: str, groups: list[Span]) -> Span | None:
    """A valid card number made of adjacent digit groups, longest first.

    When the whole run is already shaped like a card, only the whole run counts:
    a 19-digit run that fails Luhn must not yield a lucky 16-digit prefix.
    """
    lengths = [e - s for s, e in groups]
    whole_is_card_shaped = sum(lengths) in _CARD_LENGTHS and _card_grouping_ok(lengths)
    sizes = [len(groups)] if whole_is_card_shaped else range(len(groups), 0, -1)
    for size in sizes:
        for i in range(len(groups) - size + 1):
            window = groups[i : i + size]
            digits = "".join(text[s:e] for s, e in window)
            if (
                len(digits) in _CARD_LENGTHS
                and _card_grouping_ok(lengths[i : i + size])
                and _card_brand_plausible(digits)
                and luhn_valid(digits)
            ):
                return window[0][0], window[-1][1]
    return None


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in others)


def find_cards(text: str) -> list[Span]:
    """Payment card numbers: 13-19 digits, optionally grouped, Luhn-valid, known issuer."""
    spans: list[Span] = []
    blocked: list[Span] | None = None
    for m in _DIGIT_RUN.finditer(text):
        if m.end() - m.start() < _CARD_LENGTHS.start:
            continue
        groups = [g.span() for g in _DIGITS.finditer(text, m.start(), m.end())]
        found = _card_window(text, groups)
        if found:
            if blocked is None:
                blocked = _iban_shapes(text) + _cn_id_shapes(text)
            if not _overlaps(found, blocked):
                spans.append(found)
    return spans


def _cn_id_shapes(text: str) -> list[Span]:
    """Resident-ID-shaped numbers (real province code), checksum and date aside."""
    return [m.span() for m in _CN_ID.finditer(text) if cn_id_shaped(m.group().replace(" ", ""))]


def find_cn_ids(text: str) -> list[Span]:
    """Chinese resident ID numbers (18 chars) with a valid region, birth date and checksum."""
    return [(s, e) for s, e in _cn_id_shapes(text) if cn_id_valid(text[s:e].replace(" ", ""))]


def _iban_extent(text: str, start: int, raw: str) -> int | None:
    """End of the IBAN that starts at ``start``: its registered length, spaces skipped."""
    length = IBAN_LENGTHS.get(raw[:2].upper())
    if length is None:
        return None
    end, kept = start, 0
    for ch in raw:
        end += 1
        kept += ch != " "
        if kept == length:
            after = text[end : end + 1]
            return None if after.isascii() and after.isalnum() else end
    return None


def _iban_shapes(text: str) -> list[Span]:
    """IBAN-shaped tokens (known country, registered length), checksum aside."""
    spans = []
    for m in _IBAN.finditer(text):
        end = _iban_extent(text, m.start(), m.group())
        if end is not None:
            spans.append((m.start(), end))
    return spans


def find_ibans(text: str) -> list[Span]:
    """IBANs, compact or in groups of four, of the registered length and mod-97 valid."""
    return [(s, e) for s, e in _iban_shapes(text) if iban_valid(text[s:e].replace(" ", ""))]


def _valid_ip(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def find_ips(text: str) -> list[Span]:
    """IPv4 and IPv6 addresses that the ``ipaddress`` module accepts."""
    spans = [m.span() for m in _IPV4.finditer(text) if _valid_ip(m.group())]
    if "::" in text or text.count(":") >= 7:
        spans.extend(
            m.span()
            for m in _IPV6.finditer(text)
            if any(ch.isdigit() for ch in m.group()) and _valid_ip(m.group())
        )
    return spans


def find_phones_outside_ids(text: str) -> list[Span]:
    """Phone numbers, ignoring digits that belong to an IBAN- or ID-shaped token."""
    return find_phones(text, _iban_shapes(text) + _cn_id_shapes(text))


RECOGNIZERS: dict[str, Recognizer] = {
    "EMAIL": find_emails,
    "PHONE": find_phones_outside_ids,
    "CARD": find_cards,
    "CN_ID": find_cn_ids,
    "IP": find_ips,
    "IBAN": find_ibans,
}
# Tie-break for spans of equal length: the more specific (checksummed) entity wins.
SPECIFICITY = {"CN_ID": 0, "CARD": 1, "IBAN": 2, "EMAIL": 3, "IP": 4, "PHONE": 5}
