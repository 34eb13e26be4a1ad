"""Shared pieces of the relay benchmarks: a light raw-WebSocket client, CPU sampling,
percentiles, and a bare aiohttp "reference relay" (no storage) as the machine's floor.

The load generators must cost little CPU themselves (the bench machine has 2 cores):
frames are pre-encoded bytes, pushes are decoded with narrow msgspec structs, and
latency is read from a timestamp carried in the message text.

``python _relay_bench.py reference --port N`` runs the reference relay: it speaks just
enough of the protocol for the benches (hello, sign_up, open_direct_chat, create_group,
send_message) and forwards each message to the other members without storing anything,
the way a bare aiohttp broadcast would.

``… reference --port N --durable DIR`` is the same relay plus the least a durable relay
must do before it acks: each message and one update row per member go into SQLite (WAL,
``synchronous=NORMAL``, the relay's own indexes), one COMMIT for everything read in one
loop iteration, acks and pushes after it. It measures the floor of *durable* relaying on
this machine (storage + the later, costlier wake-ups of clients who went back to sleep),
with none of a real relay's checks, so the real relay's distance from it is its own
overhead (printed as ``durable_reference_*`` by ``relay_messages``).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import msgspec

T = TypeVar("T")

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


# --- pushes, decoded narrowly -----------------------------------------------------------


class PushedMessage(msgspec.Struct):
    text: str = ""
    random_id: int = 0
    sender_id: int = 0


class PushedUpdate(msgspec.Struct):
    kind: str = ""
    message: PushedMessage | None = None


class Incoming(msgspec.Struct):
    type: str
    id: int | None = None
    data: Any = None
    update: PushedUpdate | None = None
    code: str | None = None


_decode = msgspec.json.Decoder(Incoming).decode
RESULT_PREFIX = b'{"type":"result"'
UPDATE_PREFIX = b'{"type":"update"'
CHAT_UPDATE_PREFIX = b'{"type":"chat_update"'


def send_frame(request_id: int, chat_id: int, random_id: int, text: str) -> bytes:
    """A pre-encoded ``send_message`` request."""
    return msgspec.json.encode(
        {
            "type": "send_message",
            "id": request_id,
            "chat_id": chat_id,
            "random_id": random_id,
            "text": text,
        }
    )


def stamp_text() -> str:
    """Message text carrying the send time (ns since the epoch, comparable across procs)."""
    return f"t{time.time_ns()}"


def stamp_of(text: str) -> float:
    """Seconds since the epoch of a ``stamp_text``."""
    return int(text[1:]) / 1e9


class RawClient:
    """One WebSocket: ``request`` for setup; afterwards ``on_frame(bytes)`` sees everything
    that is not the answer to a pending request."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[Incoming]] = {}
        self.on_frame: Any = lambda data: None
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        pending = self.pending
        async for msg in self.ws:
            if msg.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                break
            data: bytes = msg.data if isinstance(msg.data, bytes) else msg.data.encode()
            if pending and data.startswith((RESULT_PREFIX, b'{"type":"error"')):
                frame = _decode(data)
                fut = pending.pop(frame.id or -1, None)
                if fut is not None:
                    fut.set_result(frame)
                    continue
            self.on_frame(data)

    async def request(self, kind: str, **fields: Any) -> Any:
        rid = next(self.ids)
        fut: asyncio.Future[Incoming] = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        await self.ws.send_bytes(msgspec.json.encode({"type": kind, "id": rid, **fields}))
        frame = await fut
        if frame.type == "error":
            raise RuntimeError(f"{kind}: {frame.code}")
        return frame.data


async def connect(http: aiohttp.ClientSession, ws_url: str, name: str) -> tuple[RawClient, int]:
    """A signed-up client (fresh account ``name``) and its user id."""
    ws = await http.ws_connect(ws_url, max_msg_size=0, decode_text=False, autoping=True)
    await ws.send_bytes(b'{"type":"hello","protocol":2}')
    welcome = await ws.receive()
    assert b"welcome" in welcome.data, welcome
    client = RawClient(ws)
    auth = await client.request(
        "sign_up", username=name, display_name=name, password="benchmark-password"
    )
    return client, int(auth["user"]["id"])


def run_loop(coro: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


# --- the reference relay ----------------------------------------------------------------


class _RefFrame(msgspec.Struct):
    type: str
    id: int = 0
    username: str = ""
    user_id: int = 0
    chat_id: int = 0
    random_id: int = 0
    text: str = ""
    member_ids: list[int] = []


class _RefMessage(msgspec.Struct):
    id: int
    chat_id: int
    sender_id: int
    date: float
    text: str
    random_id: int


_DURABLE_SCHEMA = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, chat_id INTEGER NOT NULL,"
    " sender_id INTEGER NOT NULL, date FLOAT NOT NULL, random_id BIGINT, text TEXT NOT NULL,"
    " UNIQUE (sender_id, random_id))",
    "CREATE INDEX messages_by_chat ON messages (chat_id, id)",
    "CREATE TABLE updates (user_id INTEGER NOT NULL, seq BIGINT NOT NULL,"
    " payload BLOB NOT NULL, PRIMARY KEY (user_id, seq))",
)


