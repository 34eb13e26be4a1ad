"""1:1 call signalling: a ``CallManager`` and one ``Call`` state machine per call.

Qt-free and engine-free (Telegram Desktop's ``calls/`` shape): the relay's pushes
(``call_incoming``, ``call_state``, ``call_signal_event``, delivered as ``CallEvent`` on the
``EventBus``) and the user's actions drive each ``Call``; the media itself lives behind the
narrow ``CallEngine`` protocol, implemented with aiortc in ``media/engine.py``.

Signalling, without trickle ICE (aiortc gathers every candidate before producing SDP):
the caller creates its engine and prepares the offer while the callee's device rings, sends
it once the relay reports ``accepted``; the callee answers. On ICE failure the caller sends
one ICE-restart offer (the call shows ``reconnecting``); a second failure ends the call.

Events published on the bus: ``IncomingCall`` (a new ringing call, with the caller),
``CallStateUpdated`` (every state change, with the end reason and the connect time) and
``CallKeyReady`` (the four verification emoji, once the DTLS fingerprints are known).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol

from app.client.events import CallEvent, Event, EventBus
from app.protocol.frames import (
    CallAccept,
    CallDecline,
    CallHangup,
    CallIncoming,
    CallSignal,
    CallSignalEvent,
    CallStart,
    CallStateChanged,
    Request,
)
from app.protocol.limits import ErrorCode
from app.protocol.types import CallInfo, IceServer

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 30.0
"""A call that was accepted but has no media path after this long ends as ``failed``."""
RESTART_TIMEOUT_SECONDS = 15.0
"""How long an ICE restart may take before the call ends as ``failed``."""


class CallState(StrEnum):
    CALLING = "calling"
    """Outgoing: the callee's devices are ringing."""
    RINGING = "ringing"
    """Incoming: waiting for the user to accept or decline."""
    CONNECTING = "connecting"
    """Accepted: exchanging SDP and connecting ICE/DTLS."""
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    """The media path failed; an ICE restart is under way."""
    ENDED = "ended"


class EndReason(StrEnum):
    HANGUP = "hangup"
    DECLINED = "declined"
    BUSY = "busy"
    MISSED = "missed"
    """Nobody answered before the ring timeout ("no answer" on the caller's side)."""
    CANCELLED = "cancelled"
    PEER_OFFLINE = "peer_offline"
    FAILED = "failed"
    ANSWERED_ELSEWHERE = "answered_elsewhere"


# --- events ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IncomingCall(Event):
    """A call is ringing on this device: show the incoming-call window."""

    call_id: str
    caller_id: int
    chat_id: int
    video: bool


@dataclass(frozen=True, slots=True)
class CallStateUpdated(Event):
    """``call_id`` moved to ``state``. ``reason`` is set when ``ended``; ``connected_at``
    (Unix time) once the media first connected, for the call timer."""

    call_id: str
    state: CallState
    peer_id: int
    outgoing: bool
    video: bool
    reason: EndReason | None = None
    connected_at: float | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CallKeyReady(Event):
    """Both DTLS fingerprints are known: show ``emoji``; the peer sees the same four."""

    call_id: str
    emoji: tuple[str, ...]


# --- the engine interface ---------------------------------------------------------------

EngineLink = Literal["connecting", "connected", "failed", "closed"]


@dataclass(frozen=True, slots=True)
class EngineStats:
    """Figures for the call's "connection" popup; ``None`` when not measured yet."""

    rtt_ms: float | None = None
    send_kbps: float | None = None
    recv_kbps: float | None = None
    packet_loss: float | None = None
    """Fraction (0..1) of the packets we sent that the peer reports lost."""
    remote_fps: float | None = None


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """What an engine is built for."""

    call_id: str
    video: bool
    outgoing: bool
    ice_servers: tuple[IceServer, ...] = ()


class EngineDelegate(Protocol):
    """How an engine reports back to its call (it never touches the call otherwise)."""

    def engine_link_changed(self, link: EngineLink) -> None: ...


class CallEngine(Protocol):
    """The media side of one call (``media.engine.AiortcEngine``)."""

    async def create_offer(self, *, ice_restart: bool = False) -> str: ...

    async def create_answer(self, offer: str) -> str: ...

    async def apply_answer(self, answer: str) -> None: ...

    async def stats(self) -> EngineStats: ...

    def fingerprints(self) -> tuple[str, str] | None:
        """(local, remote) DTLS fingerprints once both descriptions are set."""
        ...

    async def close(self) -> None: ...


