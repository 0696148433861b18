"""Learners talking to the real PTB bot over HTTP, through the spec-checking fake Bot API."""

from __future__ import annotations

import gc
import re
import warnings

import pytest

from core.dialogue.commands import menu
from tests.e2e.conftest import RunningBot, eventually
from tests.fakes.fake_bot_api import Fault
from tests.scripts import ENGLISH_TYPED_ONBOARDING


async def test_onboarding_by_typing_in_english_ends_with_a_plan(bot: RunningBot) -> None:
    replies = await bot.say(101, "/start")
    assert any("Question 1 of 11" in text for text in replies)
    for answer in ENGLISH_TYPED_ONBOARDING:
        replies = await bot.say(101, answer)
    joined = "\n".join(replies)
    assert "Your plan: Data analyst" in joined
    assert "Month 1 · December 2026" in joined
    assert "Why: " in joined
    assert bot.api.violations == []


async def test_onboarding_by_buttons_in_indonesian(bot: RunningBot) -> None:
    replies = await bot.say(202, "/start", language="id")
    assert any("Pertanyaan 1 dari 11" in text for text in replies)
    await bot.press(202, "Web developer", language="id")  # popular goal button: chosen, nothing to confirm
    await bot.press(202, "Pemula", language="id")
    await bot.press(202, "Selesai", language="id")  # skills held: none selected
    await bot.press(202, "5 jam", language="id")
    await bot.press(202, "Gratis saja", language="id")
    await bot.press(202, "Apa saja", language="id")
    await bot.press(202, "Keduanya", language="id")
    await bot.press(202, "Jakarta", language="id")
    await bot.press(202, "Senin", language="id")
    replies = await bot.press(202, "19:00", language="id")
    joined = "\n".join(replies)
    assert "Rencana kamu: Web developer" in joined
    assert "Bulan 1 · Desember 2026" in joined
    assert "Alasan: " in joined
    assert bot.api.violations == []


async def test_forged_and_stale_buttons_expire_and_change_nothing(bot: RunningBot) -> None:
    await bot.say(303, "/start")
    old_buttons = bot.last_buttons(303)
    await bot.say(303, "data analyst")  # a new question: the old buttons are now stale
    stale = await bot._exchange(303, lambda: bot.api.callback(303, old_buttons[0]["callback_data"]))
    assert any("expired" in text for text in stale)
    forged = await bot._exchange(303, lambda: bot.api.callback(303, "9999.1"))
    assert any("expired" in text for text in forged)
    junk = await bot._exchange(303, lambda: bot.api.callback(303, "x" * 64))
    assert any("expired" in text for text in junk)
    replies = await bot.press(303, "Data analyst")  # the current question still works
    assert any("Question 3 of 11" in text for text in replies)


async def test_groups_only_answer_commands_addressed_to_the_bot(bot: RunningBot) -> None:
    group = -100500
    bot.api.message(404, "hello everyone", chat_id=group, chat_type="supergroup")
    bot.api.message(404, "/start", chat_id=group, chat_type="supergroup")
    bot.api.message(404, "/start@skillstack_test_bot", chat_id=group, chat_type="supergroup")
    await eventually(lambda: bot.api.sent_to(group))
    await bot.say(404, "/help")  # something after, so the group messages were all processed
    group_replies = bot.api.sent_to(group)
    assert len(group_replies) == 1
    assert "https://t.me/skillstack_test_bot?start=from_group" in group_replies[0]["text"]


async def test_command_menu_is_set_in_both_languages(bot: RunningBot) -> None:
    calls = [c.params for c in bot.api.calls if c.method == "setMyCommands"]
    assert len(calls) == 2
    assert {call.get("language_code") for call in calls} == {None, "id"}
    for call in calls:  # the registry's commands, in its order, with their menu labels
        shown = [(command["command"], command["description"]) for command in call["commands"]]
        assert shown == menu(call.get("language_code") or "en")


async def test_a_failing_update_is_logged_and_answered_and_the_bot_goes_on(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(bot.dialogue, "handle", broken)
    replies = await bot.say(505, "/start")
    assert replies == ["Sorry, something went wrong on my side. Please try again in a moment."]
    assert "database on fire" in caplog.text
    assert "Traceback" not in "".join(replies)
    monkeypatch.undo()
    replies = await bot.say(505, "/start")
    assert any("Question 1 of 11" in text for text in replies)


async def test_temporary_telegram_errors_are_retried(bot: RunningBot) -> None:
    bot.api.inject("sendMessage", Fault(429, "Too Many Requests: retry after 1", retry_after=1))
    replies = await bot.say(606, "/help")
    assert any("/plan" in text for text in replies)
    assert bot.api.violations == []


def test_an_unreachable_bot_api_stops_start_up_with_one_line(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.cli.commands import main

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ew")
    monkeypatch.setenv("SKILLSTACK_TELEGRAM_API_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("SKILLSTACK_DIALOGUE_PROCESSES", "0")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["run"]) == 1
        gc.collect()  # an HTTP session left open warns when it is collected
    err = capsys.readouterr().err
    assert "cannot reach the Bot API at http://127.0.0.1:9" in err
    assert "AAEhBOweik6ad9r" not in err
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


async def test_a_failing_command_menu_is_logged_not_fatal(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.fakes.fake_bot_api import Fault

    bot.api.inject("setMyCommands", Fault(500, "Internal Server Error"), Fault(500, "Internal Server Error"))
    assert bot.channel is not None
    await bot.channel.set_commands(bot.application)
    assert "set_my_commands(en) failed" in caplog.text
    assert "set_my_commands(id) failed" in caplog.text
    replies = await bot.say(707, "/help")
    assert any("/plan" in text for text in replies)


async def test_one_learners_updates_are_answered_in_order(bot: RunningBot) -> None:
    await bot.say(808, "/start")
    for answer in ["data analyst", "1", "beginner", "none", "5"]:
        bot.api.message(808, answer)  # all at once, without waiting
    await eventually(lambda: any("Question 6 of 11" in text for text in bot.texts(808)))
    asked = re.findall(r"Question (\d+) of 11", "\n".join(bot.texts(808)))
    assert asked == [str(n) for n in range(1, 7)]
