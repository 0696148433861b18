"""The one list of commands: it orders /help and a channel's command menu (Telegram's
``setMyCommands``), and the dialogue refuses to start with a flow's command missing from it.

Adding a command is one entry here (in the order /help and the menu show it), its handler in the
flow it belongs to (``Router.commands`` in :mod:`core.dialogue.flows`), and its two texts in every
locale: ``command.<name>.help`` (its /help line) and ``command.<name>.menu`` (its short menu
label).  The terminal's own /quit is no command of the dialogue: the console adds its line under
this list.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import t


@dataclass(frozen=True, slots=True)
class Command:
    """A command, by the name a learner types after the slash."""

    name: str


COMMANDS: tuple[Command, ...] = (
    Command("start"),
    Command("plan"),
    Command("progress"),
    Command("checkin"),
    Command("badges"),
    Command("export"),
    Command("forget"),
    Command("pause"),
    Command("resume"),
    Command("settings"),
    Command("language"),
    Command("back"),
    Command("cancel"),
    Command("help"),
)


def command_list(language: str) -> str:
    """The commands as /help lists them: a heading, then one "/name – what it does" line each."""
    lines = [
        t(
            "help.line",
            language,
            command=command.name,
            description=t(f"command.{command.name}.help", language),
        )
        for command in COMMANDS
    ]
    return "\n".join([t("help.heading", language), *lines])


def menu(language: str) -> list[tuple[str, str]]:
    """(name, short label) of every command, in order: what a channel's command menu shows."""
    return [(command.name, t(f"command.{command.name}.menu", language)) for command in COMMANDS]
