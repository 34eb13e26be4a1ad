"""The WebSocket link to the relay: handshake, request/response, reconnects, push frames.

One ``Connection`` owns one background task that keeps a socket open: it connects, says
``hello``, waits for ``welcome``, then reads frames until the socket drops, and tries
again after an exponential, jittered, capped delay. It stops retrying only when the relay
rejects the token (revoked, expired, invalid): it forgets the token (``token`` is then None)
and the app must ask the user to sign in.

Requests are matched to replies by id; ``request()`` returns the typed result (see
``app.protocol.frames.RESULT_TYPES``) or raises ``RequestError``/``RequestTimeout``/
``NotConnected``. Push frames (``update``, ``typing``, ``call_*``) go to ``on_frame``
handlers, called synchronously from the read loop in arrival order.

Events published on the bus: ``ConnectionStateChanged``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import Callable
from typing import Any

import aiohttp
import msgspec

from app.client.events import ConnectionState, ConnectionStateChanged, EventBus
from app.client.tasks import stop_task
from app.protocol.frames import (
    Error,
    Hello,
    ProtocolError,
    Request,
    Result,
    ServerFrame,
    Welcome,
    decode_server_frame,
    encode,
    result_data,
)
from app.protocol.limits import MAX_FRAME_BYTES, PROTOCOL_VERSION, ErrorCode
from app.protocol.types import User

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset(
    {ErrorCode.TOKEN_INVALID, ErrorCode.TOKEN_REVOKED, ErrorCode.TOKEN_EXPIRED}
)
"""Codes meaning "this session is over": never retried, the user signs in again."""


class ClientError(Exception):
    """Base of the errors the client core raises to the UI."""


class RequestError(ClientError):
    """The relay answered a request with an ``error`` frame."""

    def __init__(self, code: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retry_after = retry_after


class RequestTimeout(ClientError):
    """No reply within the timeout; the request may or may not have been applied."""


class NotConnected(ClientError):
    """There is no authenticated link to the relay right now (or it dropped mid-request)."""


class Backoff:
    """Exponential delays with "equal jitter": ``uniform(d/2, d)`` where ``d`` doubles from
    ``base`` up to ``cap``. Jitter keeps many clients from reconnecting in lockstep after a
    relay restart."""

    def __init__(
        self,
        base: float = 0.5,
        cap: float = 30.0,
        factor: float = 2.0,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.base = base
        self.cap = cap
        self.factor = factor
        self._rng = rng
        self.attempt = 0

    def next(self) -> float:
        """The delay before the next attempt; each call counts one more failure."""
        ceiling = min(self.cap, self.base * self.factor**self.attempt)
        self.attempt += 1
        return ceiling / 2 + self._rng() * ceiling / 2

    def reset(self) -> None:
        self.attempt = 0


class _AuthFailed(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


FrameHandler = Callable[[ServerFrame], None]
WelcomeHandler = Callable[[Welcome], None]


def relay_urls(url: str) -> tuple[str, str]:
    """``(http_base, ws_url)`` from either form: ``http://host:port`` or ``ws://…/v1/ws``."""
    base = url.rstrip("/")
    if base.endswith("/v1/ws"):
        base = base[: -len("/v1/ws")]
    if base.startswith("ws://"):
        base = "http://" + base[len("ws://") :]
    elif base.startswith("wss://"):
        base = "https://" + base[len("wss://") :]
    ws = "ws" + base[len("http") :] if base.startswith("http") else base
    return base, ws + "/v1/ws"


