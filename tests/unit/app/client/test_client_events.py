"""The event bus: synchronous, ordered, isolated from failing subscribers."""

from __future__ import annotations

import asyncio

from app.client.events import ChatsChanged, Event, EventBus, TypingChanged
from app.client.typing_state import TypingState


def test_subscribe_publish_unsubscribe() -> None:
    bus = EventBus()
    seen: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("boom")

    bus.subscribe(broken)
    unsubscribe = bus.subscribe(seen.append)
    bus.publish(ChatsChanged((1,)))
    bus.publish(ChatsChanged((2,)))
    unsubscribe()
    unsubscribe()  # idempotent
    bus.publish(ChatsChanged((3,)))
    assert seen == [ChatsChanged((1,)), ChatsChanged((2,))]


async def test_typing_expires_and_stops() -> None:
    bus = EventBus()
    seen: list[Event] = []
    bus.subscribe(seen.append)
    typing = TypingState(bus, ttl=0.05)
    typing.started(1, 7)
    typing.started(1, 7)  # renewal: no new event
    typing.started(1, 8)
    assert typing.typing(1) == (7, 8)
    typing.stopped(1, 8)
    await asyncio.sleep(0.1)
    assert typing.typing(1) == ()
    assert seen == [
        TypingChanged(1, (7,)),
        TypingChanged(1, (7, 8)),
        TypingChanged(1, (7,)),
        TypingChanged(1, ()),
    ]
    typing.started(2, 1)
    typing.close()
    assert typing.typing(2) == ()
