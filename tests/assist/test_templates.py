"""Answer templates and the frustration cue."""

from __future__ import annotations

from uxlift.assist.frustration import is_frustrated
from uxlift.assist.templates import fill, slots


def test_slots_take_values_then_fallbacks_and_report_the_rest() -> None:
    template = "Your order {{ last_order_item }} ships {{when|soon}}. Ref {{ref}}."
    assert slots(template) == ["last_order_item", "when", "ref"]
    text, missing = fill(template, {"last_order_item": "a blue mug"})
    assert text == "Your order a blue mug ships soon. Ref ." and missing == ["ref"]


def test_frustration_cues_in_both_languages_and_shouting() -> None:
    assert is_frustrated("This is the THIRD time, I WANT a refund")
    assert is_frustrated("我要投诉你们")
    assert is_frustrated("where is it!!!")
    assert not is_frustrated("Where is my order?")
    assert not is_frustrated("我的订单在哪里？")
