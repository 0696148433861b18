"""``skillstack chat`` as a process on pipes: a whole typed onboarding, and no log line in the chat."""

from __future__ import annotations

from pathlib import Path

from tests.scripts import ENGLISH_TYPED_ONBOARDING
from tests.terminal_driver import start


def test_a_typed_onboarding_in_the_terminal_ends_with_the_plan_and_no_log_lines(tmp_path: Path) -> None:
    driver = start(tmp_path, {"SKILLSTACK_LOG_LEVEL": "DEBUG"})  # every log line there is, none shown
    assert "Question 1 of 11" in driver.opening
    replies = [driver.say(answer) for answer in ENGLISH_TYPED_ONBOARDING]
    assert "Question 2 of 11" in replies[0]
    assert "Your plan: Data analyst" in replies[-1] and "Month 1 ·" in replies[-1]
    assert "/quit – leave the terminal chat" in driver.say("/help")
    assert driver.close() == 0
    for log_mark in ("DEBUG", "INFO", "WARNING", "alembic", "sqlalchemy", "Traceback"):
        assert log_mark not in driver.transcript, log_mark
    assert driver.stderr == ""
    assert (tmp_path / "logs" / "skillstack.log").is_file()


def test_an_answer_typed_with_a_bracket_is_one_message_and_help_still_answers(tmp_path: Path) -> None:
    driver = start(tmp_path)
    assert "“[$10”" in driver.say("[$10")  # read as the answer it is, not the start of a paste
    assert "/quit – leave the terminal chat" in driver.say("/help")
    assert driver.close() == 0
