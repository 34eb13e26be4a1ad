"""Who is typing where: ``typing`` frames expire after ``TYPING_TTL_SECONDS`` unless renewed.

Expiry uses ``loop.call_later`` handles (not tasks), all cancelled by ``close()``.

Events: ``TypingChanged``.
"""

from __future__ import annotations

import asyncio

from app.client.events import EventBus, TypingChanged
from app.protocol.limits import TYPING_TTL_SECONDS


class TypingState:
    """Tracks typing indicators per chat.

    Events: ``TypingChanged(chat_id, user_ids)`` whenever the set for a chat changes.
    """

    def __init__(self, bus: EventBus, ttl: float = TYPING_TTL_SECONDS) -> None:
        self._bus = bus
        self._ttl = ttl
        self._timers: dict[tuple[int, int], asyncio.TimerHandle] = {}

    def typing(self, chat_id: int) -> tuple[int, ...]:
        """Users typing in ``chat_id`` right now."""
        return tuple(sorted(u for c, u in self._timers if c == chat_id))

    def started(self, chat_id: int, user_id: int) -> None:
        key = (chat_id, user_id)
        old = self._timers.pop(key, None)
        if old is not None:
            old.cancel()
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(self._ttl, self.stopped, chat_id, user_id)
        if old is None:
            self._publish(chat_id)

    def stopped(self, chat_id: int, user_id: int) -> None:
        """The user stopped (timer ran out, or their message arrived)."""
        handle = self._timers.pop((chat_id, user_id), None)
        if handle is not None:
            handle.cancel()
            self._publish(chat_id)

    def close(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()

    def _publish(self, chat_id: int) -> None:
        self._bus.publish(TypingChanged(chat_id, self.typing(chat_id)))
