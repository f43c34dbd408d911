"""The OpenAI-compatible facade, driven by the real ``openai`` client library."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from uxlift.server import serving_in_thread
from uxlift.services import Services

openai = pytest.importorskip("openai")


@pytest.fixture
def client(assistant_services: Services) -> Iterator[object]:
    key = assistant_services.keys.create(name="chat", scopes=["assist"]).secret
    with serving_in_thread(assistant_services) as url:
        yield openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=60)


def test_a_chat_client_gets_the_answer_and_the_assistant_view(client) -> None:
    completion = client.chat.completions.create(
        model="uxlift-assistant",
        messages=[{"role": "system", "content": "be brief"},
                  {"role": "user", "content": "Can I pay with PayPal?"}],
    )  # fmt: skip
    assert completion.object == "chat.completion"
    assert "PayPal" in completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop"
    view = completion.model_extra["uxlift"]
    assert view["action"] == "answer" and view["intent"] == "payment_methods"


def test_streaming_delivers_the_same_answer_in_chunks(client) -> None:
    stream = client.chat.completions.create(
        model="uxlift-assistant",
        messages=[{"role": "user", "content": "怎么退货？"}],
        stream=True,
    )
    chunks = list(stream)
    assert len(chunks) > 2 and chunks[-1].choices[0].finish_reason == "stop"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "30天" in text


def test_the_conversation_header_keeps_state_across_requests(client) -> None:
    first = client.chat.completions.with_raw_response.create(
        model="uxlift-assistant", messages=[{"role": "user", "content": "who won the match?"}]
    )
    conversation = first.headers["x-uxlift-conversation"]
    assert first.parse().model_extra["uxlift"]["action"] == "clarify"
    second = client.chat.completions.create(
        model="uxlift-assistant",
        messages=[{"role": "user", "content": "what is the capital of peru?"}],
        extra_headers={"X-Uxlift-Conversation": conversation},
    )
    assert second.model_extra["uxlift"]["action"] == "handoff"


def test_a_bad_key_is_refused(assistant_services: Services) -> None:
    with serving_in_thread(assistant_services) as url:
        bad = openai.OpenAI(base_url=f"{url}/v1", api_key="uxl_nope", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            bad.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