class Connection:
    """A self-healing link to one relay.

    Events: ``ConnectionStateChanged`` (offline / connecting / online / auth_failed / closed).
    """

    def __init__(
        self,
        url: str,
        bus: EventBus,
        *,
        token: str | None = None,
        device: str = "",
        http: aiohttp.ClientSession | None = None,
        request_timeout: float = 15.0,
        hello_timeout: float = 10.0,
        heartbeat: float | None = 20.0,
        backoff: Backoff | None = None,
        max_rate_limit_wait: float = 30.0,
    ) -> None:
        self.base_url, self.ws_url = relay_urls(url)
        self._bus = bus
        self._token = token
        self._device = device
        self._own_http = http is None
        self._http = http
        self.request_timeout = request_timeout
        self._hello_timeout = hello_timeout
        self._heartbeat = heartbeat
        self.backoff = backoff or Backoff()
        self._max_rate_limit_wait = max_rate_limit_wait
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Result | Error]] = {}
        self._frame_handlers: list[FrameHandler] = []
        self._welcome_handlers: list[WelcomeHandler] = []
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._state_changed = asyncio.Event()
        self._skip_backoff = False
        self._closing = False
        self.state = ConnectionState.OFFLINE
        self.state_detail = ""
        self.welcome: Welcome | None = None

    # --- public surface ---------------------------------------------------------------

    @property
    def token(self) -> str | None:
        return self._token

    @property
    def user(self) -> User | None:
        """The signed-in user of the current connection (None when anonymous or offline)."""
        return self.welcome.user if self.welcome is not None else None

    @property
    def online(self) -> bool:
        return self.state is ConnectionState.ONLINE

    @property
    def http(self) -> aiohttp.ClientSession:
        """The HTTP session shared by the socket and blob transfers."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        return self._http

    def on_frame(self, handler: FrameHandler) -> Callable[[], None]:
        """Call ``handler`` for each pushed frame (update, typing, call_*); returns the
        unsubscriber. Handlers must not block: queue work for your own task."""
        self._frame_handlers.append(handler)
        return lambda: _discard(self._frame_handlers, handler)

    def on_welcome(self, handler: WelcomeHandler) -> Callable[[], None]:
        """Call ``handler(welcome)`` each time a connection is established."""
        self._welcome_handlers.append(handler)
        return lambda: _discard(self._welcome_handlers, handler)

    def start(self) -> None:
        """Start (or restart after ``auth_failed``) the connect loop."""
        if self._closing:
            raise RuntimeError("connection is closed")
        if self._task is None or self._task.done():
            if self.state is ConnectionState.AUTH_FAILED:
                # A restart with a new token: wait_online() must wait for the outcome
                # instead of answering from the previous attempt.
                self._set_state(ConnectionState.CONNECTING)
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"risala-connection {self.ws_url}"
            )

    async def set_token(self, token: str | None) -> None:
        """Use ``token`` from now on: the socket reconnects at once to authenticate with it."""
        self._token = token
        await self.reconnect_now()
        self.start()

    async def reconnect_now(self) -> None:
        """Drop the current socket (if any) and connect again without waiting for backoff
        (e.g. the OS reports the network is back, or the user clicks "retry")."""
        self._skip_backoff = True
        self.backoff.reset()
        self._wake.set()
        ws = self._ws
        if self.state is ConnectionState.ONLINE:
            # Not usable any more: requests and wait_online() must wait for the new link.
            self._set_state(ConnectionState.CONNECTING)
        if ws is not None:
            # aiohttp lets another task close while the reader waits: the reader's
            # ``async for`` then ends and the run loop reconnects.
            await ws.close()

    async def wait_online(self, within: float | None = None) -> bool:
        """Wait until ``online``; False on timeout, on ``auth_failed`` or after ``close()``."""

        async def wait() -> bool:
            while True:
                if self.state is ConnectionState.ONLINE:
                    return True
                if self.state in (ConnectionState.AUTH_FAILED, ConnectionState.CLOSED):
                    return False
                self._state_changed.clear()
                await self._state_changed.wait()

        try:
            async with asyncio.timeout(within):
                return await wait()
        except TimeoutError:
            return False

    async def request(
        self,
        request: Request | type[Request],
        /,
        *,
        reply_within: float | None = None,
        **fields: Any,
    ) -> Any:
        """Send a request and return its typed result.

        Pass a Request struct (its ``id`` is replaced) or a Request class plus its fields.
        ``rate_limited`` replies are retried after ``retry_after`` when it is short.
        ``reply_within`` overrides the connection's ``request_timeout`` (seconds).
        """
        if isinstance(request, type):
            frame = request(id=0, **fields)
        else:
            if fields:
                raise TypeError("pass fields either in the struct or as keywords, not both")
            frame = request
        deadline_wait = 0.0
        while True:
            try:
                return await self._request_once(frame, reply_within)
            except RequestError as exc:
                wait = exc.retry_after if exc.retry_after is not None else 1.0
                if exc.code != ErrorCode.RATE_LIMITED or deadline_wait + wait > (
                    self._max_rate_limit_wait
                ):
                    raise
                deadline_wait += wait
                log.info("rate limited on %s, retrying in %.2fs", type(frame).__name__, wait)
                await asyncio.sleep(wait)

    async def close(self) -> None:
        """Stop reconnecting, close the socket, fail pending requests, await the task."""
        self._closing = True
        self._wake.set()
        task, self._task = self._task, None
        await stop_task(task)
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
        self._fail_pending("connection closed")
        if self._own_http and self._http is not None:
            await self._http.close()
            self._http = None
        self._set_state(ConnectionState.CLOSED)

    # --- internals --------------------------------------------------------------------

    async def _request_once(self, frame: Request, within: float | None) -> Any:
        ws = self._ws
        if ws is None or self.state is not ConnectionState.ONLINE:
            raise NotConnected(f"not connected ({self.state})")
        request_id = next(self._ids)
        frame = msgspec.structs.replace(frame, id=request_id)
        future: asyncio.Future[Result | Error] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            try:
                await ws.send_str(encode(frame).decode())
            except (ConnectionError, aiohttp.ClientError, RuntimeError) as exc:
                raise NotConnected(f"send failed: {exc}") from exc
            try:
                async with asyncio.timeout(within or self.request_timeout):
                    reply = await future
            except TimeoutError:
                raise RequestTimeout(f"{type(frame).__name__} got no reply") from None
        finally:
            self._pending.pop(request_id, None)
        if isinstance(reply, Error):
            raise RequestError(reply.code, reply.message, reply.retry_after)
        try:
            return result_data(type(frame), reply.data)
        except ProtocolError as exc:
            raise RequestError(exc.code, exc.message) from exc

    def _set_state(
        self, state: ConnectionState, detail: str = "", retry_in: float | None = None
    ) -> None:
        if state is self.state and detail == self.state_detail and retry_in is None:
            return
        self.state = state
        self.state_detail = detail
        self._state_changed.set()
        self._bus.publish(ConnectionStateChanged(state, detail, retry_in))

    def _fail_pending(self, why: str) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(NotConnected(why))
                # The waiter may already be gone (timed out); don't warn about it.
                future.exception()

    async def _run(self) -> None:
        while not self._closing:
            self._set_state(ConnectionState.CONNECTING)
            self._skip_backoff = False
            self._wake.clear()
            min_delay = 0.0
            detail = ""
            try:
                # A relay that accepts TCP but never answers the upgrade must not stall the
                # client for aiohttp's default five minutes: same bound as the hello.
                async with asyncio.timeout(self._hello_timeout):
                    ws = await self.http.ws_connect(
                        self.ws_url, heartbeat=self._heartbeat, max_msg_size=MAX_FRAME_BYTES * 2
                    )
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                detail = f"cannot reach relay: {exc}" or type(exc).__name__
            else:
                try:
                    welcome = await self._handshake(ws)
                except _AuthFailed as exc:
                    await ws.close()
                    self._token = None  # dead: never offered again
                    self._set_state(ConnectionState.AUTH_FAILED, exc.code)
                    return
                except RequestError as exc:
                    await ws.close()
                    detail = exc.code
                    min_delay = exc.retry_after or 0.0
                except (aiohttp.ClientError, OSError, TimeoutError, ProtocolError) as exc:
                    await ws.close()
                    detail = f"handshake failed: {exc!r}"
                else:
                    auth_code = await self._serve(ws, welcome)
                    if auth_code is not None:
                        self._token = None
                        self._set_state(ConnectionState.AUTH_FAILED, auth_code)
                        return
                    detail = "connection lost"
            if self._closing:
                return
            if self._skip_backoff:
                continue
            delay = max(self.backoff.next(), min_delay)
            self._set_state(ConnectionState.OFFLINE, detail, delay)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    async def _handshake(self, ws: aiohttp.ClientWebSocketResponse) -> Welcome:
        hello = Hello(protocol=PROTOCOL_VERSION, token=self._token, device=self._device)
        await ws.send_str(encode(hello).decode())
        async with asyncio.timeout(self._hello_timeout):
            while True:
                msg = await ws.receive()
                if msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    try:
                        frame = decode_server_frame(msg.data)
                    except ProtocolError as exc:
                        log.warning("bad frame during handshake: %s", exc)
                        continue
                    if isinstance(frame, Welcome):
                        return frame
                    if isinstance(frame, Error):
                        if frame.code in TOKEN_ERRORS:
                            raise _AuthFailed(frame.code)
                        raise RequestError(frame.code, frame.message, frame.retry_after)
                    log.warning("unexpected %s before welcome", type(frame).__name__)
                else:
                    raise aiohttp.ClientConnectionError(f"socket closed during hello ({msg.type})")

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse, welcome: Welcome) -> str | None:
        """Read frames until the socket drops. Returns a token error code if the relay
        ended the session, else None."""
        self._ws = ws
        self.welcome = welcome
        self.backoff.reset()
        self._set_state(ConnectionState.ONLINE)
        for handler in list(self._welcome_handlers):
            _call(handler, welcome)
        auth_code: str | None = None
        try:
            async for msg in ws:
                if msg.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    break
                auth_code = self._dispatch(msg.data)
                if auth_code is not None:
                    break
        except (aiohttp.ClientError, OSError) as exc:
            log.info("connection dropped: %r", exc)
        finally:
            self._ws = None
            self._fail_pending("connection lost")
            with contextlib.suppress(Exception):
                await ws.close()
        return auth_code

    def _dispatch(self, data: str | bytes) -> str | None:
        try:
            frame = decode_server_frame(data)
        except ProtocolError as exc:
            log.warning("ignoring bad frame from relay: %s", exc)
            return None
        if isinstance(frame, Result | Error) and frame.id is not None:
            future = self._pending.get(frame.id)
            if future is not None and not future.done():
                future.set_result(frame)
            return None
        if isinstance(frame, Error):
            if frame.code in TOKEN_ERRORS:
                return frame.code
            log.warning("relay error without id: %s %s", frame.code, frame.message)
            return None
        if isinstance(frame, Welcome):
            return None
        for handler in list(self._frame_handlers):
            _call(handler, frame)
        return None


def _discard(handlers: list[Any], handler: Any) -> None:
    if handler in handlers:
        handlers.remove(handler)


def _call(handler: Callable[[Any], None], arg: Any) -> None:
    try:
        handler(arg)
    except Exception:
        log.exception("frame handler %r failed", handler)
