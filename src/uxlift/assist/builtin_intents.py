"""Conversation intents every assistant needs, with example utterances (en, zh).

They train beside the knowledge base's intents. ``talk_to_human`` always hands
the conversation to an agent; the others get a short reply in the user's
language and never count as out of scope.
"""

from __future__ import annotations

GREETING = "greeting"
THANKS = "thanks"
GOODBYE = "goodbye"
TALK_TO_HUMAN = "talk_to_human"

EXAMPLES: dict[str, dict[str, tuple[str, ...]]] = {
    GREETING: {
        "en": (
            "hi",
            "hello",
            "hey there",
            "good morning",
            "good afternoon",
            "hello, anyone there?",
            "hi, I have a question",
            "hey, can you help me?",
            "good evening",
            "hiya",
        ),
        "zh": ("你好", "您好", "在吗", "早上好", "下午好", "你好，我有个问题", "嗨", "晚上好"),
    },
    THANKS: {
        "en": (
            "thanks",
            "thank you",
            "thanks a lot",
            "that helped, thank you",
            "great, thanks!",
            "many thanks",
            "cheers, that answers it",
            "perfect, thank you so much",
        ),
        "zh": ("谢谢", "谢谢你", "多谢", "非常感谢", "好的，谢谢", "太好了，谢谢"),
    },
    GOODBYE: {
        "en": (
            "bye",
            "goodbye",
            "see you",
            "that's all, bye",
            "have a nice day, bye",
            "I'm done, goodbye",
            "talk later",
        ),
        "zh": ("再见", "拜拜", "好的，再见", "没有其他问题了，再见", "回头见"),
    },
    TALK_TO_HUMAN: {
        "en": (
            "I want to talk to a human",
            "can I speak to a real person?",
            "connect me with an agent",
            "put me through to customer service",
            "I need a human agent",
            "let me talk to someone",
            "is there a person I can chat with?",
            "transfer me to support staff",
            "stop the bot, get me a human",
            "I'd like to speak with a representative",
        ),
        "zh": (
            "转人工",
            "我要人工客服",
            "帮我转接人工",
            "找个真人跟我说",
            "人工服务",
            "我想和客服人员聊",
            "不要机器人，要人工",
            "请转接客服",
        ),
    },
}

REPLIES: dict[str, dict[str, str]] = {
    GREETING: {
        "en": "Hello! How can I help you today?",
        "zh": "您好！请问有什么可以帮您？",
    },
    THANKS: {
        "en": "You're welcome! Is there anything else I can help with?",
        "zh": "不客气！还有其他可以帮您的吗？",
    },
    GOODBYE: {
        "en": "Goodbye, and thanks for getting in touch!",
        "zh": "再见，感谢您的咨询！",
    },
}

BUILTIN_INTENTS = tuple(EXAMPLES)


def builtin_examples() -> tuple[list[str], list[str]]:
    """(texts, labels) of every built-in intent in every language."""
    texts: list[str] = []
    labels: list[str] = []
    for intent, by_language in EXAMPLES.items():
        for examples in by_language.values():
            texts.extend(examples)
            labels.extend([intent] * len(examples))
    return texts, labels
