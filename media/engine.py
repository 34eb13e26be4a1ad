"""The aiortc call engine: one ``RTCPeerConnection`` per call behind ``app.services.calls
.CallEngine``.

What it takes care of (each is an aiortc pitfall):
- ICE servers are always passed, as a list (empty when the relay gives none): without
  them aiortc asks a public STUN server, seconds of delay on a closed network.
- Every remote track is consumed (video into ``remote_video``, audio into ``AudioPlayback``);
  aiortc queues unread remote frames without bound.
- One camera feeds the self-view and the sender through ``MediaRelay(buffered=False)``.
- The sender's track is a ``SenderTrack`` (a gate): mute and camera-off swap frames for
  silence / black, and switching the camera swaps the gate's source. Replacing the track
  with ``replaceTrack`` while the sender waits on the old track would need the old track
  stopped, and a ``MediaStreamError`` from it ends aiortc's RTP loop for good.
- The VP8 encoder is ``StableVp8Encoder`` (see ``media/encoder.py``).
- VP8 decoding (FFmpeg's decoder) and the outgoing audio level (no Python loop) are
  swapped in process-wide by ``media/aiortc_patches.py``: cheaper per frame, same results.
- aiortc has no ICE restart: ``create_offer(ice_restart=True)`` builds a fresh peer
  connection (same certificate, so the verification emoji stay the same) with the same
  sources, and the answerer does the same when a second offer arrives.
- ``close()`` leaves no task, transceiver or track running.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import av
from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from app.services.calls import EngineDelegate, EngineSpec, EngineStats
from media import aiortc_patches
from media.alloc import keep_frame_buffers
from media.capture import (
    AUDIO_RATE,
    LocalMedia,
    MediaOptions,
    open_local_media,
    open_video_source,
)
from media.encoder import install_stable_encoder
from media.playback import AudioPlayback
from media.render import VideoSinkHub, consume_video
from media.verify import sdp_fingerprint

log = logging.getLogger(__name__)

MEDIA_SILENCE_SECONDS = 4.0
"""No remote audio for this long on a connected call counts as a failed media path."""


class SenderTrack(MediaStreamTrack):
    """What a sender encodes: frames of ``source`` or, when disabled, silence / black.
    The source can be swapped while the sender is waiting on it."""

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.kind = source.kind
        self._source = source
        self.enabled = True
        self._blank: av.VideoFrame | None = None

    def set_source(self, source: MediaStreamTrack) -> None:
        """Read from ``source`` from now on. The caller then stops the old *device*: that
        ends the old relay proxy too, which wakes a ``recv`` still waiting on it (stopping
        only the proxy would leave that ``recv`` waiting forever)."""
        self._source = source

    async def recv(self) -> av.AudioFrame | av.VideoFrame:
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            source = self._source
            try:
                frame = await source.recv()
            except MediaStreamError:
                if source is not self._source:
                    continue  # switched while waiting
                raise
            if self.enabled or not isinstance(frame, av.AudioFrame | av.VideoFrame):
                return frame  # type: ignore[return-value]
            return self._blank_for(frame)

    def _blank_for(self, frame: av.AudioFrame | av.VideoFrame) -> av.AudioFrame | av.VideoFrame:
        silent: av.AudioFrame | av.VideoFrame
        if isinstance(frame, av.AudioFrame):
            silent = av.AudioFrame(format="s16", layout=frame.layout.name, samples=frame.samples)
            for plane in silent.planes:
                plane.update(bytes(plane.buffer_size))
            silent.sample_rate = frame.sample_rate or AUDIO_RATE
        else:
            if self._blank is None or (self._blank.width, self._blank.height) != (
                frame.width,
                frame.height,
            ):
                self._blank = _black_frame(frame.width, frame.height)
            silent = self._blank
        silent.pts, silent.time_base = frame.pts, frame.time_base
        return silent

    def stop(self) -> None:
        if self.readyState == "live":
            self._source.stop()
        super().stop()


def _black_frame(width: int, height: int) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    for plane, value in zip(frame.planes, (16, 128, 128), strict=True):
        plane.update(bytes([value]) * plane.buffer_size)
    return frame


class AiortcEngine:
    """One call's media. For the UI: ``local_video`` / ``remote_video`` (``VideoSinkHub``),
    ``audio_out`` (``AudioPlayback``), ``set_muted``, ``set_camera_enabled``,
    ``switch_camera``, ``muted``, ``camera_enabled``, ``stats()``."""

    def __init__(
        self,
        spec: EngineSpec,
        delegate: EngineDelegate,
        *,
        options: MediaOptions | None = None,
        ice_transport_policy: str = "all",
        local: LocalMedia | None = None,
    ) -> None:
        keep_frame_buffers()  # before the first frame buffers are allocated
        aiortc_patches.install()  # before aiortc starts a receiver's decoder thread
        self.spec = spec
        self._delegate = delegate
        self._options = options or MediaOptions()
        self._policy = ice_transport_policy
        self.local = local or open_local_media(self._options, video=spec.video)
        self.local_video = VideoSinkHub("local")
        self.remote_video = VideoSinkHub("remote")
        self.audio_out = AudioPlayback(self._options.speaker_id)
        self.muted = False
        self.camera_enabled = self.local.video is not None
        self._relay = MediaRelay()
        self._pc: RTCPeerConnection | None = None
        self._senders: dict[str, SenderTrack] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._certificates: Any = None
        self._closed = False
        self._link = "new"
        self._last_stats: tuple[float, int, int] | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self.silence_timeout = MEDIA_SILENCE_SECONDS
        if self.local.video is not None:
            self._start_self_view()

    # -- CallEngine --

    async def create_offer(self, *, ice_restart: bool = False) -> str:
        if ice_restart or self._pc is None:
            await self._new_peer_connection()
        pc = self._require_pc()
        self._add_local_tracks(pc, offering=True)
        await pc.setLocalDescription(await pc.createOffer())  # gathers every candidate
        return pc.localDescription.sdp

    async def create_answer(self, offer: str) -> str:
        if self._pc is None or self._pc.remoteDescription is not None:
            await self._new_peer_connection()  # first offer, or the peer's ICE restart
        pc = self._require_pc()
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        self._add_local_tracks(pc, offering=False)
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def apply_answer(self, answer: str) -> None:
        await self._require_pc().setRemoteDescription(
            RTCSessionDescription(sdp=answer, type="answer")
        )

    def fingerprints(self) -> tuple[str, str] | None:
        pc = self._pc
        if pc is None or pc.localDescription is None or pc.remoteDescription is None:
            return None
        local = sdp_fingerprint(pc.localDescription.sdp)
        remote = sdp_fingerprint(pc.remoteDescription.sdp)
        return (local, remote) if local and remote else None

    async def stats(self) -> EngineStats:
        pc = self._pc
        if pc is None:
            return EngineStats()
        report = await pc.getStats()
        rtts: list[float] = []
        losses: list[float] = []
        sent = received = 0
        for stat in report.values():
            if stat.type == "remote-inbound-rtp":
                # aiortc reports no round-trip time until an RTCP round trip completed, and
                # fractionLost as the raw 8-bit RTCP field (lost packets out of 256).
                if stat.roundTripTime is not None:
                    rtts.append(stat.roundTripTime)
                if stat.fractionLost is not None:
                    losses.append(stat.fractionLost / 256)
            elif stat.type == "transport":
                sent += stat.bytesSent
                received += stat.bytesReceived
        now = time.monotonic()
        send_kbps = recv_kbps = None
        if self._last_stats is not None:
            then, was_sent, was_received = self._last_stats
            if now - then > 0.2:
                send_kbps = (sent - was_sent) * 8 / 1000 / (now - then)
                recv_kbps = (received - was_received) * 8 / 1000 / (now - then)
        if self._last_stats is None or now - self._last_stats[0] > 0.2:
            self._last_stats = (now, sent, received)
        return EngineStats(
            rtt_ms=max(rtts) * 1000 if rtts else None,
            send_kbps=send_kbps,
            recv_kbps=recv_kbps,
            packet_loss=max(losses) if losses else None,
            remote_fps=self.remote_video.fps,
        )

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        pc, self._pc = self._pc, None
        if pc is not None:
            await pc.close()  # stops transceivers; senders stop their SenderTracks
        for track in self._senders.values():
            track.stop()
        self._senders.clear()
        self.local.stop()  # sources end → MediaRelay's readers and our consumers end
        await self._drain_relay()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=2.0)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        self.audio_out.close()

    # -- controls for the UI --

    def set_muted(self, muted: bool) -> None:
        """Send silence instead of the microphone."""
        self.muted = muted
        if "audio" in self._senders:
            self._senders["audio"].enabled = not muted

    def set_camera_enabled(self, enabled: bool) -> bool:
        """Send black instead of the camera; False when the call has no video sender."""
        if "video" not in self._senders and self.local.video is None:
            return False
        self.camera_enabled = enabled
        if "video" in self._senders:
            self._senders["video"].enabled = enabled
        return True

    async def switch_camera(self, options: MediaOptions) -> bool:
        """Use another camera (or file, or the test pattern) without renegotiating."""
        old = self.local.video
        if old is None or self._closed:
            return False
        new, file = open_video_source(options)
        self.local.video = new
        if file is not None:
            self.local._file = file
        self._start_self_view()
        if "video" in self._senders:
            self._senders["video"].set_source(self._relay.subscribe(new, buffered=False))
        old.stop()
        return True

    def candidate_pair_types(self) -> list[tuple[str, str]]:
        """(local, remote) candidate types of the ICE pairs in use ("host", "srflx",
        "relay"): "relay" means media goes through TURN. Read from aioice's internals;
        empty when not connected (or if aioice changes)."""
        pc = self._pc
        if pc is None:
            return []
        pairs: list[tuple[str, str]] = []
        for transceiver in pc.getTransceivers():
            dtls = transceiver.sender.transport
            ice = getattr(getattr(dtls, "transport", None), "iceGatherer", None)
            connection = getattr(ice, "_connection", None)
            for pair in getattr(connection, "_nominated", {}).values():
                pairs.append((pair.local_candidate.type, pair.remote_candidate.type))
        return pairs

    @property
    def link(self) -> str:
        """The peer connection's state: new, connecting, connected, failed, closed."""
        return self._link

    # -- internals --

    def _require_pc(self) -> RTCPeerConnection:
        if self._pc is None:
            raise RuntimeError("engine is closed")
        return self._pc

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _start_self_view(self) -> None:
        assert self.local.video is not None
        self._spawn(
            consume_video(self._relay.subscribe(self.local.video, buffered=False), self.local_video)
        )

    async def _new_peer_connection(self) -> None:
        if self._closed:
            raise RuntimeError("engine is closed")
        old, self._pc = self._pc, None
        for track in self._senders.values():
            track.stop()
        self._senders.clear()
        if old is not None:
            await old.close()
        servers = [
            RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential)
            for s in self.spec.ice_servers
        ]
        policy = RTCIceTransportPolicy(self._policy)  # "all" or "relay"
        pc = RTCPeerConnection(RTCConfiguration(iceServers=servers, iceTransportPolicy=policy))
        if self._certificates is None:
            self._certificates = getattr(pc, "_RTCPeerConnection__certificates", None)
        elif hasattr(pc, "_RTCPeerConnection__certificates"):
            pc._RTCPeerConnection__certificates = self._certificates  # type: ignore[attr-defined]
        pc.on("track", self._on_track)
        pc.on("connectionstatechange", self._state_handler(pc))
        self._pc = pc

    def _add_local_tracks(self, pc: RTCPeerConnection, *, offering: bool) -> None:
        if self._senders:
            return
        kinds: list[str] = ["audio"]
        if self.local.video is not None:
            kinds.append("video")
        if not offering:  # answer only the kinds the peer offered
            offered = {t.kind for t in pc.getTransceivers()}
            kinds = [k for k in kinds if k in offered]
        for kind in kinds:
            source = self.local.audio if kind == "audio" else self.local.video
            assert source is not None
            gate = SenderTrack(self._relay.subscribe(source, buffered=False))
            gate.enabled = not self.muted if kind == "audio" else self.camera_enabled
            self._senders[kind] = gate
            sender = pc.addTrack(gate)
            if kind == "video":
                _prefer_vp8(pc, sender)
                install_stable_encoder(sender)
        if offering and self.spec.video and self.local.video is None:
            pc.addTransceiver("video", direction="recvonly")

    def _on_track(self, track: MediaStreamTrack) -> None:
        if track.kind == "video":
            self._spawn(consume_video(track, self.remote_video))
        else:
            self._spawn(self.audio_out.play(track))

    def _state_handler(self, pc: RTCPeerConnection) -> Callable[[], None]:
        def changed() -> None:
            if pc is not self._pc or self._closed:
                return  # a replaced or closing connection
            state = pc.connectionState
            self._link = state
            if state == "connected" and self._watchdog is None:
                self._watchdog = asyncio.get_running_loop().create_task(self._watch_media())
                self._tasks.add(self._watchdog)
            if state in ("connecting", "connected", "failed", "closed"):
                # aiortc emits this from inside close(): an exception escaping here would
                # leave the peer connection half-closed and every later close() waiting.
                try:
                    self._delegate.engine_link_changed(state)  # type: ignore[arg-type]
                except Exception:
                    log.exception("call %s: link handler failed", self.spec.call_id)

        return changed

    async def _watch_media(self) -> None:
        """aiortc notices a vanished peer only when ICE consent expires (~30 s). Audio
        always flows (mute sends silence), so a few seconds without any remote audio
        frame means the path is gone: report ``failed`` (the call then tries an ICE
        restart once). Runs for the engine's life."""
        last_count, last_change = -1, time.monotonic()
        reported = False
        while not self._closed:
            await asyncio.sleep(0.25)
            count = self.audio_out.frames
            now = time.monotonic()
            if count != last_count:
                last_count, last_change, reported = count, now, False
            elif not reported and now - last_change > self.silence_timeout:
                pc = self._pc
                if pc is not None and pc.connectionState == "connected":
                    reported = True
                    log.info(
                        "call %s: no remote media for %.1fs", self.spec.call_id, now - last_change
                    )
                    try:
                        self._delegate.engine_link_changed("failed")
                    except Exception:
                        log.exception("call %s: link handler failed", self.spec.call_id)

    async def _drain_relay(self) -> None:
        tasks = getattr(self._relay, "_MediaRelay__tasks", {})
        pending = [t for t in tasks.values() if not t.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=1.0)
            for task in late:
                task.cancel()


