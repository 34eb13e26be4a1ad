"""Typed rows of the local store (immutable msgspec Structs).

These are what the store returns and accepts; they are deliberately separate from the
wire types in ``app.protocol`` so the on-disk format can outlive protocol changes.
Times are unix seconds (float); ids are the relay's integers.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

ChatKind = Literal["direct", "group", "channel"]
AttachmentKind = Literal["photo", "file"]
CallOutcome = Literal["ended", "missed", "declined", "busy", "cancelled", "failed"]
OutboxStatus = Literal["pending", "failed"]


class Account(msgspec.Struct, frozen=True, kw_only=True):
    """The signed-in account of this profile (one per database)."""

    relay_url: str
    user_id: int
    username: str
    display_name: str = ""
    session_token: str | None = None


class User(msgspec.Struct, frozen=True, kw_only=True):
    """Another user as last seen from the relay."""

    id: int
    username: str
    display_name: str = ""
    bio: str = ""
    updated: float = 0.0


class Chat(msgspec.Struct, frozen=True, kw_only=True):
    """A chat and its local state.

    ``read_inbox_max_id`` is the newest message *I* have read; ``read_outbox_max_id`` the
    newest of mine the others have read (drives the "read" tick). ``updated`` is the
    time of last activity and orders the chat list. ``last_message_id`` and
    ``unread_count`` are maintained by the store as messages arrive.
    """

    id: int
    kind: ChatKind
    title: str = ""
    peer_id: int | None = None
    my_role: str = "member"
    pinned: bool = False
    muted: bool = False
    draft: str = ""
    last_message_id: int | None = None
    unread_count: int = 0
    read_inbox_max_id: int = 0
    read_outbox_max_id: int = 0
    updated: float = 0.0


class UnreadCount(msgspec.Struct, frozen=True, kw_only=True):
    """The relay's unread count for a chat: ``count`` unread messages among those with
    id <= ``up_to_id`` (the chat's newest message when the relay counted).

    A new device holds only the latest page of a long history, so counting local
    messages would be too low; ``Store.upsert_chats(..., unread=...)`` takes this instead.
    """

    count: int
    up_to_id: int


class ChatMember(msgspec.Struct, frozen=True, kw_only=True):
    """A user's membership and role in a group chat."""

    chat_id: int
    user_id: int
    role: str = "member"


class Attachment(msgspec.Struct, frozen=True, kw_only=True):
    """A photo or file attached to a message; the bytes are the blob ``sha256``."""

    sha256: str
    size: int
    mime: str
    kind: AttachmentKind = "file"
    name: str = ""
    width: int | None = None
    height: int | None = None


class Forward(msgspec.Struct, frozen=True, kw_only=True):
    """Where a forwarded message originally came from."""

    from_user_id: int | None = None
    from_name: str = ""
    from_chat_id: int | None = None
    from_message_id: int | None = None
    date: float | None = None


class CallRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A call shown in the history ("Outgoing video call · 3:12", "Missed call")."""

    call_id: str
    caller_id: int
    video: bool = False
    outcome: CallOutcome = "ended"
    duration: float = 0.0


class Message(msgspec.Struct, frozen=True, kw_only=True):
    """A message as stored. ``id`` is the relay's globally unique id.

    A message deleted for everyone stays as a tombstone (``deleted=True``, text and
    attachment wiped) so a late copy from sync cannot bring it back; the history,
    counts and search never show tombstones.
    """

    id: int
    chat_id: int
    sender_id: int
    date: float
    text: str = ""
    reply_to_id: int | None = None
    forward: Forward | None = None
    attachment: Attachment | None = None
    call: CallRecord | None = None
    edit_date: float | None = None
    deleted: bool = False
    random_id: int | None = None


class ChatListItem(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the chat list: the chat and its last message (for the preview)."""

    chat: Chat
    last_message: Message | None


class OutboxItem(msgspec.Struct, frozen=True, kw_only=True):
    """A message the user sent that the relay has not acknowledged yet.

    ``status`` is ``"pending"`` while delivery goes on (``last_error`` then holds the
    last transient error, if any) and ``"failed"`` once it gave up (``last_error`` is
    the permanent error code); ``Store.outbox_reset`` makes a failed one pending again.
    """

    random_id: int
    chat_id: int
    payload: dict[str, Any]
    created: float
    attempts: int = 0
    last_error: str | None = None
    status: OutboxStatus = "pending"


class Blob(msgspec.Struct, frozen=True, kw_only=True):
    """Metadata of a downloaded blob in the local cache."""

    sha256: str
    path: str
    size: int
    mime: str = "application/octet-stream"
    last_used: float = 0.0


class Sticker(msgspec.Struct, frozen=True, kw_only=True):
    """One sticker of a pack; its image is the blob ``sha256``."""

    sha256: str
    emoji: str = ""
    width: int | None = None
    height: int | None = None
    mime: str = "image/webp"


class StickerPack(msgspec.Struct, frozen=True, kw_only=True):
    """An installed sticker pack; ``position`` orders the sticker panel."""

    id: int
    short_name: str
    title: str
    stickers: tuple[Sticker, ...] = ()
    position: int = 0
    updated: float = 0.0
