"""Conversation scripts shared by the dialogue unit tests and the end-to-end tests."""

ENGLISH_TYPED_ONBOARDING = [
    "I want to become a data analyst",
    "1",
    "beginner",
    "excel",
    "five",
    "$30",
    "any",
    "english",
    "Jakarta",
    "senin",
    "7pm",
]