class _DurableLog:
    """The durable reference's storage: one transaction per loop iteration (group commit)."""

    def __init__(self, directory: str) -> None:
        self.db = sqlite3.connect(os.path.join(directory, "reference.db"), isolation_level=None)
        for statement in _DURABLE_SCHEMA:
            self.db.execute(statement)
        self.pending: list[tuple[tuple[Any, ...], list[int], asyncio.Future[Any]]] = []

    def store(
        self, row: tuple[Any, ...], member_ids: list[int], seqs: dict[int, int]
    ) -> asyncio.Future[tuple[int, list[int]]]:
        """Queue a message; resolves to (message id, member seqs) once committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[int, list[int]]] = loop.create_future()
        if not self.pending:
            loop.call_soon(self._commit, seqs)
        self.pending.append((row, member_ids, future))
        return future

    def _commit(self, seqs: dict[int, int]) -> None:
        batch, self.pending = self.pending, []
        db = self.db
        db.execute("BEGIN")
        done = []
        for row, member_ids, future in batch:
            message_id = db.execute(
                "INSERT INTO messages (chat_id, sender_id, date, random_id, text)"
                " VALUES (?, ?, ?, ?, ?)",
                row,
            ).lastrowid
            payload = msgspec.json.encode({"kind": "new_message", "id": message_id, "text": row[4]})
            out = []
            for uid in member_ids:
                seqs[uid] += 1
                out.append((uid, seqs[uid], payload))
            db.executemany("INSERT INTO updates (user_id, seq, payload) VALUES (?, ?, ?)", out)
            done.append((future, (int(message_id or 0), [seq for _, seq, _ in out])))
        db.execute("COMMIT")
        for future, value in done:
            future.set_result(value)


def _serve_reference(port: int, durable: str | None = None) -> None:
    from aiohttp import web

    log = _DurableLog(durable) if durable else None

    decode = msgspec.json.Decoder(_RefFrame).decode
    encode = msgspec.json.Encoder().encode
    sockets: dict[int, web.WebSocketResponse] = {}
    chats: dict[int, list[int]] = {}
    seqs: dict[int, int] = {}
    counter = itertools.count(1)
    message_ids = itertools.count(1)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, compress=False)
        await ws.prepare(request)
        me = 0
        async for msg in ws:
            frame = decode(msg.data)
            head = b'{"type":"result","id":' + str(frame.id).encode() + b',"data":'
            if frame.type == "hello":
                await ws.send_bytes(b'{"type":"welcome","protocol":2}')
            elif frame.type == "sign_up":
                me = next(counter)
                sockets[me] = ws
                seqs[me] = 0
                await ws.send_bytes(head + encode({"user": {"id": me}}) + b"}")
            elif frame.type in ("open_direct_chat", "create_group"):
                chat_id = next(counter)
                others = [frame.user_id] if frame.type == "open_direct_chat" else frame.member_ids
                chats[chat_id] = [me, *others]
                await ws.send_bytes(head + encode({"id": chat_id}) + b"}")
            elif frame.type == "send_message":
                row = (frame.chat_id, me, time.time(), frame.random_id, frame.text)
                member_ids = chats[frame.chat_id]
                if log is not None:  # durable: stored and committed before the ack
                    message_id, member_seqs = await log.store(row, member_ids, seqs)
                else:
                    message_id = next(message_ids)
                    for uid in member_ids:
                        seqs[uid] += 1
                    member_seqs = [seqs[uid] for uid in member_ids]
                body = encode(
                    _RefMessage(
                        id=message_id,
                        chat_id=frame.chat_id,
                        sender_id=me,
                        date=row[2],
                        text=frame.text,
                        random_id=frame.random_id,
                    )
                )
                await ws.send_bytes(head + body + b"}")
                update = b',"update":{"kind":"new_message","message":' + body + b"}}"
                for uid, seq in zip(member_ids, member_seqs, strict=True):
                    if uid != me:  # the ack, then the others' pushes
                        await sockets[uid].send_bytes(
                            b'{"type":"update","seq":' + str(seq).encode() + update
                        )
        return ws

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/v1/ws", ws_handler)
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True, loop=_new_loop())
    if log is not None:
        log.db.close()


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class ReferenceRelay:
    """The reference relay as a subprocess: ``ws_url``, ``pid``, ``stop()``."""

    def __init__(self, durable: str | None = None) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.ws_url = f"ws://127.0.0.1:{self.port}/v1/ws"
        extra = ["--durable", durable] if durable else []
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "reference", "--port", str(self.port), *extra]
        )
        self.pid = self.proc.pid
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise TimeoutError("reference relay did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def against_reference(measure: Callable[[str, int], T], durable: str | None = None) -> T:
    """``measure(ws_url, pid)`` run against a fresh reference relay (stopped afterwards);
    ``durable``: the durable variant, storing in that directory."""
    reference = ReferenceRelay(durable)
    try:
        return measure(reference.ws_url, reference.pid)
    finally:
        reference.stop()


if __name__ == "__main__":
    if len(sys.argv) in (4, 6) and sys.argv[1:3] == ["reference", "--port"]:
        if len(sys.argv) == 6 and sys.argv[4] != "--durable":
            sys.exit("usage: _relay_bench.py reference --port N [--durable DIR]")
        _serve_reference(int(sys.argv[3]), sys.argv[5] if len(sys.argv) == 6 else None)
    else:
        sys.exit("usage: _relay_bench.py reference --port N [--durable DIR]")
