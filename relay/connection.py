"""One WebSocket connection: read frames, check them, dispatch, and a bounded send queue.

Requests of one connection are handled one at a time in arrival order (so a client's
messages keep their order); different connections run concurrently. Frames to the client
go through a bounded queue drained by a writer task: a client that does not read fast
enough has its queue overflow and is closed (code 1008); it resyncs by seq on reconnect.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import time
from typing import cast

from aiohttp import WSCloseCode, WSMsgType, web

from app.protocol.frames import (
    ANONYMOUS_REQUESTS,
    Hello,
    ProtocolError,
    Request,
    SignIn,
    SignUp,
    Welcome,
    decode_client_frame,
    encode,
)
from app.protocol.limits import MAX_FRAME_BYTES, PROTOCOL_VERSION, ErrorCode
from app.protocol.types import User
from relay.core import Relay
from relay.errors import RelayError, error_frame, result_frame
from relay.handlers import HANDLERS
from relay.proxy import client_address
from relay.ratelimit import TokenBucket

log = logging.getLogger(__name__)

HARD_FRAME_LIMIT = 1024 * 1024
"""Frames above MAX_FRAME_BYTES get ``frame_too_large``; above this the socket is closed."""
HIGH_WATER = 256 * 1024
"""Bytes buffered in a socket above which frames wait in the connection's queue."""
LOW_WATER = 64 * 1024
DRAIN_POLL = 0.005
"""Seconds between buffer checks of a slow socket (only while it is above HIGH_WATER)."""

_pack_len2 = struct.Struct("!BBH").pack
_pack_len3 = struct.Struct("!BBQ").pack


def frame_bytes(frames: list[bytes]) -> bytes:
    """Unmasked, uncompressed WebSocket TEXT frames (server to client, RFC 6455 5.2)."""
    parts: list[bytes] = []
    append = parts.append
    for data in frames:
        n = len(data)
        if n < 126:
            append(bytes((0x81, n)))
        elif n < 65536:
            append(_pack_len2(0x81, 126, n))
        else:
            append(_pack_len3(0x81, 127, n))
        append(data)
    return b"".join(parts)


