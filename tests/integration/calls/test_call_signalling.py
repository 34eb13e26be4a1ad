"""Calls that do not (or stop to) connect: decline, busy, no answer, cancel, peer offline
and the peer vanishing mid-call. Every path ends with the engines closed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.services.calls import CallState, EndReason
from tests.helpers.relay import RunningRelay, start_relay
from tests.integration.calls.conftest import close_party, engine, make_party


async def test_decline(pair) -> None:  # type: ignore[no-untyped-def]
    alice, bob = pair
    outgoing = await alice.calls.start_call(bob.user_id)
    incoming = await bob.incoming()
    await incoming.decline()
    ended = await alice.wait_state(CallState.ENDED)
    assert ended.reason is EndReason.DECLINED and incoming.end_reason is EndReason.DECLINED
    await outgoing.wait_closed()
    assert incoming.engine is None  # declining never opened the camera
    assert engine(outgoing).local.audio.readyState == "ended"


async def test_busy(relay: RunningRelay, tmp_path: Path, pair) -> None:  # type: ignore[no-untyped-def]
    alice, bob = pair
    carol = await make_party(relay, tmp_path, "carol")
    try:
        first = await alice.calls.start_call(bob.user_id)
        await bob.incoming()
        second = await carol.calls.start_call(bob.user_id)
        assert second.state is CallState.ENDED and second.end_reason is EndReason.BUSY
        await first.hangup()
        await bob.wait_state(CallState.ENDED)
    finally:
        await close_party(carol)


async def test_cancel_while_ringing(pair) -> None:  # type: ignore[no-untyped-def]
    alice, bob = pair
    outgoing = await alice.calls.start_call(bob.user_id)
    incoming = await bob.incoming()
    await outgoing.hangup()
    assert outgoing.end_reason is EndReason.CANCELLED
    await bob.wait_state(CallState.ENDED)
    assert incoming.end_reason is EndReason.CANCELLED
    await outgoing.wait_closed()


async def test_no_answer_times_out(tmp_path: Path) -> None:
    relay = start_relay(tmp_path, fast_password_hashing=True, ring_timeout=1.0)
    alice = await make_party(relay, tmp_path, "alice")
    bob = await make_party(relay, tmp_path, "bob")
    try:
        outgoing = await alice.calls.start_call(bob.user_id)
        incoming = await bob.incoming()
        ended = await alice.wait_state(CallState.ENDED, within=5)
        assert ended.reason is EndReason.MISSED
        await bob.wait_state(CallState.ENDED)
        assert incoming.end_reason is EndReason.MISSED
        await outgoing.wait_closed()
    finally:
        await close_party(alice)
        await close_party(bob)
        relay.stop()


async def test_peer_offline_at_start(relay: RunningRelay, tmp_path: Path) -> None:
    alice = await make_party(relay, tmp_path, "alice")
    bob = await make_party(relay, tmp_path, "bob")
    bob_id = bob.user_id
    await close_party(bob)
    try:
        call = await alice.calls.start_call(bob_id)
        assert call.state is CallState.ENDED and call.end_reason is EndReason.PEER_OFFLINE
    finally:
        await close_party(alice)


async def test_peer_disconnects_mid_call(relay: RunningRelay, tmp_path: Path) -> None:
    alice = await make_party(relay, tmp_path, "alice")
    bob = await make_party(relay, tmp_path, "bob")
    try:
        outgoing = await alice.calls.start_call(bob.user_id)
        incoming = await bob.incoming()
        await incoming.accept()
        await alice.wait_state(CallState.CONNECTED)
        print("closing bob conn", flush=True)
        await bob.app.connection.close()  # bob's network drops; his media stops with it
        await engine(incoming).close()
        print("waiting alice end", flush=True)
        ended = await alice.wait_state(CallState.ENDED, within=8)
        print("alice ended", ended, flush=True)
        assert ended.reason is EndReason.PEER_OFFLINE
        print("wait closed", flush=True)
        _t = engine(outgoing)._pc
        print("PCSTATE", _t, _t and _t._RTCPeerConnection__closeTask, flush=True)
        import traceback
        if _t is not None and _t._RTCPeerConnection__closeTask is not None and _t._RTCPeerConnection__closeTask.done():
            traceback.print_exception(_t._RTCPeerConnection__closeTask.exception())
        async def dump():
            await asyncio.sleep(10)
            for t in asyncio.all_tasks():
                c = t.get_coro()
                chain = []
                while c is not None:
                    fr = getattr(c, "cr_frame", None) or getattr(c, "gi_frame", None)
                    chain.append(f"{getattr(c, '__qualname__', c)}:{fr.f_lineno if fr else '?'}")
                    c = getattr(c, "cr_await", None) or getattr(c, "gi_yieldfrom", None)
                print("TASK", " -> ".join(chain), flush=True)
        d = asyncio.create_task(dump())
        await asyncio.wait_for(outgoing.wait_closed(), 5)
        print("closed", flush=True)
        assert engine(outgoing).link == "closed" or engine(outgoing)._pc is None
    finally:
        print("finally", flush=True)
        await close_party(alice)
        await close_party(bob)