EngineFactory = Callable[[EngineSpec, EngineDelegate], CallEngine]


class CallRequester(Protocol):
    """The connection: sends a request (its ``id`` is assigned by the connection) and
    returns the typed result, or raises an exception carrying the relay's ``code``."""

    async def request(self, frame: Request) -> Any: ...


class CallError(Exception):
    """A call operation the relay refused (``code`` is the relay's error code)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


# --- key verification ------------------------------------------------------------------

EMOJI_TABLE: tuple[str, ...] = (
    "🐶",
    "🐱",
    "🐭",
    "🐹",
    "🐰",
    "🦊",
    "🐻",
    "🐼",
    "🐨",
    "🐯",
    "🦁",
    "🐮",
    "🐷",
    "🐸",
    "🐵",
    "🐔",
    "🐧",
    "🐦",
    "🦆",
    "🦉",
    "🐺",
    "🐴",
    "🦄",
    "🐝",
    "🐛",
    "🦋",
    "🐌",
    "🐞",
    "🐢",
    "🐍",
    "🐙",
    "🦀",
    "🐬",
    "🐳",
    "🦈",
    "🐊",
    "🦒",
    "🐘",
    "🦔",
    "🌵",
    "🌲",
    "🌻",
    "🍄",
    "🌙",
    "⭐",
    "🔥",
    "🌈",
    "❄️",
    "🍎",
    "🍌",
    "🍇",
    "🍓",
    "🍒",
    "🥕",
    "🌽",
    "🍕",
    "🎈",
    "🎁",
    "⚽",
    "🎸",
    "🚀",
    "⏰",
    "🔑",
    "⚓",
)
"""64 distinct, easily named emoji: each one carries 6 bits of the hash."""


def normalize_fingerprint(fingerprint: str) -> str:
    """``"sha-256 AB:CD:…"`` (SDP form) or ``"AB:CD:…"`` → ``"sha-256 ab:cd:…"``."""
    parts = fingerprint.strip().split()
    if len(parts) == 2:
        algorithm, value = parts
    else:
        algorithm, value = "sha-256", parts[0] if parts else ""
    return f"{algorithm.lower()} {value.lower()}"


def verification_emoji(fingerprint_a: str, fingerprint_b: str, count: int = 4) -> tuple[str, ...]:
    """Four emoji from the two DTLS fingerprints, the same on both sides (they are sorted).

    A man in the middle terminates DTLS with each side using its own certificate, so each
    side sees a different pair of fingerprints and therefore different emoji.
    """
    pair = sorted((normalize_fingerprint(fingerprint_a), normalize_fingerprint(fingerprint_b)))
    digest = hashlib.sha256(("risala-call-key-v1\n" + "\n".join(pair)).encode()).digest()
    bits = int.from_bytes(digest[:8], "big")
    return tuple(EMOJI_TABLE[(bits >> (58 - 6 * i)) & 0x3F] for i in range(count))


# --- the state machine -------------------------------------------------------------------

_RELAY_REASONS: dict[str, EndReason] = {reason.value: reason for reason in EndReason}
_ACTIVE = frozenset(
    {
        CallState.CALLING,
        CallState.RINGING,
        CallState.CONNECTING,
        CallState.CONNECTED,
        CallState.RECONNECTING,
    }
)


def _error_code(exc: BaseException) -> str | None:
    code = getattr(exc, "code", None)
    return str(code.value if isinstance(code, ErrorCode) else code) if code else None


class _CallHost(Protocol):
    """What a ``Call`` needs from its manager."""

    @property
    def requester(self) -> CallRequester: ...

    @property
    def engine_factory(self) -> EngineFactory: ...

    def publish(self, event: Event) -> None: ...

    def call_finished(self, call: Call) -> None: ...


class Call:
    """One call. Public: ``call_id``, ``peer_id``, ``outgoing``, ``video``, ``state``,
    ``end_reason``, ``connected_at``, ``emoji``, ``engine`` (the media side, for mute,
    camera and video frames) and the actions ``accept``, ``decline``, ``hangup``."""

    def __init__(
        self,
        host: _CallHost,
        info: CallInfo,
        *,
        outgoing: bool,
        connect_timeout: float,
        restart_timeout: float,
    ) -> None:
        self._host = host
        self.info = info
        self.call_id = info.call_id
        self.outgoing = outgoing
        self.peer_id = info.callee_id if outgoing else info.caller_id
        self.video = info.video
        self.state = CallState.CALLING if outgoing else CallState.RINGING
        self.end_reason: EndReason | None = None
        self.detail = ""
        self.connected_at: float | None = None
        self.emoji: tuple[str, ...] | None = None
        self.engine: CallEngine | None = None
        self._connect_timeout = connect_timeout
        self._restart_timeout = restart_timeout
        self._tasks: set[asyncio.Task[Any]] = set()
        self._offer: asyncio.Task[str] | None = None
        self._pending_offer: str | None = None
        self._restarted = False
        self._timer: asyncio.TimerHandle | None = None
        self._closed = asyncio.Event()

    # -- public actions --

    @property
    def active(self) -> bool:
        return self.state in _ACTIVE

    @property
    def duration(self) -> float:
        """Seconds since the media first connected (0 before)."""
        return time.time() - self.connected_at if self.connected_at else 0.0

    async def accept(self, *, video: bool | None = None) -> None:
        """Accept an incoming call (``video=False``: answer with audio only)."""
        if self.state is not CallState.RINGING:
            raise CallError(f"cannot accept a call in state {self.state}")
        self.video = self.info.video if video is None else video and self.info.video
        self._set_state(CallState.CONNECTING)
        self._arm_timer(self._connect_timeout)
        try:
            info = await self._host.requester.request(
                CallAccept(id=0, call_id=self.call_id, video=self.video)
            )
        except Exception as exc:
            if self.active:
                self._end(EndReason.FAILED, detail=_error_code(exc) or str(exc))
            raise CallError(f"accept failed: {exc}", _error_code(exc)) from exc
        if not self.active:
            return
        servers = info.ice_servers if isinstance(info, CallInfo) else self.info.ice_servers
        self._create_engine(servers)
        if self._pending_offer is not None:
            offer, self._pending_offer = self._pending_offer, None
            self._spawn(self._answer(offer))

    async def decline(self) -> None:
        """Decline a ringing incoming call."""
        if self.state is not CallState.RINGING:
            raise CallError(f"cannot decline a call in state {self.state}")
        self._end(EndReason.DECLINED)
        await self._tell_relay(CallDecline(id=0, call_id=self.call_id))

    async def hangup(self) -> None:
        """End the call: cancels an outgoing call, declines a ringing one."""
        if not self.active:
            return
        if self.state is CallState.RINGING:
            await self.decline()
            return
        cancelled = self.state is CallState.CALLING
        self._end(EndReason.CANCELLED if cancelled else EndReason.HANGUP)
        await self._tell_relay(CallHangup(id=0, call_id=self.call_id))

    async def stats(self) -> EngineStats:
        return await self.engine.stats() if self.engine is not None else EngineStats()

    async def wait_closed(self) -> None:
        """Wait until the call ended and its engine is closed."""
        await self._closed.wait()

    # -- driven by the manager --

    def start_outgoing(self) -> None:
        """The relay accepted ``call_start``: open media and prepare the offer while ringing."""
        self._publish_state()
        self._create_engine(self.info.ice_servers)
        assert self.engine is not None
        self._offer = self._spawn(self.engine.create_offer())

    def handle_frame(self, frame: object) -> None:
        if isinstance(frame, CallStateChanged):
            if frame.state == "accepted" and self.state is CallState.CALLING:
                self._set_state(CallState.CONNECTING)
                self._arm_timer(self._connect_timeout)
                self._spawn(self._send_offer())
            elif frame.state == "ended":
                reason = _RELAY_REASONS.get(frame.reason or "hangup", EndReason.HANGUP)
                if reason is EndReason.HANGUP and self.state is CallState.RINGING:
                    reason = EndReason.CANCELLED
                self._end(reason)
        elif isinstance(frame, CallSignalEvent) and self.active:
            if frame.sdp_type == "offer":
                if self.engine is None:
                    self._pending_offer = frame.sdp  # accept() still waiting for the relay
                else:
                    self._spawn(self._answer(frame.sdp))
            elif self.engine is not None:
                self._spawn(self._apply_answer(frame.sdp))

    def engine_link_changed(self, link: EngineLink) -> None:
        """``EngineDelegate``: the media path's state."""
        if not self.active:
            return
        if link == "connected":
            self._cancel_timer()
            if self.connected_at is None:
                self.connected_at = time.time()
            self._set_state(CallState.CONNECTED)
            self._update_emoji()
        elif link == "failed":
            if self._restarted or self.state is not CallState.CONNECTED:
                self._fail("media connection failed")
                return
            self._restarted = True
            self._set_state(CallState.RECONNECTING)
            self._arm_timer(self._restart_timeout)
            if self.outgoing:
                self._spawn(self._send_offer(ice_restart=True))
        elif link == "closed":
            # The peer closed DTLS (it hung up): the relay's push with the real reason is
            # on its way; end as failed only if it never comes.
            self._arm_timer(3.0, "media closed")

    # -- internals --

    def _create_engine(self, servers: Sequence[IceServer]) -> None:
        spec = EngineSpec(
            call_id=self.call_id,
            video=self.video,
            outgoing=self.outgoing,
            ice_servers=tuple(servers),
        )
        try:
            self.engine = self._host.engine_factory(spec, self)
        except Exception as exc:
            log.exception("call %s: engine creation failed", self.call_id)
            self._fail(f"media: {exc}")

    async def _send_offer(self, *, ice_restart: bool = False) -> None:
        assert self.engine is not None
        if ice_restart or self._offer is None:
            sdp = await self.engine.create_offer(ice_restart=ice_restart)
        else:
            sdp = await self._offer
        if self.active:
            await self._host.requester.request(
                CallSignal(id=0, call_id=self.call_id, sdp_type="offer", sdp=sdp)
            )

    async def _answer(self, offer: str) -> None:
        assert self.engine is not None
        if self.state is CallState.CONNECTED:  # the peer restarts ICE
            self._restarted = True
            self._set_state(CallState.RECONNECTING)
            self._arm_timer(self._restart_timeout)
        sdp = await self.engine.create_answer(offer)
        if self.active:
            await self._host.requester.request(
                CallSignal(id=0, call_id=self.call_id, sdp_type="answer", sdp=sdp)
            )
            self._update_emoji()

    async def _apply_answer(self, answer: str) -> None:
        assert self.engine is not None
        await self.engine.apply_answer(answer)
        self._update_emoji()

    def _update_emoji(self) -> None:
        if self.engine is None:
            return
        pair = self.engine.fingerprints()
        if pair is None:
            return
        emoji = verification_emoji(*pair)
        if emoji != self.emoji:
            self.emoji = emoji
            self._host.publish(CallKeyReady(call_id=self.call_id, emoji=emoji))

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and self.active and task is not self._offer:
            log.warning("call %s: %r", self.call_id, exc)
            self._fail(_error_code(exc) or str(exc) or type(exc).__name__)

    def _arm_timer(self, seconds: float, detail: str = "timed out connecting") -> None:
        self._cancel_timer()
        self._timer = asyncio.get_running_loop().call_later(seconds, self._fail, detail)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fail(self, detail: str) -> None:
        if not self.active:
            return
        self._end(EndReason.FAILED, detail=detail)
        self._spawn_closer(self._tell_relay(CallHangup(id=0, call_id=self.call_id)))

    async def _tell_relay(self, frame: Request) -> None:
        try:
            await self._host.requester.request(frame)
        except Exception as exc:  # the call is over for us either way
            log.info("call %s: relay refused %s: %r", self.call_id, type(frame).__name__, exc)

    def _set_state(self, state: CallState) -> None:
        if state is not self.state:
            self.state = state
            self._publish_state()

    def _publish_state(self) -> None:
        self._host.publish(
            CallStateUpdated(
                call_id=self.call_id,
                state=self.state,
                peer_id=self.peer_id,
                outgoing=self.outgoing,
                video=self.video,
                reason=self.end_reason,
                connected_at=self.connected_at,
                detail=self.detail,
            )
        )

    def _end(self, reason: EndReason, *, detail: str = "") -> None:
        if self.state is CallState.ENDED:
            return
        self._cancel_timer()
        self.end_reason = reason
        self.detail = detail
        self._set_state(CallState.ENDED)
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        self._spawn_closer(self._close_engine(current))
        self._host.call_finished(self)

    def _spawn_closer(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _close_engine(self, ending_task: asyncio.Task[Any] | None) -> None:
        pending = [
            t
            for t in self._tasks
            if t is not ending_task and t is not asyncio.current_task() and not t.done()
        ]
        if pending:
            await asyncio.wait(pending, timeout=5.0)
        try:
            if self.engine is not None:
                await self.engine.close()
        except Exception:
            log.exception("call %s: engine close failed", self.call_id)
        finally:
            self._closed.set()


# --- the manager ---------------------------------------------------------------------------


@dataclass
class CallManager:
    """Owns every call of this client. Subscribe it to the bus (``attach``) so the relay's
    call frames reach it; the UI calls ``start_call`` / ``Call.accept`` / ``Call.hangup``
    and listens for ``IncomingCall``, ``CallStateUpdated`` and ``CallKeyReady``."""

    requester: CallRequester
    bus: EventBus
    engine_factory: EngineFactory
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS
    restart_timeout: float = RESTART_TIMEOUT_SECONDS
    calls: dict[str, Call] = field(default_factory=dict)
    _orphans: dict[str, list[object]] = field(default_factory=dict)
    _unsubscribe: Callable[[], None] | None = None
    _finished: list[Call] = field(default_factory=list)
    _local_ids: int = 0

    def attach(self) -> None:
        """Start receiving the relay's call frames from the bus."""
        if self._unsubscribe is None:
            self._unsubscribe = self.bus.subscribe(self._on_event)

    @property
    def active_call(self) -> Call | None:
        return next((c for c in self.calls.values() if c.active), None)

    def call(self, call_id: str) -> Call | None:
        return self.calls.get(call_id)

    async def start_call(self, user_id: int, *, video: bool = True) -> Call:
        """Call ``user_id``. Returns the call (``calling``, or already ``ended`` when the
        relay refused: busy, peer offline, ...)."""
        try:
            info = await self.requester.request(CallStart(id=0, callee_id=user_id, video=video))
        except Exception as exc:
            code = _error_code(exc)
            self._local_ids += 1
            info = CallInfo(
                call_id=f"local-{self._local_ids}",
                caller_id=0,
                callee_id=user_id,
                chat_id=0,
                video=video,
            )
            call = self._new_call(info, outgoing=True)
            reason = _RELAY_REASONS.get(code or "", EndReason.FAILED)
            if code == ErrorCode.CALL_BUSY.value:
                reason = EndReason.BUSY
            call._end(reason, detail=code or str(exc))
            return call
        call = self._new_call(info, outgoing=True)
        call.start_outgoing()
        for frame in self._orphans.pop(info.call_id, []):
            call.handle_frame(frame)
        return call

    def handle_frame(self, frame: object) -> None:
        """Route one relay call frame (also reachable through the bus's ``CallEvent``)."""
        if isinstance(frame, CallIncoming):
            if frame.call.call_id in self.calls:
                return
            call = self._new_call(frame.call, outgoing=False)
            self.publish(
                IncomingCall(
                    call_id=call.call_id,
                    caller_id=frame.call.caller_id,
                    chat_id=frame.call.chat_id,
                    video=frame.call.video,
                )
            )
            call._publish_state()
            for orphan in self._orphans.pop(call.call_id, []):
                call.handle_frame(orphan)
            return
        call_id = getattr(frame, "call_id", None)
        if not isinstance(call_id, str):
            return
        target = self.calls.get(call_id)
        if target is not None:
            target.handle_frame(frame)
        elif len(self._orphans) < 32:  # a push that raced ahead of call_start's result
            self._orphans.setdefault(call_id, []).append(frame)

    def publish(self, event: Event) -> None:
        self.bus.publish(event)

    def call_finished(self, call: Call) -> None:
        self._finished.append(call)

    async def close(self) -> None:
        """Hang up every call and wait until their engines are closed."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for call in list(self.calls.values()):
            if call.active:
                await call.hangup()
        for call in list(self.calls.values()):
            await call.wait_closed()
        self._orphans.clear()

    def _new_call(self, info: CallInfo, *, outgoing: bool) -> Call:
        call = Call(
            self,
            info,
            outgoing=outgoing,
            connect_timeout=self.connect_timeout,
            restart_timeout=self.restart_timeout,
        )
        self.calls[call.call_id] = call
        return call

    def _on_event(self, event: Event) -> None:
        if isinstance(event, CallEvent):
            self.handle_frame(event.frame)
