"""The ``skillstack`` command line: one module per group of subcommands, wired in :mod:`bot.cli.commands`.

:func:`main` is the console script's entry point (``bot.cli:main`` in pyproject.toml).
"""

from bot.cli.commands import main

__all__ = ["main"]
