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
        await bob.app.connection.close()  # bob's network drops; his media stops with it
        await engine(incoming).close()
        ended = await alice.wait_state(CallState.ENDED, within=8)
        assert ended.reason is EndReason.PEER_OFFLINE
        await asyncio.wait_for(outgoing.wait_closed(), 5)
        assert engine(outgoing).link == "closed"
    finally:
        await close_party(alice)
        await close_party(bob)


def _cut_network(media: object) -> None:
    """Close the UDP sockets under a peer's ICE agent: its packets stop, nobody is told."""
    pc = media._pc  # type: ignore[attr-defined]
    for transceiver in pc.getTransceivers():
        ice = transceiver.receiver.transport.transport
        for protocol in ice.iceGatherer._connection._protocols:
            protocol.transport.close()


async def test_dead_media_path_recovers_with_an_ice_restart(pair) -> None:  # type: ignore[no-untyped-def]
    """Bob's network path dies silently while both clients stay online: alice notices
    (no remote audio), sends an ICE-restart offer through the relay, bob answers from a
    fresh peer connection and media flows again, with the same emoji."""
    alice, bob = pair
    outgoing = await alice.calls.start_call(bob.user_id)
    incoming = await bob.incoming()
    await incoming.accept()
    await alice.wait_state(CallState.CONNECTED)
    await bob.wait_state(CallState.CONNECTED)
    emoji = outgoing.emoji
    a_media = engine(outgoing)
    a_media.silence_timeout = 1.0
    _cut_network(engine(incoming))
    await alice.wait_state(CallState.RECONNECTING, within=5)
    alice.events.clear()
    await alice.wait_state(CallState.CONNECTED, within=10)
    frames = a_media.remote_video.frames
    await asyncio.sleep(1.0)
    assert a_media.remote_video.frames > frames + 10
    assert outgoing.emoji == incoming.emoji == emoji  # same certificates after the restart
    await outgoing.hangup()
    assert (await bob.wait_state(CallState.ENDED)).reason is EndReason.HANGUP
