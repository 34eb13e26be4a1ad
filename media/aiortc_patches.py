"""Process-wide replacements for three aiortc internals that run on every frame of a call.

aiortc offers no per-call hook for any of them, so ``install`` swaps a module-level function
once per process (the engine calls it before the first peer connection). Each has a
switch the benchmark uses for comparisons, and each leaves aiortc's own code in place
(with a warning) if aiortc moved the function. See docs/calls.md for the measurements.

- **VP8 decoding.** aiortc decodes VP8 through FFmpeg's ``libvpx`` wrapper, which lets
  libvpx decode into its own buffers and then copies every picture into an FFmpeg frame.
  FFmpeg's native ``vp8`` decoder (the one media players use) decodes straight into the
  frame and is faster besides: a 720p side's decoder thread went from ~7.5 % to ~5.3 %
  of a core. VP8 decoding is exactly specified, so the pictures are the same. aiortc
  creates decoders inside each receiver's decoder thread from
  ``aiortc.rtcrtpreceiver.get_decoder``; ours returns ``FfmpegVp8Decoder`` for VP8 and
  defers to aiortc for every other codec.
- **Opus encoding.** aiortc encodes every microphone as stereo Opus at 96 kbps: it
  upmixes our mono 48 kHz capture to two identical channels first. ``MonoOpusEncoder``
  encodes the mono signal as it is, at ``MONO_OPUS_BITRATE`` (WebRTC's own default for
  a mono voice stream is 32 kbps), which halves the encoder's work and cuts the audio's
  bandwidth by half. A stereo source (a ``--camera-file`` with stereo sound) is mixed
  down. The receiving side needs nothing: an Opus decoder set up for stereo (aiortc's)
  plays a mono stream on both channels, and the SDP stays ``opus/48000/2`` as RFC 7587
  requires for every Opus stream. aiortc creates encoders in each sender from
  ``aiortc.rtcrtpsender.get_encoder``; ours returns ``MonoOpusEncoder`` for Opus and
  defers to aiortc for every other codec.
- **Audio level.** For every outgoing audio frame (50 a second) aiortc computes the RFC
  6465 level with a Python loop over the samples (~0.1 ms a frame, ~0.5 % of a core on
  the event loop's thread). ``audio_level_dbov`` gets the same number from
  ``math.hypot`` in C in ~0.02 ms. (Not numpy: the bundle leaves numpy's 40 MB out
  because nothing in the app imports it; see packaging/risala.spec.)
"""

from __future__ import annotations

import array
import logging
import math
from collections.abc import Callable
from typing import Any, cast

import av
from aiortc.codecs.base import Decoder
from aiortc.codecs.opus import SAMPLE_RATE, SAMPLES_PER_FRAME, TIME_BASE, OpusEncoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import VIDEO_TIME_BASE

log = logging.getLogger(__name__)

FFMPEG_VP8_DECODER = True
"""Decode VP8 with FFmpeg's decoder (switch used by the benchmark's ``--stock-decoder``)."""
MONO_OPUS = True
"""Encode Opus as mono (``MonoOpusEncoder``)."""
MONO_OPUS_BITRATE = 48_000
"""Bits per second for the mono voice stream: above WebRTC's 32 kbps default, so music
or a noisy room keeps its detail too."""
FAST_AUDIO_LEVEL = True
"""Compute the outgoing audio level with ``audio_level_dbov``."""

_installed: set[str] = set()


class FfmpegVp8Decoder(Decoder):
    """aiortc's ``Vp8Decoder`` with FFmpeg's ``vp8`` decoder in place of libvpx."""

    def __init__(self) -> None:
        self.codec = av.CodecContext.create("vp8", "r")
        # One thread: FFmpeg's default (frame threads, one per core) holds each picture
        # back by a frame per extra thread, which is latency; aiortc already decodes on a
        # thread of its own.
        self.codec.thread_count = 1

    def decode(self, encoded_frame: JitterFrame) -> list[av.frame.Frame]:
        packet = av.Packet(encoded_frame.data)
        packet.pts = encoded_frame.timestamp
        packet.time_base = VIDEO_TIME_BASE
        return cast(list[av.frame.Frame], self.codec.decode(packet))


class MonoOpusEncoder(OpusEncoder):
    """aiortc's ``OpusEncoder`` producing a mono stream (see the module doc)."""

    def __init__(self) -> None:
        # Not super().__init__(): it would open a stereo encoder only to throw it away.
        codec = av.CodecContext.create("libopus", "w")
        codec.bit_rate = MONO_OPUS_BITRATE
        codec.format = "s16"
        codec.layout = "mono"
        codec.options = {"application": "voip"}
        codec.sample_rate = SAMPLE_RATE
        codec.time_base = TIME_BASE
        self.codec = codec
        self.resampler = av.AudioResampler(
            format="s16", layout="mono", rate=SAMPLE_RATE, frame_size=SAMPLES_PER_FRAME
        )
        self.first_packet_pts: int | None = None  # what OpusEncoder.encode expects


def audio_level_dbov(frame: av.AudioFrame) -> int:
    """``aiortc.rtp.compute_audio_level_dbov`` without the Python loop. Like it, this reads
    the first plane as native 16-bit samples and divides by ``frame.samples``; the level
    is the same (``hypot`` is exact to the last bit or so, far below a 1 dB step)."""
    samples = array.array("h")
    samples.frombytes(bytes(frame.planes[0]))
    rms = math.hypot(*samples) / (math.sqrt(frame.samples) * 32767)
    if rms <= 0:
        return -127
    return round(min(max(20 * math.log10(rms), -127), 0))


def install() -> None:
    """Apply the replacements that are switched on (once per process)."""
    if FFMPEG_VP8_DECODER and "decoder" not in _installed:
        if _install_decoder():
            _installed.add("decoder")
    if MONO_OPUS and "opus" not in _installed:
        if _install_encoder():
            _installed.add("opus")
    if FAST_AUDIO_LEVEL and "audio_level" not in _installed:
        import aiortc.rtp as rtp

        if hasattr(rtp, "compute_audio_level_dbov"):
            rtp.compute_audio_level_dbov = audio_level_dbov
            _installed.add("audio_level")
        else:
            log.warning("aiortc changed: keeping its audio level computation")


def _install_decoder() -> bool:
    import aiortc.rtcrtpreceiver as receiver

    if "vp8" not in av.codecs_available:
        log.info("this FFmpeg has no vp8 decoder: keeping libvpx's")
        return False
    return _route_codec(receiver, "get_decoder", "video/vp8", FfmpegVp8Decoder, "VP8 decoder")


def _install_encoder() -> bool:
    import aiortc.rtcrtpsender as sender

    return _route_codec(sender, "get_encoder", "audio/opus", MonoOpusEncoder, "Opus encoder")


def _route_codec(
    module: Any, factory: str, mime_type: str, make: Callable[[], object], what: str
) -> bool:
    """Replace ``module.factory(codec)`` (aiortc's ``get_decoder`` / ``get_encoder``, which
    a receiver / sender calls for each new stream) by one that answers ``make()`` for
    ``mime_type`` and defers to aiortc's for every other codec."""
    stock = getattr(module, factory, None)
    if stock is None:
        log.warning("aiortc changed: keeping its own %s", what)
        return False

    def routed(codec: Any) -> object:
        if codec.mimeType.lower() == mime_type:
            return make()
        return stock(codec)

    setattr(module, factory, routed)
    return True
