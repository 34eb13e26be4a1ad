"""The request layer, handshake, reconnects and auth failure, against a scripted server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from app.client.connection import (  # noqa: E402
    Backoff,
    Connection,
    NotConnected,
    RequestError,
    RequestTimeout,
    relay_urls,
)
from app.client.events import ConnectionState, ConnectionStateChanged, Event, EventBus  # noqa: E402
from app.protocol.frames import GetMe, Ping, Typing, UpdateFrame  # noqa: E402
from app.protocol.types import User  # noqa: E402
from tests.helpers.client import eventually
from tests.unit.app.client.fake_relay import FakeRelay, reply_ok  # noqa: E402


@pytest.fixture
async def fake() -> AsyncIterator[FakeRelay]:
    relay = FakeRelay()
    await relay.start()
    yield relay
    await relay.close()


def make_conn(url: str, bus: EventBus | None = None, **kw: Any) -> Connection:
    return Connection(
        url,
        bus or EventBus(),
        token="t",
        heartbeat=None,
        request_timeout=1.0,
        backoff=Backoff(base=0.02, cap=0.1),
        **kw,
    )


def test_relay_urls() -> None:
    assert relay_urls("http://h:1") == ("http://h:1", "ws://h:1/v1/ws")
    assert relay_urls("ws://h:1/v1/ws") == ("http://h:1", "ws://h:1/v1/ws")
    assert relay_urls("https://h/") == ("https://h", "wss://h/v1/ws")


def test_backoff_grows_with_jitter_and_caps() -> None:
    b = Backoff(base=1.0, cap=8.0, rng=lambda: 1.0)
    assert [b.next() for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    low = Backoff(base=1.0, cap=8.0, rng=lambda: 0.0)
    assert [low.next() for _ in range(4)] == [0.5, 1.0, 2.0, 4.0]
    b.reset()
    assert b.next() == 1.0


async def test_request_returns_typed_result(fake: FakeRelay) -> None:
    async def on_request(frame: dict[str, Any], ws: web.WebSocketResponse) -> None:
        if frame["type"] == "get_me":
            await reply_ok(frame, ws, {"id": 7, "username": "x", "display_name": "X"})
        else:
            await reply_ok(frame, ws)

    fake.on_request = on_request
    conn = make_conn(fake.url)
    conn.start()
    try:
        assert await conn.wait_online(2)
        assert conn.user == User(id=1, username="me", display_name="Me")
        me = await conn.request(GetMe)
        assert me == User(id=7, username="x", display_name="X")
        assert await conn.request(Ping(id=0)) is None
        results = await asyncio.gather(*(conn.request(Ping) for _ in range(20)))
        assert results == [None] * 20
    finally:
        await conn.close()
    assert conn.state is ConnectionState.CLOSED


async def test_error_timeout_and_rate_limit(fake: FakeRelay) -> None:
    calls: list[str] = []

    async def on_request(frame: dict[str, Any], ws: web.WebSocketResponse) -> None:
        calls.append(frame["type"])
        if frame["type"] == "lookup_user":
            await ws.send_str(
                json.dumps(
                    {"type": "error", "id": frame["id"], "code": "unknown_user", "message": "nope"}
                )
            )
        elif frame["type"] == "get_me" and calls.count("get_me") == 1:
            await ws.send_str(
                json.dumps(
                    {
                        "type": "error",
                        "id": frame["id"],
                        "code": "rate_limited",
                        "message": "slow",
                        "retry_after": 0.05,
                    }
                )
            )
        elif frame["type"] == "get_me":
            await reply_ok(frame, ws, {"id": 7, "username": "x", "display_name": "X"})
        # ping: never answered

    fake.on_request = on_request
    conn = make_conn(fake.url)
    conn.start()
    try:
        assert await conn.wait_online(2)
        with pytest.raises(RequestError) as err:
            from app.protocol.frames import LookupUser

            await conn.request(LookupUser, username="ghost")
        assert err.value.code == "unknown_user"
        with pytest.raises(RequestTimeout):
            await conn.request(Ping, reply_within=0.1)
        me = await conn.request(GetMe)  # retried after retry_after
        assert me.id == 7 and calls.count("get_me") == 2
    finally:
        await conn.close()
    with pytest.raises(NotConnected):
        await conn.request(Ping)


async def test_reconnects_after_drop_and_fails_pending(fake: FakeRelay) -> None:
    async def on_request(frame: dict[str, Any], ws: web.WebSocketResponse) -> None:
        if frame["type"] == "ping":
            await ws.close()  # the relay vanishes mid-request

    fake.on_request = on_request
    bus = EventBus()
    states: list[ConnectionState] = []
    bus.subscribe(
        lambda e: states.append(e.state) if isinstance(e, ConnectionStateChanged) else None
    )
    conn = make_conn(fake.url, bus)
    conn.start()
    try:
        assert await conn.wait_online(2)
        with pytest.raises(NotConnected):
            await conn.request(Ping)
        await asyncio.sleep(0.3)
        assert await conn.wait_online(2)
        assert fake.hellos == 2
        assert ConnectionState.OFFLINE in states
        assert states.count(ConnectionState.ONLINE) == 2
    finally:
        await conn.close()


async def test_unreachable_relay_is_offline_with_retry(fake: FakeRelay) -> None:
    bus = EventBus()
    events: list[Event] = []
    bus.subscribe(events.append)
    conn = make_conn("http://127.0.0.1:9", bus)  # discard port: refused
    conn.start()

    def offline_events() -> list[ConnectionStateChanged]:
        return [
            e
            for e in events
            if isinstance(e, ConnectionStateChanged) and e.state is ConnectionState.OFFLINE
        ]

    async def retried() -> bool:
        return len(offline_events()) >= 2

    try:
        await eventually(retried, within=10)  # two refusals, each followed by a retry
    finally:
        await conn.close()
    offline = offline_events()
    assert all(e.retry_in is not None and e.retry_in <= 0.1 for e in offline)


async def test_relay_that_never_answers_the_upgrade_is_offline_quickly() -> None:
    """A server that accepts TCP and stays silent must not hold the client for aiohttp's
    default five-minute timeout: the connection gives up after ``hello_timeout``, retries."""
    accepted: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)
        await reader.read()  # never answers; returns when the client gives up

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    bus = EventBus()
    offline = asyncio.Event()

    def on_event(event: Event) -> None:
        if isinstance(event, ConnectionStateChanged) and event.state is ConnectionState.OFFLINE:
            offline.set()

    bus.subscribe(on_event)
    conn = make_conn(f"http://127.0.0.1:{port}", bus, hello_timeout=0.3)
    conn.start()
    try:
        async with asyncio.timeout(20):
            await offline.wait()
        assert accepted, "the client never reached the silent server"
    finally:
        await conn.close()
        server.close()
        for writer in accepted:
            writer.close()
        await server.wait_closed()


async def test_revoked_token_stops_retrying(fake: FakeRelay) -> None:
    fake.hello_error = "token_revoked"
    conn = make_conn(fake.url)
    conn.start()
    try:
        assert not await conn.wait_online(2)
        assert conn.state is ConnectionState.AUTH_FAILED
        assert conn.state_detail == "token_revoked"
        await asyncio.sleep(0.3)
        assert fake.hellos == 1
        fake.hello_error = None
        await conn.set_token("new")  # signing in again restarts the loop
        assert await conn.wait_online(2)
    finally:
        await conn.close()


async def test_malformed_and_unknown_frames_are_ignored(fake: FakeRelay) -> None:
    fake.after_welcome = [
        "not json",
        "[1,2]",
        '{"no": "type"}',
        '{"type": "surprise", "id": 3}',
        '{"type": "update", "seq": "x"}',
        '{"type": "result", "id": 999, "data": 1}',
        '{"type": "error", "code": "internal", "message": "spurious"}',
        '{"type": "typing", "chat_id": 5, "user_id": 2}',
        '{"type": "update", "seq": 1, "update": {"kind": "chat_removed", "chat_id": 5}}',
    ]

    async def on_request(frame: dict[str, Any], ws: web.WebSocketResponse) -> None:
        await ws.send_str(json.dumps({"type": "result", "id": frame["id"], "data": {"bad": 1}}))

    fake.on_request = on_request
    frames: list[object] = []
    conn = make_conn(fake.url)
    conn.on_frame(frames.append)
    conn.on_frame(lambda f: 1 / 0)  # a broken subscriber doesn't break the others
    conn.start()
    try:
        assert await conn.wait_online(2)

        async def both_arrived() -> bool:
            return len(frames) >= 2

        await eventually(both_arrived)
        assert [type(f) for f in frames] == [Typing, UpdateFrame]
        with pytest.raises(RequestError) as err:
            await conn.request(GetMe)  # a result of the wrong shape
        assert err.value.code == "invalid_field"
        assert conn.online and fake.hellos == 1
    finally:
        await conn.close()
