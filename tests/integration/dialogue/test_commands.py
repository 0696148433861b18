"""One command registry (core/dialogue/commands.py) routes the commands, writes /help and fills
the command menu; the Telegram menu itself is checked in tests/e2e/test_telegram_flows.py."""

from __future__ import annotations

import pytest

from core.catalog import Catalog
from core.dialogue.commands import COMMANDS, command_list, menu
from core.dialogue.engine import Dialogue
from core.i18n import LANGUAGES, messages
from core.messages import Identity, Inbound
from core.storage.db import Database

ENGLISH_HELP = (
    "Commands:\n/start – set up or continue\n"
    "/plan – your plan, with buttons to swap a course or change the pace\n"
    "/progress – skills gained and how close you are to your goal\n"
    "/checkin – report your progress now\n/badges – your badges: add, verify, remove\n"
    "/export – download everything I keep about you\n/forget – delete everything I keep about you\n"
    "/pause – pause reminders\n/resume – resume reminders\n/settings – change any of your answers\n"
    "/language – English or Bahasa Indonesia\n/back – previous question\n"
    "/cancel – stop the current question\n/help – this message"
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_command_has_a_help_line_and_a_menu_label(language: str) -> None:
    texts = messages(language)
    for command in COMMANDS:
        assert texts.get(f"command.{command.name}.help", "").strip(), (language, command.name)
        assert texts.get(f"command.{command.name}.menu", "").strip(), (language, command.name)


def test_help_lists_every_command_once_in_the_registrys_order() -> None:
    assert command_list("en") == ENGLISH_HELP
    for language in LANGUAGES:
        listed = [line.split(" ")[0] for line in command_list(language).splitlines()[1:]]
        assert listed == [f"/{command.name}" for command in COMMANDS], language
        assert [name for name, _label in menu(language)] == [command.name for command in COMMANDS]


def test_every_registered_command_is_answered(database: Database, catalog: Catalog) -> None:
    dialogue = Dialogue(database, catalog)
    assert list(dialogue.commands) == [command.name for command in COMMANDS]
    help_text = "\n".join(
        r.text for r in dialogue.handle(Identity(telegram_id=1), Inbound.from_text("/help"))
    )
    assert command_list("en") in help_text
    indonesian = Identity(telegram_id=2, language_code="id")
    unknown = "\n".join(r.text for r in dialogue.handle(indonesian, Inbound.from_text("/nope")))
    assert command_list("id") in unknown
