"""The one list of commands: it routes them in the dialogue, writes /help and fills a channel's
command menu (Telegram's ``setMyCommands``).

Adding a command is one entry here (in the order /help and the menu show it), the handler it
names, and its two texts in every locale: ``command.<name>.help`` (its /help line) and
``command.<name>.menu`` (its short menu label).  The terminal's own /quit is no command of the
dialogue: the console adds its line under this list.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import t


@dataclass(frozen=True, slots=True)
class Command:
    """A command and the :class:`~core.dialogue.engine.Dialogue` attribute that answers it, as a
    dotted path (``badges.cmd_export`` is ``dialogue.badges.cmd_export``): named, not imported,
    so this list stays below the engine that resolves it."""

    name: str
    handler: str


COMMANDS: tuple[Command, ...] = (
    Command("start", "cmd_start"),
    Command("plan", "cmd_plan"),
    Command("progress", "cmd_progress"),
    Command("checkin", "cmd_checkin"),
    Command("badges", "badges.cmd_badges"),
    Command("export", "badges.cmd_export"),
    Command("forget", "badges.cmd_forget"),
    Command("pause", "cmd_pause"),
    Command("resume", "cmd_resume"),
    Command("settings", "cmd_settings"),
    Command("language", "cmd_language"),
    Command("back", "cmd_back"),
    Command("cancel", "cmd_cancel"),
    Command("help", "cmd_help"),
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
