"""The broker interface and what it needs from a connection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol


class Sink(Protocol):
    """A live, authenticated connection as the broker sees it."""

    user_id: int
    session_id: str

    def send(self, data: bytes) -> None:
        """Queue an encoded frame without waiting; overflow closes the connection."""

    def close_with_error(self, data: bytes) -> None:
        """Queue a final (error) frame, then close."""


class Broker(Protocol):
    """Routes encoded frames to users' live connections."""

    def register(self, sink: Sink) -> None: ...

    def unregister(self, sink: Sink) -> None: ...

    def is_online(self, user_id: int) -> bool: ...

    def connections(self, user_id: int) -> list[Sink]: ...

    def publish(self, user_ids: Iterable[int], data: bytes, *, skip: Sink | None = None) -> int:
        """Send the same bytes to every connection of ``user_ids``; returns deliveries."""
        ...

    def publish_updates(self, items: Sequence[tuple[int, int, bytes]]) -> None:
        """Send ``update {seq, update: payload}`` (payload already JSON) for each
        (user id, seq, payload), in order, to that user's connections."""
        ...

    def close_session(self, user_id: int, session_id: str, data: bytes) -> None:
        """Send ``data`` to, then close, every connection of one session."""
        ...

    async def close(self) -> None: ...
