"""Relay storage: schema migration of an existing data directory, batch completion order,
WebSocket framing."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import text

from relay.connection import frame_bytes
from relay.storage import Database, Tx
from relay.storage.schema import SCHEMA_VERSION


async def test_schema_1_moves_seq_heads_to_user_seqs(tmp_path: Path) -> None:
    path = tmp_path / "relay.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.open()
    await db.close()
    # turn it into a schema-1 database: heads in users.seq, no user_seqs rows
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO users (id, username, display_name, bio, password_hash, created,"
        " seq) VALUES (7, 'ann', 'Ann', '', 'x', 0, 41)"
    )
    raw.execute("DELETE FROM user_seqs")
    raw.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    raw.commit()
    raw.close()

    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.open()
    await db.close()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT user_id, seq FROM user_seqs").fetchall() == [(7, 41)]
    assert raw.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == (
        str(SCHEMA_VERSION),
    )
    raw.close()


async def test_callers_resume_before_what_after_commit_callbacks_schedule(
    tmp_path: Path,
) -> None:
    """A handler's ack must be queued before the flush its own pushes schedule, so both go
    out in one socket write: every caller of a batch resumes first, then the callbacks'
    ``call_soon`` work runs."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}")
    await db.open()
    order: list[str] = []
    loop = asyncio.get_running_loop()

    async def caller(name: str) -> None:
        async def job(tx: Tx) -> str:
            await tx.conn.execute(text("SELECT 1"))

            def push() -> None:
                loop.call_soon(order.append, f"push {name}")

            tx.after_commit(push)
            return name

        assert await db.write(job) == name
        order.append(f"ack {name}")

    try:
        await asyncio.gather(caller("a"), caller("b"))  # one batch, one COMMIT
    finally:
        await db.close()
    assert order == ["ack a", "ack b", "push a", "push b"]


def test_frame_bytes_lengths() -> None:
    small, mid, big = b"a" * 125, b"b" * 126, b"c" * 65536
    out = frame_bytes([small, mid, big])
    assert out[:2] == bytes((0x81, 125)) and out[2:127] == small
    rest = out[127:]
    assert rest[:4] == bytes((0x81, 126, 0, 126)) and rest[4:130] == mid
    rest = rest[130:]
    assert rest[:2] == bytes((0x81, 127)) and int.from_bytes(rest[2:10], "big") == 65536
    assert rest[10:] == big
