"""The relay's 1:1 send path without the network: CPU per message, in one process.

``relay_messages`` measures the whole relay under load, and on the shared 2-core box its
figures swing with the neighbours (±20%). This bench runs the real ``send_message``
handler against a real relay storage (SQLite, WAL, the writer's group commits) in this
process, ``--per-commit`` sends at a time so that they share a COMMIT as concurrent
senders do under load, and reads this process's CPU time: the part of a message's cost
that storage and request handling make, steady enough to compare one change with another.
Then the same rows are written with bare ``sqlite3`` statements (the relay's schema, no
handler), which is what any relay that stores a message before acking it pays at least.

Prints one JSON line: ``messages``, ``per_commit``, ``cpu_us_per_message`` (the relay's
path), ``sqlite_floor_us_per_message`` (the bare statements and COMMITs on the same
schema), ``commits``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.protocol.frames import OpenDirectChat, SendMessage, SignUp  # noqa: E402
from app.protocol.types import User  # noqa: E402
from relay.config import RelayConfig  # noqa: E402
from relay.core import Relay  # noqa: E402
from relay.handlers.accounts import sign_up  # noqa: E402
from relay.handlers.chats import open_direct_chat  # noqa: E402
from relay.handlers.messages import send_message  # noqa: E402

USERS = 400


class _Conn:
    """What the handlers touch of a connection (its pushes are dropped)."""

    def __init__(self) -> None:
        self.user_id = 0
        self.session_id = ""
        self.user: User | None = None
        self.address = "127.0.0.1"

    def send(self, data: bytes) -> None:
        pass

    def attach(self, user: User, session_id: str) -> None:
        self.user, self.user_id, self.session_id = user, user.id, session_id


async def _relay_path(data_dir: Path, messages: int, per_commit: int) -> tuple[float, int]:
    relay = Relay(
        RelayConfig(data_dir=data_dir, fast_password_hashing=True, auth_rate_per_minute=10**6)
    )
    await relay.open()
    try:
        conns: list[Any] = []
        for i in range(USERS):
            conn = _Conn()
            await sign_up(  # attaches the connection to the new user
                relay,
                conn,  # type: ignore[arg-type]
                SignUp(id=1, username=f"user{i}", display_name="U", password="bench-password"),
            )
            conns.append(conn)
        senders: list[tuple[Any, int]] = []
        for i in range(0, USERS, 2):
            chat = await open_direct_chat(
                relay, conns[i], OpenDirectChat(id=1, user_id=conns[i + 1].user_id)
            )
            senders += [(conns[i], chat.id), (conns[i + 1], chat.id)]
        random_ids = iter(range(1, 10**9))

        async def send(k: int) -> None:
            conn, chat_id = senders[(k * 7919) % len(senders)]
            rid = next(random_ids)
            frame = SendMessage(id=rid, chat_id=chat_id, random_id=rid, text=f"t{time.time_ns()}")
            await send_message(relay, conn, frame)

        async def rounds(count: int, start: int) -> None:
            for r in range(count):
                await asyncio.gather(*(send(start + r * per_commit + j) for j in range(per_commit)))

        await rounds(2000 // per_commit, 0)  # warm the writer's caches and the B-trees
        batches = relay.db.batches
        cpu = time.process_time()
        await rounds(messages // per_commit, 10**6)
        cpu = time.process_time() - cpu
        return cpu / (messages // per_commit * per_commit), relay.db.batches - batches
    finally:
        await relay.close()


def _sqlite_floor(data_dir: Path, messages: int, per_commit: int) -> float:
    """The relay's own tables and indexes (a copy of its fresh database), bare statements."""
    db = sqlite3.connect(data_dir / "relay.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    chats = [int(r[0]) for r in db.execute("SELECT id FROM chats ORDER BY id")]
    members = {
        c: [int(r[0]) for r in db.execute("SELECT user_id FROM members WHERE chat_id=?", (c,))]
        for c in chats
    }
    seqs = {
        int(u): int(s or 0)
        for u, s in db.execute("SELECT user_id, max(seq) FROM updates GROUP BY user_id")
    }
    insert_message = (
        "INSERT INTO messages (chat_id, sender_id, date, random_id, text, deleted)"
        " VALUES (?, ?, ?, ?, ?, 0)"
    )
    insert_update = "INSERT INTO updates (user_id, seq, payload) VALUES (?, ?, ?)"
    rid = 10**12
    cpu = time.process_time()
    rounds = messages // per_commit
    for r in range(rounds):
        db.execute("BEGIN")
        for j in range(per_commit):
            chat = chats[((r * per_commit + j) * 7919) % len(chats)]
            pair = members[chat]
            sender = pair[j % len(pair)]
            rid += 1
            text = f"t{time.time_ns()}"
            message_id = db.execute(
                insert_message, (chat, sender, time.time(), rid, text)
            ).lastrowid
            payload = json.dumps({"kind": "new_message", "id": message_id, "text": text}).encode()
            rows = []
            for uid in pair:
                seqs[uid] = seqs.get(uid, 0) + 1
                rows.append((uid, seqs[uid], payload))
            db.executemany(insert_update, rows)
        db.execute("COMMIT")
    cpu = time.process_time() - cpu
    db.close()
    return cpu / (rounds * per_commit)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--per-commit", type=int, default=2)
    args = parser.parse_args()
    try:
        import uvloop

        run: Any = uvloop.run
    except ImportError:
        run = asyncio.run
    with tempfile.TemporaryDirectory() as tmp:
        per_message, commits = run(_relay_path(Path(tmp), args.messages, args.per_commit))
        floor = _sqlite_floor(Path(tmp), args.messages, args.per_commit)
    print(
        json.dumps(
            {
                "messages": args.messages,
                "per_commit": args.per_commit,
                "cpu_us_per_message": round(per_message * 1e6, 1),
                "sqlite_floor_us_per_message": round(floor * 1e6, 1),
                "commits": commits,
            }
        )
    )


if __name__ == "__main__":
    main()
