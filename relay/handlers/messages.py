"""Messages (send, edit, delete, read, typing, history) and sync (``get_updates``)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.protocol.frames import (
    DeleteMessage,
    EditMessage,
    GetChatHeads,
    GetChatUpdates,
    GetHistory,
    GetUpdates,
    MarkRead,
    SendMessage,
    SetTyping,
    Typing,
    encode,
)
from app.protocol.limits import MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS, MAX_PAGE, ErrorCode
from app.protocol.types import (
    Attachment,
    CallRecord,
    ChatUpdatesPage,
    Forward,
    Message,
    MessageDeleted,
    MessageEdited,
    NewMessage,
    ReadUpdate,
    UpdatesPage,
)
from relay.errors import RelayError
from relay.handlers import handles
from relay.handlers.chats import roles_for
from relay.storage import Tx
from relay.storage.queries import (
    MESSAGE_COLS,
    encode_json,
    encode_update,
    get_message,
    member_roles,
    message_from_row,
    seq_head,
)
from relay.storage.schema import blobs, chat_updates, chats, members, messages, updates

if TYPE_CHECKING:
    from relay.connection import Connection
    from relay.core import Relay

INT64 = 2**63
TYPING_INTERVAL = 2.0
"""At most one typing event per user and chat is relayed in this many seconds."""


def check_text(text: str, *, caption: bool) -> None:
    limit = MAX_CAPTION_CHARS if caption else MAX_MESSAGE_CHARS
    if len(text) > limit:
        raise RelayError(ErrorCode.MESSAGE_TOO_LONG, f"text is limited to {limit} characters")


def check_page(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise RelayError(ErrorCode.INVALID_FIELD, f"limit must be 1..{MAX_PAGE}")


def check_attachment(att: Attachment) -> None:
    if len(att.sha256) != 64 or any(c not in "0123456789abcdef" for c in att.sha256):
        raise RelayError(ErrorCode.INVALID_FIELD, "attachment.sha256 must be 64 lower-case hex")
    if not att.mime or len(att.mime) > 255 or len(att.name) > 255:
        raise RelayError(ErrorCode.INVALID_FIELD, "attachment mime/name missing or too long")
    if att.width < 0 or att.height < 0:
        raise RelayError(ErrorCode.INVALID_FIELD, "attachment width/height must be >= 0")


async def store_message(
    relay: Relay,
    tx: Tx,
    chat_id: int,
    sender_id: int,
    recipients: list[int],
    values: dict[str, Any],
) -> Message:
    """Insert a message and emit ``new_message`` to ``recipients``."""
    message = await insert_message(relay, tx, chat_id, sender_id, recipients, values)
    if message is None:
        raise RelayError(ErrorCode.INVALID_FIELD, "random_id was already used")
    return message


async def insert_message(
    relay: Relay,
    tx: Tx,
    chat_id: int,
    sender_id: int,
    recipients: list[int],
    values: dict[str, Any],
) -> Message | None:
    """``store_message``, or None when (sender, random_id) is taken (the unique index)."""
    date = time.time()
    random_id = values.get("random_id")
    row = {
        "chat_id": chat_id,
        "sender_id": sender_id,
        "date": date,
        "random_id": random_id,
        "text": values.get("text", ""),
        "reply_to": values.get("reply_to"),
        "forward": values.get("forward"),
        "attachment": values.get("attachment"),
        "call": values.get("call"),
        "edit_date": None,
        "deleted": False,
    }
    message_id = await relay.state.insert_message(tx, row)
    if message_id is None:
        return None
    if random_id:
        relay.state.remember_send(sender_id, random_id, message_id)
    message = Message(
        id=message_id,
        chat_id=chat_id,
        sender_id=sender_id,
        date=date,
        text=row["text"],
        random_id=random_id or 0,
        reply_to=row["reply_to"],
        forward=values.get("_forward"),
        attachment=values.get("_attachment"),
        call=values.get("_call"),
    )
    payload = encode_update(NewMessage(message=message))
    roles = await relay.state.chat_roles(tx, chat_id)
    assert roles is not None  # the caller checked the chat
    await relay.emit_to_chat(tx, chat_id, roles[0], recipients, payload)
    return message


def message_values(
    text: str,
    random_id: int | None,
    reply_to: int | None = None,
    forward: Forward | None = None,
    attachment: Attachment | None = None,
    call: CallRecord | None = None,
) -> dict[str, Any]:
    """Column values for ``store_message`` (typed objects ride along under ``_`` keys)."""
    values: dict[str, Any] = {
        "text": text,
        "random_id": random_id,
        "reply_to": reply_to,
        "forward": encode_json(forward) if forward else None,
        "attachment": encode_json(attachment) if attachment else None,
        "call": encode_json(call) if call else None,
    }
    cols = dict(values)
    cols.update(_forward=forward, _attachment=attachment, _call=call)
    return cols


@handles(SendMessage)
async def send_message(relay: Relay, conn: Connection, frame: SendMessage) -> Message:
    me = conn.user_id
    if not (-INT64 <= frame.random_id < INT64) or frame.random_id == 0:
        raise RelayError(ErrorCode.INVALID_FIELD, "random_id must be a non-zero signed 64-bit int")
    if frame.forward is not None and (frame.text or frame.attachment):
        raise RelayError(ErrorCode.INVALID_FIELD, "a forward carries no text or attachment")
    if frame.attachment is not None:
        check_attachment(frame.attachment)
    check_text(frame.text, caption=frame.attachment is not None)
    if frame.forward is None and frame.attachment is None and not frame.text.strip():
        raise RelayError(ErrorCode.EMPTY_MESSAGE, "a message needs text, attachment or forward")

    async def job(tx: Tx) -> Message:
        state = relay.state
        known = state.recent.get((me, frame.random_id))
        if known is not None:
            return await _existing(tx, known)
        try:
            values, roles = await _checked_send(relay, tx, me, frame)
        except RelayError:
            # a resend of a stored message answers with it, whatever changed since
            known = await state.existing_message_id(tx, me, frame.random_id)
            if known is not None:
                return await _existing(tx, known)
            raise
        message = await insert_message(relay, tx, frame.chat_id, me, list(roles), values)
        if message is None:  # resent after a restart: the unique index caught it
            known = await state.existing_message_id(tx, me, frame.random_id)
            assert known is not None
            return await _existing(tx, known)
        return message

    return await relay.db.write(job)


async def _existing(tx: Tx, message_id: int) -> Message:
    message = await get_message(tx.conn, message_id)
    assert message is not None
    return message


async def _checked_send(
    relay: Relay, tx: Tx, me: int, frame: SendMessage
) -> tuple[dict[str, Any], dict[int, str]]:
    """Validate a send against the stored state: column values and the chat's roles."""
    db = tx.conn
    _, roles = await relay.roles_for(tx, frame.chat_id, me)
    if frame.reply_to is not None:
        target = await get_message(db, frame.reply_to)
        if target is None or target.chat_id != frame.chat_id or target.deleted:
            raise RelayError(ErrorCode.UNKNOWN_MESSAGE, "reply_to is not in this chat")
    text, attachment, forward = frame.text, frame.attachment, None
    if frame.forward is not None:
        source = await get_message(db, frame.forward.message_id)
        if (
            source is None
            or source.chat_id != frame.forward.chat_id
            or source.deleted
            or source.call is not None
        ):
            raise RelayError(ErrorCode.UNKNOWN_MESSAGE, "nothing to forward there")
        if me not in await member_roles(db, source.chat_id):
            raise RelayError(ErrorCode.FORBIDDEN, "you cannot see that message")
        text, attachment = source.text, source.attachment
        forward = source.forward or Forward(
            from_user_id=source.sender_id,
            from_chat_id=source.chat_id,
            from_message_id=source.id,
            date=source.date,
        )
    elif attachment is not None:
        row = (
            await db.execute(select(blobs.c.size).where(blobs.c.sha256 == attachment.sha256))
        ).first()
        if row is None:
            raise RelayError(ErrorCode.BLOB_NOT_FOUND, "upload the blob first")
        if int(row[0]) != attachment.size:
            raise RelayError(ErrorCode.INVALID_FIELD, "attachment.size differs from the blob")
    return message_values(text, frame.random_id, frame.reply_to, forward, attachment), roles


