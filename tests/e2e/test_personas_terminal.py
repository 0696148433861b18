"""The four personas of issue #15 in the terminal: the real ``skillstack chat`` process, over pipes.

Same scripts as on Telegram (:mod:`tests.personas`); here pressing a button is typing its number
(or its label, when the choices are shown in brackets), as a learner at a terminal does.  The
chat runs on the real clock (the subprocess has no fixed "now"), so the scripts assert nothing
that depends on the date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import personas
from tests.e2e.test_personas_telegram import alex_badges
from tests.fakes.badge_server import BadgeServer
from tests.personas import Check, Persona, Said
from tests.terminal_driver import TerminalDriver, start

KEYED_LINE = re.compile(r"^  (?:[a-z]|\d+)\. ")
KEYED = re.compile(r"([a-z]|\d+)\. (.+)")


def choices(printed: str) -> list[tuple[str, str]]:
    """The choices printed at the end of a reply, as (key, label): “  1. Label” lines, or lettered
    ones (“  a. 5 h   b. 10 h” on one line while they fit, else a line each)."""
    trailing: list[str] = []
    for line in reversed(printed.rstrip("\n").splitlines()):
        if not KEYED_LINE.match(line):
            break
        trailing.insert(0, line)
    items: list[tuple[str, str]] = []
    for line in trailing:
        for part in re.split(r" {3}(?=[a-z]\. )", line.strip()):
            found = KEYED.fullmatch(part)
            if found is not None:
                items.append((found.group(1), found.group(2)))
    starts = [index for index, (key, _) in enumerate(items) if key in ("1", "a")]
    return items[starts[-1] :] if starts else []  # the last run (plan lines are numbered too)


class TerminalLearner:
    """The learner at the terminal; the chat greets on opening, which is its /start."""

    def __init__(self, driver: TerminalDriver, language: str) -> None:
        self.driver = driver
        self.language = language
        self.greeted = False
        self.keys: dict[str, str] = {}  # label -> the key that picks it

    async def say(self, text: str) -> Said:
        if text == "/start" and not self.greeted:  # opening the chat already started it
            return self._read(self.driver.opening)
        return self._read(self.driver.say(text))

    async def press(self, label: str) -> Said:
        return await self.say(self.keys.get(label, label))

    def _read(self, printed: str) -> Said:
        self.greeted = True
        shown = choices(printed)
        if shown:
            self.keys = {label: key for key, label in shown}
        return Said(printed, [label for _, label in shown])


@pytest.fixture
def open_chat(tmp_path: Path) -> Iterator[list[TerminalDriver]]:
    """Chats started by a test, closed after it (each must end cleanly on /quit)."""
    drivers: list[TerminalDriver] = []
    yield drivers
    for driver in drivers:
        assert driver.close() == 0
        assert not LOG_LINE.search(driver.stderr), driver.stderr  # stderr: warnings and errors only


def terminal(open_chat: list[TerminalDriver], tmp_path: Path, language: str, **env: str) -> TerminalLearner:
    settings = {"SKILLSTACK_DEFAULT_LANGUAGE": language} | env
    driver = start(tmp_path / "chat", settings)
    open_chat.append(driver)
    return TerminalLearner(driver, language)


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S* +(DEBUG|INFO) ", re.MULTILINE)


def assert_clean(check: Check) -> None:
    """No finding, and no log line printed into the chat (logs go to a file, or stderr at WARNING+)."""
    logged = [found.group(0) for entry in check.transcript for found in LOG_LINE.finditer(entry)]
    check.that(not logged, f"log lines were printed into the chat: {logged[:3]}")
    assert check.problems == [], "what the learner read:\n" + check.report()


@pytest.mark.parametrize(
    ("play", "language"),
    [
        pytest.param(personas.sari, "id", id="sari-types-informal-indonesian-and-her-finished-course-counts"),
        pytest.param(personas.mark, "en", id="mark-changes-career-and-settings-show-what-he-said"),
        pytest.param(personas.dewi, "id", id="dewi-taps-buttons-gets-stuck-and-her-swap-lasts"),
    ],
)
async def test_persona_in_the_terminal(
    play: Persona, language: str, open_chat: list[TerminalDriver], tmp_path: Path
) -> None:
    check = Check()
    await play(terminal(open_chat, tmp_path, language), check)
    assert_clean(check)


async def test_alex_brings_badges_that_count_only_where_they_belong(
    open_chat: list[TerminalDriver], tmp_path: Path, badge_server: BadgeServer
) -> None:
    chat = terminal(open_chat, tmp_path, "en", SKILLSTACK_FETCH_TEST_HOSTS=badge_server.host)
    check = Check()
    await personas.alex(chat, check, alex_badges(badge_server))
    assert_clean(check)
