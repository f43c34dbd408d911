"""The customer-service assistant: understanding, retrieval, answers and hand-off."""