async def _own_message(db: AsyncConnection, chat_id: int, message_id: int) -> Message:
    message = await get_message(db, message_id)
    if message is None or message.chat_id != chat_id or message.deleted:
        raise RelayError(ErrorCode.UNKNOWN_MESSAGE, f"no message {message_id} in this chat")
    return message


@handles(EditMessage)
async def edit_message(relay: Relay, conn: Connection, frame: EditMessage) -> Message:
    me = conn.user_id

    async def job(tx: Tx) -> Message:
        kind, roles = await relay.roles_for(tx, frame.chat_id, me)
        message = await _own_message(tx.conn, frame.chat_id, frame.message_id)
        if message.sender_id != me or message.call is not None:
            raise RelayError(ErrorCode.FORBIDDEN, "only the sender edits a message")
        if message.forward is not None:
            raise RelayError(ErrorCode.FORBIDDEN, "forwarded messages cannot be edited")
        check_text(frame.text, caption=message.attachment is not None)
        if message.attachment is None and not frame.text.strip():
            raise RelayError(ErrorCode.EMPTY_MESSAGE, "the text cannot become empty")
        now = time.time()
        await tx.conn.execute(
            update(messages)
            .where(messages.c.id == message.id)
            .values(text=frame.text, edit_date=now)
        )
        edited = msgspec.structs.replace(message, text=frame.text, edit_date=now)
        payload = encode_update(MessageEdited(message=edited))
        await relay.emit_to_chat(tx, frame.chat_id, kind, roles, payload)
        return edited

    return await relay.db.write(job)


