"""Frames for the UI: latest frame, fps, QImage at the size shown, a feed that never queues."""

from __future__ import annotations

import asyncio

from media.capture import TestPatternTrack
from media.render import VideoSinkHub, fit_size


def test_fit_size_keeps_aspect_and_never_upscales() -> None:
    assert fit_size((1280, 720), (640, 640)) == (640, 360)
    assert fit_size((640, 480), (1920, 1080)) == (640, 480)
    assert fit_size((640, 480), None) == (640, 480)
    w, h = fit_size((1280, 720), (333, 333))
    assert w % 2 == 0 and h % 2 == 0


async def test_hub_converts_latest_frame_once_per_size() -> None:
    hub = VideoSinkHub()
    assert await hub.image() is None
    track = TestPatternTrack(1280, 720)
    hub.push(track.make_frame(0, 0))
    image = await hub.image(640, 360)  # large: converted in a worker thread
    assert image is not None
    assert (image.width(), image.height()) == (640, 360)  # type: ignore[attr-defined]
    assert await hub.image(640, 360) is image  # cached until the next frame
    small = await hub.image(160, 90)
    assert small is not image
    assert hub.size == (1280, 720)


async def test_feed_collapses_frames_to_the_newest() -> None:
    hub = VideoSinkHub()
    track = TestPatternTrack(320, 240)
    images: list[object] = []
    feed = hub.feed(images.append, size=lambda: (160, 160))
    for i in range(10):  # a burst within one loop iteration
        hub.push(track.make_frame(i, 0))
    for _ in range(20):
        await asyncio.sleep(0.01)
    assert 1 <= len(images) <= 2  # not one conversion per frame
    assert (images[-1].width(), images[-1].height()) == (160, 120)  # type: ignore[attr-defined]
    assert hub.frames == 10
    await feed.close()
    hub.push(track.make_frame(11, 0))
    await asyncio.sleep(0.02)
    assert len(images) <= 2
