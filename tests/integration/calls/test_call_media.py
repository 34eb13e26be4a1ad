"""A real video call through the relay: both sides decode video and audio, agree on the
emoji, and hanging up frees everything."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiortc import RTCPeerConnection

from app.services.calls import CallKeyReady, CallState, EndReason
from media.capture import MediaOptions, read_capture_time
from tests.helpers.client import eventually
from tests.helpers.relay import RunningRelay
from tests.integration.calls.conftest import close_party, engine, make_party

VGA = MediaOptions(synthetic=True, width=640, height=480)


def _call_tasks() -> set[asyncio.Task[object]]:
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


async def test_video_call_both_ways(relay: RunningRelay, tmp_path: Path) -> None:
    alice = await make_party(relay, tmp_path, "alice", VGA)
    bob = await make_party(relay, tmp_path, "bob", VGA)
    try:
        await asyncio.sleep(0.1)
        before = _call_tasks()
        outgoing = await alice.calls.start_call(bob.user_id, video=True)
        assert outgoing.state is CallState.CALLING
        incoming = await bob.incoming()
        assert incoming.peer_id == alice.user_id and incoming.video
        await incoming.accept(video=True)
        await alice.wait_state(CallState.CONNECTED)
        await bob.wait_state(CallState.CONNECTED)
        assert outgoing.connected_at is not None

        a_media, b_media = engine(outgoing), engine(incoming)
        stamps: list[int] = []
        b_media.remote_video.add_listener(
            lambda f: stamps.append(s) if (s := read_capture_time(f)) is not None else None
        )
        await asyncio.sleep(1.0)  # the first keyframe and ramp-up
        a0, b0 = a_media.remote_video.frames, b_media.remote_video.frames
        a_audio0, b_audio0 = a_media.audio_out.frames, b_media.audio_out.frames
        await asyncio.sleep(3.0)
        a_fps = (a_media.remote_video.frames - a0) / 3.0
        b_fps = (b_media.remote_video.frames - b0) / 3.0
        assert a_fps >= 20, f"alice decodes {a_fps:.1f} fps"
        assert b_fps >= 20, f"bob decodes {b_fps:.1f} fps"
        assert a_media.audio_out.frames - a_audio0 >= 100  # 50 frames/s of 20 ms
        assert b_media.audio_out.frames - b_audio0 >= 100
        assert a_media.remote_video.size == (640, 480)
        assert len(stamps) > 60  # the stamp survived VP8 end to end

        a_key = await alice.wait_for(CallKeyReady)
        b_key = await bob.wait_for(CallKeyReady)
        assert a_key.emoji == b_key.emoji and len(a_key.emoji) == 4
        stats = await outgoing.stats()
        assert stats.rtt_ms is not None and stats.rtt_ms < 200

        pcs: list[RTCPeerConnection] = [a_media._pc, b_media._pc]  # type: ignore[list-item]
        transceivers = [t for pc in pcs for t in pc.getTransceivers()]
        sources = [
            a_media.local.audio,
            a_media.local.video,
            b_media.local.audio,
            b_media.local.video,
        ]
        await outgoing.hangup()
        ended = await bob.wait_state(CallState.ENDED)
        assert ended.reason is EndReason.HANGUP
        assert outgoing.end_reason is EndReason.HANGUP
        await outgoing.wait_closed()
        await incoming.wait_closed()
        await asyncio.sleep(0.2)

        assert all(pc.connectionState == "closed" for pc in pcs)
        assert all(t.stopped for t in transceivers)
        assert all(s is not None and s.readyState == "ended" for s in sources)
        leftover = _call_tasks() - before
        assert not leftover, f"tasks left running: {leftover}"
    finally:
        await close_party(alice)
        await close_party(bob)


async def test_audio_call_and_controls(pair) -> None:  # type: ignore[no-untyped-def]
    alice, bob = pair
    outgoing = await alice.calls.start_call(bob.user_id, video=False)
    incoming = await bob.incoming()
    assert not incoming.video
    await incoming.accept()
    await alice.wait_state(CallState.CONNECTED)
    await bob.wait_state(CallState.CONNECTED)
    a_media, b_media = engine(outgoing), engine(incoming)
    assert a_media.local.video is None and a_media.set_camera_enabled(True) is False
    a_media.set_muted(True)
    heard = b_media.audio_out.frames

    async def silence_flows() -> bool:
        return b_media.audio_out.frames > heard + 10  # muted: silence, not nothing

    await eventually(silence_flows, within=10)
    assert a_media.remote_video.frames == 0
    await incoming.hangup()
    await alice.wait_state(CallState.ENDED)
    assert outgoing.end_reason is EndReason.HANGUP


async def test_callee_answers_with_audio_only_and_camera_switch(pair) -> None:  # type: ignore[no-untyped-def]
    alice, bob = pair
    outgoing = await alice.calls.start_call(bob.user_id, video=True)
    incoming = await bob.incoming()
    await incoming.accept(video=False)
    await alice.wait_state(CallState.CONNECTED)
    a_media, b_media = engine(outgoing), engine(incoming)
    assert b_media.local.video is None

    async def frames_grow(hub_frames, within: float = 5.0) -> None:  # type: ignore[no-untyped-def]
        start = hub_frames()
        for _ in range(int(within / 0.05)):
            if hub_frames() > start + 10:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("no frames")

    await frames_grow(lambda: b_media.remote_video.frames)  # bob still sees alice
    old = a_media.local.video
    assert await a_media.switch_camera(MediaOptions(synthetic=True, width=320, height=180))
    assert old is not None and old.readyState == "ended"
    await frames_grow(lambda: b_media.remote_video.frames)
    for _ in range(100):
        if b_media.remote_video.size == (320, 180):
            break
        await asyncio.sleep(0.05)
    assert b_media.remote_video.size == (320, 180)
    a_media.set_camera_enabled(False)
    await frames_grow(lambda: b_media.remote_video.frames)  # black frames, still flowing
    await outgoing.hangup()
    await bob.wait_state(CallState.ENDED)
