"""Queries shared by the request handlers: rows to protocol types, update emission."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.protocol.types import (
    Attachment,
    CallRecord,
    Chat,
    Forward,
    Member,
    Message,
    Update,
    User,
)
from relay.storage.schema import chat_updates, chats, members, messages, updates, user_seqs, users

_enc = msgspec.json.Encoder()
_forward_dec = msgspec.json.Decoder(Forward)
_attachment_dec = msgspec.json.Decoder(Attachment)
_call_dec = msgspec.json.Decoder(CallRecord)

USER_COLS = (users.c.id, users.c.username, users.c.display_name, users.c.bio)
MESSAGE_COLS = (
    messages.c.id,
    messages.c.chat_id,
    messages.c.sender_id,
    messages.c.date,
    messages.c.random_id,
    messages.c.text,
    messages.c.reply_to,
    messages.c.forward,
    messages.c.attachment,
    messages.c.call,
    messages.c.edit_date,
    messages.c.deleted,
)


def encode_json(value: Any) -> str:
    return _enc.encode(value).decode()


def user_from_row(row: Any) -> User:
    return User(id=row.id, username=row.username, display_name=row.display_name, bio=row.bio)


def message_from_row(row: Any) -> Message:
    return Message(
        id=row.id,
        chat_id=row.chat_id,
        sender_id=row.sender_id,
        date=row.date,
        text=row.text,
        random_id=row.random_id or 0,
        reply_to=row.reply_to,
        forward=_forward_dec.decode(row.forward) if row.forward else None,
        attachment=_attachment_dec.decode(row.attachment) if row.attachment else None,
        call=_call_dec.decode(row.call) if row.call else None,
        edit_date=row.edit_date,
        deleted=bool(row.deleted),
    )


async def get_user(conn: AsyncConnection, user_id: int) -> User | None:
    row = (await conn.execute(select(*USER_COLS).where(users.c.id == user_id))).first()
    return user_from_row(row) if row else None


async def get_users(conn: AsyncConnection, user_ids: Iterable[int]) -> list[User]:
    ids = sorted(set(user_ids))
    if not ids:
        return []
    rows = await conn.execute(select(*USER_COLS).where(users.c.id.in_(ids)).order_by(users.c.id))
    return [user_from_row(r) for r in rows]


async def get_message(conn: AsyncConnection, message_id: int) -> Message | None:
    row = (await conn.execute(select(*MESSAGE_COLS).where(messages.c.id == message_id))).first()
    return message_from_row(row) if row else None


async def chat_kind(conn: AsyncConnection, chat_id: int) -> str | None:
    row = (await conn.execute(select(chats.c.kind).where(chats.c.id == chat_id))).first()
    return str(row[0]) if row else None


async def member_roles(conn: AsyncConnection, chat_id: int) -> dict[int, str]:
    """user id → role, in join order (oldest first)."""
    rows = await conn.execute(
        select(members.c.user_id, members.c.role)
        .where(members.c.chat_id == chat_id)
        .order_by(members.c.joined, members.c.user_id)
    )
    return {int(r[0]): str(r[1]) for r in rows}


async def chat_views(
    conn: AsyncConnection, chat_ids: Sequence[int], unread_for: int | None = None
) -> dict[int, dict[str, Any]]:
    """Everything needed to build ``Chat``: chat id → parts.

    Unread counts are counted for ``unread_for`` only, or for every member when None
    (a ``chat_updated`` push to all of them).
    """
    if not chat_ids:
        return {}
    ids = list(chat_ids)
    out: dict[int, dict[str, Any]] = {}
    for row in await conn.execute(select(chats).where(chats.c.id.in_(ids))):
        out[row.id] = {"row": row, "members": [], "reads": {}, "last": 0, "unread": {}}
    member_rows = await conn.execute(
        select(members.c.chat_id, members.c.user_id, members.c.role, members.c.read_max_id)
        .where(members.c.chat_id.in_(ids))
        .order_by(members.c.chat_id, members.c.joined, members.c.user_id)
    )
    for r in member_rows:
        parts = out[r.chat_id]
        parts["members"].append(Member(user_id=r.user_id, role=r.role))
        parts["reads"][r.user_id] = r.read_max_id
    last_rows = await conn.execute(
        select(messages.c.chat_id, func.max(messages.c.id))
        .where(messages.c.chat_id.in_(ids))
        .group_by(messages.c.chat_id)
    )
    for chat_id, last in last_rows:
        out[chat_id]["last"] = int(last or 0)
    # per member: messages after its read_max_id, not its own, not deleted (a range scan
    # of messages_by_chat per member)
    reader = members.alias("reader")
    unread = (
        select(reader.c.chat_id, reader.c.user_id, func.count(messages.c.id))
        .join(
            messages,
            (messages.c.chat_id == reader.c.chat_id) & (messages.c.id > reader.c.read_max_id),
        )
        .where(
            reader.c.chat_id.in_(ids),
            messages.c.sender_id != reader.c.user_id,
            messages.c.deleted.is_(False),
        )
        .group_by(reader.c.chat_id, reader.c.user_id)
    )
    if unread_for is not None:
        unread = unread.where(reader.c.user_id == unread_for)
    for chat_id, user_id, count in await conn.execute(unread):
        out[chat_id]["unread"][int(user_id)] = int(count)
    return out


def chat_for(parts: dict[str, Any], user_id: int) -> Chat:
    row = parts["row"]
    reads: dict[int, int] = parts["reads"]
    others = [v for k, v in reads.items() if k != user_id]
    return Chat(
        id=row.id,
        kind=row.kind,
        title=row.title,
        members=list(parts["members"]),
        created=row.created,
        last_message_id=parts["last"],
        read_max_id=reads.get(user_id, 0),
        others_read_max_id=max(others, default=0),
        unread_count=parts["unread"].get(user_id, 0),
        pts=int(row.pts),
    )


async def chat_view(
    conn: AsyncConnection, chat_id: int, unread_for: int | None = None
) -> dict[str, Any]:
    return (await chat_views(conn, [chat_id], unread_for))[chat_id]


def encode_update(update: Update) -> bytes:
    return _enc.encode(update)


async def seq_head(conn: AsyncConnection, user_id: int) -> int:
    """The head of a user's update sequence: the last stored update's seq.

    ``user_seqs.seq`` is bumped with every update on PostgreSQL (its row lock orders
    concurrent writers); the SQLite writer keeps heads in memory and no longer rewrites
    that row per update (``WriterState.emit``), so there it is only a lower bound (the
    head when schema 3 took over). Both backends agree on the last stored update.
    """
    stored = (
        await conn.execute(select(user_seqs.c.seq).where(user_seqs.c.user_id == user_id))
    ).scalar()
    last = (
        await conn.execute(select(func.max(updates.c.seq)).where(updates.c.user_id == user_id))
    ).scalar()
    return max(int(stored or 0), int(last or 0))


async def emit_chat(conn: AsyncConnection, chat_id: int, payload: bytes) -> int:
    """Append an update to a group's log; returns its ``pts``. The chat row is bumped in
    this transaction (a row lock on PostgreSQL), so pts are gap-free and never reused."""
    pts = int(
        (
            await conn.execute(
                update(chats)
                .where(chats.c.id == chat_id)
                .values(pts=chats.c.pts + 1)
                .returning(chats.c.pts)
            )
        ).scalar_one()
    )
    await conn.execute(insert(chat_updates).values(chat_id=chat_id, pts=pts, payload=payload))
    return pts


async def emit(
    conn: AsyncConnection, items: Sequence[tuple[int, bytes]]
) -> list[tuple[int, int, bytes]]:
    """Append updates to users' sequences: (user id, payload) → (user id, seq, payload).

    Each user's counter row is bumped in this transaction (a row lock on PostgreSQL), so
    seqs are gap-free and never reused, whatever runs concurrently.
    """
    if not items:
        return []
    per_user: dict[int, list[bytes]] = defaultdict(list)
    for user_id, payload in items:
        per_user[user_id].append(payload)
    by_count: dict[int, list[int]] = defaultdict(list)
    for user_id, payloads in per_user.items():
        by_count[len(payloads)].append(user_id)
    heads: dict[int, int] = {}
    for count, user_ids in by_count.items():
        rows = await conn.execute(
            update(user_seqs)
            .where(user_seqs.c.user_id.in_(user_ids))
            .values(seq=user_seqs.c.seq + count)
            .returning(user_seqs.c.user_id, user_seqs.c.seq)
        )
        for user_id, head in rows:
            heads[int(user_id)] = int(head)
    out: list[tuple[int, int, bytes]] = []
    for user_id, payloads in per_user.items():
        first = heads[user_id] - len(payloads) + 1
        for offset, payload in enumerate(payloads):
            out.append((user_id, first + offset, payload))
    await conn.execute(insert(updates), [{"user_id": u, "seq": s, "payload": p} for u, s, p in out])
    return out
