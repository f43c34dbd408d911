"""Numbers written with a country code are phones even in reserved ranges."""

from uxlift.privacy.redact import Redactor


def test_reserved_uk_drama_range_with_country_code_is_redacted() -> None:
    text = "Call me on +44 7700 900431 if anything is unclear."
    assert Redactor().redact(text) == "Call me on <PHONE> if anything is unclear."


def test_order_number_with_plus_sign_in_sum_is_not_a_phone() -> None:
    text = "Total 3 items + 2 gifts, order 20240315"
    assert Redactor().redact(text) == text
