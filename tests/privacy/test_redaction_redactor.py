import itertools

import pytest

from uxlift.privacy.redact import Finding, Redactor, find, redact


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.entity, f.text) for f in find(text)]


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("email me at anna.k@example.org about order #48213", "EMAIL", "anna.k@example.org"),
        ("邮箱：zhangsan_88@163.com，谢谢", "EMAIL", "zhangsan_88@163.com"),
        ("call me on (415) 867-5309 tomorrow", "PHONE", "(415) 867-5309"),
        ("ring +44 20 7946 0958 after six", "PHONE", "+44 20 7946 0958"),
        ("我的手机13812345678谢谢", "PHONE", "13812345678"),
        ("请联系我 139-1234-5678", "PHONE", "139-1234-5678"),
        ("电话+86 138 1234 5678，工作日", "PHONE", "+86 138 1234 5678"),
        ("手机１３８１２３４５６７８", "PHONE", "１３８１２３４５６７８"),
        ("办公室电话010-62751234转8", "PHONE", "010-62751234"),
        ("card 4111 1111 1111 1111 was charged twice", "CARD", "4111 1111 1111 1111"),
        ("amex 3782-822463-10005 please", "CARD", "3782-822463-10005"),
        ("卡号4111111111111111被盗刷了", "CARD", "4111111111111111"),
        ("ID 11010519491231002X on file", "CN_ID", "11010519491231002X"),
        ("身份证号11010519491231002X，请核实", "CN_ID", "11010519491231002X"),
        ("login from 203.0.113.7 was not me", "IP", "203.0.113.7"),
        ("服务器IP192.168.1.20连不上", "IP", "192.168.1.20"),
        ("IPv6 2001:db8::8a2e:370:7334 blocked", "IP", "2001:db8::8a2e:370:7334"),
        ("IP：fe80::1ff:fe23:4567:890a", "IP", "fe80::1ff:fe23:4567:890a"),
        ("IBAN DE89 3704 0044 0532 0130 00 thanks", "IBAN", "DE89 3704 0044 0532 0130 00"),
        ("退款打到GB82WEST12345698765432吧", "IBAN", "GB82WEST12345698765432"),
    ],
)
def test_each_entity_is_found_in_english_and_chinese(text, entity, value):
    assert (entity, value) in _found(text)


def test_placeholders_replace_each_finding():
    text = "mail anna@example.org, call +1 415-867-5309, card 4111-1111-1111-1111."
    assert redact(text) == "mail <EMAIL>, call <PHONE>, card <CARD>."
    assert redact("身份证11010519491231002X，IP 10.0.0.1") == "身份证<CN_ID>，IP <IP>"
    assert redact("IBAN: DE89370400440532013000") == "IBAN: <IBAN>"


@pytest.mark.parametrize(
    "text",
    [
        "Ordered on 2024-03-15, arrived 15/03/2024 at 14:30:00.",
        "order #48213 and ORD-7731-2291, paid $1,299.99 (¥3,999)",
        "updated to v3.12.1, then 10.5.300.1 and v1.2.3.4",
        "ISBN 978-3-16-148410-0, tracking 1Z999AA10123456784",
        "card 4111 1111 1111 1112 fails Luhn",
        "订单号2024031512345678，身份证110105194912310021校验位不对",
        "IBAN DE88 3704 0044 0532 0130 00 has a bad check",
        "order number 5512093384 was charged twice",
        "timestamp 1710513000123, qty 1200 pcs, 4.5/5",
        "Great fit, runs a little small, would buy again.",
    ],
)
def test_lookalikes_are_kept(text):
    assert find(text) == []
    assert redact(text) == text


def test_overlaps_keep_the_longer_or_more_specific_finding():
    # The ID is also a plausible phone-ish digit run; the checksummed ID wins.
    assert _found("身份证11010519491231002X") == [("CN_ID", "11010519491231002X")]
    # The IPv4 tail of an IPv6 address is not reported on its own.
    assert _found("addr ::ffff:192.168.1.1 ok") == [("IP", "::ffff:192.168.1.1")]
    findings = find("a@example.org 13812345678 b@example.org")
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))


def test_finding_offsets_point_into_the_original_text():
    text = "电话：１３８１２３４５６７８。"
    (finding,) = find(text)
    assert finding == Finding("PHONE", 3, 14, "１３８１２３４５６７８")
    assert text[finding.start : finding.end] == finding.text


def test_entities_can_be_restricted_and_unknown_ones_are_refused():
    only_email = Redactor(entities=["EMAIL"])
    assert only_email.redact("anna@example.org 13812345678") == "<EMAIL> 13812345678"
    with pytest.raises(ValueError, match="unknown entities"):
        Redactor(entities=["SSN"])


def test_text_without_digits_or_at_returns_nothing():
    assert find("no personal data here at all") == []
    assert redact("") == ""
