"""What the network layer needs from the local store, as one narrow interface.

Sync and the outbox talk to ``LocalStore`` rather than to ``app.store`` directly, so
the rules that matter (a page of updates and its ``seq`` land in one transaction; an
outbox entry is completed exactly once) are stated here, and the unit tests can drive
the same logic over a small in-memory double. ``app.client.store_adapter`` implements
it over the encrypted ``app.store``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.protocol.types import Chat, Message, PtsUpdate, SeqUpdate, User


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One entry of the outbox: everything needed to (re)send ``send_message``."""

    random_id: int
    chat_id: int
    created: float
    text: str = ""
    reply_to: int | None = None
    attachment: dict[str, Any] | None = None
    """A protocol ``Attachment`` as a dict; ``local_path`` may name a file still to upload."""
    forward: dict[str, int] | None = None
    """``{"chat_id": …, "message_id": …}`` of the message to forward."""
    failed: str | None = None
    """The permanent error code once delivery gave up; None while pending."""
    attempts: int = 0


@dataclass(slots=True)
class AppliedChanges:
    """What one applied batch touched, so the caller can publish precise events."""

    chats: set[int] = field(default_factory=set)
    removed_chats: set[int] = field(default_factory=set)
    messages: dict[int, set[int]] = field(default_factory=dict)
    deleted: list[tuple[int, int]] = field(default_factory=list)
    read: dict[int, tuple[int, int]] = field(default_factory=dict)
    """chat_id → (read_max_id, others_read_max_id) after the batch."""
    users: set[int] = field(default_factory=set)
    member_ids: set[int] = field(default_factory=set)
    """Members of the touched chats (profiles the client may still need to fetch)."""
    completed_outbox: list[tuple[int, int, int]] = field(default_factory=list)
    """(chat_id, random_id, message_id) of own messages that arrived via sync."""

    def message(self, chat_id: int, message_id: int) -> None:
        self.messages.setdefault(chat_id, set()).add(message_id)


class LocalStore(Protocol):
    """The store operations sync and the outbox rely on. All are atomic."""

    async def get_seq(self) -> int:
        """The highest contiguous update ``seq`` applied (0 for a new profile)."""
        ...

    async def apply_updates(
        self, me: int, updates: Sequence[SeqUpdate], new_seq: int
    ) -> AppliedChanges:
        """Apply ``updates`` (in order) and store ``new_seq``, all in ONE transaction."""
        ...

    async def get_chats_pts(self, chat_ids: Sequence[int]) -> dict[int, int]:
        """The highest contiguous ``pts`` applied of each group's log, for those of
        ``chat_ids`` the store holds (absent: not a member, or not learned of yet)."""
        ...

    async def apply_chat_updates(
        self, me: int, chat_id: int, updates: Sequence[PtsUpdate], new_pts: int
    ) -> AppliedChanges:
        """Apply a group's log entries (in order) and store its ``new_pts``, all in ONE
        transaction; nothing when the chat is no longer in the store."""
        ...

    async def apply_snapshot(
        self,
        me: int,
        chats: Sequence[Chat],
        messages: Sequence[Message],
        users: Sequence[User],
        new_seq: int,
    ) -> AppliedChanges:
        """Replace the chat list with ``chats``, save ``messages`` and ``users``, and store
        ``new_seq``, in ONE transaction (first sign-in on this profile)."""
        ...

    async def save_history(self, me: int, messages: Sequence[Message]) -> AppliedChanges:
        """Save older messages fetched with ``get_history`` (no seq change)."""
        ...

    async def save_chat(self, me: int, chat: Chat) -> AppliedChanges:
        """Save one chat returned by a request (create group, open direct chat…)."""
        ...

    async def save_users(self, users: Sequence[User]) -> None: ...

    async def missing_user_ids(self, user_ids: Sequence[int]) -> list[int]:
        """Those of ``user_ids`` the store has no profile for."""
        ...

    async def outbox_add(self, item: OutgoingMessage) -> None: ...

    async def outbox_pending(self) -> list[OutgoingMessage]:
        """Entries still to deliver (not failed), oldest first."""
        ...

    async def outbox_all(self, chat_id: int) -> list[OutgoingMessage]:
        """Pending and failed entries of ``chat_id``, oldest first (the UI shows them)."""
        ...

    async def outbox_complete(self, me: int, random_id: int, message: Message) -> bool:
        """Remove the entry and save ``message`` atomically; False if it was already gone."""
        ...

    async def outbox_fail(self, random_id: int, reason: str) -> None: ...

    async def outbox_attempt(self, random_id: int, error: str) -> None:
        """Count a failed transient attempt."""
        ...

    async def outbox_retry(self, random_id: int) -> OutgoingMessage | None:
        """Make a failed entry pending again; returns it (None if unknown)."""
        ...

    async def outbox_remove(self, random_id: int) -> OutgoingMessage | None: ...
