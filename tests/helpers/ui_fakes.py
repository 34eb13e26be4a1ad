"""Small honest fakes for UI tests: a message source with N messages in memory."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ui.models.messages import MessageItem


class FakeMessageSource:
    """``n`` messages with ids 1..n in chat 1, alternating senders 1 and 2 (1 is "me")."""

    def __init__(self, n: int, chat_id: int = 1) -> None:
        self.n = n
        self.chat_id = chat_id
        self.item_calls = 0

    def _item(self, i: int) -> MessageItem:
        return MessageItem(
            key=i,
            chat_id=self.chat_id,
            sender_id=1 + i % 2,
            sender_name=f"User {1 + i % 2}",
            date=1_700_000_000 + i * 60,
            text=f"message {i}" + (" مرحبا" if i % 7 == 0 else ""),
            outgoing=i % 2 == 0,
            delivery="sent" if i % 2 == 0 else "",
        )

    async def page(self, chat_id: int, before_id: int | None, limit: int) -> list[int]:
        await asyncio.sleep(0)
        top = (before_id - 1) if before_id else self.n
        lo = max(1, top - limit + 1)
        return list(range(lo, top + 1))

    async def items(self, chat_id: int, ids: Sequence[int]) -> list[MessageItem]:
        await asyncio.sleep(0)
        self.item_calls += 1
        return [self._item(i) for i in ids if 1 <= i <= self.n]

    async def pending(self, chat_id: int) -> list[MessageItem]:
        return []
