"""Check-digit rules for payment cards, Chinese resident IDs and IBANs.

Each rule comes as a validator and, where a test set needs real positives, as a
function that computes the check digit(s) for a payload.
"""

from __future__ import annotations

from datetime import date

# GB 11643-1999: weights for the first 17 characters, and the check character
# indexed by (weighted sum mod 11).
_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_ID_CHECK_CHARS = "10X98765432"
# First two digits of a resident ID: province-level division codes (GB/T 2260).
_CN_PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91}
)
_CN_ID_OLDEST_BIRTH_YEAR = 1900

# Registry lengths (ISO 13616) of IBANs per country, for the countries most
# likely to show up in user text. Unknown countries are rejected.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AT": 20, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GI": 23, "GL": 18, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VA": 22,
}  # fmt: skip


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = ord(ch) - 48
        if i % 2 == 0:  # doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    """True if a string of ASCII digits passes the Luhn (mod 10) check."""
    if len(digits) < 2 or not digits.isdigit() or not digits.isascii():
        return False
    return luhn_check_digit(digits[:-1]) == digits[-1]


def cn_id_check_char(first17: str) -> str:
    """The GB 11643 check character (0-9 or X) for the first 17 digits of an ID."""
    total = sum((ord(ch) - 48) * w for ch, w in zip(first17, _CN_ID_WEIGHTS, strict=True))
    return _CN_ID_CHECK_CHARS[total % 11]


def _plausible_birth_date(yyyymmdd: str, today: date | None) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return born.year >= _CN_ID_OLDEST_BIRTH_YEAR and born <= (today or date.today())


def cn_id_shaped(value: str) -> bool:
    """18 characters (17 digits, then a digit or X) starting with a real province code."""
    if len(value) != 18 or not value[:17].isdigit() or not value.isascii():
        return False
    return value[17] in "0123456789Xx" and int(value[:2]) in _CN_PROVINCE_CODES


def cn_id_valid(value: str, *, today: date | None = None) -> bool:
    """True for an 18-character resident ID with a valid region, birth date and checksum."""
    return (
        cn_id_shaped(value)
        and _plausible_birth_date(value[6:14], today)
        and cn_id_check_char(value[:17]) == value[17].upper()
    )


def _iban_mod97(rearranged: str) -> int:
    # int(c, 36) maps 0-9 to themselves and A-Z to 10-35, as ISO 7064 asks.
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits of the IBAN for ``country`` + ``bban``."""
    remainder = _iban_mod97(bban.upper() + country.upper() + "00")
    return f"{98 - remainder:02d}"


def iban_valid(value: str) -> bool:
    """True for a compact IBAN (no spaces) of the registered length with mod-97 == 1."""
    iban = value.upper()
    if len(iban) < 5 or not iban.isascii() or not iban.isalnum():
        return False
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    return _iban_mod97(iban[4:] + iban[:4]) == 1
