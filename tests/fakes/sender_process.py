"""An outbox sender in a process of its own, for tests that kill it.

``python -m tests.fakes.sender_process API_URL DATABASE_URL [--concurrency K] [--lease S] ...``

Built like the bot builds it (:func:`bot.telegram.sender.build_sender`); the token comes from
``TELEGRAM_BOT_TOKEN`` as for the bot, never from the command line.  Runs until SIGTERM or
SIGINT, then finishes the sends in flight and gives back the rest; SIGKILL is the point.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import signal

from bot.telegram.sender import build_sender
from core.logging_setup import configure_logging
from core.settings import load_settings
from core.storage.db import Database


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("api_url")
    parser.add_argument("database_url")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--lease", type=float, default=1.0, help="seconds")
    parser.add_argument("--poll-interval", type=float, default=0.02, help="seconds")
    parser.add_argument("--rate", type=float, default=1000.0, help="messages per second")
    parser.add_argument("--private-interval", type=float, default=0.0, help="seconds")
    return parser.parse_args()


async def serve(args: argparse.Namespace) -> None:
    settings = load_settings(
        telegram_api_url=args.api_url,
        database_url=args.database_url,
        send_rate_per_second=args.rate,
        private_chat_interval_seconds=args.private_interval,
    )
    token = settings.telegram_bot_token
    configure_logging("WARNING", secrets=[token.get_secret_value()] if token else [])
    database = Database(settings.sqlalchemy_url)
    sender = build_sender(
        settings,
        database,
        concurrency=args.concurrency,
        lease=dt.timedelta(seconds=args.lease),
        poll_interval=args.poll_interval,
    )
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    try:
        async with sender.bot:
            await sender.run(stop)
    finally:
        database.dispose()


if __name__ == "__main__":
    asyncio.run(serve(arguments()))
