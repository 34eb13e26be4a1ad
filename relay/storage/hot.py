"""The writer's hot paths: in-memory state owned by the single writer, and cached SQL.

A 1:1 send used to cost ~6 SQLAlchemy statements (idempotency SELECT, chat kind, members,
INSERT, UPDATE … RETURNING of the seq heads, INSERT of the updates), and SQLAlchemy's
per-execute work (cache key, compile lookup, result set-up) was most of the relay's CPU,
not SQLite. Here:

- ``WriterState`` keeps what the writer would otherwise re-read on every send: chat
  kind and member roles (dropped by every job that changes membership), each user's seq
  head (SQLite only: loaded lazily, bumped in memory and persisted in the same
  transaction), and recent (sender, random_id) → message id. Every rolled-back
  transaction clears it all (``Database.on_rollback``), so it never holds uncommitted
  state. It lives in one relay process: several nodes on one PostgreSQL would need the
  broker to carry invalidations (docs/operator.md); seq heads on PostgreSQL therefore
  stay in the database (``UPDATE … RETURNING``, a row lock), safe across nodes.
- On SQLite, statements run on the writer's raw ``sqlite3`` connection with SQL strings
  compiled once from the SQLAlchemy Core statements below (``executemany`` for rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from relay.storage.database import Tx
from relay.storage.queries import emit as emit_sql
from relay.storage.queries import emit_chat as emit_chat_sql
from relay.storage.queries import member_roles
from relay.storage.schema import chat_updates, chats, messages, updates

CACHE_LIMIT = 100_000
"""Entries per cache; a full cache is simply emptied (everything reloads lazily)."""

MESSAGE_FIELDS = (
    "chat_id",
    "sender_id",
    "date",
    "random_id",
    "text",
    "reply_to",
    "forward",
    "attachment",
    "call",
    "edit_date",
    "deleted",
)


def _compile(stmt: ClauseElement) -> tuple[str, tuple[str, ...]]:
    """SQL text (qmark) and bind names in order, for the raw sqlite3 connection."""
    compiled = stmt.compile(dialect=sqlite_dialect.dialect())
    assert isinstance(compiled, SQLCompiler)
    return str(compiled), tuple(compiled.positiontup or ())


_INSERT_MESSAGE_STMT = (
    sqlite_insert(messages)
    .values({name: bindparam(name) for name in MESSAGE_FIELDS})
    .on_conflict_do_nothing(index_elements=[messages.c.sender_id, messages.c.random_id])
)
"""No RETURNING: SQLite runs a RETURNING statement through a temporary table, ~8 µs more
per insert than reading the cursor's ``lastrowid`` (``rowcount`` 0 means the unique
index caught a resend)."""
INSERT_MESSAGE, _insert_message_order = _compile(_INSERT_MESSAGE_STMT)
assert _insert_message_order == MESSAGE_FIELDS, _insert_message_order
SELECT_MESSAGE_ID, _ = _compile(
    select(messages.c.id).where(
        messages.c.sender_id == bindparam("s"), messages.c.random_id == bindparam("r")
    )
)
SELECT_CHAT_KIND, _ = _compile(select(chats.c.kind).where(chats.c.id == bindparam("c")))
INSERT_UPDATE, _insert_update_order = _compile(
    updates.insert().values(user_id=bindparam("u"), seq=bindparam("s"), payload=bindparam("p"))
)
assert _insert_update_order == ("u", "s", "p"), _insert_update_order
SELECT_SEQS = "SELECT user_id, seq FROM user_seqs WHERE user_id IN ({})"
SELECT_LAST_SEQS = "SELECT user_id, max(seq) FROM updates WHERE user_id IN ({}) GROUP BY user_id"
SELECT_CHAT_PTS, _ = _compile(select(chats.c.pts).where(chats.c.id == bindparam("c")))
SET_CHAT_PTS, _set_chat_pts_order = _compile(
    update(chats).where(chats.c.id == bindparam("c")).values(pts=bindparam("p"))
)
assert _set_chat_pts_order == ("p", "c"), _set_chat_pts_order
INSERT_CHAT_UPDATE, _insert_chat_update_order = _compile(
    chat_updates.insert().values(chat_id=bindparam("c"), pts=bindparam("p"), payload=bindparam("d"))
)
assert _insert_chat_update_order == ("c", "p", "d"), _insert_chat_update_order

# PostgreSQL, on the raw asyncpg connection (prepared once per connection by asyncpg)
PG_INSERT_MESSAGE = (
    "INSERT INTO messages ("
    + ", ".join(f'"{k}"' for k in MESSAGE_FIELDS)
    + ") VALUES ("
    + ", ".join(f"${i}" for i in range(1, len(MESSAGE_FIELDS) + 1))
    + ") ON CONFLICT (sender_id, random_id) DO NOTHING RETURNING id"
)
PG_BUMP_SEQS = (
    "UPDATE user_seqs AS s SET seq = s.seq + v.n"
    " FROM unnest($1::bigint[], $2::bigint[]) AS v(uid, n)"
    " WHERE s.user_id = v.uid RETURNING s.user_id, s.seq"
)
PG_INSERT_UPDATES = (
    "INSERT INTO updates (user_id, seq, payload)"
    " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])"
)

Pending = list[tuple[list[tuple[int, bytes]], list[tuple[int, int, bytes]]]]


class WriterState:
    """What the single writer remembers between transactions (see the module doc)."""

    __slots__ = ("seqs", "pts", "roles", "recent", "pending")

    def __init__(self) -> None:
        self.seqs: dict[int, int] = {}
        self.pts: dict[int, int] = {}
        """SQLite: each group's log head, loaded lazily like ``seqs``."""
        self.roles: dict[int, tuple[str, dict[int, str]]] = {}
        self.recent: dict[tuple[int, int], int] = {}
        self.pending: Pending = []
        """PostgreSQL: updates emitted in the running transaction, seqs not yet assigned."""

    def clear(self) -> None:
        self.seqs.clear()
        self.pts.clear()
        self.roles.clear()
        self.recent.clear()
        self.pending = []

    def forget_chat(self, chat_id: int) -> None:
        """Membership or roles of ``chat_id`` change in this transaction."""
        self.roles.pop(chat_id, None)

    async def chat_roles(self, tx: Tx, chat_id: int) -> tuple[str, dict[int, str]] | None:
        """The chat's kind and roles (join order), or None if there is no such chat."""
        hit = self.roles.get(chat_id)
        if hit is not None:
            return hit
        if tx.raw is not None:
            row = tx.raw.execute(SELECT_CHAT_KIND, (chat_id,)).fetchone()
            kind = None if row is None else str(row[0])
        else:
            kind = (
                await tx.conn.execute(select(chats.c.kind).where(chats.c.id == chat_id))
            ).scalar()
        if kind is None:
            return None
        entry = (str(kind), await member_roles(tx.conn, chat_id))
        if len(self.roles) >= CACHE_LIMIT:
            self.roles.clear()
        self.roles[chat_id] = entry
        return entry

    def remember_send(self, sender_id: int, random_id: int, message_id: int) -> None:
        recent = self.recent
        if len(recent) >= CACHE_LIMIT:
            for key in list(recent)[: CACHE_LIMIT // 2]:  # oldest half (insertion order)
                del recent[key]
        recent[(sender_id, random_id)] = message_id

    async def insert_message(self, tx: Tx, row: dict[str, Any]) -> int | None:
        """Insert a message row; None if (sender_id, random_id) already exists."""
        if tx.raw is not None:
            cursor = tx.raw.execute(INSERT_MESSAGE, [row[k] for k in MESSAGE_FIELDS])
            return None if cursor.rowcount != 1 else cursor.lastrowid
        pg = await tx.pg()
        if pg is not None:
            found_id = await pg.fetchval(PG_INSERT_MESSAGE, *[row[k] for k in MESSAGE_FIELDS])
            return None if found_id is None else int(found_id)
        stmt = (
            pg_insert(messages)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["sender_id", "random_id"])
            .returning(messages.c.id)
        )
        found_id = (await tx.conn.execute(stmt)).scalar()
        return None if found_id is None else int(found_id)

    async def existing_message_id(self, tx: Tx, sender_id: int, random_id: int) -> int | None:
        hit = self.recent.get((sender_id, random_id))
        if hit is not None:
            return hit
        if tx.raw is not None:
            found = tx.raw.execute(SELECT_MESSAGE_ID, (sender_id, random_id)).fetchone()
            return None if found is None else int(found[0])
        found_id = (
            await tx.conn.execute(
                select(messages.c.id).where(
                    messages.c.sender_id == sender_id, messages.c.random_id == random_id
                )
            )
        ).scalar()
        return None if found_id is None else int(found_id)

    async def emit(
        self, tx: Tx, items: Sequence[tuple[int, bytes]]
    ) -> list[tuple[int, int, bytes]]:
        """Append updates to users' sequences: (user id, payload) → (user id, seq, payload)."""
        if not items:
            return []
        raw = tx.raw
        if raw is None:
            if not tx.has_pg:
                return await emit_sql(tx.conn, items)
            # PostgreSQL: seqs are assigned for the whole batch at once in ``flush``, just
            # before COMMIT (one UPDATE … FROM unnest … RETURNING of all seq heads and one
            # INSERT … SELECT FROM unnest of all rows, instead of two statements a job)
            out: list[tuple[int, int, bytes]] = []
            self.pending.append((list(items), out))
            return out
        seqs = self.seqs
        missing = {uid for uid, _ in items if uid not in seqs}
        if missing:
            if len(seqs) + len(missing) > CACHE_LIMIT:
                seqs.clear()
                missing = {uid for uid, _ in items}
            ids = list(missing)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for uid, head in raw.execute(SELECT_SEQS.format(marks), chunk):
                    seqs[int(uid)] = int(head)
                for uid, last in raw.execute(SELECT_LAST_SEQS.format(marks), chunk):
                    seqs[int(uid)] = max(seqs.get(int(uid), 0), int(last))
        out = []
        for uid, payload in items:
            seq = seqs[uid] + 1  # KeyError: no such user, as with the SQL path
            seqs[uid] = seq
            out.append((uid, seq, payload))
        # The head is the last row's seq (``queries.seq_head``): rewriting each user's
        # ``user_seqs`` row too cost one more B-tree page in every commit's WAL frames.
        raw.executemany(INSERT_UPDATE, out)
        return out

    async def emit_chat(self, tx: Tx, chat_id: int, payload: bytes) -> int:
        """Append an update to group ``chat_id``'s log; returns its ``pts``."""
        raw = tx.raw
        if raw is None:
            return await emit_chat_sql(tx.conn, chat_id, payload)
        heads = self.pts
        pts = heads.get(chat_id)
        if pts is None:
            if len(heads) >= CACHE_LIMIT:
                heads.clear()
            pts = int(raw.execute(SELECT_CHAT_PTS, (chat_id,)).fetchone()[0])
        pts += 1
        heads[chat_id] = pts
        raw.execute(SET_CHAT_PTS, (pts, chat_id))
        raw.execute(INSERT_CHAT_UPDATE, (chat_id, pts, payload))
        return pts

    async def flush(self, tx: Tx) -> None:
        """PostgreSQL: assign seqs to, and store, every update pending in the transaction."""
        pending = self.pending
        if not pending:
            return
        self.pending = []
        pg = await tx.pg()
        assert pg is not None
        counts: dict[int, int] = {}
        for items, _ in pending:
            for uid, _payload in items:
                counts[uid] = counts.get(uid, 0) + 1
        uids = sorted(counts)  # one lock order for every writer
        rows = await pg.fetch(PG_BUMP_SEQS, uids, [counts[u] for u in uids])
        nxt = {int(uid): int(head) for uid, head in rows}
        for uid in uids:
            nxt[uid] -= counts[uid]  # KeyError: no such user, as with the SQL path
        col_u: list[int] = []
        col_s: list[int] = []
        col_p: list[bytes] = []
        for items, out in pending:
            for uid, payload in items:
                seq = nxt[uid] = nxt[uid] + 1
                out.append((uid, seq, payload))
                col_u.append(uid)
                col_s.append(seq)
                col_p.append(payload)
        await pg.execute(PG_INSERT_UPDATES, col_u, col_s, col_p)
