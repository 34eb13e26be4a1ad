"""Chats and messages as the UI sees them: lists from the store, changes via the relay.

Reads (chat list, history, search, drafts) come from the local store and work offline.
Mutations are one async call each that succeeds or raises ``ClientError``
(``RequestError`` with a protocol code, ``NotConnected``, ``OutboxError``); sending is the
exception to "online only": it goes through the outbox and is delivered when possible.

Events (through the session's bus): ``ChatsChanged``, ``ChatRemoved``, ``MessagesChanged``,
``MessageDeleted``, ``ReadStateChanged``, ``OutboxChanged``, ``TypingChanged``,
``UsersChanged``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from app.client.connection import ClientError
from app.client.events import ChatsChanged
from app.client.local import OutgoingMessage
from app.client.sync import fetch_missing_users, publish_changes
from app.protocol import types as wire
from app.protocol.frames import (
    AddMembers,
    CreateGroup,
    DeleteMessage,
    EditMessage,
    GetHistory,
    LeaveChat,
    LookupUser,
    MarkRead,
    OpenDirectChat,
    RemoveMember,
    RenameGroup,
    SetRole,
    SetTyping,
)
from app.protocol.limits import MAX_PAGE, TYPING_TTL_SECONDS
from app.store import models

if TYPE_CHECKING:
    from app.services.session import ClientApp


class ChatService:
    """Everything the chat list and the conversation view call.

    Events: see the module docstring.
    """

    def __init__(self, app: ClientApp) -> None:
        self._app = app
        self._typing_sent: dict[int, float] = {}

    # --- reading (local, works offline) ---------------------------------------------

    async def chat_list(self) -> list[models.ChatListItem]:
        """Pinned first, then by last activity."""
        return await self._app.store.call(lambda s: s.chat_list())

    async def chat(self, chat_id: int) -> models.Chat | None:
        return await self._app.store.call(lambda s: s.chat(chat_id))

    async def members(self, chat_id: int) -> list[models.ChatMember]:
        return await self._app.store.call(lambda s: s.members(chat_id))

    async def users(self, user_ids: list[int]) -> dict[int, models.User]:
        return await self._app.store.call(lambda s: s.users(user_ids))

    async def history(
        self, chat_id: int, before_id: int | None = None, limit: int = 50
    ) -> list[models.Message]:
        """A page of messages older than ``before_id`` (newest first). Served from the
        store; when it has fewer than ``limit`` and we're online, older messages are fetched
        from the relay, saved, and returned too."""
        local = await self._app.store.call(lambda s: s.messages(chat_id, before_id, limit))
        if len(local) >= limit or not self._app.connection.online:
            return local
        oldest = local[-1].id if local else before_id
        try:
            fetched: list[wire.Message] = await self._app.connection.request(
                GetHistory, chat_id=chat_id, before_id=oldest, limit=min(limit, MAX_PAGE)
            )
        except ClientError:
            return local  # offline or refused: show what we have
        if fetched:
            changes = await self._app.store.save_history(self._me(), fetched)
            publish_changes(self._app.bus, changes)
        return await self._app.store.call(lambda s: s.messages(chat_id, before_id, limit))

    async def message_ids(self, chat_id: int) -> list[int]:
        """Ids of the stored messages, oldest first (rows of a lazy list model)."""
        return await self._app.store.call(lambda s: s.message_ids(chat_id))

    async def messages_by_ids(self, message_ids: list[int]) -> dict[int, models.Message]:
        return await self._app.store.call(lambda s: s.messages_by_ids(message_ids))

    async def unsent(self, chat_id: int) -> list[OutgoingMessage]:
        """Messages of ``chat_id`` still in the outbox: pending, or ``failed`` with a reason."""
        return await self._app.store.outbox_all(chat_id)

    async def search(
        self, query: str, chat_id: int | None = None, limit: int = 50
    ) -> list[models.Message]:
        """Full-text search of stored messages, newest first."""
        return await self._app.store.call(lambda s: s.search(query, chat_id=chat_id, limit=limit))

    async def draft(self, chat_id: int) -> str:
        chat = await self.chat(chat_id)
        return chat.draft if chat is not None else ""

    async def save_draft(self, chat_id: int, text: str) -> None:
        await self._app.store.call(lambda s: s.set_draft(chat_id, text))

    async def set_pinned(self, chat_id: int, pinned: bool) -> None:
        """Pin the chat to the top of the list (or unpin it). Local to this device."""
        await self._set_flags(chat_id, pinned=pinned)

    async def set_muted(self, chat_id: int, muted: bool) -> None:
        """Mute the chat (no notifications) or unmute it. Local to this device."""
        await self._set_flags(chat_id, muted=muted)

    async def _set_flags(
        self, chat_id: int, *, pinned: bool | None = None, muted: bool | None = None
    ) -> None:
        changed = await self._app.store.call(
            lambda s: s.set_chat_flags(chat_id, pinned=pinned, muted=muted)
        )
        if changed:
            self._app.bus.publish(ChatsChanged((chat_id,)))

    def typing_users(self, chat_id: int) -> tuple[int, ...]:
        return self._app.typing.typing(chat_id)

    # --- chats -------------------------------------------------------------------------

    async def open_direct_chat(self, username: str) -> int:
        """The 1:1 chat with ``@username`` (created on first use); returns its id."""
        user: wire.User = await self._app.connection.request(
            LookupUser, username=username.strip().lstrip("@").lower()
        )
        await self._app.store.save_users([user])
        chat: wire.Chat = await self._app.connection.request(OpenDirectChat, user_id=user.id)
        await self._save_chat(chat)
        return chat.id

    async def create_group(self, title: str, member_ids: list[int] | None = None) -> int:
        chat: wire.Chat = await self._app.connection.request(
            CreateGroup, title=title, member_ids=member_ids or []
        )
        await self._save_chat(chat)
        return chat.id

    async def rename_group(self, chat_id: int, title: str) -> None:
        await self._save_chat(
            await self._app.connection.request(RenameGroup, chat_id=chat_id, title=title)
        )

    async def add_members(self, chat_id: int, user_ids: list[int]) -> None:
        await self._save_chat(
            await self._app.connection.request(AddMembers, chat_id=chat_id, user_ids=user_ids)
        )

    async def remove_member(self, chat_id: int, user_id: int) -> None:
        await self._save_chat(
            await self._app.connection.request(RemoveMember, chat_id=chat_id, user_id=user_id)
        )

    async def set_role(self, chat_id: int, user_id: int, role: wire.Role) -> None:
        await self._save_chat(
            await self._app.connection.request(SetRole, chat_id=chat_id, user_id=user_id, role=role)
        )

    async def leave(self, chat_id: int) -> None:
        """Leave a group (the chat disappears when the ``chat_removed`` update arrives)."""
        await self._app.connection.request(LeaveChat, chat_id=chat_id)

    # --- messages ----------------------------------------------------------------------

    async def send_text(
        self, chat_id: int, text: str, reply_to: int | None = None
    ) -> OutgoingMessage:
        """Queue a text message (shown as pending at once; delivered when online)."""
        item = await self._app.outbox.send(chat_id, text, reply_to=reply_to)
        await self.save_draft(chat_id, "")
        return item

    async def reply(self, chat_id: int, reply_to: int, text: str) -> OutgoingMessage:
        return await self.send_text(chat_id, text, reply_to=reply_to)

    async def send_file(
        self, chat_id: int, path: Path, caption: str = "", reply_to: int | None = None
    ) -> OutgoingMessage:
        """Queue a photo or file (uploaded before the message is sent)."""
        return await self._app.outbox.send_file(chat_id, path, caption, reply_to=reply_to)

    async def forward(self, to_chat_id: int, from_chat_id: int, message_id: int) -> OutgoingMessage:
        return await self._app.outbox.send(
            to_chat_id, forward=wire.ForwardRef(chat_id=from_chat_id, message_id=message_id)
        )

    async def retry_send(self, random_id: int) -> None:
        await self._app.outbox.retry(random_id)

    async def discard_unsent(self, random_id: int) -> None:
        await self._app.outbox.discard(random_id)

    async def edit(self, chat_id: int, message_id: int, text: str) -> None:
        message: wire.Message = await self._app.connection.request(
            EditMessage, chat_id=chat_id, message_id=message_id, text=text
        )
        publish_changes(self._app.bus, await self._app.store.save_history(self._me(), [message]))

    async def delete(self, chat_id: int, message_id: int) -> None:
        """Delete for everyone (the store follows when the update arrives)."""
        await self._app.connection.request(DeleteMessage, chat_id=chat_id, message_id=message_id)

    async def mark_read(self, chat_id: int, max_id: int) -> None:
        """Everything up to ``max_id`` was seen; unread count and others' ticks follow."""
        await self._app.connection.request(MarkRead, chat_id=chat_id, max_id=max_id)

    async def typing(self, chat_id: int) -> bool:
        """Tell the others we're typing; throttled to one frame per half TTL per chat.
        Best effort: returns False when nothing was sent."""
        now = time.monotonic()
        if now - self._typing_sent.get(chat_id, -1e9) < TYPING_TTL_SECONDS / 2:
            return False
        self._typing_sent[chat_id] = now
        try:
            await self._app.connection.request(SetTyping, chat_id=chat_id)
        except ClientError:
            return False
        return True

    # --- internals ---------------------------------------------------------------------

    def _me(self) -> int:
        me = self._app.me
        if me is None:
            raise ClientError("not signed in")
        return me.id

    async def _save_chat(self, chat: wire.Chat) -> None:
        changes = await self._app.store.save_chat(self._me(), chat)
        publish_changes(self._app.bus, changes)
        await fetch_missing_users(self._app.connection, self._app.store, self._app.bus, changes)
