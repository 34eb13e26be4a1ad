"""``LocalStore`` over the encrypted ``app.store``: wire types in, store rows out.

Every operation is one plain function run on the store's worker thread, so a page of
updates, its ``seq`` and the outbox bookkeeping commit in one SQLite transaction
(``Store.transaction``). The services read through the same adapter (chat list,
history, search, drafts) and get the store's row types back, which is what the UI shows.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import msgspec

from app.client.local import AppliedChanges, OutgoingMessage
from app.protocol import types as wire
from app.store import models
from app.store.db import Store

T = TypeVar("T")
Runner = Callable[[Callable[[Store], Any]], Awaitable[Any]]
"""Runs ``fn(store)`` on the store's own thread and returns its result."""

# --- conversions wire → store ------------------------------------------------------------


def to_store_message(m: wire.Message) -> models.Message:
    forward = None
    if m.forward is not None:
        forward = models.Forward(
            from_user_id=m.forward.from_user_id,
            from_chat_id=m.forward.from_chat_id,
            from_message_id=m.forward.from_message_id,
            date=m.forward.date,
        )
    attachment = None
    if m.attachment is not None:
        a = m.attachment
        attachment = models.Attachment(
            sha256=a.sha256,
            size=a.size,
            mime=a.mime,
            kind=a.kind,
            name=a.name,
            width=a.width or None,
            height=a.height or None,
        )
    call = None
    if m.call is not None:
        call = models.CallRecord(
            call_id=m.call.call_id,
            caller_id=m.call.caller_id,
            video=m.call.video,
            outcome=m.call.outcome,
            duration=m.call.duration,
        )
    return models.Message(
        id=m.id,
        chat_id=m.chat_id,
        sender_id=m.sender_id,
        date=m.date,
        text=m.text,
        reply_to_id=m.reply_to,
        forward=forward,
        attachment=attachment,
        call=call,
        edit_date=m.edit_date,
        deleted=m.deleted,
        random_id=m.random_id or None,
    )


def to_store_chat(me: int, c: wire.Chat) -> models.Chat:
    role = next((m.role for m in c.members if m.user_id == me), "member")
    peer = None
    if c.kind == "direct":
        peer = next((m.user_id for m in c.members if m.user_id != me), None)
    return models.Chat(
        id=c.id,
        kind=c.kind,
        title=c.title,
        peer_id=peer,
        my_role=role,
        read_inbox_max_id=c.read_max_id,
        read_outbox_max_id=c.others_read_max_id,
        updated=c.created,
    )


def to_store_user(u: wire.User) -> models.User:
    return models.User(id=u.id, username=u.username, display_name=u.display_name,
                       bio=u.bio, updated=time.time())  # fmt: skip


# --- operations on the store (run on its thread) ------------------------------------------


def _save_chat(store: Store, me: int, chat: wire.Chat, changes: AppliedChanges) -> None:
    if chat.kind == "group" and store.chat(chat.id) is None:
        # A group new to this device starts its log at the head stamped on the snapshot;
        # a known group's pts only moves by applying its log (a later snapshot's head
        # could be ahead of entries still to apply).
        store.set_pts(chat.id, chat.pts)
    # The relay's count covers history this device may not hold yet (a new device keeps
    # only the latest page), so it replaces the local count up to the chat's last message.
    unread = {chat.id: models.UnreadCount(count=chat.unread_count, up_to_id=chat.last_message_id)}
    store.upsert_chats([to_store_chat(me, chat)], unread=unread)
    store.set_members(
        chat.id,
        [models.ChatMember(chat_id=chat.id, user_id=m.user_id, role=m.role) for m in chat.members],
    )
    store.mark_read(chat.id, chat.read_max_id)
    store.set_peer_read(chat.id, chat.others_read_max_id)
    changes.chats.add(chat.id)
    changes.member_ids.update(m.user_id for m in chat.members)
    changes.read[chat.id] = (0, 0)


def _save_message(store: Store, me: int, m: wire.Message, changes: AppliedChanges) -> None:
    if m.sender_id == me and m.random_id:
        pending = store.outbox_item(m.random_id)
        if pending is not None and pending.chat_id == m.chat_id:
            changes.completed_outbox.append((m.chat_id, m.random_id, m.id))
    store.save_messages([to_store_message(m)])
    changes.message(m.chat_id, m.id)
    changes.chats.add(m.chat_id)


def _fill_read(store: Store, changes: AppliedChanges) -> None:
    for chat_id in list(changes.read):
        chat = store.chat(chat_id)
        if chat is None:
            del changes.read[chat_id]
        else:
            changes.read[chat_id] = (chat.read_inbox_max_id, chat.read_outbox_max_id)


