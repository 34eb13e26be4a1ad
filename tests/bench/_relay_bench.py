"""Shared pieces of the relay benchmarks: a light client, CPU sampling, percentiles."""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
from pathlib import Path
from typing import Any

import aiohttp
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Incoming(msgspec.Struct):
    type: str
    id: int | None = None
    data: Any = None
    update: Any = None
    code: str | None = None


_decode = msgspec.json.Decoder(Incoming).decode


class BenchClient:
    """Sends requests and hands every pushed frame to ``on_push``."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[Incoming]] = {}
        self.on_push = lambda frame: None
        self.on_result = lambda frame: None
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            frame = _decode(msg.data)
            if frame.type in ("result", "error"):
                fut = self.pending.pop(frame.id or -1, None)
                if fut is not None:
                    fut.set_result(frame)
                else:
                    self.on_result(frame)
            else:
                self.on_push(frame)

    async def request(self, kind: str, **fields: Any) -> Any:
        rid = next(self.ids)
        fut: asyncio.Future[Incoming] = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        await self.ws.send_bytes(msgspec.json.encode({"type": kind, "id": rid, **fields}))
        frame = await fut
        if frame.type == "error":
            raise RuntimeError(f"{kind}: {frame.code}")
        return frame.data

    async def send_nowait(self, kind: str, **fields: Any) -> None:
        rid = next(self.ids) + 1_000_000_000
        await self.ws.send_bytes(msgspec.json.encode({"type": kind, "id": rid, **fields}))


async def connect(http: aiohttp.ClientSession, ws_url: str, name: str) -> tuple[BenchClient, int]:
    ws = await http.ws_connect(ws_url, max_msg_size=0)
    await ws.send_bytes(b'{"type":"hello","protocol":1}')
    client = BenchClient.__new__(BenchClient)
    welcome = await ws.receive()
    assert b"welcome" in (welcome.data if isinstance(welcome.data, bytes)
                          else welcome.data.encode()), welcome
    BenchClient.__init__(client, ws)
    auth = await client.request("sign_up", username=name, display_name=name,
                                password="benchmark-password")
    return client, int(auth["user"]["id"])
