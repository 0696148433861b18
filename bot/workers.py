"""Where the dialogue runs for an asynchronous channel: worker threads, or worker processes.

The dialogue core is synchronous (it talks to the database), so an asyncio channel must not
call it on the event loop.  Threads are enough for a quiet bot and for tests.  Under load, Python's
GIL lets only one thread run at a time, so the event loop (parsing updates, sending replies) and
the dialogue compete for one core; worker processes give the dialogue cores of its own.  Each
worker builds its own :class:`~core.dialogue.engine.Dialogue` from the settings (its own database
connections, its own copy of the catalog); per-learner ordering stays with the channel's locks, and
the database is the only shared state, as it already is between bot processes.

Each worker is reached through its own socket pair, read and written by the event loop itself: a
call is one pickled frame to the worker with the fewest calls in flight, the answer one frame
back.  ``ProcessPoolExecutor`` did the same through two helper threads in the bot (its queue
feeder and its manager), woken for every call, which competed with the event loop for the GIL and
the two cores.  A worker that dies fails only the calls it had (the channel apologises for those)
and is replaced; a broken ``ProcessPoolExecutor`` refused every later call.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
import pickle
import select
import signal
import socket
import struct
import traceback
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from core.badges.verify import BadgeVerifier
from core.catalog import Catalog, load_catalog
from core.dialogue.engine import Dialogue
from core.goals import GoalReader
from core.messages import Identity, Inbound, Reply
from core.settings import Settings
from core.storage.db import Database

log = logging.getLogger(__name__)
START_TIMEOUT_SECONDS = 60.0  # spawning, imports and the catalog: about a second each here
STOP_TIMEOUT_SECONDS = 5.0
_LENGTH = struct.Struct("!I")  # a frame: its length, then a pickle
READ_BYTES = 1 << 16


class DialogueRunner(Protocol):
    async def start(self) -> None: ...

    async def handle(self, identity: Identity, inbound: Inbound) -> list[Reply]: ...

    def close(self) -> None: ...


class WorkerDied(RuntimeError):
    """The worker process handling a call ended before answering it."""

    @classmethod
    def before_answering(cls, pid: int) -> WorkerDied:
        return cls(f"dialogue worker {pid} ended before answering")


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
    goals = GoalReader.for_catalog(catalog, settings.catalog_dir)
    return Dialogue(
        database, catalog, default_timezone=settings.default_timezone, goal_reader=goals, verifier=verifier
    )


def keep_startup_objects_out_of_gc() -> None:
    """Move everything built so far (the catalog, the matcher's indexes, modules) out of the GC's reach.

    They live as long as the process, but the cyclic garbage collector's oldest generation scans
    them again on every full collection: about 105 ms for a worker's 170,000 objects on this
    machine, paid inside a learner's message (and on SQLite while holding the write lock, so the
    other worker waited too).  ``gc.freeze`` leaves full collections only the objects made since.
    """
    gc.collect()
    gc.freeze()


def _frame(message: object) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(payload)) + payload


class _Calls:
    """The bot's calls as they arrive on a worker's socket: the next one, or those already there."""

    def __init__(self, connection: socket.socket) -> None:
        self._connection = connection
        self._buffer = bytearray()

    def next(self) -> Any:
        """The next call, waiting for it; None when the bot has hung up."""
        while (call := self._take()) is None:
            if not self._receive():
                return None
        return call

    def waiting(self, limit: int) -> list[Any]:
        """Up to ``limit`` more calls that have already arrived; never waits."""
        calls: list[Any] = []
        while len(calls) < limit:
            call = self._take()
            if call is not None:
                calls.append(call)
            elif not select.select([self._connection], [], [], 0)[0] or not self._receive():
                break
        return calls

    def _receive(self) -> bool:
        chunk = self._connection.recv(READ_BYTES)
        self._buffer += chunk
        return bool(chunk)

    def _take(self) -> Any:
        if len(self._buffer) < _LENGTH.size:
            return None
        (length,) = _LENGTH.unpack_from(self._buffer)
        end = _LENGTH.size + length
        if len(self._buffer) < end:
            return None
        payload = bytes(self._buffer[_LENGTH.size : end])
        del self._buffer[:end]
        return pickle.loads(payload)  # noqa: S301  (our own bot process wrote it)


def _portable(error: BaseException) -> BaseException:
    """``error`` as it can cross to the bot, with the worker's traceback as a note (for the bot's log).

    Itself when it survives pickling with its notes; else a RuntimeError naming it.  Many
    exceptions pickle but cannot be rebuilt, or lose their notes on the way (SQLAlchemy's do).
    """
    note = f"in dialogue worker {os.getpid()}:\n{''.join(traceback.format_exception(error))}"
    error.add_note(note)
    try:
        rebuilt = pickle.loads(pickle.dumps(error))  # noqa: S301  (our own bytes, just made)
    except Exception:  # noqa: BLE001  (any exception that cannot cross is described instead)
        rebuilt = None
    if getattr(rebuilt, "__notes__", None) == error.__notes__:
        return error
    plain = RuntimeError(f"{type(error).__name__}: {error}")
    plain.add_note(note)
    return plain


def _serve(connection: socket.socket, settings: Settings) -> None:
    """A worker process: build the dialogue, say so, then answer calls until the bot hangs up.

    Each call is one message in its own unit of work.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the bot stops us
    dialogue = build_dialogue(settings, Database(settings.sqlalchemy_url), load_catalog(settings.catalog_dir))
    keep_startup_objects_out_of_gc()
    together = 1  # one message, one unit of work
    with connection:
        connection.sendall(_frame(os.getpid()))
        calls = _Calls(connection)
        queued: deque[Any] = deque()
        while True:
            if not queued:
                first = calls.next()
                if first is None:
                    break
                queued.append(first)
            queued.extend(calls.waiting(together - len(queued)))
            group = list(queued)
            answers = [_answer(dialogue, identity, inbound) for _, identity, inbound in group[:1]]
            for _ in answers:
                queued.popleft()
            connection.sendall(
                b"".join(
                    _frame((call_id, False, _portable(answer)))
                    if isinstance(answer, Exception)
                    else _frame((call_id, True, answer))
                    for (call_id, _, _), answer in zip(group, answers, strict=False)
                )
            )
        dialogue.database.dispose()


def _answer(dialogue: Dialogue, identity: Identity, inbound: Inbound) -> list[Reply] | Exception:
    """One message in its own unit of work; its exception is the answer (the bot logs it)."""
    try:
        return dialogue.handle(identity, inbound)
    except Exception as exc:  # noqa: BLE001  (returned to the caller, who logs and apologises)
        return exc


@dataclass
class _Worker:
    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    pid: int
    pending: dict[int, asyncio.Future[list[Reply]]] = field(default_factory=dict)
    listener: asyncio.Task[None] | None = None


class ProcessRunner:
    """The dialogue in ``processes`` worker processes (spawned, so nothing is shared by accident)."""

    def __init__(self, settings: Settings, processes: int) -> None:
        self.settings = settings
        self.processes = processes
        self.workers: list[_Worker] = []
        self._context = multiprocessing.get_context("spawn")
        self._calls = itertools.count()
        self._closing = False

    @property
    def worker_pids(self) -> set[int]:
        return {worker.pid for worker in self.workers}

    async def start(self) -> None:
        """Spawn every worker and wait until each has built its dialogue.

        Otherwise the first learners would wait for imports and the catalog.  A worker that does
        not come up is logged; the bot runs on the others.
        """
        results = await asyncio.gather(
            *(self._spawn() for _ in range(self.processes - len(self.workers))), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                log.error("a dialogue worker did not start: %s: %s", type(result).__name__, result)
        if len(self.workers) < self.processes:
            log.warning("only %d of %d dialogue workers are running", len(self.workers), self.processes)

    async def _spawn(self) -> None:
        ours, theirs = socket.socketpair()
        process = self._context.Process(target=_serve, args=(theirs, self.settings), daemon=True)
        try:
            process.start()
        finally:
            theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        try:
            pid = pickle.loads(await self._read(reader, START_TIMEOUT_SECONDS))  # noqa: S301  (our worker)
        except BaseException:
            writer.close()
            process.kill()
            raise
        worker = _Worker(process, reader, writer, pid)
        worker.listener = asyncio.create_task(self._listen(worker), name=f"dialogue worker {pid}")
        self.workers.append(worker)

    @staticmethod
    async def _read(reader: asyncio.StreamReader, timeout: float | None = None) -> bytes:
        async with asyncio.timeout(timeout):
            (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
            return await reader.readexactly(length)

    async def _listen(self, worker: _Worker) -> None:
        """Hand each answer to its caller; when the worker is gone, fail its calls and replace it."""
        try:
            while True:
                call_id, ok, value = pickle.loads(await self._read(worker.reader))  # noqa: S301  (our worker)
                future = worker.pending.pop(call_id, None)
                if future is None or future.done():  # the caller gave up meanwhile
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._retire(worker)
        if not self._closing:
            await asyncio.to_thread(worker.process.join, STOP_TIMEOUT_SECONDS)
            code = worker.process.exitcode
            log.error("dialogue worker %s ended (exit code %s); starting another", worker.pid, code)
            await self.start()

    def _retire(self, worker: _Worker) -> None:
        """No more calls to ``worker``; the calls it still had fail."""
        if worker in self.workers:
            self.workers.remove(worker)
        for future in worker.pending.values():
            if not future.done():
                future.set_exception(WorkerDied.before_answering(worker.pid))
        worker.pending.clear()
        worker.writer.close()

    async def handle(self, identity: Identity, inbound: Inbound) -> list[Reply]:
        if not self.workers:
            raise WorkerDied("no dialogue worker is running")
        worker = min(self.workers, key=lambda candidate: len(candidate.pending))
        call_id = next(self._calls)
        future: asyncio.Future[list[Reply]] = asyncio.get_running_loop().create_future()
        worker.pending[call_id] = future
        worker.writer.write(_frame((call_id, identity, inbound)))
        try:
            await worker.writer.drain()  # a large attachment waits for the worker to read it
        except ConnectionError as exc:  # it died meanwhile: its listener fails the other calls
            worker.pending.pop(call_id, None)
            raise WorkerDied.before_answering(worker.pid) from exc
        return await future

    def close(self) -> None:
        """Hang up on every worker (each finishes its call and exits), then wait for them."""
        self._closing = True
        workers = list(self.workers)
        for worker in workers:
            sock = worker.writer.get_extra_info("socket")
            with contextlib.suppress(OSError):  # at once, even if the event loop runs no more
                sock.shutdown(socket.SHUT_RDWR)
            if worker.listener is not None:
                worker.listener.cancel()
            self._retire(worker)
        for worker in workers:
            worker.process.join(timeout=STOP_TIMEOUT_SECONDS)
            if worker.process.is_alive():
                log.warning("dialogue worker %s did not stop; killing it", worker.pid)
                worker.process.kill()
                worker.process.join()


def runner_for(settings: Settings, dialogue: Dialogue) -> DialogueRunner:
    """Processes when SKILLSTACK_DIALOGUE_PROCESSES > 0, else threads around ``dialogue``."""
    if settings.dialogue_processes > 0:
        return ProcessRunner(settings, settings.dialogue_processes)
    return ThreadRunner(dialogue)