@handles(DeleteMessage)
async def delete_message(relay: Relay, conn: Connection, frame: DeleteMessage) -> None:
    me = conn.user_id

    async def job(tx: Tx) -> None:
        kind, roles = await relay.roles_for(tx, frame.chat_id, me)
        message = await _own_message(tx.conn, frame.chat_id, frame.message_id)
        is_admin = kind == "group" and roles[me] in ("owner", "admin")
        if message.sender_id != me and not is_admin:
            raise RelayError(ErrorCode.FORBIDDEN, "only the sender or a group admin deletes")
        await tx.conn.execute(
            update(messages)
            .where(messages.c.id == message.id)
            .values(deleted=True, text="", attachment=None, forward=None, reply_to=None)
        )
        payload = encode_update(MessageDeleted(chat_id=frame.chat_id, message_id=message.id))
        await relay.emit_to_chat(tx, frame.chat_id, kind, roles, payload)

    await relay.db.write(job)


@handles(MarkRead)
async def mark_read(relay: Relay, conn: Connection, frame: MarkRead) -> None:
    me = conn.user_id

    async def job(tx: Tx) -> None:
        db = tx.conn
        kind, roles = await relay.roles_for(tx, frame.chat_id, me)
        last = (
            await db.execute(
                select(func.max(messages.c.id)).where(messages.c.chat_id == frame.chat_id)
            )
        ).scalar() or 0
        max_id = min(frame.max_id, int(last))
        result = await db.execute(
            update(members)
            .where(
                members.c.chat_id == frame.chat_id,
                members.c.user_id == me,
                members.c.read_max_id < max_id,
            )
            .values(read_max_id=max_id)
        )
        if result.rowcount:
            payload = encode_update(ReadUpdate(chat_id=frame.chat_id, user_id=me, max_id=max_id))
            await relay.emit_to_chat(tx, frame.chat_id, kind, roles, payload)

    await relay.db.write(job)


@handles(SetTyping)
async def set_typing(relay: Relay, conn: Connection, frame: SetTyping) -> None:
    me = conn.user_id
    now = time.monotonic()
    stamps = conn.typing_stamps
    if now - stamps.get(frame.chat_id, -TYPING_INTERVAL) < TYPING_INTERVAL:
        return None
    _, roles = await relay.db.read(lambda db: roles_for(db, frame.chat_id, me))
    stamps[frame.chat_id] = now
    if len(stamps) > 64:
        for chat_id in [c for c, t in stamps.items() if now - t >= TYPING_INTERVAL]:
            del stamps[chat_id]
    data = encode(Typing(chat_id=frame.chat_id, user_id=me))
    relay.broker.publish([uid for uid in roles if uid != me], data)
    return None


