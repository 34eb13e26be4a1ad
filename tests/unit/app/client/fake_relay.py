"""A tiny scriptable WebSocket server standing in for a misbehaving or scripted relay.

Only for what a real relay can't be made to do on demand: garbage frames, silence,
precise error replies. Everything else is tested against the real relay.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

from app.protocol.limits import PROTOCOL_VERSION

Reply = Callable[[dict[str, Any], web.WebSocketResponse], Awaitable[None]]


class FakeRelay:
    """Answers ``hello`` with a welcome (or ``hello_error``), then calls ``on_request``."""

    def __init__(self) -> None:
        self.hello_error: str | None = None
        self.welcome_user: dict[str, Any] | None = {"id": 1, "username": "me", "display_name": "Me"}
        self.welcome_seq = 0
        self.after_welcome: list[str] = []
        self.on_request: Reply | None = None
        self.hellos = 0
        self.sockets: list[web.WebSocketResponse] = []
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/ws", self._ws)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        for ws in self.sockets:
            await ws.close()
        if self.server is not None:
            await self.server.close()

    async def drop_all(self) -> None:
        for ws in list(self.sockets):
            await ws.close()

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            frame = json.loads(msg.data)
            if frame["type"] == "hello":
                self.hellos += 1
                if self.hello_error is not None:
                    await ws.send_str(
                        json.dumps({"type": "error", "code": self.hello_error, "message": "no"})
                    )
                    continue
                await ws.send_str(
                    json.dumps(
                        {
                            "type": "welcome",
                            "protocol": PROTOCOL_VERSION,
                            "server_time": 0.0,
                            "user": self.welcome_user,
                            "seq": self.welcome_seq,
                        }
                    )
                )
                for raw in self.after_welcome:
                    await ws.send_str(raw)
            elif self.on_request is not None:
                await self.on_request(frame, ws)
        self.sockets.remove(ws)
        return ws


async def reply_ok(frame: dict[str, Any], ws: web.WebSocketResponse, data: Any = None) -> None:
    await ws.send_str(json.dumps({"type": "result", "id": frame["id"], "data": data}))
