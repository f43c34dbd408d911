"""Grounded generation: citations checked, PII redacted before leaving, failures fall back."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from uxlift.assist.generation import (
    LocalSmolLM2Generator,
    OpenAICompatibleGenerator,
    Passage,
    ground,
)
from uxlift.assist.policy import ConversationState
from uxlift.errors import InvalidInput
from uxlift.services import Services

PASSAGES = [
    Passage(1, "Standard delivery takes 3-5 working days within the EU."),
    Passage(2, "Everything ships in recycled cardboard."),
]


def test_grounding_keeps_supported_answers_and_adds_a_missing_citation() -> None:
    cited = ground("Standard delivery takes 3-5 working days [1].", PASSAGES)
    assert cited is not None and cited.citations == [1]
    uncited = ground("It ships in recycled cardboard.", PASSAGES)
    assert uncited is not None and uncited.text.endswith("[2]")


def test_grounding_refuses_inventions_and_bad_citations() -> None:
    assert ground("Delivery takes 10 days [1].", PASSAGES) is None  # 10 is nowhere
    assert ground("We sell bicycles and umbrellas online.", PASSAGES) is None
    assert ground("", PASSAGES) is None
    kept = ground("Standard delivery takes 3-5 working days [7].", PASSAGES)
    assert kept is not None and "[7]" not in kept.text and kept.citations == [1]


class _Stub(BaseHTTPRequestHandler):
    """A local OpenAI-compatible server: records requests, answers as configured."""

    seen: ClassVar[list[dict]] = []
    answer = "Standard delivery takes 3-5 working days [1]."
    delay_s = 0.0
    status = 200

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "body": body,
                                "auth": self.headers.get("Authorization")})  # fmt: skip
        time.sleep(type(self).delay_s)
        payload = json.dumps(
            {"choices": [{"message": {"role": "assistant", "content": type(self).answer}}]}
        ).encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def llm_server() -> Iterator[str]:
    _Stub.seen, _Stub.delay_s, _Stub.status = [], 0.0, 200
    _Stub.answer = "Standard delivery takes 3-5 working days [1]."
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_an_openai_compatible_server_writes_the_answer_from_redacted_text(
    assistant_services: Services, llm_server: str
) -> None:
    assistant = assistant_services.assistant
    assistant.generator = OpenAICompatibleGenerator(llm_server, "m", "sk-test", timeout_s=5)
    reply = assistant.reply(
        "how long does standard delivery take? I'm jane.doe@example.com", ConversationState(), None
    )
    assert reply.generated and reply.text == "Standard delivery takes 3-5 working days [1]."
    assert reply.sources[0]["citation"] == 1
    request = _Stub.seen[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test"
    sent = json.dumps(request["body"])
    assert "jane.doe@example.com" not in sent and "working days" in sent


def test_a_slow_or_failing_server_leaves_the_extractive_answer(
    assistant_services: Services, llm_server: str
) -> None:
    assistant = assistant_services.assistant
    question = "how long does standard delivery take?"
    extractive = assistant.reply(question, ConversationState(), None)
    assistant.generator = OpenAICompatibleGenerator(llm_server, "m", None, timeout_s=0.3)
    _Stub.delay_s = 1.0
    slow = assistant.reply(question, ConversationState(), None)
    _Stub.delay_s, _Stub.status = 0.0, 500
    failing = assistant.reply(question, ConversationState(), None)
    _Stub.status, _Stub.answer = 200, "Delivery takes 12 days."
    invented = assistant.reply(question, ConversationState(), None)
    for reply in (slow, failing, invented):
        assert not reply.generated and reply.text == extractive.text


@pytest.mark.slow
def test_the_local_smollm2_writes_a_cited_answer(assistant_services: Services) -> None:
    assistant = assistant_services.assistant
    assistant.generator = LocalSmolLM2Generator(timeout_s=60)
    reply = assistant.reply("how long does standard delivery take?", ConversationState(), None)
    assert reply.generated, reply.text
    assert "[1]" in reply.text and reply.sources[0]["citation"] == 1
    assert "3-5" in reply.text


QUESTION = "how long does standard delivery take?"


def _generation_experiment(services: Services, llm_server: str, **extra: object) -> str:
    """A running experiment with generation off in its control and on in its other
    variant, the assistant's generator a stub server; returns its id."""
    services.assistant.generator = OpenAICompatibleGenerator(llm_server, "m", None, timeout_s=5)
    created = services.experiments.create(
        {
            "name": "generation",
            "variants": [
                {"name": "extractive", "config": {"assist.generation": False}},
                {"name": "generated", "config": {"assist.generation": True}},
            ],
            "primary_metric": "csat",
            **extra,
        }
    )
    services.experiments.start(created.experiment_id)
    return created.experiment_id


def test_an_experiment_turns_generation_on_for_one_variant_only(
    assistant_services: Services, llm_server: str
) -> None:
    services = assistant_services
    experiment_id = _generation_experiment(services, llm_server, guardrail_metrics=["handoff_rate"])
    seen: set[tuple[str, bool]] = set()
    for i in range(12):
        conversation = services.conversations.start(f"asker-{i}")
        reply = services.conversations.send(conversation["id"], QUESTION)
        variant = services.experiments.assign(experiment_id, f"asker-{i}")["variant"]
        seen.add((variant, reply["text"] == _Stub.answer))
    assert seen == {("extractive", False), ("generated", True)}


def test_conversation_attributes_select_an_experiments_audience(
    assistant_services: Services, llm_server: str
) -> None:
    services = assistant_services
    audience = {"traffic": 1.0, "attributes": {"platform": ["ios"]}}
    experiment_id = _generation_experiment(services, llm_server, audience=audience)
    experiments = services.experiments
    seen: set[tuple[str, bool]] = set()
    for i in range(12):
        conversation = services.conversations.start(f"phone-{i}", attributes={"platform": "ios"})
        reply = services.conversations.send(
            conversation["id"], "how long does standard delivery take?"
        )
        variant = experiments.assign(experiment_id, f"phone-{i}", attributes={"platform": "ios"})
        seen.add((variant["variant"], reply["text"] == _Stub.answer))
    assert seen == {("extractive", False), ("generated", True)}
    for i in range(4):  # outside the audience: the assistant's default (the generator) answers
        conversation = services.conversations.start(f"desk-{i}", attributes={"platform": "web"})
        reply = services.conversations.send(
            conversation["id"], "how long does standard delivery take?"
        )
        assert reply["text"] == _Stub.answer
    with pytest.raises(InvalidInput) as caught:
        services.conversations.start("x", attributes={"": "ios"})
    assert caught.value.details[0]["field"] == "attributes"
