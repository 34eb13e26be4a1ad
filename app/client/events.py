"""Typed events the client core publishes, and the tiny bus that carries them.

The core never calls into the UI: services publish plain event objects on an ``EventBus``
and ``ui/bridge.py`` subscribes one callback that turns them into Qt signals. Dispatch is
synchronous, on the event loop's thread, in publication order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

log = logging.getLogger(__name__)


class ConnectionState(StrEnum):
    """What the status bar shows about the link to the relay."""

    OFFLINE = "offline"
    """Waiting for network: the last attempt failed, a retry is scheduled."""
    CONNECTING = "connecting"
    ONLINE = "online"
    AUTH_FAILED = "auth_failed"
    """The token was revoked, expired or unknown: the user must sign in again. No retries."""
    CLOSED = "closed"
    """``close()`` was called."""


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every event published on the bus."""


@dataclass(frozen=True, slots=True)
class ConnectionStateChanged(Event):
    state: ConnectionState
    detail: str = ""
    """Why (an error code or message) for ``offline``/``auth_failed``; empty otherwise."""
    retry_in: float | None = None
    """Seconds until the next attempt when ``offline``."""


@dataclass(frozen=True, slots=True)
class SignedIn(Event):
    """The session is authenticated as ``user_id`` (after sign-up, sign-in or a resumed token)."""

    user_id: int
    username: str


@dataclass(frozen=True, slots=True)
class SignedOut(Event):
    """The session ended: by the user (``reason`` "signed_out") or by the relay (a token code)."""

    reason: str


@dataclass(frozen=True, slots=True)
class SyncStateChanged(Event):
    """``syncing`` is true while the client catches up ("Updating…" in the title bar)."""

    syncing: bool
    seq: int


@dataclass(frozen=True, slots=True)
class ChatsChanged(Event):
    """Chats were created or changed (title, members, last message, unread count)."""

    chat_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChatRemoved(Event):
    """The user left or was removed from ``chat_id``; it is gone from the store."""

    chat_id: int


@dataclass(frozen=True, slots=True)
class MessagesChanged(Event):
    """Messages of ``chat_id`` were added or edited (ids are relay message ids)."""

    chat_id: int
    message_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MessageDeleted(Event):
    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class ReadStateChanged(Event):
    """Read marks of ``chat_id`` moved: ours (unread count) or the others' (read ticks)."""

    chat_id: int
    read_max_id: int
    others_read_max_id: int


@dataclass(frozen=True, slots=True)
class TypingChanged(Event):
    """``user_ids`` are typing in ``chat_id`` right now (empty: nobody)."""

    chat_id: int
    user_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class UsersChanged(Event):
    user_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class OutboxChanged(Event):
    """An outgoing message changed state. ``message_id`` is set once the relay accepted it;
    ``error`` is the reason code when ``failed``."""

    chat_id: int
    random_id: int
    status: OutboxStatus
    message_id: int | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class CallEvent(Event):
    """A call frame from the relay (``call_incoming``, ``call_state``, ``call_signal_event``),
    passed through untouched for ``app/services/calls.py``."""

    frame: Any = field(default=None)


Callback = Callable[[Event], None]


class EventBus:
    """Synchronous publish/subscribe. A failing subscriber is logged and never breaks the
    publisher or the other subscribers."""

    def __init__(self) -> None:
        self._subscribers: list[Callback] = []

    def subscribe(self, callback: Callback) -> Callable[[], None]:
        """Call ``callback(event)`` for every event from now on; returns the unsubscriber."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, event: Event) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("event subscriber %r failed on %r", callback, event)
