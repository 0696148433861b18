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

NUMBERED = re.compile(r"^  (\d+)\. (.+)$")


def choices(printed: str) -> list[str]:
    """The choices printed at the end of a reply: “  1. Label” lines, or “  [A]  [B]” (on one line,
    or one a line when they do not fit)."""
    lines = printed.rstrip("\n").splitlines()
    if lines and lines[-1].startswith("  ["):
        bracketed = []
        for line in reversed(lines):
            if not line.startswith("  ["):
                break
            bracketed.insert(0, line)
        return re.findall(r"\[([^\]]+)\]", "\n".join(bracketed))
    trailing: list[re.Match[str]] = []
    for line in reversed(lines):
        found = NUMBERED.match(line)
        if found is None:
            break
        trailing.insert(0, found)
    numbers = [int(found.group(1)) for found in trailing]
    if 1 not in numbers:
        return []
    run = trailing[len(numbers) - 1 - numbers[::-1].index(1) :]  # the last run counting from 1
    return [found.group(2) for found in run]


class TerminalLearner:
    """The learner at the terminal; the chat greets on opening, which is its /start."""

    def __init__(self, driver: TerminalDriver, language: str) -> None:
        self.driver = driver
        self.language = language
        self.greeted = False
        self.shown: list[str] = []
        self.numbered = True

    async def say(self, text: str) -> Said:
        if text == "/start" and not self.greeted:  # opening the chat already started it
            return self._read(self.driver.opening)
        return self._read(self.driver.say(text))

    async def press(self, label: str) -> Said:
        if self.numbered and label in self.shown:
            return await self.say(str(self.shown.index(label) + 1))
        return await self.say(label)

    def _read(self, printed: str) -> Said:
        self.greeted = True
        shown = choices(printed)
        if shown:
            self.shown = shown
            self.numbered = not printed.rstrip("\n").splitlines()[-1].startswith("  [")
        return Said(printed, shown)


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
