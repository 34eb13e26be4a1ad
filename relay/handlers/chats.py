"""Direct chats and groups: creation, membership, roles, listing."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.protocol.frames import (
    AddMembers,
    CreateGroup,
    GetChats,
    LeaveChat,
    OpenDirectChat,
    RemoveMember,
    RenameGroup,
    SetRole,
)
from app.protocol.limits import MAX_GROUP_MEMBERS, MAX_GROUP_TITLE_CHARS, ErrorCode
from app.protocol.types import Chat, ChatRemoved, ChatUpdated
from relay.errors import RelayError
from relay.handlers import handles
from relay.storage import Tx
from relay.storage.queries import (
    chat_for,
    chat_kind,
    chat_view,
    chat_views,
    encode_update,
    member_roles,
)
from relay.storage.schema import chats, members, users

if TYPE_CHECKING:
    from relay.connection import Connection
    from relay.core import Relay

MANAGERS = ("owner", "admin")


def check_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > MAX_GROUP_TITLE_CHARS:
        raise RelayError(
            ErrorCode.INVALID_FIELD, f"group titles are 1..{MAX_GROUP_TITLE_CHARS} characters"
        )
    return title


async def check_users_exist(conn: AsyncConnection, user_ids: Iterable[int]) -> None:
    ids = set(user_ids)
    if not ids:
        return
    found = {int(r[0]) for r in await conn.execute(select(users.c.id).where(users.c.id.in_(ids)))}
    missing = ids - found
    if missing:
        raise RelayError(ErrorCode.UNKNOWN_USER, f"unknown user ids {sorted(missing)}")


async def roles_for(
    conn: AsyncConnection, chat_id: int, user_id: int
) -> tuple[str, dict[int, str]]:
    """The chat's kind and roles, checking the chat exists and ``user_id`` is a member."""
    kind = await chat_kind(conn, chat_id)
    if kind is None:
        raise RelayError(ErrorCode.UNKNOWN_CHAT, f"no chat {chat_id}")
    roles = await member_roles(conn, chat_id)
    if user_id not in roles:
        raise RelayError(ErrorCode.FORBIDDEN, "you are not a member of this chat")
    return kind, roles


async def publish_chat(
    relay: Relay, tx: Tx, chat_id: int, requester: int, removed: Iterable[int] = ()
) -> Chat:
    """Emit ``chat_updated`` to every member and ``chat_removed`` to ``removed``."""
    parts = await chat_view(tx.conn, chat_id)
    items = [
        (m.user_id, encode_update(ChatUpdated(chat=chat_for(parts, m.user_id))))
        for m in parts["members"]
    ]
    gone = encode_update(ChatRemoved(chat_id=chat_id))
    items += [(user_id, gone) for user_id in removed]
    await relay.emit(tx, items)
    return chat_for(parts, requester)


@handles(OpenDirectChat)
async def open_direct_chat(relay: Relay, conn: Connection, frame: OpenDirectChat) -> Chat:
    me = conn.user_id

    async def job(tx: Tx) -> Chat:
        return (await ensure_direct_chat(relay, tx, me, frame.user_id))[0]

    return await relay.db.write(job)


async def ensure_direct_chat(relay: Relay, tx: Tx, me: int, other: int) -> tuple[Chat, bool]:
    """The direct chat of ``me`` and ``other`` (created on first use); True if created."""
    if other == me:
        raise RelayError(ErrorCode.INVALID_FIELD, "cannot open a direct chat with yourself")
    await check_users_exist(tx.conn, [other])
    key = f"{min(me, other)}:{max(me, other)}"
    row = (await tx.conn.execute(select(chats.c.id).where(chats.c.direct_key == key))).first()
    if row is not None:
        parts = await chat_view(tx.conn, int(row[0]), unread_for=me)
        return chat_for(parts, me), False
    now = time.time()
    result = await tx.conn.execute(
        insert(chats).values(kind="direct", title="", created=now, direct_key=key)
    )
    chat_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    relay.state.forget_chat(chat_id)
    await tx.conn.execute(
        insert(members),
        [
            {"chat_id": chat_id, "user_id": uid, "role": "member", "joined": now, "read_max_id": 0}
            for uid in (me, other)
        ],
    )
    return await publish_chat(relay, tx, chat_id, me), True


@handles(CreateGroup)
async def create_group(relay: Relay, conn: Connection, frame: CreateGroup) -> Chat:
    title = check_title(frame.title)
    me = conn.user_id
    others = sorted(set(frame.member_ids) - {me})
    if len(others) + 1 > MAX_GROUP_MEMBERS:
        raise RelayError(ErrorCode.TOO_MANY_MEMBERS, f"groups hold at most {MAX_GROUP_MEMBERS}")

    async def job(tx: Tx) -> Chat:
        await check_users_exist(tx.conn, others)
        now = time.time()
        result = await tx.conn.execute(insert(chats).values(kind="group", title=title, created=now))
        chat_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        rows = [
            {"chat_id": chat_id, "user_id": me, "role": "owner", "joined": now, "read_max_id": 0}
        ]
        rows += [
            {"chat_id": chat_id, "user_id": uid, "role": "member", "joined": now, "read_max_id": 0}
            for uid in others
        ]
        relay.state.forget_chat(chat_id)
        await tx.conn.execute(insert(members), rows)
        return await publish_chat(relay, tx, chat_id, me)

    return await relay.db.write(job)


async def _group_roles(relay: Relay, tx: Tx, chat_id: int, me: int) -> dict[int, str]:
    kind, roles = await relay.roles_for(tx, chat_id, me)
    if kind != "group":
        raise RelayError(ErrorCode.FORBIDDEN, "this is not a group")
    return roles


