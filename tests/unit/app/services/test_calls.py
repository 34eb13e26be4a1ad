"""The Qt-free, engine-free call state machine (app/services/calls.py) driven by fakes.

(Lives beside the media tests because this workstream owns tests/unit/media/.)
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.client.connection import RequestError
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
from app.protocol.types import CallInfo
from app.services.calls import (
    CallKeyReady,
    CallManager,
    CallState,
    CallStateUpdated,
    EndReason,
    EngineDelegate,
    EngineSpec,
    EngineStats,
    IncomingCall,
    verification_emoji,
)

INFO = CallInfo(call_id="c1", caller_id=1, callee_id=2, chat_id=9, video=True)


class FakeRequester:
    def __init__(self) -> None:
        self.sent: list[Request] = []
        self.fail: dict[type[Request], Exception] = {}

    async def request(self, frame: Request) -> Any:
        self.sent.append(frame)
        await asyncio.sleep(0)
        if type(frame) in self.fail:
            raise self.fail[type(frame)]
        if isinstance(frame, CallStart | CallAccept):
            return INFO
        return None

    def of(self, kind: type[Request]) -> list[Any]:
        return [f for f in self.sent if isinstance(f, kind)]


class FakeEngine:
    def __init__(self, spec: EngineSpec, delegate: EngineDelegate) -> None:
        self.spec, self.delegate = spec, delegate
        self.offers = 0
        self.answers: list[str] = []
        self.remote: str | None = None
        self.closed = False

    async def create_offer(self, *, ice_restart: bool = False) -> str:
        self.offers += 1
        return f"offer{self.offers}{'-restart' if ice_restart else ''}"

    async def create_answer(self, offer: str) -> str:
        self.remote = offer
        self.answers.append(offer)
        return "answer:" + offer

    async def apply_answer(self, answer: str) -> None:
        self.remote = answer

    async def stats(self) -> EngineStats:
        return EngineStats(rtt_ms=1.0)

    def fingerprints(self) -> tuple[str, str] | None:
        return ("sha-256 aa", "sha-256 bb") if self.remote else None

    async def close(self) -> None:
        self.closed = True


class Harness:
    def __init__(self) -> None:
        self.bus = EventBus()
        self.events: list[Event] = []
        self.bus.subscribe(self.events.append)
        self.requester = FakeRequester()
        self.engines: list[FakeEngine] = []
        self.manager = CallManager(
            self.requester, self.bus, self._make, connect_timeout=0.5, restart_timeout=0.3
        )
        self.manager.attach()

    def _make(self, spec: EngineSpec, delegate: EngineDelegate) -> FakeEngine:
        engine = FakeEngine(spec, delegate)
        self.engines.append(engine)
        return engine

    def push(self, frame: object) -> None:
        self.bus.publish(CallEvent(frame))

    def states(self) -> list[CallState]:
        return [e.state for e in self.events if isinstance(e, CallStateUpdated)]


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_outgoing_call_connects_and_hangs_up() -> None:
    h = Harness()
    call = await h.manager.start_call(2, video=True)
    assert call.state is CallState.CALLING and call.outgoing and call.peer_id == 2
    engine = h.engines[0]
    h.push(CallStateChanged(call_id="c1", state="accepted", by_user_id=2))
    await settle()
    assert call.state is CallState.CONNECTING
    [offer] = h.requester.of(CallSignal)
    assert offer.sdp_type == "offer" and offer.sdp == "offer1"
    h.push(CallSignalEvent(call_id="c1", from_user_id=2, sdp_type="answer", sdp="ans"))
    await settle()
    engine.delegate.engine_link_changed("connected")
    assert call.state is CallState.CONNECTED and call.connected_at is not None
    key = [e for e in h.events if isinstance(e, CallKeyReady)]
    assert key and key[0].emoji == verification_emoji("sha-256 aa", "sha-256 bb")
    await call.hangup()
    await call.wait_closed()
    assert call.state is CallState.ENDED and call.end_reason is EndReason.HANGUP
    assert h.requester.of(CallHangup) and engine.closed
    assert h.states() == [
        CallState.CALLING,
        CallState.CONNECTING,
        CallState.CONNECTED,
        CallState.ENDED,
    ]


async def test_incoming_call_accept_answers_offer_that_raced_ahead() -> None:
    h = Harness()
    h.push(CallIncoming(call=INFO))
    [incoming] = [e for e in h.events if isinstance(e, IncomingCall)]
    assert incoming.caller_id == 1 and incoming.video
    call = h.manager.call("c1")
    assert call is not None and call.state is CallState.RINGING and not call.outgoing

    accept = asyncio.create_task(call.accept(video=False))
    await asyncio.sleep(0)  # the relay forwards the caller's offer before accept returns
    h.push(CallSignalEvent(call_id="c1", from_user_id=1, sdp_type="offer", sdp="o"))
    await accept
    await settle()
    assert h.requester.of(CallAccept)[0].video is False
    assert h.engines[0].spec.video is False
    [answer] = h.requester.of(CallSignal)
    assert answer.sdp_type == "answer" and answer.sdp == "answer:o"
    h.push(CallStateChanged(call_id="c1", state="ended", reason="hangup", by_user_id=1))
    await call.wait_closed()
    assert call.end_reason is EndReason.HANGUP and h.engines[0].closed


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("declined", EndReason.DECLINED),
        ("missed", EndReason.MISSED),
        ("peer_offline", EndReason.PEER_OFFLINE),
        ("busy", EndReason.BUSY),
    ],
)
async def test_relay_endings_while_calling(reason: str, expected: EndReason) -> None:
    h = Harness()
    call = await h.manager.start_call(2)
    h.push(CallStateChanged(call_id="c1", state="ended", reason=reason))  # type: ignore[arg-type]
    await call.wait_closed()
    assert call.state is CallState.ENDED and call.end_reason is expected
    assert h.engines[0].closed
    assert not h.requester.of(CallHangup)


async def test_cancel_while_calling_and_decline_while_ringing() -> None:
    h = Harness()
    call = await h.manager.start_call(2)
    await call.hangup()
    assert call.end_reason is EndReason.CANCELLED
    h2 = Harness()
    h2.push(CallIncoming(call=INFO))
    incoming = h2.manager.call("c1")
    assert incoming is not None
    await incoming.decline()
    assert incoming.end_reason is EndReason.DECLINED and h2.requester.of(CallDecline)
    assert not h2.engines  # a declined call never opened the camera


async def test_caller_cancels_while_we_ring_and_answered_elsewhere() -> None:
    h = Harness()
    h.push(CallIncoming(call=INFO))
    h.push(CallStateChanged(call_id="c1", state="ended", reason="cancelled"))
    assert h.manager.call("c1").end_reason is EndReason.CANCELLED  # type: ignore[union-attr]
    h2 = Harness()
    h2.push(CallIncoming(call=INFO))
    h2.push(CallStateChanged(call_id="c1", state="ended", reason="answered_elsewhere"))
    assert h2.manager.call("c1").end_reason is EndReason.ANSWERED_ELSEWHERE  # type: ignore[union-attr]


async def test_start_refused_by_relay() -> None:
    h = Harness()
    h.requester.fail[CallStart] = RequestError("call_busy", "already in a call")
    call = await h.manager.start_call(2)
    assert call.state is CallState.ENDED and call.end_reason is EndReason.BUSY
    h.requester.fail[CallStart] = RequestError("peer_offline", "offline")
    call = await h.manager.start_call(2)
    assert call.end_reason is EndReason.PEER_OFFLINE


async def test_ice_failure_restarts_once_then_fails() -> None:
    h = Harness()
    call = await h.manager.start_call(2)
    h.push(CallStateChanged(call_id="c1", state="accepted"))
    await settle()
    h.push(CallSignalEvent(call_id="c1", from_user_id=2, sdp_type="answer", sdp="a"))
    await settle()
    engine = h.engines[0]
    engine.delegate.engine_link_changed("connected")
    engine.delegate.engine_link_changed("failed")
    await settle()
    assert call.state is CallState.RECONNECTING
    assert h.requester.of(CallSignal)[-1].sdp == "offer2-restart"
    engine.delegate.engine_link_changed("connected")
    assert call.state is CallState.CONNECTED
    engine.delegate.engine_link_changed("failed")
    await call.wait_closed()
    assert call.end_reason is EndReason.FAILED and h.requester.of(CallHangup)


async def test_restart_that_never_reconnects_times_out() -> None:
    h = Harness()
    call = await h.manager.start_call(2)
    h.push(CallStateChanged(call_id="c1", state="accepted"))
    await settle()
    h.engines[0].delegate.engine_link_changed("connected")
    h.engines[0].delegate.engine_link_changed("failed")
    await asyncio.wait_for(call.wait_closed(), 2)
    assert call.end_reason is EndReason.FAILED


async def test_connect_timeout() -> None:
    h = Harness()
    call = await h.manager.start_call(2)
    h.push(CallStateChanged(call_id="c1", state="accepted"))
    await asyncio.wait_for(call.wait_closed(), 2)
    assert call.end_reason is EndReason.FAILED and "timed out" in call.detail


async def test_push_racing_ahead_of_start_result_is_replayed() -> None:
    h = Harness()

    async def request(frame: Request) -> Any:
        h.requester.sent.append(frame)
        if isinstance(frame, CallStart):
            h.push(CallStateChanged(call_id="c1", state="ended", reason="missed"))
            return INFO
        return None

    h.requester.request = request  # type: ignore[method-assign]
    call = await h.manager.start_call(2)
    assert call.end_reason is EndReason.MISSED


async def test_manager_close_hangs_up() -> None:
    h = Harness()
    call = await h.manager.start_call(2)
    await h.manager.close()
    assert call.state is CallState.ENDED and h.engines[0].closed


async def test_peer_closing_dtls_waits_for_the_relay_reason() -> None:
    h = Harness()
    call = await h.manager.start_call(2)
    h.push(CallStateChanged(call_id="c1", state="accepted"))
    await settle()
    engine = h.engines[0]
    engine.delegate.engine_link_changed("connected")
    engine.delegate.engine_link_changed("closed")  # the peer hung up: DTLS close_notify
    assert call.state is CallState.CONNECTED
    h.push(CallStateChanged(call_id="c1", state="ended", reason="hangup", by_user_id=2))
    await call.wait_closed()
    assert call.end_reason is EndReason.HANGUP
