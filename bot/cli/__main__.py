"""Lets ``python -m bot.cli`` run the command line."""

from bot.cli import main

raise SystemExit(main())
