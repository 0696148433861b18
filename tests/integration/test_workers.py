"""The dialogue in worker processes gives the same answers as in threads, from the same database."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from bot.workers import ProcessRunner, ThreadRunner, runner_for
from core.catalog import load_catalog
from core.dialogue.engine import Dialogue
from core.messages import Identity, Inbound
from core.settings import SHIPPED_DATA_DIR, load_settings
from core.storage.db import Database


async def test_process_workers_answer_and_share_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    Database(url).upgrade()
    settings = load_settings(database_url=url, dialogue_processes=1)
    dialogue = Dialogue(Database(url), load_catalog(SHIPPED_DATA_DIR))
    runner = runner_for(settings, dialogue)
    assert isinstance(runner, ProcessRunner)
    try:
        await runner.start()  # spawned and built before the first learner
        assert len(runner.worker_pids) == 1
        replies = await runner.handle(Identity(telegram_id=77), Inbound.from_text("/start"))
        assert "Question 1 of 11" in replies[-1].text
        replies = await runner.handle(Identity(telegram_id=77), Inbound.from_text("data analyst"))
        assert "Question 2 of 11" in replies[-1].text
    finally:
        runner.close()
    in_thread = ThreadRunner(dialogue)  # the state written by the worker process is in the database
    replies = await in_thread.handle(Identity(telegram_id=77), Inbound.from_text("/start"))
    assert "Question 2 of 11" in replies[-1].text


def test_zero_processes_means_threads(tmp_path: Path) -> None:
    settings = load_settings(dialogue_processes=0)
    dialogue = Dialogue(Database(f"sqlite:///{tmp_path / 'x.db'}"), load_catalog(SHIPPED_DATA_DIR))
    assert isinstance(runner_for(settings, dialogue), ThreadRunner)


async def test_start_brings_up_every_worker(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    Database(url).upgrade()
    settings = load_settings(database_url=url, dialogue_processes=2)
    runner = ProcessRunner(settings, 2)
    try:
        await runner.start()
        assert len(runner.worker_pids) == 2
        assert all(Path(f"/proc/{pid}").exists() for pid in runner.worker_pids)
    finally:
        runner.close()


async def test_a_failure_in_a_worker_reaches_the_caller_with_the_workers_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-schema.db'}"  # never migrated: the dialogue's first query fails
    runner = ProcessRunner(load_settings(database_url=url, dialogue_processes=1), 1)
    try:
        await runner.start()
        (pid,) = runner.worker_pids
        for text in ("/start", "/help"):  # the worker survives a failure and serves the next call
            with pytest.raises(Exception, match="no such table") as raised:
                await runner.handle(Identity(telegram_id=5), Inbound.from_text(text))
            notes = "\n".join(raised.value.__notes__)
            assert f"in dialogue worker {pid}" in notes
            assert "load_for_message" in notes  # where it failed, inside the worker
        assert runner.worker_pids == {pid}
    finally:
        runner.close()


async def test_a_worker_that_dies_is_replaced_and_the_bot_keeps_answering(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'workers.db'}"
    Database(url).upgrade()
    runner = ProcessRunner(load_settings(database_url=url, dialogue_processes=2), 2)
    try:
        await runner.start()
        victim = min(runner.worker_pids)
        os.kill(victim, signal.SIGKILL)
        for _ in range(200):  # the replacement takes about a second to build its dialogue
            if len(runner.worker_pids) == 2 and victim not in runner.worker_pids:
                break
            await asyncio.sleep(0.05)
        assert len(runner.worker_pids) == 2 and victim not in runner.worker_pids
        for user in range(10, 14):  # every worker answers, the new one included
            replies = await runner.handle(Identity(telegram_id=user), Inbound.from_text("/start"))
            assert "Question 1 of 11" in replies[-1].text
    finally:
        runner.close()
    assert not any(Path(f"/proc/{pid}").exists() for pid in runner.worker_pids)


@pytest.mark.postgres
async def test_calls_queued_at_a_busy_worker_are_answered_together_on_postgresql(postgres_url: str) -> None:
    """Forty learners at once on one worker: every one gets the answer to their own message."""
    database = Database(postgres_url)
    database.upgrade()
    database.dispose()
    runner = ProcessRunner(load_settings(database_url=postgres_url, dialogue_processes=1), 1)
    learners = [Identity(telegram_id=1000 + n) for n in range(40)]
    try:
        await runner.start()
        first = await asyncio.gather(*(runner.handle(who, Inbound.from_text("/start")) for who in learners))
        second = await asyncio.gather(
            *(runner.handle(who, Inbound.from_text("data analyst")) for who in learners)
        )
    finally:
        runner.close()
    assert all("Question 1 of 11" in replies[-1].text for replies in first)
    assert all("Question 2 of 11" in replies[-1].text for replies in second)
