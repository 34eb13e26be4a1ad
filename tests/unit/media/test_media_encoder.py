"""The VP8 encoder with bitrate hysteresis rebuilds libvpx far less often than aiortc's."""

from __future__ import annotations

import fractions

from aiortc.codecs.vpx import MAX_BITRATE, MIN_BITRATE

from media.capture import TestPatternTrack
from media.encoder import CountingVp8Encoder, StableVp8Encoder


def _ramp(encoder: CountingVp8Encoder | StableVp8Encoder) -> int:
    track = TestPatternTrack(320, 240)
    bitrate = 300_000
    for i in range(40):
        frame = track.make_frame(i, 0)
        frame.pts, frame.time_base = i * 3000, fractions.Fraction(1, 90_000)
        encoder.encode(frame)
        bitrate = int(bitrate * 1.12)  # REMB creeping up, as on a good link
        encoder.target_bitrate = bitrate
    return encoder.rebuilds


def test_hysteresis_cuts_rebuilds() -> None:
    stock = _ramp(CountingVp8Encoder())
    stable = _ramp(StableVp8Encoder())
    assert stock >= 8
    assert stable <= stock // 2


def test_drops_are_followed_at_once() -> None:
    encoder = StableVp8Encoder()
    encoder.target_bitrate = MAX_BITRATE
    high = encoder.target_bitrate
    encoder.target_bitrate = high // 2
    assert encoder.target_bitrate == max(MIN_BITRATE, high // 2)


def test_small_moves_are_ignored() -> None:
    encoder = StableVp8Encoder()
    start = encoder.target_bitrate
    encoder.target_bitrate = int(start * 1.2)
    assert encoder.target_bitrate == start


def test_decoded_frames_are_not_all_keyframes() -> None:
    """Frames from a decoder (a V4L2 camera's MJPEG, a file) carry pict_type I, which
    FFmpeg's libvpx wrapper would turn into a forced keyframe on every frame."""
    import av

    track = TestPatternTrack(320, 240)
    encoder = StableVp8Encoder()
    sizes = []
    for i in range(10):
        frame = track.make_frame(i, 0)
        frame.pict_type = av.video.frame.PictureType.I  # as a decoder hands it out
        frame.pts, frame.time_base = i * 3000, fractions.Fraction(1, 90_000)
        payloads, _ = encoder.encode(frame)
        sizes.append(sum(len(p) for p in payloads))
    keyframes = [s for s in sizes[1:] if s > sizes[0] // 2]
    assert not keyframes, sizes
    assert sizes[0] > 2 * max(sizes[1:])
    frame = track.make_frame(10, 0)
    frame.pts, frame.time_base = 30_000, fractions.Fraction(1, 90_000)
    payloads, _ = encoder.encode(frame, force_keyframe=True)  # a PLI still gets one
    assert sum(len(p) for p in payloads) > sizes[0] // 2