def _apply_one(store: Store, me: int, u: wire.Update, changes: AppliedChanges) -> None:
    if isinstance(u, wire.NewMessage | wire.MessageEdited):
        _save_message(store, me, u.message, changes)
    elif isinstance(u, wire.MessageDeleted):
        if store.delete_messages([u.message_id]):
            changes.deleted.append((u.chat_id, u.message_id))
            changes.chats.add(u.chat_id)
    elif isinstance(u, wire.ReadUpdate):
        if u.user_id == me:
            store.mark_read(u.chat_id, u.max_id)
        else:
            store.set_peer_read(u.chat_id, u.max_id)
        changes.read[u.chat_id] = (0, 0)
        changes.chats.add(u.chat_id)
    elif isinstance(u, wire.ChatUpdated):
        _save_chat(store, me, u.chat, changes)
    elif isinstance(u, wire.ChatRemoved):
        store.delete_chat(u.chat_id)
        changes.removed_chats.add(u.chat_id)
        changes.chats.discard(u.chat_id)
        changes.read.pop(u.chat_id, None)
        changes.messages.pop(u.chat_id, None)
    elif isinstance(u, wire.UserUpdated):
        store.upsert_users([to_store_user(u.user)])
        changes.users.add(u.user.id)


def apply_updates(
    store: Store, me: int, updates: Sequence[wire.SeqUpdate], new_seq: int
) -> AppliedChanges:
    changes = AppliedChanges()
    with store.transaction():
        for item in updates:
            _apply_one(store, me, item.update, changes)
        store.set_seq(new_seq)
        _fill_read(store, changes)
    return changes


def apply_chat_updates(
    store: Store, me: int, chat_id: int, updates: Sequence[wire.PtsUpdate], new_pts: int
) -> AppliedChanges:
    changes = AppliedChanges()
    with store.transaction():
        if store.chat(chat_id) is None:  # left or removed meanwhile: nothing to keep
            return changes
        for item in updates:
            _apply_one(store, me, item.update, changes)
        store.set_pts(chat_id, new_pts)
        _fill_read(store, changes)
    return changes


def get_chats_pts(store: Store, chat_ids: Sequence[int]) -> dict[int, int]:
    return {c: store.get_pts(c) for c in chat_ids if store.chat(c) is not None}


def apply_snapshot(
    store: Store,
    me: int,
    chats: Sequence[wire.Chat],
    messages: Sequence[wire.Message],
    users: Sequence[wire.User],
    new_seq: int,
) -> AppliedChanges:
    changes = AppliedChanges()
    with store.transaction():
        keep = {c.id for c in chats}
        for item in store.chat_list():
            if item.chat.id not in keep:
                store.delete_chat(item.chat.id)
                changes.removed_chats.add(item.chat.id)
        store.upsert_users([to_store_user(u) for u in users])
        changes.users.update(u.id for u in users)
        for chat in chats:
            _save_chat(store, me, chat, changes)
        for m in messages:
            _save_message(store, me, m, changes)
        store.set_seq(new_seq)
        _fill_read(store, changes)
    return changes


def save_history(store: Store, me: int, messages: Sequence[wire.Message]) -> AppliedChanges:
    changes = AppliedChanges()
    with store.transaction():
        for m in messages:
            _save_message(store, me, m, changes)
    return changes


def save_chat(store: Store, me: int, chat: wire.Chat) -> AppliedChanges:
    changes = AppliedChanges()
    with store.transaction():
        _save_chat(store, me, chat, changes)
        _fill_read(store, changes)
    return changes


def _outgoing(item: models.OutboxItem) -> OutgoingMessage:
    p = item.payload
    failed = (item.last_error or "failed") if item.status == "failed" else None
    return OutgoingMessage(
        random_id=item.random_id,
        chat_id=item.chat_id,
        created=item.created,
        text=str(p.get("text", "")),
        reply_to=p.get("reply_to"),
        attachment=p.get("attachment"),
        forward=p.get("forward"),
        failed=failed,
        attempts=item.attempts,
    )


def _payload(item: OutgoingMessage) -> dict[str, Any]:
    return {
        "text": item.text,
        "reply_to": item.reply_to,
        "attachment": item.attachment,
        "forward": item.forward,
    }


