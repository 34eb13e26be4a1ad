"""The aiortc replacements give aiortc's results: the same audio level, the same pictures."""

from __future__ import annotations

import fractions

import aiortc.rtcrtpreceiver as receiver
import aiortc.rtp as rtp
import av
import numpy as np
import pytest
from aiortc.codecs.opus import OpusDecoder
from aiortc.codecs.vpx import Vp8Decoder, vp8_depayload
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from media import aiortc_patches
from media.aiortc_patches import FfmpegVp8Decoder, audio_level_dbov
from media.capture import TestPatternTrack, read_capture_time
from media.encoder import StableVp8Encoder

STOCK_LEVEL = rtp.compute_audio_level_dbov  # collected before any test installs ours
assert STOCK_LEVEL is not audio_level_dbov


def _audio(samples: np.ndarray, layout: str = "mono") -> av.AudioFrame:
    frame = av.AudioFrame(format="s16", layout=layout, samples=960)
    frame.planes[0].update(samples.astype(np.int16).tobytes())
    frame.sample_rate = 48_000
    return frame


@pytest.mark.parametrize("amplitude", [0, 1, 30, 1000, 3276, 20000, 32767])
def test_audio_level_matches_aiortc(amplitude: int) -> None:
    rng = np.random.default_rng(amplitude)
    t = np.arange(960)
    tone = amplitude * np.sin(2 * np.pi * 440 * t / 48_000)
    noisy = np.clip(tone + rng.normal(0, amplitude / 10 + 1e-9, 960), -32768, 32767)
    for samples in (tone, noisy, -np.abs(tone)):
        frame = _audio(samples)
        assert audio_level_dbov(frame) == STOCK_LEVEL(frame)
    stereo = _audio(np.repeat(noisy, 2), "stereo")
    assert audio_level_dbov(stereo) == STOCK_LEVEL(stereo)


def test_audio_level_matches_aiortc_on_many_frames() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        scale = 10 ** rng.uniform(0, 4.5)
        frame = _audio(np.clip(rng.normal(0, scale, 960), -32768, 32767))
        assert audio_level_dbov(frame) == STOCK_LEVEL(frame)


def _encoded(sizes: list[tuple[int, int]], per_size: int = 6) -> list[tuple[bytes, int, int]]:
    """(VP8 frame, capture stamp, width) for a call that changes resolution midway."""
    encoder = StableVp8Encoder()
    out = []
    index = 0
    for width, height in sizes:
        track = TestPatternTrack(width, height)
        for _ in range(per_size):
            stamp = 1_000_000 + index * 33
            frame = track.make_frame(index, stamp)
            frame.pts, frame.time_base = index * 3000, fractions.Fraction(1, 90_000)
            payloads, timestamp = encoder.encode(frame)
            out.append((b"".join(vp8_depayload(p) for p in payloads), stamp, width))
            index += 1
    return out


def test_ffmpeg_decoder_gives_libvpx_pictures() -> None:
    ours, stock = FfmpegVp8Decoder(), Vp8Decoder()
    for data, stamp, width in _encoded([(320, 240), (640, 480)]):
        (a,) = ours.decode(JitterFrame(data, 0))
        (b,) = stock.decode(JitterFrame(data, 0))
        assert isinstance(a, av.VideoFrame) and isinstance(b, av.VideoFrame)
        assert (a.width, a.format.name) == (width, "yuv420p")
        assert read_capture_time(a) == stamp
        assert np.array_equal(a.to_ndarray(), b.to_ndarray())  # VP8 decoding is exact


def test_profile_one_from_720p() -> None:
    """Both decoders read the bitstream version the encoder writes from 720p up."""
    data = _encoded([(1280, 720)], per_size=2)
    assert (data[0][0][0] >> 1) & 7 == 1  # a keyframe's version bits
    ours, stock = FfmpegVp8Decoder(), Vp8Decoder()
    for frame, stamp, _ in data:
        (a,) = ours.decode(JitterFrame(frame, 0))
        (b,) = stock.decode(JitterFrame(frame, 0))
        assert read_capture_time(a) == stamp
        assert np.array_equal(a.to_ndarray(), b.to_ndarray())
    assert (_encoded([(640, 480)], per_size=1)[0][0][0] >> 1) & 7 == 0


def test_install_routes_vp8_only() -> None:
    aiortc_patches.install()
    aiortc_patches.install()  # once per process, whoever calls
    vp8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90_000, payloadType=97)
    opus = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48_000, payloadType=96)
    assert isinstance(receiver.get_decoder(vp8), FfmpegVp8Decoder)
    assert isinstance(receiver.get_decoder(opus), OpusDecoder)
    assert rtp.compute_audio_level_dbov is audio_level_dbov
