"""Where the dialogue runs for an asynchronous channel: worker threads, or worker processes.

The dialogue core is synchronous (it talks to the database), so an asyncio channel must not
call it on the event loop.  Threads are enough for a quiet bot and for tests.  Under load, Python's
GIL lets only one thread run at a time, so the event loop (parsing updates, sending replies) and
the dialogue compete for one core; worker processes give the dialogue cores of its own.  Each
worker builds its own :class:`~core.dialogue.engine.Dialogue` from the settings (its own database
connections, its own copy of the catalog); per-learner ordering stays with the channel's locks, and
the database is the only shared state, as it already is between bot processes.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol

from core.badges.verify import BadgeVerifier
from core.catalog import Catalog, load_catalog
from core.db import Database
from core.dialogue.engine import Dialogue
from core.dialogue.messages import Identity, Inbound, Reply
from core.settings import Settings

log = logging.getLogger(__name__)
WARM_UP_TASK_SECONDS = 0.02
WARM_UP_TIMEOUT_SECONDS = 60.0
_worker_dialogue: Dialogue | None = None


class DialogueRunner(Protocol):
    async def start(self) -> None: ...

    async def handle(self, identity: Identity, inbound: Inbound) -> list[Reply]: ...

    def close(self) -> None: ...


class ThreadRunner:
    """The dialogue in the default thread pool of the running event loop."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue = dialogue

    async def start(self) -> None:
        """Nothing to prepare: the dialogue is already built in this process."""

    async def handle(self, identity: Identity, inbound: Inbound) -> list[Reply]:
        return await asyncio.to_thread(self.dialogue.handle, identity, inbound)

    def close(self) -> None:
        """Nothing to release: the threads belong to the event loop."""


def build_dialogue(settings: Settings, database: Database, catalog: Catalog) -> Dialogue:
    """The dialogue as every channel and worker runs it: settings decide zone, data dir and fetcher."""
    verifier = BadgeVerifier.for_data_dir(settings.data_dir, test_hosts=settings.fetch_test_hosts)
    return Dialogue(database, catalog, default_timezone=settings.default_timezone, verifier=verifier)


def _start_worker(settings: Settings) -> None:
    global _worker_dialogue

    _worker_dialogue = build_dialogue(
        settings, Database(settings.sqlalchemy_url), load_catalog(settings.catalog_dir)
    )
    keep_startup_objects_out_of_gc()


def keep_startup_objects_out_of_gc() -> None:
    """Move everything built so far (the catalog, the matcher's indexes, modules) out of the GC's reach.

    They live as long as the process, but the cyclic garbage collector's oldest generation scans
    them again on every full collection: about 105 ms for a worker's 170,000 objects on this
    machine, paid inside a learner's message (and on SQLite while holding the write lock, so the
    other worker waited too).  ``gc.freeze`` leaves full collections only the objects made since.
    """
    gc.collect()
    gc.freeze()


def _worker_pid() -> int:
    """A worker that answers has built its dialogue; the short wait spreads a batch over workers."""
    time.sleep(WARM_UP_TASK_SECONDS)
    return os.getpid()


def _handle_in_worker(identity: Identity, inbound: Inbound) -> list[Reply]:
    assert _worker_dialogue is not None  # noqa: S101  (set by the pool's initializer)
    return _worker_dialogue.handle(identity, inbound)


class ProcessRunner:
    """The dialogue in ``processes`` worker processes (spawned, so nothing is shared by accident)."""

    def __init__(self, settings: Settings, processes: int) -> None:
        self.processes = processes
        self.worker_pids: set[int] = set()
        self.pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(settings,),
        )

    async def start(self) -> None:
        """Spawn every worker and wait until each has built its dialogue (about a second each).

        The pool would otherwise spawn them on the first learner messages, which would then wait
        for imports and the catalog.  Batches of short tasks go out until every worker has answered.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WARM_UP_TIMEOUT_SECONDS
        while len(self.worker_pids) < self.processes and loop.time() < deadline:
            batch = [loop.run_in_executor(self.pool, _worker_pid) for _ in range(self.processes)]
            self.worker_pids.update(await asyncio.gather(*batch))
        if len(self.worker_pids) < self.processes:
            log.warning(
                "only %d of %d dialogue workers were ready at start-up", len(self.worker_pids), self.processes
            )

    async def handle(self, identity: Identity, inbound: Inbound) -> list[Reply]:
        return await asyncio.get_running_loop().run_in_executor(
            self.pool, _handle_in_worker, identity, inbound
        )

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def runner_for(settings: Settings, dialogue: Dialogue) -> DialogueRunner:
    """Processes when SKILLSTACK_DIALOGUE_PROCESSES > 0, else threads around ``dialogue``."""
    if settings.dialogue_processes > 0:
        return ProcessRunner(settings, settings.dialogue_processes)
    return ThreadRunner(dialogue)
