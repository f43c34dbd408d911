from datetime import date

from uxlift.privacy.checksums import (
    cn_id_check_char,
    cn_id_shaped,
    cn_id_valid,
    iban_check_digits,
    iban_valid,
    luhn_check_digit,
    luhn_valid,
)


def test_luhn_accepts_known_test_cards_and_rejects_one_digit_off():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("41111111111111a1")
    assert luhn_check_digit("411111111111111") == "1"


def test_cn_id_checksum_date_and_region():
    first17 = "11010519491231002"
    assert cn_id_check_char(first17) == "X"
    assert cn_id_valid(first17 + "X")
    assert cn_id_valid(first17 + "x")
    assert not cn_id_valid(first17 + "1")  # wrong check character
    bad_month = "11010519491331002"
    assert not cn_id_valid(bad_month + cn_id_check_char(bad_month))
    future = "11010520990101002"
    assert not cn_id_valid(future + cn_id_check_char(future), today=date(2026, 1, 1))
    bad_region = "99010519491231002"
    assert not cn_id_shaped(bad_region + cn_id_check_char(bad_region))


def test_iban_mod97_and_registered_length():
    assert iban_valid("DE89370400440532013000")
    assert iban_valid("GB82WEST12345698765432")
    assert iban_valid("gb82west12345698765432")
    assert not iban_valid("DE88370400440532013000")
    assert not iban_valid("DE8937040044053201300")  # one character short
    assert not iban_valid("XX89370400440532013000")  # unknown country
    assert iban_check_digits("DE", "370400440532013000") == "89"