@handles(RenameGroup)
async def rename_group(relay: Relay, conn: Connection, frame: RenameGroup) -> Chat:
    title = check_title(frame.title)
    me = conn.user_id

    async def job(tx: Tx) -> Chat:
        roles = await _group_roles(relay, tx, frame.chat_id, me)
        if roles[me] not in MANAGERS:
            raise RelayError(ErrorCode.FORBIDDEN, "only the owner and admins rename a group")
        await tx.conn.execute(update(chats).where(chats.c.id == frame.chat_id).values(title=title))
        return await publish_chat(relay, tx, frame.chat_id, me)

    return await relay.db.write(job)


@handles(AddMembers)
async def add_members(relay: Relay, conn: Connection, frame: AddMembers) -> Chat:
    me = conn.user_id

    async def job(tx: Tx) -> Chat:
        roles = await _group_roles(relay, tx, frame.chat_id, me)
        if roles[me] not in MANAGERS:
            raise RelayError(ErrorCode.FORBIDDEN, "only the owner and admins add members")
        new = sorted(set(frame.user_ids) - set(roles))
        if len(roles) + len(new) > MAX_GROUP_MEMBERS:
            raise RelayError(ErrorCode.TOO_MANY_MEMBERS, f"groups hold at most {MAX_GROUP_MEMBERS}")
        await check_users_exist(tx.conn, new)
        if not new:
            parts = await chat_view(tx.conn, frame.chat_id, unread_for=me)
            return chat_for(parts, me)
        now = time.time()
        relay.state.forget_chat(frame.chat_id)
        await tx.conn.execute(
            insert(members),
            [
                {
                    "chat_id": frame.chat_id,
                    "user_id": uid,
                    "role": "member",
                    "joined": now,
                    "read_max_id": 0,
                }
                for uid in new
            ],
        )
        return await publish_chat(relay, tx, frame.chat_id, me)

    return await relay.db.write(job)


@handles(RemoveMember)
async def remove_member(relay: Relay, conn: Connection, frame: RemoveMember) -> Chat:
    me = conn.user_id

    async def job(tx: Tx) -> Chat:
        roles = await _group_roles(relay, tx, frame.chat_id, me)
        target = roles.get(frame.user_id)
        if target is None:
            raise RelayError(ErrorCode.UNKNOWN_USER, "that user is not a member")
        if frame.user_id == me:
            raise RelayError(ErrorCode.FORBIDDEN, "use leave_chat to leave")
        mine = roles[me]
        if mine == "member" or (mine == "admin" and target != "member"):
            raise RelayError(
                ErrorCode.FORBIDDEN, "owners remove anyone, admins remove members only"
            )
        relay.state.forget_chat(frame.chat_id)
        await tx.conn.execute(
            delete(members).where(
                members.c.chat_id == frame.chat_id, members.c.user_id == frame.user_id
            )
        )
        return await publish_chat(relay, tx, frame.chat_id, me, removed=[frame.user_id])

    return await relay.db.write(job)


@handles(SetRole)
async def set_role(relay: Relay, conn: Connection, frame: SetRole) -> Chat:
    me = conn.user_id

    async def job(tx: Tx) -> Chat:
        roles = await _group_roles(relay, tx, frame.chat_id, me)
        if roles[me] != "owner":
            raise RelayError(ErrorCode.FORBIDDEN, "only the owner changes roles")
        if frame.user_id not in roles:
            raise RelayError(ErrorCode.UNKNOWN_USER, "that user is not a member")
        if frame.user_id == me:
            raise RelayError(ErrorCode.FORBIDDEN, "hand ownership to another member instead")
        where = members.c.chat_id == frame.chat_id
        relay.state.forget_chat(frame.chat_id)
        if frame.role == "owner":
            await tx.conn.execute(
                update(members).where(where, members.c.user_id == me).values(role="admin")
            )
        await tx.conn.execute(
            update(members).where(where, members.c.user_id == frame.user_id).values(role=frame.role)
        )
        return await publish_chat(relay, tx, frame.chat_id, me)

    return await relay.db.write(job)


@handles(LeaveChat)
async def leave_chat(relay: Relay, conn: Connection, frame: LeaveChat) -> None:
    me = conn.user_id

    async def job(tx: Tx) -> None:
        kind, roles = await relay.roles_for(tx, frame.chat_id, me)
        if kind != "group":
            raise RelayError(ErrorCode.FORBIDDEN, "direct chats cannot be left")
        where = members.c.chat_id == frame.chat_id
        relay.state.forget_chat(frame.chat_id)
        await tx.conn.execute(delete(members).where(where, members.c.user_id == me))
        rest = {uid: role for uid, role in roles.items() if uid != me}
        if roles[me] == "owner" and rest:
            admins = [uid for uid, role in rest.items() if role == "admin"]
            heir = admins[0] if admins else next(iter(rest))
            await tx.conn.execute(
                update(members).where(where, members.c.user_id == heir).values(role="owner")
            )
        if rest:
            await publish_chat(relay, tx, frame.chat_id, me, removed=[me])
        else:
            await relay.emit(tx, [(me, encode_update(ChatRemoved(chat_id=frame.chat_id)))])

    await relay.db.write(job)


@handles(GetChats)
async def get_chats(relay: Relay, conn: Connection, frame: GetChats) -> list[Chat]:
    me = conn.user_id

    async def query(db: AsyncConnection) -> list[Chat]:
        ids = [
            int(r[0])
            for r in await db.execute(
                select(members.c.chat_id).where(members.c.user_id == me).order_by(members.c.chat_id)
            )
        ]
        views = await chat_views(db, ids, unread_for=me)
        return [chat_for(views[i], me) for i in ids]

    return await relay.db.read(query)
