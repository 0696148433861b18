"""Drive the real ``skillstack chat`` process through pipes, as a learner at a terminal would.

    driver = start(data_dir, env)       # the chat starts and greets (its first text: driver.greeting)
    printed = driver.say("data analyst")  # everything printed in answer, up to the next "> " prompt
    driver.close()                      # /quit, then the process must end

The chat is a subprocess (``python -m bot.cli chat``) of the worktree's code, with its data
directory in ``data_dir``, so nothing in the test process (patches, fixed clocks) reaches it: it
is the terminal channel exactly as shipped.  ``say`` writes the text and a newline (a multi-line
text is a multi-line paste) and reads until the chat is back at its prompt and has stayed quiet
for a moment, so a reply printed in several parts, or several prompts for a paste read line by
line, all come back as one string.

A minimal twin of the terminal branch's ``tests/terminal_driver.py`` (same API); the two are
meant to become one.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

PROMPT = "> "
REPO_ROOT = Path(__file__).resolve().parents[2]
QUIET_SECONDS = 0.3  # after a prompt, this long without output means the reply is complete
REPLY_TIMEOUT = 20.0


class TerminalDriver:
    """One running terminal chat; ``say`` a line, get back what it printed."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self._selector = selectors.DefaultSelector()
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)
        self._selector.register(process.stdout, selectors.EVENT_READ)
        self.greeting = self._read_reply()

    def say(self, line: str) -> str:
        """Type ``line`` (and Enter); what the chat printed in answer, without the final prompt."""
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()
        return self._read_reply()

    def _read_reply(self) -> str:
        """Output until a prompt is shown and nothing more arrives for ``QUIET_SECONDS``."""
        assert self.process.stdout is not None
        chunks: list[bytes] = []
        deadline = time.monotonic() + REPLY_TIMEOUT
        while True:
            at_prompt = b"".join(chunks).decode(errors="replace").endswith(PROMPT)
            wait = QUIET_SECONDS if at_prompt else max(0.0, deadline - time.monotonic())
            if not self._selector.select(timeout=wait):
                if at_prompt:
                    break
                raise AssertionError(f"the chat printed no prompt within {REPLY_TIMEOUT} s: {chunks!r}")
            data = self.process.stdout.read()
            if not data:  # the process ended
                break
            chunks.append(data)
        text = b"".join(chunks).decode(errors="replace")
        return text.removesuffix(PROMPT).rstrip("\n")

    def close(self) -> int:
        """End the chat with /quit; its exit code (it must end by itself)."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            try:
                self.process.stdin.write(b"/quit\n")
                self.process.stdin.close()
            except BrokenPipeError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._selector.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return int(self.process.returncode)


def start(data_dir: Path, env: Mapping[str, str] | None = None) -> TerminalDriver:
    """Start ``skillstack chat`` with its data in ``data_dir`` (``env`` adds SKILLSTACK_* settings)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SKILLSTACK_") and key != "TELEGRAM_BOT_TOKEN"
    }
    environment |= {"SKILLSTACK_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", "COLUMNS": "88"}
    environment |= dict(env or {})
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat"],
        cwd=REPO_ROOT,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # a log line in the chat is something the learner reads too
    )
    return TerminalDriver(process)
