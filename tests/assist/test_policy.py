"""The answer policy: answer, clarify or hand off, from what the models found."""

from __future__ import annotations

from uxlift.assist.knowledge import KbEntry
from uxlift.assist.policy import (
    ANSWER,
    CLARIFY,
    HANDOFF,
    ConversationState,
    Understanding,
    decide,
)
from uxlift.assist.retrieval import Candidate, Retrieval

ORDERS = KbEntry("e1", "faq", "See Orders.", "en", ("Where is my order?",), "order_status")
RETURNS = KbEntry("e2", "faq", "30 days to return.", "en", ("How do I return?",), "return_item")
GUIDE = KbEntry("p1", "passage", "Delivery takes 3-5 days.", "en", (), None, title="Delivery")
ENTRIES = {e.entry_id: e for e in (ORDERS, RETURNS, GUIDE)}
NOTHING = Retrieval([], 0.0, True)


def understood(*intents: tuple[str, float], in_scope: bool = True) -> Understanding:
    return Understanding(list(intents), in_scope=in_scope)


def test_a_confident_intent_gets_its_answer() -> None:
    decision = decide(
        "where's my stuff", understood(("order_status", 0.9)), NOTHING, ConversationState(), ENTRIES
    )
    assert decision.action == ANSWER and decision.entry == ORDERS


def test_asking_for_a_person_or_frustration_hands_off() -> None:
    person = decide("human please", understood(("talk_to_human", 0.8)), NOTHING,
                    ConversationState(), ENTRIES)  # fmt: skip
    angry = decide("worst shop ever", understood(("order_status", 0.9)), NOTHING,
                   ConversationState(), ENTRIES, frustrated=True)  # fmt: skip
    assert (person.action, person.reason) == (HANDOFF, "asked for a person")
    assert (angry.action, angry.reason) == (HANDOFF, "frustrated")
    assert person.state.handed_off


def test_two_close_intents_get_a_clarifying_question_and_the_pick_is_answered() -> None:
    unsure = understood(("order_status", 0.45), ("return_item", 0.40))
    asked = decide("my order, send back?", unsure, NOTHING, ConversationState(), ENTRIES)
    assert asked.action == CLARIFY
    assert [o["id"] for o in asked.options] == ["e1", "e2"]
    picked = decide("2", understood(), NOTHING, asked.state, ENTRIES)
    assert picked.action == ANSWER and picked.entry == RETURNS


def test_confident_retrieval_answers_with_a_passage() -> None:
    found = Retrieval([Candidate(GUIDE, 0.03, 0.8, 0.5)], 0.85, True)
    decision = decide("how long is delivery", understood(("order_status", 0.3)), found,
                      ConversationState(), ENTRIES)  # fmt: skip
    assert decision.action == ANSWER and decision.entry == GUIDE


def test_out_of_scope_twice_in_a_row_hands_off() -> None:
    lost = understood(("order_status", 0.1), in_scope=False)
    first = decide("capital of peru?", lost, NOTHING, ConversationState(), ENTRIES)
    assert first.action == CLARIFY and first.state.out_of_scope_turns == 1
    second = decide("and of chile?", lost, NOTHING, first.state, ENTRIES)
    assert (second.action, second.reason) == (HANDOFF, "out of scope twice")


def test_an_out_of_scope_faq_match_is_not_answered_but_offered() -> None:
    found = Retrieval([Candidate(ORDERS, 0.03, 0.7, 0.4)], 0.9, True)
    decision = decide("train tickets?", understood(("order_status", 0.6), in_scope=False),
                      found, ConversationState(), ENTRIES)  # fmt: skip
    assert decision.action == CLARIFY and decision.options[0]["id"] == "e1"


def test_replies_follow_the_conversation_language() -> None:
    decision = decide("你好", understood(("greeting", 0.9)), NOTHING,
                      ConversationState(language="zh"), ENTRIES)  # fmt: skip
    assert decision.action == ANSWER and "您好" in decision.text
