"""A call whose media can only go through a real coturn on loopback (relay candidates only),
with REST credentials (``use-auth-secret``) handed out by the relay."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.services.calls import CallState
from media.capture import MediaOptions
from tests.helpers.relay import start_relay
from tests.integration.calls.conftest import Turn, close_party, engine, make_party


async def test_call_through_turn_only(tmp_path: Path, turnserver: Turn) -> None:
    relay = start_relay(
        tmp_path, fast_password_hashing=True, turn_url=turnserver.url, turn_secret=turnserver.secret
    )
    options = MediaOptions(synthetic=True, width=320, height=240)
    alice = await make_party(relay, tmp_path, "alice", options, policy="relay")
    bob = await make_party(relay, tmp_path, "bob", options, policy="relay")
    try:
        outgoing = await alice.calls.start_call(bob.user_id)
        [server] = outgoing.info.ice_servers
        assert server.urls == [turnserver.url] and server.username and server.credential
        incoming = await bob.incoming()
        await incoming.accept()
        await alice.wait_state(CallState.CONNECTED, within=15)
        await bob.wait_state(CallState.CONNECTED, within=15)
        a_media, b_media = engine(outgoing), engine(incoming)

        for media in (a_media, b_media):
            pc = media._pc
            assert pc is not None
            for sdp in (pc.localDescription.sdp, pc.remoteDescription.sdp):
                candidates = [line for line in sdp.splitlines() if line.startswith("a=candidate")]
                assert candidates and all(" typ relay" in c for c in candidates), candidates
            pairs = media.candidate_pair_types()
            assert pairs and all(p == ("relay", "relay") for p in pairs), pairs

        frames = b_media.remote_video.frames, a_media.remote_video.frames
        await asyncio.sleep(2.0)
        assert b_media.remote_video.frames - frames[0] >= 40
        assert a_media.remote_video.frames - frames[1] >= 40
        assert a_media.audio_out.frames > 0 and b_media.audio_out.frames > 0
        await outgoing.hangup()
        await bob.wait_state(CallState.ENDED)
        log = turnserver.log_path.read_text(errors="replace")
        assert "ALLOCATE" in log.upper() or "allocation" in log.lower()
    finally:
        await close_party(alice)
        await close_party(bob)
        relay.stop()
