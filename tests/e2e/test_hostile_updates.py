"""300 hostile updates: no crash, a sensible answer to each, nothing that breaks the Bot API spec."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from tests.e2e.conftest import RunningBot, eventually

USERS = range(9000, 9030)
STICKER = {
    "file_id": "CAACAgIAAxk",
    "file_unique_id": "AgAD",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}


def random_text(rng: random.Random, length: int) -> str:
    alphabet = [
        chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x2FF), *range(0x1F300, 0x1F64F), 0x0, 0x7, 0x200B)
    ]
    return "".join(rng.choice(alphabet) for _ in range(length)) or "?"


def hostile(api: Any, rng: random.Random, user: int) -> None:
    kind = rng.randrange(9)
    if kind == 0:
        api.message(user, random_text(rng, rng.randint(1, 300)))
    elif kind == 1:
        api.message(user, random_text(rng, 4096)[:4096])
    elif kind == 2:
        api.message(user, "".join(rng.choice("😀🙈🚀🔥👩‍💻🇮🇩") for _ in range(rng.randint(1, 40))))
    elif kind == 3:
        data = rng.choice(["", "1", "1.0.0", "../../etc", "9" * 64, "0.-1", random_text(rng, 20), "x" * 64])
        api.callback(user, data.encode()[:64].decode(errors="ignore") or "z")
    elif kind == 4:
        api.message(user, "an edit", kind="edited_message", extra={"edit_date": 1})
    elif kind == 5:
        api.message(user, None, extra={"sticker": STICKER})
    elif kind == 6:
        command = rng.choice(
            ["/start", "/plan", "/language", "/settings", "/back", "/cancel", "/progress", "/nope"]
        )
        api.message(user, f"{command} {random_text(rng, rng.randint(0, 80))}")
    elif kind == 7:
        api.message(
            user,
            None,
            extra={"location": {"latitude": rng.uniform(-90, 90), "longitude": rng.uniform(-180, 180)}},
        )
    else:
        api.message(
            user, rng.choice(["5", "lima", "free", "/start", "data analyst", "beginner", "-1", "1e309"])
        )


async def test_three_hundred_hostile_updates(bot: RunningBot) -> None:
    rng = random.Random(1234)
    sent: Counter[int] = Counter()
    for _ in range(300):
        user = rng.choice(USERS)
        hostile(bot.api, rng, user)
        sent[user] += 1
    await eventually(lambda: all(len(bot.api.sent_to(u)) >= sent[u] for u in sent), timeout=120)
    assert bot.api.violations == []
    for user in sent:
        assert all(
            "Traceback" not in text and "Sorry, something went wrong" not in text for text in bot.texts(user)
        )
    replies = await bot.say(9999, "/help")
    assert any("/plan" in text for text in replies)