class Connection:
    """A client connection. Becomes a broker ``Sink`` once authenticated."""

    def __init__(
        self,
        relay: Relay,
        ws: web.WebSocketResponse,
        address: str,
        transport: asyncio.BaseTransport | None = None,
    ) -> None:
        self.relay = relay
        self.ws = ws
        self.address = address
        self.user_id = 0
        self.session_id = ""
        self.user: User | None = None
        self.greeted = False
        self.registered = False
        self.bucket = TokenBucket(relay.config.rate_per_second, relay.config.rate_burst)
        self._out: list[bytes] = []
        self._wake = asyncio.Event()
        self._limit = relay.config.send_queue_frames
        self._close_code: int | None = None
        # uvloop's transports are not asyncio.WriteTransport subclasses: check the methods
        self._transport = (
            cast(asyncio.WriteTransport, transport)
            if transport is not None and hasattr(transport, "get_write_buffer_size")
            else None
        )
        self._loop = asyncio.get_running_loop()
        self._flush_pending = False
        self._blocked = False
        """The socket's send buffer is above HIGH_WATER: ``write_loop`` flushes once it drains."""
        self.typing_stamps: dict[int, float] = {}

    # --- sending ------------------------------------------------------------------------
    #
    # ``send`` only appends to a list; the first frame queued in a loop iteration schedules
    # one ``_flush`` callback, which frames everything queued so far (an ack and the
    # sender's own update, or a burst of fan-out updates) and hands it to the socket in one
    # ``transport.write``: one syscall instead of one ``send_frame`` coroutine and syscall
    # per frame, and no task wake-up. ``write_loop`` only runs when the socket is slow
    # (waits for its buffer to drain) or the connection is to be closed.

    def send(self, data: bytes) -> None:
        if self._close_code is not None:
            return
        out = self._out
        if len(out) >= self._limit:
            log.warning("closing slow connection of user %s: send queue full", self.user_id)
            out.clear()
            self._close_code = WSCloseCode.POLICY_VIOLATION
            self._wake.set()
            return
        out.append(data)
        if not self._flush_pending:
            self._flush_pending = True
            self._loop.call_soon(self._flush)

    def close_with_error(self, data: bytes) -> None:
        if self._close_code is not None:
            return
        self._out.append(data)
        self._close_code = WSCloseCode.POLICY_VIOLATION
        self._wake.set()
        self.detach()

    def _flush(self) -> None:
        self._flush_pending = False
        if self._blocked or not self._out:
            return
        transport = self._transport
        if transport is None:  # no raw transport (embedded use): the slow path sends
            self._blocked = True
            self._wake.set()
            return
        if transport.is_closing():
            self._out.clear()
            return
        frames = self._out
        self._out = []
        transport.write(frame_bytes(frames))
        if transport.get_write_buffer_size() > HIGH_WATER:
            self._blocked = True
            self._wake.set()

    async def write_loop(self) -> None:
        ws = self.ws
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                transport = self._transport
                if transport is None:
                    while self._out:
                        frames = self._out
                        self._out = []
                        for data in frames:
                            await ws.send_frame(data, WSMsgType.TEXT)
                    self._blocked = False
                else:
                    while self._blocked:
                        while transport.get_write_buffer_size() > LOW_WATER:
                            if transport.is_closing():
                                return
                            await asyncio.sleep(DRAIN_POLL)
                        self._blocked = False
                        self._flush()
            except (ConnectionError, RuntimeError):
                return
            if self._close_code is not None:
                if self._out and not self._blocked:
                    self._flush()
                await ws.close(code=self._close_code)
                return

    # --- authentication state ------------------------------------------------------------

    def attach(self, user: User, session_id: str) -> None:
        """The connection now acts for ``user``: register it with the broker."""
        self.detach()
        self.user = user
        self.user_id = user.id
        self.session_id = session_id
        self.relay.broker.register(self)
        self.registered = True

    def detach(self) -> None:
        if self.registered:
            self.relay.broker.unregister(self)
            self.registered = False
            self.relay.calls.connection_lost(self)
        self.user = None
        self.user_id = 0
        self.session_id = ""

    # --- receiving ----------------------------------------------------------------------

    async def on_frame(self, data: bytes) -> None:
        if len(data) > MAX_FRAME_BYTES:
            self.send(
                error_frame(ErrorCode.FRAME_TOO_LARGE, f"frame exceeds {MAX_FRAME_BYTES} bytes")
            )
            return
        wait = self.bucket.take()
        try:
            frame = decode_client_frame(data)
        except ProtocolError as exc:
            if wait:
                self._rate_limited(exc.request_id, wait)
            else:
                self.send(error_frame(exc.code, exc.message, exc.request_id))
            return
        request_id = frame.id if isinstance(frame, Request) else None
        if wait:
            self._rate_limited(request_id, wait)
            return
        if isinstance(frame, Hello):
            await self._hello(frame)
            return
        assert isinstance(frame, Request)
        if not self.greeted:
            self.send(error_frame(ErrorCode.HELLO_REQUIRED, "send hello first", request_id))
            return
        kind = type(frame)
        if self.user is None and kind not in ANONYMOUS_REQUESTS:
            self.send(error_frame(ErrorCode.NOT_AUTHENTICATED, "sign in first", frame.id))
            return
        if self.user is not None and kind in (SignIn, SignUp):
            self.send(error_frame(ErrorCode.ALREADY_AUTHENTICATED, "already signed in", frame.id))
            return
        handler = HANDLERS[kind]
        try:
            result = await handler(self.relay, self, frame)
        except RelayError as exc:
            self.send(error_frame(exc.code, exc.message, frame.id, exc.retry_after))
        except Exception:
            log.exception("internal error handling %s", kind.__name__)
            self.send(error_frame(ErrorCode.INTERNAL, "internal error", frame.id))
        else:
            self.send(result_frame(frame.id, result))

    def _rate_limited(self, request_id: int | None, wait: float) -> None:
        self.send(
            error_frame(ErrorCode.RATE_LIMITED, "too many requests", request_id, round(wait, 3))
        )

    async def _hello(self, frame: Hello) -> None:
        if self.greeted:
            self.send(error_frame(ErrorCode.BAD_FRAME, "hello was already received"))
            return
        if frame.protocol != PROTOCOL_VERSION:
            self.close_with_error(
                error_frame(
                    ErrorCode.PROTOCOL_VERSION,
                    f"relay speaks protocol {PROTOCOL_VERSION}, client sent {frame.protocol}",
                )
            )
            return
        if frame.token is None:
            self.greeted = True
            self.send(encode(Welcome(protocol=PROTOCOL_VERSION, server_time=time.time())))
            return
        try:
            session = await self.relay.authenticate(frame.token)
        except RelayError as exc:
            self.send(error_frame(exc.code, exc.message))
            return
        self.greeted = True
        self.send(
            encode(
                Welcome(
                    protocol=PROTOCOL_VERSION,
                    server_time=time.time(),
                    user=session.user,
                    session_id=session.id,
                    seq=session.seq,
                )
            )
        )
        self.attach(session.user, session.id)


async def websocket_handler(request: web.Request) -> web.WebSocketResponse:
    """``GET /v1/ws``: the protocol's WebSocket endpoint."""
    relay: Relay = request.app[RELAY_KEY]
    ws = web.WebSocketResponse(
        max_msg_size=HARD_FRAME_LIMIT,
        heartbeat=relay.config.heartbeat,
        compress=False,
        decode_text=False,
    )
    await ws.prepare(request)
    address = client_address(
        request.remote, request.headers.getall("X-Forwarded-For", []), relay.trusted_proxies
    )
    conn = Connection(relay, ws, address, request.transport)
    relay.connections.add(conn)
    writer = asyncio.create_task(conn.write_loop(), name="relay-ws-writer")
    try:
        async for msg in ws:
            if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                await conn.on_frame(msg.data)
            elif msg.type == WSMsgType.ERROR:
                break
    finally:
        relay.connections.discard(conn)
        conn.detach()
        writer.cancel()
        try:
            await writer
        except asyncio.CancelledError:
            pass
        if not ws.closed:
            await ws.close()
    return ws


RELAY_KEY: web.AppKey[Relay] = web.AppKey("relay", Relay)
