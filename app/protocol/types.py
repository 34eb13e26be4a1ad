"""Data objects carried inside frames: users, chats, messages, updates, calls.

Everything here is a plain msgspec Struct with no behaviour, shared by the client and the
relay. Times are Unix seconds (float). Ids are positive integers assigned by the relay,
except ``random_id`` (chosen by the sender) and session ids (opaque strings).
"""

from __future__ import annotations

from typing import Literal

import msgspec

Role = Literal["owner", "admin", "member"]
ChatKind = Literal["direct", "group"]
AttachmentKind = Literal["photo", "file"]


class User(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    username: str
    display_name: str
    bio: str = ""


class Session(msgspec.Struct, kw_only=True, frozen=True):
    """One signed-in device of the current user."""

    id: str
    device: str
    created: float
    last_seen: float
    current: bool = False


class Member(msgspec.Struct, kw_only=True, frozen=True):
    user_id: int
    role: Role = "member"


class Chat(msgspec.Struct, kw_only=True, frozen=True):
    """A 1:1 (``direct``) or group chat as the requesting user sees it.

    ``title`` is empty for direct chats (clients show the other member's name).
    ``read_max_id`` is the highest message id the requesting user has read;
    ``others_read_max_id`` the highest id any other member has read (the "read" tick).
    ``unread_count`` is how many messages after ``read_max_id`` the requesting user has not
    sent (deleted ones not counted).
    ``pts`` is the head of a group's own update log (``get_chat_updates``) when this
    snapshot was taken; always 0 for direct chats, whose updates are in each user's ``seq``.
    """

    id: int
    kind: ChatKind
    title: str = ""
    members: list[Member] = []
    created: float = 0.0
    last_message_id: int = 0
    read_max_id: int = 0
    others_read_max_id: int = 0
    unread_count: int = 0
    pts: int = 0


class Attachment(msgspec.Struct, kw_only=True, frozen=True):
    """A photo or file stored as a content-addressed blob (``/v1/blobs/<sha256>``)."""

    sha256: str
    size: int
    mime: str
    name: str = ""
    kind: AttachmentKind = "file"
    width: int = 0
    height: int = 0


class Forward(msgspec.Struct, kw_only=True, frozen=True):
    """Where a forwarded message came from."""

    from_user_id: int
    from_chat_id: int
    from_message_id: int
    date: float


class ForwardRef(msgspec.Struct, kw_only=True, frozen=True):
    """In ``send_message``: forward this existing message (its text and attachment are copied)."""

    chat_id: int
    message_id: int


CallOutcome = Literal["ended", "missed", "declined", "busy", "cancelled", "failed"]


class CallRecord(msgspec.Struct, kw_only=True, frozen=True):
    """A call shown in the chat history ("Outgoing video call · 3:12", "Missed call")."""

    call_id: str
    caller_id: int
    video: bool
    outcome: CallOutcome
    duration: float = 0.0


class Message(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    chat_id: int
    sender_id: int
    date: float
    text: str = ""
    random_id: int = 0
    reply_to: int | None = None
    forward: Forward | None = None
    attachment: Attachment | None = None
    call: CallRecord | None = None
    edit_date: float | None = None
    deleted: bool = False


# --- persistent updates (each has a seq in the user's update sequence) -------------------


class NewMessage(msgspec.Struct, kw_only=True, frozen=True, tag="new_message", tag_field="kind"):
    message: Message


class MessageEdited(
    msgspec.Struct, kw_only=True, frozen=True, tag="message_edited", tag_field="kind"
):
    message: Message


class MessageDeleted(
    msgspec.Struct, kw_only=True, frozen=True, tag="message_deleted", tag_field="kind"
):
    chat_id: int
    message_id: int


class ReadUpdate(msgspec.Struct, kw_only=True, frozen=True, tag="read", tag_field="kind"):
    """``user_id`` has read ``chat_id`` up to and including ``max_id``."""

    chat_id: int
    user_id: int
    max_id: int


class ChatUpdated(msgspec.Struct, kw_only=True, frozen=True, tag="chat_updated", tag_field="kind"):
    """A chat was created, renamed, or its membership or roles changed."""

    chat: Chat


class ChatRemoved(msgspec.Struct, kw_only=True, frozen=True, tag="chat_removed", tag_field="kind"):
    """The user left or was removed from the chat."""

    chat_id: int


class UserUpdated(msgspec.Struct, kw_only=True, frozen=True, tag="user_updated", tag_field="kind"):
    """A user the client knows (a chat member) changed their profile."""

    user: User


Update = (
    NewMessage
    | MessageEdited
    | MessageDeleted
    | ReadUpdate
    | ChatUpdated
    | ChatRemoved
    | UserUpdated
)


class SeqUpdate(msgspec.Struct, kw_only=True, frozen=True):
    """One entry of the user's update sequence."""

    seq: int
    update: Update


class UpdatesPage(msgspec.Struct, kw_only=True, frozen=True):
    """Reply to ``get_updates``: ``updates`` in seq order; ``more`` when another page follows.

    ``head`` is the user's current highest seq on the relay.
    """

    updates: list[SeqUpdate]
    head: int
    more: bool


class PtsUpdate(msgspec.Struct, kw_only=True, frozen=True):
    """One entry of a group's update log."""

    pts: int
    update: Update


class ChatUpdatesPage(msgspec.Struct, kw_only=True, frozen=True):
    """Reply to ``get_chat_updates``: ``updates`` in pts order, ``head`` the chat's current
    highest pts, ``more`` when another page follows."""

    chat_id: int
    updates: list[PtsUpdate]
    head: int
    more: bool


class ChatHead(msgspec.Struct, kw_only=True, frozen=True):
    """A group the user is in, and the head of its update log (``get_chat_heads``)."""

    chat_id: int
    pts: int


class AuthResult(msgspec.Struct, kw_only=True, frozen=True):
    token: str
    session_id: str
    user: User


# --- calls ----------------------------------------------------------------------------

CallState = Literal["ringing", "accepted", "ended"]
CallEndReason = Literal[
    "hangup",
    "declined",
    "busy",
    "missed",
    "cancelled",
    "peer_offline",
    "failed",
    "answered_elsewhere",
]


class IceServer(msgspec.Struct, kw_only=True, frozen=True):
    """An ICE server in RTCIceServer's shape (TURN credentials in coturn's REST format)."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None


class CallInfo(msgspec.Struct, kw_only=True, frozen=True):
    call_id: str
    caller_id: int
    callee_id: int
    chat_id: int
    video: bool
    state: CallState = "ringing"
    started: float = 0.0
    ice_servers: list[IceServer] = []
