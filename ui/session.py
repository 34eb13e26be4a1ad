"""The UI's view of one signed-in session: turns store rows into rows the Qt models paint.

:class:`UiSession` wraps the core's ``ClientApp`` (``app/services/session.py``) and its
``ChatService``/``AccountService``. Widgets call it (through ``TaskOwner.run``) and receive
plain view rows (:class:`ChatRow`, :class:`MessageItem`); it keeps a small cache of user
names so rows can be built without a round trip per row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.client.local import OutgoingMessage
from app.store import models
from ui.models.chat_list import ChatRow
from ui.models.messages import AttachmentInfo, CallInfoItem, MessageItem, outbox_key

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Session", text)


def preview_of(m: models.Message | None) -> str:
    if m is None:
        return ""
    call = getattr(m, "call", None)
    if call is not None:
        return _tr("📞 Call")
    if m.attachment is not None:
        label = (
            _tr("🖼 Photo")
            if m.attachment.kind == "photo"
            else "📄 " + (m.attachment.name or _tr("File"))
        )
        return f"{label} {m.text}".strip() if m.text else label
    return m.text


class UiSession:
    """Adapter from the core session to the UI's rows. ``app`` is a ``ClientApp``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.chats = app.chats
        self.account = app.account
        self._names: dict[int, str] = {}
        self._usernames: dict[int, str] = {}
        self._chat_cache: dict[int, models.Chat] = {}

    # --- identity -------------------------------------------------------------------------
    @property
    def me_id(self) -> int:
        me = self.app.me
        return me.id if me is not None else 0

    @property
    def me_name(self) -> str:
        me = self.app.me
        return (me.display_name or me.username) if me is not None else ""

    @property
    def me_username(self) -> str:
        me = self.app.me
        return me.username if me is not None else ""

    @property
    def bus(self) -> Any:
        return self.app.bus

    def name_of(self, user_id: int) -> str:
        if user_id == self.me_id:
            return self.me_name
        return self._names.get(user_id) or _tr("Unknown user")

    def username_of(self, user_id: int) -> str:
        return self._usernames.get(user_id, "")

    async def load_users(self, user_ids: Iterable[int], *, refresh: bool = False) -> None:
        want = [u for u in set(user_ids) if u and (refresh or u not in self._names)]
        if not want:
            return
        users = await self.chats.users(want)
        for uid, u in users.items():
            self._names[uid] = u.display_name or u.username
            self._usernames[uid] = u.username

    # --- chat list ------------------------------------------------------------------------
    def _row(self, item: models.ChatListItem) -> ChatRow:
        chat, last = item.chat, item.last_message
        self._chat_cache[chat.id] = chat
        title = self.chat_title(chat)
        sender = ""
        outgoing = False
        delivery = ""
        if last is not None:
            outgoing = last.sender_id == self.me_id
            if outgoing:
                sender = _tr("You") if chat.kind == "group" else ""
                delivery = "read" if last.id <= chat.read_outbox_max_id else "sent"
            elif chat.kind == "group":
                sender = self.name_of(last.sender_id).split(" ")[0]
        return ChatRow(
            chat_id=chat.id,
            kind=chat.kind,
            title=title,
            avatar_key=chat.peer_id if chat.peer_id else chat.id,
            preview=preview_of(last),
            preview_sender=sender,
            date=last.date if last is not None else chat.updated,
            unread=chat.unread_count,
            pinned=chat.pinned,
            muted=chat.muted,
            outgoing=outgoing,
            delivery=delivery,
            draft=chat.draft,
            peer_id=chat.peer_id,
        )

    def chat_title(self, chat: models.Chat) -> str:
        if chat.kind == "direct" and chat.peer_id:
            return self.name_of(chat.peer_id)
        return chat.title or _tr("Untitled group")

    async def chat_rows(self) -> list[ChatRow]:
        items = await self.chats.chat_list()
        ids = {i.chat.peer_id for i in items if i.chat.peer_id}
        ids |= {i.last_message.sender_id for i in items if i.last_message is not None}
        await self.load_users(ids)
        return [self._row(i) for i in items]

    async def chat_rows_for(self, chat_ids: Sequence[int]) -> tuple[list[ChatRow], list[int]]:
        """Rows of these chats (those gone from the store are returned as removed)."""
        items = await self.chats.chat_list()
        wanted = set(chat_ids)
        found = [i for i in items if i.chat.id in wanted]
        ids = {i.chat.peer_id for i in found if i.chat.peer_id}
        ids |= {i.last_message.sender_id for i in found if i.last_message is not None}
        await self.load_users(ids, refresh=True)
        rows = [self._row(i) for i in found]
        missing = [c for c in chat_ids if c not in {r.chat_id for r in rows}]
        return rows, missing

    def cached_chat(self, chat_id: int) -> models.Chat | None:
        return self._chat_cache.get(chat_id)

    async def chat(self, chat_id: int) -> models.Chat | None:
        chat = await self.chats.chat(chat_id)
        if chat is not None:
            self._chat_cache[chat_id] = chat
        return chat

    async def members(self, chat_id: int) -> list[tuple[int, str, str, str]]:
        """(user_id, name, username, role) of a chat's members."""
        members = await self.chats.members(chat_id)
        await self.load_users([m.user_id for m in members], refresh=True)
        return [
            (m.user_id, self.name_of(m.user_id), self.username_of(m.user_id), m.role)
            for m in members
        ]

    # --- messages -------------------------------------------------------------------------
    async def page(self, chat_id: int, before_id: int | None, limit: int) -> list[int]:
        msgs = await self.chats.history(chat_id, before_id, limit)
        return sorted(m.id for m in msgs)

    async def items(self, chat_id: int, ids: Sequence[int]) -> list[MessageItem]:
        if not ids:
            return []
        by_id = await self.chats.messages_by_ids(list(ids))
        msgs = [m for m in by_id.values() if not m.deleted]
        reply_ids = [m.reply_to_id for m in msgs if m.reply_to_id and m.reply_to_id not in by_id]
        replies = dict(by_id)
        if reply_ids:
            replies.update(await self.chats.messages_by_ids(reply_ids))
        await self.load_users({m.sender_id for m in replies.values()})
        return [self.item(m, replies) for m in sorted(msgs, key=lambda m: m.id)]

    def item(self, m: models.Message, replies: dict[int, models.Message]) -> MessageItem:
        reply_sender = reply_text = ""
        if m.reply_to_id:
            r = replies.get(m.reply_to_id)
            if r is not None and not r.deleted:
                reply_sender = self.name_of(r.sender_id)
                reply_text = preview_of(r)
            else:
                reply_sender = _tr("Deleted message")
        att = None
        if m.attachment is not None:
            a = m.attachment
            local = ""
            blobs = getattr(self.app, "blobs", None)
            if blobs is not None:
                try:
                    p = blobs.cached_path(a.sha256)
                    local = str(p) if p else ""
                except Exception:  # noqa: BLE001 - cache lookup is best effort
                    local = ""
            att = AttachmentInfo(
                kind=a.kind,
                sha256=a.sha256,
                name=a.name,
                size=a.size,
                mime=a.mime,
                width=a.width or 0,
                height=a.height or 0,
                local_path=local,
            )
        call = None
        rec = getattr(m, "call", None)
        if rec is not None:
            call = CallInfoItem(
                video=rec.video,
                outcome=rec.outcome,
                duration=rec.duration,
                outgoing=rec.caller_id == self.me_id,
            )
        outgoing = m.sender_id == self.me_id
        return MessageItem(
            key=m.id,
            chat_id=m.chat_id,
            sender_id=m.sender_id,
            sender_name=self.name_of(m.sender_id),
            date=m.date,
            text=m.text,
            outgoing=outgoing,
            delivery="sent" if outgoing else "",
            edited=m.edit_date is not None,
            reply_sender=reply_sender,
            reply_text=reply_text,
            reply_to=m.reply_to_id,
            attachment=att,
            call=call,
            random_id=m.random_id,
        )

    async def pending(self, chat_id: int) -> list[MessageItem]:
        unsent: list[OutgoingMessage] = await self.chats.unsent(chat_id)
        out = []
        reply_ids = [u.reply_to for u in unsent if u.reply_to]
        replies = await self.chats.messages_by_ids(reply_ids) if reply_ids else {}
        for u in unsent:
            att = None
            if u.attachment:
                a = u.attachment
                att = AttachmentInfo(
                    kind=a.get("kind", "file"),
                    sha256=a.get("sha256", ""),
                    name=a.get("name", ""),
                    size=int(a.get("size", 0)),
                    mime=a.get("mime", ""),
                    width=int(a.get("width") or 0),
                    height=int(a.get("height") or 0),
                    local_path=str(a.get("local_path") or ""),
                )
            reply_sender = reply_text = ""
            if u.reply_to and u.reply_to in replies:
                r = replies[u.reply_to]
                reply_sender, reply_text = self.name_of(r.sender_id), preview_of(r)
            out.append(
                MessageItem(
                    key=outbox_key(u.random_id),
                    chat_id=chat_id,
                    sender_id=self.me_id,
                    sender_name=self.me_name,
                    date=u.created,
                    text=u.text,
                    outgoing=True,
                    delivery="failed" if u.failed else "pending",
                    reply_sender=reply_sender,
                    reply_text=reply_text,
                    reply_to=u.reply_to,
                    attachment=att,
                    random_id=u.random_id,
                    error=u.failed or "",
                )
            )
        return out

    async def search(
        self, query: str, chat_id: int | None = None
    ) -> list[tuple[models.Message, str]]:
        msgs = await self.chats.search(query, chat_id=chat_id, limit=100)
        await self.load_users({m.sender_id for m in msgs})
        out = []
        for m in msgs:
            chat = self._chat_cache.get(m.chat_id) or await self.chat(m.chat_id)
            out.append((m, self.chat_title(chat) if chat else ""))
        return out

    async def fetch_blob(self, sha256: str) -> str:
        blobs = self.app.blobs
        path: Path = await blobs.download(sha256)
        return str(path)

    # --- mutations (each raises on failure; callers show the error) ----------------------
    async def send_text(self, chat_id: int, text: str, reply_to: int | None) -> None:
        await self.chats.send_text(chat_id, text, reply_to=reply_to)

    async def send_file(
        self, chat_id: int, path: str, caption: str = "", reply_to: int | None = None
    ) -> None:
        await self.chats.send_file(chat_id, Path(path), caption, reply_to=reply_to)

    async def edit(self, chat_id: int, message_id: int, text: str) -> None:
        await self.chats.edit(chat_id, message_id, text)

    async def delete(self, chat_id: int, key: int, random_id: int | None) -> None:
        if key < 0 and random_id is not None:
            await self.chats.discard_unsent(random_id)
        else:
            await self.chats.delete(chat_id, key)

    async def retry(self, random_id: int) -> None:
        await self.chats.retry_send(random_id)

    async def mark_read(self, chat_id: int, max_id: int) -> None:
        await self.chats.mark_read(chat_id, max_id)

    async def typing(self, chat_id: int) -> None:
        await self.chats.typing(chat_id)

    def typing_users(self, chat_id: int) -> tuple[int, ...]:
        return tuple(self.chats.typing_users(chat_id))

    async def save_draft(self, chat_id: int, text: str) -> None:
        await self.chats.save_draft(chat_id, text)

    async def set_pinned(self, chat_id: int, pinned: bool) -> None:
        await self.chats.set_pinned(chat_id, pinned)

    async def set_muted(self, chat_id: int, muted: bool) -> None:
        await self.chats.set_muted(chat_id, muted)

    async def open_direct(self, username: str) -> int:
        return await self.chats.open_direct_chat(username)

    async def create_group(self, title: str, usernames: Sequence[str]) -> int:
        ids = [(await self.account.lookup_user(u)).id for u in usernames if u.strip()]
        return await self.chats.create_group(title, ids)

    async def add_member(self, chat_id: int, username: str) -> None:
        user = await self.account.lookup_user(username)
        await self.chats.add_members(chat_id, [user.id])

    async def remove_member(self, chat_id: int, user_id: int) -> None:
        await self.chats.remove_member(chat_id, user_id)

    async def set_role(self, chat_id: int, user_id: int, role: str) -> None:
        await self.chats.set_role(chat_id, user_id, role)  # type: ignore[arg-type]

    async def leave(self, chat_id: int) -> None:
        await self.chats.leave(chat_id)

    async def rename_group(self, chat_id: int, title: str) -> None:
        await self.chats.rename_group(chat_id, title)

    async def edit_profile(self, display_name: str) -> None:
        await self.account.edit_profile(display_name=display_name)

    async def sign_out(self) -> None:
        await self.account.sign_out()

    async def change_passcode(self, old: str, new: str) -> None:
        """Re-key the local store (Argon2id runs on the store's thread)."""
        await self.app.change_passcode(old, new)