@handles(GetHistory)
async def get_history(relay: Relay, conn: Connection, frame: GetHistory) -> list[Message]:
    check_page(frame.limit)
    me = conn.user_id

    async def query(db: AsyncConnection) -> list[Message]:
        await roles_for(db, frame.chat_id, me)
        stmt = select(*MESSAGE_COLS).where(
            messages.c.chat_id == frame.chat_id, messages.c.deleted.is_(False)
        )
        if frame.before_id is not None:
            stmt = stmt.where(messages.c.id < frame.before_id)
        rows = await db.execute(stmt.order_by(messages.c.id.desc()).limit(frame.limit))
        return [message_from_row(r) for r in rows]

    return await relay.db.read(query)


async def _log_page(
    db: AsyncConnection,
    number: Any,
    owner: Any,
    after: int,
    head: int,
    limit: int,
) -> dict[str, Any]:
    """One page of an update log (a user's ``updates`` or a group's ``chat_updates``):
    the entries of ``owner`` numbered after ``after`` up to ``head``, built from the stored
    JSON without decoding it; ``more`` when another page follows."""
    payload = number.table.c.payload
    rows = (
        await db.execute(
            select(number, payload)
            .where(owner, number > after, number <= head)
            .order_by(number)
            .limit(limit + 1)
        )
    ).all()
    key = number.name
    entries = [{key: int(n), "update": msgspec.Raw(bytes(p))} for n, p in rows[:limit]]
    return {"updates": entries, "more": len(rows) > limit}


@handles(GetUpdates)
async def get_updates(relay: Relay, conn: Connection, frame: GetUpdates) -> Any:
    check_page(frame.limit)
    if frame.after_seq < 0:
        raise RelayError(ErrorCode.INVALID_FIELD, "after_seq must be >= 0")
    me = conn.user_id

    async def query(db: AsyncConnection) -> dict[str, Any]:
        head = await seq_head(db, me)
        page = await _log_page(
            db, updates.c.seq, updates.c.user_id == me, frame.after_seq, head, frame.limit
        )
        return {**page, "head": head}

    return await relay.db.read(query)


@handles(GetChatUpdates)
async def get_chat_updates(relay: Relay, conn: Connection, frame: GetChatUpdates) -> Any:
    check_page(frame.limit)
    if frame.after_pts < 0:
        raise RelayError(ErrorCode.INVALID_FIELD, "after_pts must be >= 0")
    me = conn.user_id

    async def query(db: AsyncConnection) -> dict[str, Any]:
        kind, _ = await roles_for(db, frame.chat_id, me)
        if kind != "group":
            raise RelayError(ErrorCode.INVALID_FIELD, "only groups have an update log")
        head = (await db.execute(select(chats.c.pts).where(chats.c.id == frame.chat_id))).scalar()
        head = int(head or 0)
        page = await _log_page(
            db,
            chat_updates.c.pts,
            chat_updates.c.chat_id == frame.chat_id,
            frame.after_pts,
            head,
            frame.limit,
        )
        return {"chat_id": frame.chat_id, **page, "head": head}

    return await relay.db.read(query)


@handles(GetChatHeads)
async def get_chat_heads(relay: Relay, conn: Connection, frame: GetChatHeads) -> Any:
    me = conn.user_id

    async def query(db: AsyncConnection) -> list[dict[str, int]]:
        rows = await db.execute(
            select(chats.c.id, chats.c.pts)
            .join(members, members.c.chat_id == chats.c.id)
            .where(members.c.user_id == me, chats.c.kind == "group")
            .order_by(chats.c.id)
        )
        return [{"chat_id": int(c), "pts": int(p)} for c, p in rows]

    return await relay.db.read(query)


# the shapes get_updates and get_chat_updates answer with (built from stored JSON)
_ = (UpdatesPage, ChatUpdatesPage)
