"""The aiortc replacements give aiortc's results: the same audio level, the same pictures."""

from __future__ import annotations

import fractions

import aiortc.rtcrtpreceiver as receiver
import aiortc.rtcrtpsender as sender
import aiortc.rtp as rtp
import av
import numpy as np
import pytest
from aiortc.codecs.g711 import PcmuEncoder
from aiortc.codecs.opus import OpusDecoder, OpusEncoder
from aiortc.codecs.vpx import Vp8Decoder, vp8_depayload
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from media import aiortc_patches
from media.aiortc_patches import FfmpegVp8Decoder, MonoOpusEncoder, audio_level_dbov
from media.capture import TestPatternTrack, ToneTrack, read_capture_time
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
    pcmu = RTCRtpCodecParameters(mimeType="audio/PCMU", clockRate=8_000, payloadType=0)
    assert isinstance(sender.get_encoder(opus), MonoOpusEncoder)
    assert isinstance(sender.get_encoder(pcmu), PcmuEncoder)
    assert rtp.compute_audio_level_dbov is audio_level_dbov


async def _tone_frames(count: int) -> list[av.AudioFrame]:
    """The synthetic microphone's frames, without waiting 20 ms for each."""
    track = ToneTrack(frequency=440.0, level=0.3)
    track._pacer.interval = 0.0
    return [await track.recv() for _ in range(count)]


def _opus_round_trip(
    encoder: OpusEncoder, frames: list[av.AudioFrame]
) -> tuple[list[bytes], np.ndarray]:
    packets: list[bytes] = []
    for frame in frames:
        payloads, _ = encoder.encode(frame)
        packets += payloads
    decoder = OpusDecoder()
    pcm = [
        decoded.to_ndarray().reshape(-1, 2)
        for i, packet in enumerate(packets)
        for decoded in decoder.decode(JitterFrame(packet, i * 960))
    ]
    return packets, np.concatenate(pcm)


async def test_mono_opus_carries_the_voice_in_half_the_bits() -> None:
    """Our encoder sends mono Opus (the TOC byte's stereo bit clear), aiortc's stereo
    decoder plays it on both channels at the source's level, as clean a tone as with
    aiortc's stereo encoder, in under 70 % of its bits."""
    frames = await _tone_frames(100)  # 2 s
    ours, ours_pcm = _opus_round_trip(MonoOpusEncoder(), frames)
    stock, stock_pcm = _opus_round_trip(OpusEncoder(), await _tone_frames(100))
    assert ours and all(p[0] & 0b100 == 0 for p in ours)  # mono
    assert all(p[0] & 0b100 for p in stock)  # aiortc's: stereo
    left, right = ours_pcm[:, 0].astype(float), ours_pcm[:, 1].astype(float)
    assert np.array_equal(left, right)
    steady = left[48_000 // 2 :]  # past the encoder's start-up

    def tone_power(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
        bin_440 = round(440 * len(x) / 48_000)
        return float(spectrum[bin_440 - 2 : bin_440 + 3].max() / spectrum.sum())

    # the source's level (aiortc's mono → stereo upmix plays each channel 3 dB lower)
    rms = float(np.sqrt(np.mean(steady**2)))
    assert 0.95 < rms / (0.3 * 32767 / np.sqrt(2)) < 1.05
    assert tone_power(steady) > 0.5 * tone_power(stock_pcm[48_000 // 2 :, 0].astype(float))
    ours_kbps = sum(map(len, ours)) * 8 / 2 / 1000
    stock_kbps = sum(map(len, stock)) * 8 / 2 / 1000
    assert ours_kbps < 0.7 * stock_kbps, (ours_kbps, stock_kbps)
