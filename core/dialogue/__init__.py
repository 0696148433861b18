"""The conversation: routing, the questions and their flows, free of Telegram types (see engine.py)."""