class StoreAdapter:
    """Implements ``app.client.local.LocalStore`` plus the reads the services need."""

    def __init__(self, run: Runner) -> None:
        self._run = run

    async def call(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn(store)`` on the store's thread (for reads not wrapped below)."""
        result: T = await self._run(fn)
        return result

    # --- LocalStore ------------------------------------------------------------------

    async def get_seq(self) -> int:
        return await self.call(lambda s: s.get_seq())

    async def apply_updates(
        self, me: int, updates: Sequence[wire.SeqUpdate], new_seq: int
    ) -> AppliedChanges:
        return await self.call(lambda s: apply_updates(s, me, updates, new_seq))

    async def apply_chat_updates(
        self, me: int, chat_id: int, updates: Sequence[wire.PtsUpdate], new_pts: int
    ) -> AppliedChanges:
        return await self.call(lambda s: apply_chat_updates(s, me, chat_id, updates, new_pts))

    async def get_chats_pts(self, chat_ids: Sequence[int]) -> dict[int, int]:
        return await self.call(lambda s: get_chats_pts(s, chat_ids))

    async def apply_snapshot(
        self,
        me: int,
        chats: Sequence[wire.Chat],
        messages: Sequence[wire.Message],
        users: Sequence[wire.User],
        new_seq: int,
    ) -> AppliedChanges:
        return await self.call(lambda s: apply_snapshot(s, me, chats, messages, users, new_seq))

    async def save_history(self, me: int, messages: Sequence[wire.Message]) -> AppliedChanges:
        return await self.call(lambda s: save_history(s, me, messages))

    async def save_chat(self, me: int, chat: wire.Chat) -> AppliedChanges:
        return await self.call(lambda s: save_chat(s, me, chat))

    async def save_users(self, users: Sequence[wire.User]) -> None:
        rows = [to_store_user(u) for u in users]
        await self.call(lambda s: s.upsert_users(rows))

    async def missing_user_ids(self, user_ids: Sequence[int]) -> list[int]:
        ids = list(user_ids)

        def missing(s: Store) -> list[int]:
            known = s.users(ids)
            me = s.account()
            return [i for i in ids if i not in known and (me is None or i != me.user_id)]

        return await self.call(missing)

    async def outbox_add(self, item: OutgoingMessage) -> None:
        payload = _payload(item)
        await self.call(
            lambda s: s.outbox_add(
                item.chat_id, payload, random_id=item.random_id, created=item.created
            )
        )

    async def outbox_pending(self) -> list[OutgoingMessage]:
        items = await self.call(lambda s: s.outbox(status="pending"))
        return [_outgoing(o) for o in items]

    async def outbox_all(self, chat_id: int) -> list[OutgoingMessage]:
        items = await self.call(lambda s: s.outbox(chat_id))
        return [_outgoing(o) for o in items]

    async def outbox_complete(self, me: int, random_id: int, message: wire.Message) -> bool:
        row = to_store_message(message)
        return await self.call(lambda s: s.outbox_complete(random_id, row))

    async def outbox_fail(self, random_id: int, reason: str) -> None:
        await self.call(lambda s: s.outbox_fail(random_id, reason, permanent=True))

    async def outbox_attempt(self, random_id: int, error: str) -> None:
        await self.call(lambda s: s.outbox_fail(random_id, error))

    async def outbox_retry(self, random_id: int) -> OutgoingMessage | None:
        item = await self.call(lambda s: s.outbox_reset(random_id))
        return _outgoing(item) if item is not None else None

    async def outbox_remove(self, random_id: int) -> OutgoingMessage | None:
        def remove(s: Store) -> OutgoingMessage | None:
            with s.transaction():
                item = s.outbox_item(random_id)
                if item is not None:
                    s.outbox_remove(random_id)
            return _outgoing(item) if item is not None else None

        return await self.call(remove)

    # --- account ---------------------------------------------------------------------

    async def account(self) -> models.Account | None:
        return await self.call(lambda s: s.account())

    async def owner_id(self) -> int | None:
        account = await self.account()
        return account.user_id if account is not None else None

    async def set_account(
        self, relay_url: str, user: wire.User, token: str, session_id: str
    ) -> None:
        account = models.Account(
            relay_url=relay_url,
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            session_token=token,
        )

        def save(s: Store) -> None:
            with s.transaction():
                s.set_account(account)
                s.set_setting("session_id", session_id)
                s.set_setting("me", user)

        await self.call(save)

    async def save_me(self, user: wire.User) -> None:
        def save(s: Store) -> None:
            account = s.account()
            with s.transaction():
                if account is not None:
                    s.set_account(
                        msgspec.structs.replace(
                            account, username=user.username, display_name=user.display_name
                        )
                    )
                s.set_setting("me", user)

        await self.call(save)

    async def me(self) -> wire.User | None:
        return await self.call(lambda s: s.get_setting("me", wire.User, None))

    async def set_token(self, token: str | None) -> None:
        def save(s: Store) -> None:
            account = s.account()
            if account is not None:
                s.set_account(msgspec.structs.replace(account, session_token=token))

        await self.call(save)
