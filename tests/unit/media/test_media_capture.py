"""Synthetic sources: the capture timestamp survives VP8; tone frames are 20 ms at 48 kHz."""

from __future__ import annotations

import fractions

import pytest
from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError

from media.capture import (
    AUDIO_RATE,
    AUDIO_SAMPLES,
    STAMP_COLS,
    STAMP_ROWS,
    TestPatternTrack,
    ToneTrack,
    latency_ms,
    now_ms,
    read_capture_time,
    stamp_block_size,
)


@pytest.mark.parametrize("size", [(640, 480), (1280, 720), (320, 240), (176, 144)])
def test_stamp_round_trips_raw(size: tuple[int, int]) -> None:
    track = TestPatternTrack(*size)
    stamp = now_ms()
    frame = track.make_frame(7, stamp)
    assert (frame.width, frame.height) == size
    assert read_capture_time(frame) == stamp


def test_stamp_survives_vp8() -> None:
    track = TestPatternTrack(640, 480)
    encoder, decoder = Vp8Encoder(), Vp8Decoder()
    stamps = [1_700_000_000_000 + 33 * i for i in range(30)]
    decoded: list[int | None] = []
    for i, stamp in enumerate(stamps):
        frame = track.make_frame(i, stamp)
        frame.pts, frame.time_base = i * 3000, fractions.Fraction(1, 90_000)
        payloads, timestamp = encoder.encode(frame)
        data = b"".join(p[len(bytes(_descriptor(p))) :] for p in payloads)
        for out in decoder.decode(JitterFrame(data=data, timestamp=timestamp)):
            decoded.append(read_capture_time(out))
    assert decoded == [s & ((1 << 40) - 1) for s in stamps]


def _descriptor(payload: bytes) -> bytes:
    from aiortc.codecs.vpx import VpxPayloadDescriptor

    descriptor, rest = VpxPayloadDescriptor.parse(payload)
    return payload[: len(payload) - len(rest)]


def test_frames_without_a_stamp_read_as_none() -> None:
    import av

    frame = av.VideoFrame(640, 480, "yuv420p")
    for plane in frame.planes:
        plane.update(bytes([128]) * plane.buffer_size)
    assert read_capture_time(frame) is None


def test_latency_wraps() -> None:
    assert latency_ms(100, 130) == 30
    assert latency_ms((1 << 40) - 10, 5) == 15


async def test_pattern_paces_and_stops() -> None:
    track = TestPatternTrack(320, 240, fps=50)
    first = await track.recv()
    second = await track.recv()
    assert second.pts - first.pts == 90_000 // 50
    assert read_capture_time(second) is not None
    track.stop()
    with pytest.raises(MediaStreamError):
        await track.recv()


async def test_tone_frames() -> None:
    track = ToneTrack()
    frame = await track.recv()
    assert frame.samples == AUDIO_SAMPLES == AUDIO_RATE // 50
    assert frame.sample_rate == AUDIO_RATE
    assert frame.format.name == "s16" and frame.layout.name == "mono"
    pcm = bytes(frame.planes[0])[: AUDIO_SAMPLES * 2]
    assert any(pcm)
    nxt = await track.recv()
    assert nxt.pts == AUDIO_SAMPLES
    track.stop()


async def test_file_source_plays_a_video_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import av

    from media.capture import MediaOptions, open_local_media

    path = tmp_path / "clip.webm"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libvpx", rate=30)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        pattern = TestPatternTrack(160, 120)
        for i in range(15):
            for packet in stream.encode(pattern.make_frame(i, 0)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    media = open_local_media(MediaOptions(camera_file=str(path)), video=True)
    try:
        assert media.video is not None and not isinstance(media.video, TestPatternTrack)
        frame = await media.video.recv()
        assert (frame.width, frame.height) == (160, 120)
    finally:
        media.stop()


def test_no_devices_falls_back_to_synthetic(monkeypatch: pytest.MonkeyPatch) -> None:
    import media.capture as capture
    from media.capture import MediaOptions, open_local_media

    # a computer with no camera and no microphone, whatever this test machine has
    monkeypatch.setattr(capture, "list_cameras", lambda: [])
    monkeypatch.setattr(capture, "list_microphones", lambda: [])
    media = open_local_media(MediaOptions(), video=True)
    assert isinstance(media.video, TestPatternTrack) and isinstance(media.audio, ToneTrack)
    media.stop()


@pytest.mark.parametrize("size", [(1280, 720), (322, 242)])  # 322: padded strides
def test_pattern_is_the_scrolled_stripes_with_the_stamp(size: tuple[int, int]) -> None:
    """Frames are windows of one precomputed image: row y of frame i is the stripe line
    shifted by i * step, the stamp overwrites only its corner, and the chroma is fixed."""
    width, height = size
    track = TestPatternTrack(width, height)
    period = TestPatternTrack._PERIOD
    line = bytes(170 if x % period < period // 2 else 70 for x in range(width + height + period))
    stamp_w = STAMP_COLS * stamp_block_size(width, height)
    stamp_h = STAMP_ROWS * stamp_block_size(width, height)
    for index in (0, 1, 15, 16, 17):
        frame = track.make_frame(index, 123_456_789)
        offset = index * 4 % period
        luma = frame.planes[0]
        data = bytes(luma)
        for y in range(height):
            row = data[y * luma.line_size : y * luma.line_size + width]
            start = stamp_w if y < stamp_h else 0
            assert row[start:] == line[y + offset + start : y + offset + width], (index, y)
        assert read_capture_time(frame) == 123_456_789
        assert frame.format.name == "yuv420p"
