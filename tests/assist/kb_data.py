"""A small bilingual support knowledge base for the assistant's tests."""

from __future__ import annotations

FAQ = [
    {
        "intent": "order_status",
        "language": "en",
        "questions": [
            "Where is my order?",
            "What is the status of my order?",
            "Has my order shipped yet?",
            "How can I check on my order?",
            "When will my order arrive?",
        ],
        "answer": "Your last order ({{last_order_item|your order}}) is on its way. "
        "Open Account > Orders to follow it.",
    },
    {
        "intent": "return_item",
        "language": "en",
        "questions": [
            "How do I return an item?",
            "Can I send this back?",
            "I want to return my purchase",
            "What is your return policy?",
            "How many days do I have to return something?",
        ],
        "answer": "You can return any item within 30 days from Account > Orders > Return.",
    },
    {
        "intent": "reset_password",
        "language": "en",
        "questions": [
            "I forgot my password",
            "How do I reset my password?",
            "I can't log in to my account",
            "The password reset email never came",
            "Change my password please",
        ],
        "answer": "Use 'Forgot password' on the sign-in page; the link is valid for one hour.",
    },
    {
        "intent": "payment_methods",
        "language": "en",
        "questions": [
            "Which payment methods do you accept?",
            "Can I pay with PayPal?",
            "Do you take credit cards?",
            "Is cash on delivery possible?",
            "Can I pay in instalments?",
        ],
        "answer": "We accept cards, PayPal and bank transfer; instalments from 100 EUR.",
    },
    {
        "intent": "order_status",
        "language": "zh",
        "questions": [
            "我的订单在哪里？",
            "订单发货了吗？",
            "怎么查看订单状态？",
            "我的包裹什么时候到？",
        ],
        "answer": "您可以在“账户 > 订单”中查看订单的实时状态。",
    },
    {
        "intent": "return_item",
        "language": "zh",
        "questions": ["怎么退货？", "这个可以退吗？", "退货政策是什么？", "买的东西想退掉"],
        "answer": "收货后30天内可在“账户 > 订单 > 退货”申请退货。",
    },
]

GUIDE = """# Shipping guide

## Delivery times

Standard delivery takes 3-5 working days within the EU. Express delivery arrives
the next working day when you order before 14:00.

## Packaging

Everything ships in recycled cardboard. Fragile items get paper padding, never plastic.
"""
