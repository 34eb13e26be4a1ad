"""Fixtures for store tests: real encrypted databases in tmp_path, cheap KDF settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import Chat, KdfParams, Message, Store, create_store

#: Tests derive keys many times; the real parameters are exercised in test_keys.py.
FAST_KDF = KdfParams(time_cost=1, memory_cost=1024, parallelism=1)
PASSCODE = "correct horse"
ME = 1


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "profile" / "store.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = create_store(db_path, PASSCODE, kdf=FAST_KDF)
    try:
        yield s
    finally:
        s.close()


def msg(
    id: int,
    chat_id: int = 10,
    text: str = "",
    *,
    sender_id: int = 2,
    date: float | None = None,
    **kw: object,
) -> Message:
    """A message with sensible defaults (sender 2 is "someone else"; ME is 1)."""
    return Message(
        id=id,
        chat_id=chat_id,
        sender_id=sender_id,
        date=float(id) if date is None else date,
        text=text or f"message {id}",
        **kw,  # type: ignore[arg-type]
    )


def group(id: int, title: str = "", **kw: object) -> Chat:
    return Chat(id=id, kind="group", title=title or f"chat {id}", **kw)  # type: ignore[arg-type]
