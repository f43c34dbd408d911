"""Synthetic personal data and look-alike numbers for the redaction test set.

Positives carry real check digits (Luhn, GB 11643, mod-97) and phones are
checked against the ``phonenumbers`` metadata, so a recognizer that validates
properly can find all of them. Look-alikes are the numbers that crowd real
user text: dates, prices, order and tracking numbers, versions, and numbers
that fail a checksum by one digit.
"""

from __future__ import annotations

import ipaddress
import random
import string
from collections.abc import Callable

import phonenumbers

from uxlift.privacy.checksums import cn_id_check_char, iban_check_digits, luhn_check_digit

Maker = Callable[[random.Random], str]

_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _group(value: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(value[i : i + size])
        i += size
    if i < len(value):
        parts.append(value[i:])
    return sep.join(p for p in parts if p)


# --- emails -----------------------------------------------------------------

_FIRST = ("anna", "li", "wei", "j", "maria", "tom", "zhang", "chen", "ola", "ravi", "emma")
_LAST = ("k", "smith", "wei", "fang", "rossi", "nguyen", "san", "liu", "berg", "patel")
_DOMAINS = (
    "example.org", "example.com", "mail.example.co.uk", "qq.com", "163.com", "126.com",
    "outlook.com", "gmail.com", "foxmail.com", "example.com.cn", "uni-example.edu", "sina.cn",
)  # fmt: skip


def make_email(rng: random.Random) -> str:
    first, last, domain = rng.choice(_FIRST), rng.choice(_LAST), rng.choice(_DOMAINS)
    style = rng.randrange(6)
    local = (
        f"{first}.{last}",
        f"{first}_{last}{rng.randint(1, 99)}",
        f"{first}{last}+shop",
        _digits(rng, rng.randint(6, 10)).lstrip("0") or "1",  # QQ-style numeric mailbox
        f"{first[0]}.{last}-{rng.randint(1970, 2005)}",
        f"{first.capitalize()}.{last.capitalize()}",
    )[style]
    return f"{local}@{domain.upper() if style == 5 else domain}"


# --- phones -----------------------------------------------------------------

_US_AREAS = ("212", "213", "312", "415", "617", "646", "202", "206", "305", "512", "713", "404")
_CN_MOBILE_PREFIXES = ("130", "135", "138", "139", "150", "152", "158", "177", "186", "188", "199")
_CN_LANDLINES = (("010", 8), ("021", 8), ("020", 8), ("0755", 8), ("0571", 8), ("028", 8))


def _phone_other(rng: random.Random) -> tuple[str, str]:
    """One formatted phone number from US, GB, DE, FR or IN, with its region."""
    kind = rng.randrange(12)
    if kind < 4:
        a, e, line = rng.choice(_US_AREAS), str(rng.randint(201, 989)), _digits(rng, 4)
        fmt = ("({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "+1 {a} {e} {l}", "+1-{a}-{e}-{l}",
               "{a}{e}{l}")  # fmt: skip
        return rng.choice(fmt).format(a=a, e=e, l=line), "US"
    if kind < 6:
        sub = rng.choice(("20 7946 0{}", "7700 900{}", "161 496 0{}", "7911 123{}"))
        body = sub.format(_digits(rng, 3))
        return (f"+44 {body}" if rng.random() < 0.5 else "0" + body), "GB"
    if kind < 8:
        sub = rng.choice(("30 {}", "89 {}", "151 {}", "171 {}"))
        body = sub.format(_digits(rng, 8 if sub.startswith(("30", "15")) else 7))
        return (f"+49 {body}" if rng.random() < 0.5 else "0" + body), "DE"
    if kind < 10:
        lead = rng.choice("1234567")
        pairs = " ".join(_digits(rng, 2) for _ in range(4))
        return (f"+33 {lead} {pairs}" if rng.random() < 0.5 else f"0{lead} {pairs}"), "FR"
    number = rng.choice("9876") + _digits(rng, 4) + " " + _digits(rng, 5)
    return (f"+91 {number}" if rng.random() < 0.6 else number), "IN"


def _cn_phone(rng: random.Random) -> str:
    if rng.random() < 0.2:
        area, n = rng.choice(_CN_LANDLINES)
        local = str(rng.randint(2, 8)) + _digits(rng, n - 1)
        return rng.choice((f"{area}-{local}", f"+86 {area[1:]} {local}", f"{area} {local}"))
    mobile = rng.choice(_CN_MOBILE_PREFIXES) + _digits(rng, 8)
    style = rng.randrange(8)
    if style == 7:
        return mobile.translate(_FULLWIDTH_DIGITS)
    return (
        mobile,
        mobile,
        _group(mobile, (3, 4, 4), " "),
        _group(mobile, (3, 4, 4), "-"),
        "+86 " + _group(mobile, (3, 4, 4), " "),
        "+86" + mobile,
        "0086-" + mobile,
    )[style]


def _valid(value: str, region: str) -> bool:
    ascii_value = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(ascii_value, region))
    except phonenumbers.NumberParseException:
        return False


