"""Changing the bot's language never costs the learner their place in the questions."""

from __future__ import annotations

import pytest

from core.dialogue.engine import Dialogue
from tests.integration.dialogue.test_dialogue import Learner_, database, dialogue  # noqa: F401  (fixtures)


def test_language_by_argument_mid_onboarding_asks_the_same_question_in_the_new_language(
    dialogue: Dialogue,  # noqa: F811
) -> None:
    learner = Learner_(dialogue)
    learner.say("/start")
    learner.say("I want to become a data analyst")
    learner.say("1")
    assert "Question 3 of 11" in learner.last[-1].text
    text = learner.say("/language id")
    assert "berbahasa Indonesia" in text
    assert "Pertanyaan 3 dari 11" in text  # the level question, not the start again
    text = learner.say("pemula")
    assert "Pertanyaan 4 dari 11" in text


def test_language_menu_mid_onboarding_returns_to_the_question(dialogue: Dialogue) -> None:  # noqa: F811
    learner = Learner_(dialogue)
    learner.say("/start")
    learner.say("I want to become a data analyst")
    learner.say("/language")
    text = learner.press("Bahasa Indonesia")
    assert "Pertanyaan 2 dari 11" in text
    assert "Analis data" in learner.buttons()  # the goal understood before the switch, now in Indonesian
    text = learner.say("1")
    assert "Pertanyaan 3 dari 11" in text


def test_language_outside_a_flow_only_changes_the_language(dialogue: Dialogue) -> None:  # noqa: F811
    learner = Learner_(dialogue)
    learner.say("hello")
    text = learner.say("/language id")
    assert "berbahasa Indonesia" in text
    assert "Pertanyaan" not in text


def test_a_first_answer_written_in_indonesian_moves_the_questions_to_indonesian(
    dialogue: Dialogue,  # noqa: F811
) -> None:
    learner = Learner_(dialogue)  # Telegram said English
    learner.say("/start")
    text = learner.say("aku mau jadi data analyst")
    assert "lanjut dalam Bahasa Indonesia" in text and "/language en" in text
    assert "Pertanyaan 2 dari 11" in text
    assert "Pertanyaan 3 dari 11" in learner.say("1")
    assert "Pertanyaan 4 dari 11" in learner.say("pemula")  # later answers never switch again


@pytest.mark.parametrize("goal", ["data analyst", "I want to become a data analyst", "mau data analyst"])
def test_english_or_unclear_first_answers_keep_the_language(dialogue: Dialogue, goal: str) -> None:  # noqa: F811
    learner = Learner_(dialogue)
    learner.say("/start")
    text = learner.say(goal)
    assert "Question 2 of 11" in text and "Bahasa" not in text


def test_a_first_answer_in_english_moves_an_indonesian_phone_to_english(dialogue: Dialogue) -> None:  # noqa: F811
    learner = Learner_(dialogue, language="id")
    learner.say("/start")
    text = learner.say("I want to become a web developer")
    assert "go on in English" in text and "/language id" in text
    assert "Question 2 of 11" in text
