"""`skillstack run` with a token, as an operator starts it: a real process, long polling, worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import TOKEN
from tests.fakes.fake_bot_api import FakeBotApi


def test_skillstack_run_serves_learners_and_stops_cleanly(
    fake_api: tuple[FakeBotApi, str], tmp_path: Path
) -> None:
    api, url = fake_api
    script = Path(sys.executable).parent / "skillstack"
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "SKILLSTACK_TELEGRAM_API_URL": url,
        "SKILLSTACK_DATA_DIR": str(tmp_path / "var"),
        "SKILLSTACK_DIALOGUE_PROCESSES": "1",
    }
    bot = subprocess.Popen(
        [str(script), "run"],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api.message(4242, "/start")
        assert api.wait_for(
            lambda: any("Question 1 of 11" in m["text"] for m in api.sent_to(4242)), timeout=60
        )
        api.message(4242, "I want to become a data analyst")
        assert api.wait_for(
            lambda: any("Question 2 of 11" in m["text"] for m in api.sent_to(4242)), timeout=30
        )
    finally:
        bot.send_signal(signal.SIGINT)
        _, err = bot.communicate(timeout=30)
    assert bot.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    assert TOKEN not in err
    assert api.violations == []
    assert {c.params.get("language_code") for c in api.calls if c.method == "setMyCommands"} == {None, "id"}