def make_phone(rng: random.Random, *, chinese: bool = False) -> str:
    """A phone number that ``phonenumbers`` considers valid."""
    while True:
        value, region = (_cn_phone(rng), "CN") if chinese else _phone_other(rng)
        if _valid(value, region):
            return value


# --- cards, IDs, IBANs, IPs -------------------------------------------------

_CARD_PREFIXES = (
    ("4", 16), ("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15),
    ("37", 15), ("6011", 16), ("62", 16), ("62", 19), ("3530", 16), ("4", 13),
)  # fmt: skip


def _card_digits(rng: random.Random) -> str:
    prefix, length = rng.choice(_CARD_PREFIXES)
    payload = prefix + _digits(rng, length - len(prefix) - 1)
    return payload + luhn_check_digit(payload)


def _format_card(digits: str, rng: random.Random) -> str:
    if len(digits) == 15:
        return rng.choice((digits, _group(digits, (4, 6, 5), " "), _group(digits, (4, 6, 5), "-")))
    sep = rng.choice(("", " ", " ", "-"))
    return _group(digits, (4, 4, 4, 4), sep) if sep else digits


def make_card(rng: random.Random) -> str:
    return _format_card(_card_digits(rng), rng)


_CN_DISTRICTS = ("110101", "110105", "310104", "310115", "440106", "440305", "330106",
                 "510107", "420106", "320102", "610113", "500103", "120101", "370102")  # fmt: skip


def _cn_id_first17(rng: random.Random) -> str:
    year, month, day = rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28)
    return f"{rng.choice(_CN_DISTRICTS)}{year}{month:02d}{day:02d}{_digits(rng, 3)}"


def make_cn_id(rng: random.Random) -> str:
    first17 = _cn_id_first17(rng)
    value = first17 + cn_id_check_char(first17)
    return value.lower() if value.endswith("X") and rng.random() < 0.3 else value


_IBAN_BBANS: dict[str, tuple[str, ...]] = {
    # per country: character classes of the BBAN, "9" digit, "A" upper letter, "C" either
    "DE": ("9" * 18,),
    "GB": ("AAAA" + "9" * 14,),
    "FR": ("9" * 10 + "C" * 11 + "99",),
    "NL": ("AAAA" + "9" * 10,),
    "ES": ("9" * 20,),
    "IT": ("A" + "9" * 10 + "C" * 12,),
    "CH": ("9" * 5 + "C" * 12,),
    "BE": ("9" * 12,),
}


def _bban(rng: random.Random, pattern: str) -> str:
    pools = {"9": string.digits, "A": string.ascii_uppercase, "C": string.digits + "ABCDEFGH"}
    return "".join(rng.choice(pools[ch]) for ch in pattern)


def _iban_parts(rng: random.Random) -> tuple[str, str]:
    country = rng.choice(sorted(_IBAN_BBANS))
    return country, _bban(rng, rng.choice(_IBAN_BBANS[country]))


def _format_iban(compact: str, rng: random.Random) -> str:
    return _group(compact, (4,) * 8, " ") if rng.random() < 0.6 else compact


def make_iban(rng: random.Random) -> str:
    country, bban = _iban_parts(rng)
    return _format_iban(country + iban_check_digits(country, bban) + bban, rng)


