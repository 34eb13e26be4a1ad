"""A VP8 encoder for aiortc with bitrate hysteresis.

aiortc's ``Vp8Encoder`` rebuilds its libvpx context whenever the receiver's REMB estimate
moves the target bitrate by more than 10 %, and every rebuild starts with a keyframe (a
burst several times a normal frame, then a quality dip while the new context's rate
control settles). On a good link the estimate ramps up in many small steps, so a call
starts with a rebuild every few hundred milliseconds. ``StableVp8Encoder`` follows the
estimate only when it moved a lot (or has stayed away for a while), follows drops at
once (congestion), and starts nearer the resolution's needs. See docs/calls.md for
the measurements.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from typing import Any

import av
from aiortc.codecs.vpx import MAX_BITRATE, MIN_BITRATE, Vp8Encoder, number_of_threads

log = logging.getLogger(__name__)

ENABLED = True
"""Module switch used by the benchmark to compare against aiortc's stock encoder."""


class StableVp8Encoder(Vp8Encoder):
    """``Vp8Encoder`` whose ``target_bitrate`` follows REMB with hysteresis.

    ``rebuilds`` counts libvpx context (re)creations, for tests and the benchmark.
    """

    def __init__(
        self,
        *,
        max_bitrate: int = MAX_BITRATE,
        step: float = 0.5,
        hold_seconds: float = 4.0,
        drop: float = 0.7,
    ) -> None:
        super().__init__()
        self.max_bitrate = max_bitrate
        self._step = step
        self._hold = hold_seconds
        self._drop = drop
        self._applied = MIN_BITRATE
        self._wanted = MIN_BITRATE
        self._since = time.monotonic()
        self._changed = 0.0
        self.rebuilds = 0
        self._codec_seen: Any = None
        self._initial_set = False
        self._set_applied(MIN_BITRATE * 2)

    def _set_applied(self, bitrate: int) -> None:
        self._applied = bitrate
        self._changed = time.monotonic()
        self._Vp8Encoder__target_bitrate = bitrate  # what encode() uses for bufsize

    @property  # type: ignore[override]
    def target_bitrate(self) -> int:
        return self._applied

    @target_bitrate.setter
    def target_bitrate(self, bitrate: int) -> None:
        wanted = max(MIN_BITRATE, min(int(bitrate), self.max_bitrate))
        now = time.monotonic()
        if abs(wanted - self._wanted) / self._wanted > 0.1:
            self._since = now  # a new level: restart the hold timer
        self._wanted = wanted
        ratio = wanted / self._applied
        if ratio < self._drop:  # congestion: follow down at once
            self._set_applied(wanted)
        elif ratio > 1 + self._step or (
            abs(ratio - 1) > 0.1
            and now - self._since >= self._hold
            and now - self._changed >= self._hold
        ):
            self._set_applied(wanted)

    def encode(self, frame: Any, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        if not self._initial_set:
            self._initial_set = True
            self._set_applied(_initial_bitrate(frame.width, frame.height, self.max_bitrate))
        if not force_keyframe and frame.pict_type == av.video.frame.PictureType.I:
            # A decoded frame (V4L2 MJPEG/raw camera, a file) carries pict_type I, and
            # FFmpeg's libvpx wrapper turns that into a forced keyframe: every frame would
            # be a keyframe (several times the CPU, and a blurry picture at our bitrate).
            frame.pict_type = av.video.frame.PictureType.NONE
        self._ensure_codec(frame)
        result = super().encode(frame, force_keyframe)
        if self.codec is not self._codec_seen:
            self._codec_seen = self.codec
            self.rebuilds += 1
        return result

    def _ensure_codec(self, frame: Any) -> None:
        """Open libvpx ourselves when aiortc would (new size, bitrate moved > 10 %), with
        aiortc's realtime settings except at 720p and above: no temporal denoiser (it
        costs 1-4 ms a frame there, up to ~12 % of a core at 30 fps, for little gain at
        these bitrates), speed -10 instead of -6 (10-20 % less encode time on camera-
        like content for ~0.1 dB PSNR at the same bitrate) and VP8 profile 1 (see
        ``LARGE_FRAME_PROFILE``; docs/calls.md has the measurements). aiortc's
        ``encode`` then finds a matching context and uses it."""
        codec = self.codec
        if (
            codec is not None
            and codec.bit_rate
            and (
                frame.width == codec.width
                and frame.height == codec.height
                and abs(self._applied - codec.bit_rate) / codec.bit_rate <= 0.1
            )
        ):
            return
        bitrate = self._applied
        codec = av.CodecContext.create("libvpx", "w")
        codec.width, codec.height = frame.width, frame.height
        codec.bit_rate = bitrate
        codec.pix_fmt = "yuv420p"
        codec.gop_size = 3000
        codec.qmin, codec.qmax = 2, 56
        large = frame.width * frame.height >= LARGE_FRAME_PIXELS
        codec.options = {
            "bufsize": str(bitrate),
            "cpu-used": "-10" if large else "-6",
            "deadline": "realtime",
            "lag-in-frames": "0",
            "minrate": str(bitrate),
            "maxrate": str(bitrate),
            "noise-sensitivity": "0" if large else "4",
            "overshoot-pct": "15",
            "partitions": "0",
            "profile": str(LARGE_FRAME_PROFILE if large else 0),
            "static-thresh": "1",
            "undershoot-pct": "100",
        }
        codec.thread_count = number_of_threads(
            frame.width * frame.height, multiprocessing.cpu_count()
        )
        self.codec = codec


LARGE_FRAME_PIXELS = 1280 * 720
"""From this frame size up, the encoder runs without libvpx's temporal denoiser, at speed
-10 (``cpu-used``) and with ``LARGE_FRAME_PROFILE``."""

LARGE_FRAME_PROFILE = 1
"""The VP8 profile (the bitstream's version number) from ``LARGE_FRAME_PIXELS`` up. 0 is
aiortc's (six-tap sub-pixel filter, normal loop filter); 1 uses the bilinear filter and
the simple loop filter, which every VP8 decoder supports. Measured at 720p and 1.5 Mbps
(docs/calls.md): 5-10 % less encode and ~20 % less decode time on both sides of a call,
the same bitrate, luma PSNR within 0.2 dB and SSIM within 0.002 of profile 0, chroma
PSNR up to 0.9 dB lower (the simple filter leaves chroma unfiltered); no difference to
see side by side. 2 and 3 cost more quality (3 is full-pixel motion)."""


def _initial_bitrate(width: int, height: int, cap: int) -> int:
    """A starting point by resolution (~0.1 bit per pixel at 30 fps), within aiortc's range."""
    return max(MIN_BITRATE, min(cap, int(width * height * 30 * 0.1)))


class CountingVp8Encoder(Vp8Encoder):
    """aiortc's stock encoder, only counting rebuilds (benchmark comparison)."""

    def __init__(self) -> None:
        super().__init__()
        self.rebuilds = 0
        self._codec_seen: Any = None

    def encode(self, frame: Any, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        result = super().encode(frame, force_keyframe)
        if self.codec is not self._codec_seen:
            self._codec_seen = self.codec
            self.rebuilds += 1
        return result


def install_stable_encoder(sender: Any) -> Vp8Encoder | None:
    """Give an aiortc ``RTCRtpSender`` (negotiating VP8 only) our encoder before its first
    frame. aiortc creates its encoder lazily in a private slot and keeps one that is
    already there; if that slot ever moves, we log and keep aiortc's default."""
    slot = "_RTCRtpSender__encoder"
    if not hasattr(sender, slot):
        log.warning("aiortc changed: cannot install the VP8 encoder with hysteresis")
        return None
    encoder: Vp8Encoder = StableVp8Encoder() if ENABLED else CountingVp8Encoder()
    setattr(sender, slot, encoder)
    return encoder


def sender_encoder(sender: Any) -> Any:
    """The encoder a sender currently uses (None before the first frame)."""
    return getattr(sender, "_RTCRtpSender__encoder", None)
