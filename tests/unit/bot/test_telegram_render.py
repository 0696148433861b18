"""Splitting replies to Telegram's limits and checking callback data."""

from __future__ import annotations

from bot.telegram.render import MAX_TEXT, message_parts, split_text, valid_payload
from core.messages import Button, Reply


def test_long_text_is_split_at_line_boundaries() -> None:
    lines = [f"{n:04d} " + "x" * 95 for n in range(200)]  # 100 characters a line, 20,000 in all
    parts = split_text("\n".join(lines))
    assert len(parts) > 1
    assert all(len(part) <= MAX_TEXT for part in parts)
    assert "\n".join(parts).split("\n") == lines  # no line cut, none lost, order kept


def test_a_single_huge_line_is_cut_hard() -> None:
    parts = split_text("y" * 10_000)
    assert [len(part) for part in parts] == [4096, 4096, 1808]


def test_empty_text_still_sends_something() -> None:
    assert split_text("") == ["…"]
    assert split_text("  \n ") == ["…"]


def test_buttons_go_on_the_last_part() -> None:
    reply = Reply("\n".join("z" * 100 for _ in range(100)), ((Button("Yes", "3.0"), Button("No", "3.1")),))
    parts = message_parts(reply)
    assert len(parts) == 3
    assert [part.markup is not None for part in parts] == [False, False, True]


def test_callback_payload_shape() -> None:
    assert valid_payload("12.3")
    for bad in [None, "", "12", "12.3.4", "a.b", "1." + "9" * 70, "../etc", "12.3 "]:
        assert not valid_payload(bad), bad