def make_ip(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if kind == 1:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if kind == 2:
        return ".".join(str(rng.randint(1, 223)) for _ in range(4))
    address = ipaddress.IPv6Address((0x20010DB8 << 96) | rng.getrandbits(64))
    if kind == 3:
        return address.compressed
    if kind == 4:
        return address.exploded.upper() if rng.random() < 0.5 else address.exploded
    return f"fe80::{rng.getrandbits(16):x}:{rng.getrandbits(16):x}"


MAKERS: dict[str, Maker] = {
    "EMAIL": make_email,
    "PHONE": make_phone,
    "CARD": make_card,
    "CN_ID": make_cn_id,
    "IP": make_ip,
    "IBAN": make_iban,
}


# --- look-alikes ------------------------------------------------------------


def _bad_card(rng: random.Random) -> str:
    digits = _card_digits(rng)
    wrong = str((int(digits[-1]) + rng.randint(1, 9)) % 10)
    return _format_card(digits[:-1] + wrong, rng)


def _bad_cn_id(rng: random.Random) -> str:
    first17 = _cn_id_first17(rng)
    if rng.random() < 0.5:  # right checksum, impossible birth date (month 13)
        first17 = first17[:10] + "13" + first17[12:]
        return first17 + cn_id_check_char(first17)
    good = cn_id_check_char(first17)
    return first17 + rng.choice([c for c in "0123456789X" if c != good])


def _bad_iban(rng: random.Random) -> str:
    country, bban = _iban_parts(rng)
    good = int(iban_check_digits(country, bban))
    wrong = (good + rng.randint(1, 90)) % 97 + 2
    return _format_iban(f"{country}{wrong:02d}{bban}", rng)


def _bad_ip(rng: random.Random) -> str:
    return rng.choice(
        (
            f"10.5.{rng.randint(256, 999)}.1",
            f"{rng.randint(256, 999)}.12.0.{rng.randint(1, 9)}",
            f"v{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}.{rng.randint(0, 99)}",
            f"build 4.2.0.{rng.randint(1000, 9999)}",
            f"192.168.{rng.randint(0, 9)}",
        )
    )


def make_date(rng: random.Random) -> str:
    y, m, d = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice(
        (
            f"{y}-{m:02d}-{d:02d}",
            f"{d:02d}/{m:02d}/{y}",
            f"{m:02d}/{d:02d}/{y}",
            f"{y}年{m}月{d}日",
            f"{d:02d}.{m:02d}.{y}",
            f"{y}-{m:02d}-{d:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
            f"{y}-{m:02d}-{d:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
            f"{y}{m:02d}{d:02d}",
        )
    )


def _timestamp(rng: random.Random) -> str:
    seconds = rng.randint(1_600_000_000, 1_760_000_000)
    return str(seconds) if rng.random() < 0.5 else f"{seconds}{_digits(rng, 3)}"


def make_order_number(rng: random.Random) -> str:
    return rng.choice(
        (
            f"#{rng.randint(10000, 99999)}",
            f"ORD-{_digits(rng, 4)}-{_digits(rng, 4)}",
            f"{rng.randint(2019, 2025)}{rng.randint(1, 12):02d}{rng.randint(10, 28)}-"
            f"{_digits(rng, 5)}",
            f"{rng.randint(2019, 2025)}0315{_digits(rng, 8)}",
            f"#{rng.randint(1, 9)}{_digits(rng, 9)}",
            f"A{_digits(rng, 12)}",
            f"{rng.randint(1, 9)}{_digits(rng, 9)}",
        )
    )


def _price(rng: random.Random) -> str:
    whole = rng.randint(1, 99999)
    return rng.choice(
        (f"${whole:,}.{_digits(rng, 2)}", f"¥{whole:,}", f"€{whole % 500}.90",
         f"￥{whole}.00", f"{whole * 1000:,} VND", f"{whole}元")
    )  # fmt: skip


def _misc_number(rng: random.Random) -> str:
    return rng.choice(
        (
            f"x{rng.randint(2, 9)}",
            f"{rng.randint(2, 5000)} pcs",
            f"{rng.randint(1, 9)}.{rng.randint(0, 9)}kg",
            f"v{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            f"iOS {rng.randint(14, 18)}.{rng.randint(0, 6)}.{rng.randint(0, 3)}",
            f"ISBN 978-{rng.randint(0, 9)}-{_digits(rng, 3)}-{_digits(rng, 5)}-{rng.randint(0, 9)}",
            f"978{_digits(rng, 10)}",
            f"1Z{_digits(rng, 3)}AA{_digits(rng, 10)}",
            f"9400 1{_digits(rng, 3)} {_digits(rng, 4)} {_digits(rng, 4)} {_digits(rng, 4)} 00",
            f"SF{_digits(rng, 13)}",
            f"YT{_digits(rng, 16)}",
            f"{rng.randint(10000, 99999)}",
            f"{rng.randint(1, 9)}.{rng.randint(0, 9)}/5",
            f"{rng.randint(1, 99)}%",
            f"RTX {rng.choice(('3060', '4070', '4090'))}",
            "card ending in " + _digits(rng, 4),
            "**** **** **** " + _digits(rng, 4),
        )
    )


LOOKALIKE_MAKERS: tuple[Maker, ...] = (
    _bad_card, _bad_cn_id, _bad_iban, _bad_ip, make_date, _timestamp, make_order_number,
    _price, _misc_number, _misc_number,
)  # fmt: skip