def _prefer_vp8(pc: RTCPeerConnection, sender: RTCRtpSender) -> None:
    """VP8 only (+ rtx): the stable encoder is VP8's, and VP8 is what aiortc does best."""
    caps = RTCRtpSender.getCapabilities("video")
    codecs = [c for c in caps.codecs if c.mimeType in ("video/VP8", "video/rtx")]
    for transceiver in pc.getTransceivers():
        if transceiver.sender is sender:
            transceiver.setCodecPreferences(codecs)


def engine_factory(
    options: MediaOptions | None = None,
    *,
    ice_transport_policy: str = "all",
) -> Callable[[EngineSpec, EngineDelegate], AiortcEngine]:
    """The ``EngineFactory`` for ``CallManager``: engines with these capture options."""

    def make(spec: EngineSpec, delegate: EngineDelegate) -> AiortcEngine:
        return AiortcEngine(
            spec, delegate, options=options, ice_transport_policy=ice_transport_policy
        )

    return make


def media_of(call: Any) -> AiortcEngine | None:
    """The UI's handle on a call's media (``Call.engine``, typed)."""
    engine = getattr(call, "engine", None)
    return engine if isinstance(engine, AiortcEngine) else None


__all__ = ["AiortcEngine", "SenderTrack", "engine_factory", "media_of"]
