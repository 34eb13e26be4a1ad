"""Relay integration test kit: a real relay process and real WebSocket clients."""

from __future__ import annotations

import asyncio
import itertools
import secrets
from typing import Any

import aiohttp
import msgspec

from app.protocol.limits import PROTOCOL_VERSION
from tests.helpers.relay import RunningRelay  # noqa: E402

UPDATE_TYPES = ("update", "chat_update")
"""Persistent pushes: a user's ``seq`` updates and a group's ``pts`` log entries."""

FAST = {"fast_password_hashing": True, "auth_rate_per_minute": 100_000}
_names = itertools.count(1)
_run = secrets.token_hex(3)


def username(prefix: str = "u") -> str:
    return f"{prefix}_{_run}_{next(_names)}"


class ServerError(Exception):
    def __init__(self, frame: dict[str, Any]) -> None:
        super().__init__(f"{frame['code']}: {frame.get('message')}")
        self.code: str = frame["code"]
        self.frame = frame


class Client:
    """A minimal protocol client: requests by id, pushes collected per type."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, http: aiohttp.ClientSession) -> None:
        self.ws = ws
        self.http = http
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.updates: list[dict[str, Any]] = []
        self.unsolicited: list[dict[str, Any]] = []
        self.closed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())
        self.user: dict[str, Any] | None = None
        self.token: str | None = None
        self.session_id: str | None = None

    async def _read(self) -> None:
        try:
            async for msg in self.ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                frame = msgspec.json.decode(msg.data)
                rid = frame.get("id")
                if frame["type"] in ("result", "error") and rid in self._pending:
                    self._pending.pop(rid).set_result(frame)
                    continue
                if frame["type"] in UPDATE_TYPES:
                    self.updates.append(frame)
                self.unsolicited.append(frame)
                self.frames.put_nowait(frame)
        finally:
            self.closed.set()
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("closed"))

    async def send_raw(self, data: str | bytes) -> None:
        if isinstance(data, bytes):
            data = data.decode()
        await self.ws.send_str(data)

    async def request_frame(self, kind: str, **fields: Any) -> dict[str, Any]:
        rid = next(self._ids)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        await self.ws.send_bytes(msgspec.json.encode({"type": kind, "id": rid, **fields}))
        return await asyncio.wait_for(fut, 10)

    async def request(self, kind: str, **fields: Any) -> Any:
        frame = await self.request_frame(kind, **fields)
        if frame["type"] == "error":
            raise ServerError(frame)
        return frame.get("data")

    async def expect(self, kind: str, timeout: float = 5.0, **match: Any) -> dict[str, Any]:  # noqa: ASYNC109
        """The next pushed frame of ``kind`` (others are skipped but kept in lists)."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.frames.get()
                if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                    return frame

    async def wait_update(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The next ``update`` (user seq) or ``chat_update`` (group log) of ``kind``."""
        while True:
            frame = await self.expect_any(UPDATE_TYPES, timeout)
            if frame["update"]["kind"] == kind:
                return frame

    async def hello(self, token: str | None = None) -> dict[str, Any]:
        await self.ws.send_bytes(
            msgspec.json.encode({"type": "hello", "protocol": PROTOCOL_VERSION, "token": token})
        )
        return await self.expect_any(("welcome", "error"))

    async def expect_any(self, kinds: tuple[str, ...], timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.frames.get()
                if frame["type"] in kinds:
                    return frame

    def drain(self) -> None:
        while not self.frames.empty():
            self.frames.get_nowait()

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


class Clients:
    """Opens clients against one relay and closes them all at the end."""

    def __init__(self, relay: RunningRelay, http: aiohttp.ClientSession) -> None:
        self.relay = relay
        self.http = http
        self.all: list[Client] = []

    async def raw(self, headers: dict[str, str] | None = None) -> Client:
        ws = await self.http.ws_connect(self.relay.ws_url, max_msg_size=0, headers=headers)
        client = Client(ws, self.http)
        self.all.append(client)
        return client

    async def anonymous(self, headers: dict[str, str] | None = None) -> Client:
        client = await self.raw(headers)
        welcome = await client.hello()
        assert welcome["type"] == "welcome", welcome
        return client

    async def user(self, name: str | None = None, password: str = "correct horse") -> Client:
        client = await self.anonymous()
        name = name or username()
        auth = await client.request(
            "sign_up", username=name, display_name=name.title(), password=password, device="test"
        )
        client.user, client.token = auth["user"], auth["token"]
        client.session_id = auth["session_id"]
        return client

    async def resume(self, token: str) -> Client:
        client = await self.raw()
        welcome = await client.hello(token)
        assert welcome["type"] == "welcome", welcome
        client.user, client.token = welcome["user"], token
        client.session_id = welcome["session_id"]
        return client

    async def close(self) -> None:
        for client in self.all:
            if not client.ws.closed:
                await client.close()
