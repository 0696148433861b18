"""The exit codes of ``skillstack``, and the exception a command raises to end with one.

Kept apart from every command's module so that the dispatcher in :mod:`bot.cli.commands` can map a failure
to its exit code without importing what the commands need (settings, the catalog, the database).
"""

from __future__ import annotations

EXIT_DATA_PROBLEM = 1  # the data is wrong: catalog errors, not a badge
EXIT_NO_PLAN = 1  # plan: the goal is too vague to plan (the shortlist was printed instead)
EXIT_USAGE = 2  # argparse's convention, also used for a malformed setting
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports it


class CommandFailed(Exception):
    """The command has already told the user what went wrong; ``skillstack`` exits with ``exit_code``."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(exit_code)
        self.exit_code = exit_code
