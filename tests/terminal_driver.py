"""Drive ``skillstack chat`` as a learner at a shell would: a real process, typed lines, printed replies.

    driver = start(data_dir, {"SKILLSTACK_DEFAULT_LANGUAGE": "id"})
    driver.opening               # what the chat printed before its first prompt
    reply = driver.say("5")      # what it printed after that line, up to the next prompt
    driver.close()               # end of input; the exit code

The chat runs as ``python -m bot.cli chat`` from this checkout, on pipes, with its data (the SQLite
database, the log file, exports) in ``data_dir``.  ``driver.transcript`` is everything it printed,
``driver.stderr`` everything on its stderr (read after :meth:`TerminalDriver.close`).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]
PROMPT = "\n> "
WAIT_SECONDS = 120.0  # a generous bound for a slow shared machine, not a timing assertion


class TerminalDriver:
    """One running terminal chat."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.chunks: queue.Queue[bytes] = queue.Queue()
        self.transcript = ""
        self.stderr = ""
        assert process.stdout is not None and process.stderr is not None
        threading.Thread(target=self._pump, args=(process.stdout,), daemon=True).start()
        self._errors: list[bytes] = []
        self._error_reader = threading.Thread(target=self._drain, args=(process.stderr,), daemon=True)
        self._error_reader.start()
        self.opening = self._until_prompt()

    def _pump(self, stream: IO[bytes]) -> None:
        while chunk := os.read(stream.fileno(), 65536):
            self.chunks.put(chunk)
        self.chunks.put(b"")  # end of output

    def _drain(self, stream: IO[bytes]) -> None:
        self._errors.append(stream.read())

    def _until_prompt(self) -> str:
        """What the chat prints up to its next prompt (or until it exits)."""
        received = b""
        while not received.endswith(PROMPT.encode()) and received != PROMPT.encode()[1:]:
            try:
                chunk = self.chunks.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                raise TimeoutError(f"no prompt after: {received.decode()[-500:]!r}") from None
            if not chunk:
                break
            received += chunk
        text = received.decode()
        self.transcript += text
        return text.removesuffix(PROMPT[1:])

    def say(self, line: str) -> str:
        """Type ``line`` and press Enter: what the chat prints back, up to its next prompt."""
        assert self.process.stdin is not None
        self.transcript += line + "\n"
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()
        return self._until_prompt()

    def close(self) -> int:
        """End of input (as Ctrl-D): the chat says goodbye and exits; its exit code."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=WAIT_SECONDS)
        self._error_reader.join(timeout=WAIT_SECONDS)
        self.stderr = b"".join(self._errors).decode()
        return code


def start(data_dir: Path, env: Mapping[str, str] | None = None) -> TerminalDriver:
    """Open the terminal chat with its data in ``data_dir`` (and ``env`` added to a clean environment)."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(data_dir),
        "USER": "learner",
        "PYTHONUNBUFFERED": "1",
        "SKILLSTACK_DATA_DIR": str(data_dir),
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=environment,
    )
    return TerminalDriver(process)
