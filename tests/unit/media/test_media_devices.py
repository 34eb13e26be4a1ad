"""V4L2 camera listing (from a fake sysfs tree) and camera selection with its fallbacks.

The machine running the tests has no camera, so the listing reads a sysfs tree built in
tmp_path, and "opening" a camera means opening a device node that is not there.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import av
import pytest
from aiortc.mediastreams import MediaStreamError

import media.capture as capture
from media.capture import (
    MediaOptions,
    TestPatternTrack,
    V4l2CameraTrack,
    choose_camera,
    open_video_source,
    read_capture_time,
)
from media.devices import Device, list_v4l2_cameras, v4l2_can_capture


def _node(sysfs: Path, dev: Path, name: str, label: str | None, index: str | None) -> None:
    entry = sysfs / name
    entry.mkdir(parents=True)
    if label is not None:
        (entry / "name").write_text(label + "\n")
    if index is not None:
        (entry / "index").write_text(index + "\n")
    dev.mkdir(exist_ok=True)
    (dev / name).touch()  # a regular file: QUERYCAP fails, so sysfs "index" decides


@pytest.fixture
def fake_v4l2(tmp_path: Path) -> tuple[Path, Path]:
    sysfs, dev = tmp_path / "sys" / "class" / "video4linux", tmp_path / "dev"
    _node(sysfs, dev, "video0", "Integrated Camera: Integrated C", "0")
    _node(sysfs, dev, "video1", "Integrated Camera: Integrated C", "1")  # UVC metadata node
    _node(sysfs, dev, "video2", "USB Camera", "0")
    _node(sysfs, dev, "video10", "Dummy video device", None)  # no index file (old kernel)
    _node(sysfs, dev, "video4", None, "0")  # no name: skipped
    (sysfs / "video3").mkdir()  # listed in sysfs, but no device node
    (sysfs / "video3" / "name").write_text("Unplugged\n")
    (sysfs / "v4l-subdev0").mkdir()  # not a video node
    (sysfs / "v4l-subdev0" / "name").write_text("sensor\n")
    return sysfs, dev


def test_lists_capture_nodes_from_sysfs(fake_v4l2: tuple[Path, Path]) -> None:
    sysfs, dev = fake_v4l2
    cameras = list_v4l2_cameras(sysfs, dev)
    assert cameras == [
        Device(str(dev / "video0").encode(), "Integrated Camera: Integrated C", default=True),
        Device(str(dev / "video2").encode(), "USB Camera", default=False),
        Device(str(dev / "video10").encode(), "Dummy video device", default=False),
    ]


def test_listing_without_sysfs_is_empty(tmp_path: Path) -> None:
    assert list_v4l2_cameras(tmp_path / "missing", tmp_path / "dev") == []


def test_real_listing_never_raises() -> None:
    assert isinstance(list_v4l2_cameras(), list)


def test_querycap_on_a_non_device_cannot_tell(tmp_path: Path) -> None:
    (tmp_path / "video0").touch()
    assert v4l2_can_capture(tmp_path / "video0") is None
    assert v4l2_can_capture(tmp_path / "missing") is None


def test_choose_camera(fake_v4l2: tuple[Path, Path], caplog: pytest.LogCaptureFixture) -> None:
    cameras = list_v4l2_cameras(*fake_v4l2)
    assert choose_camera([], b"/dev/video0") is None
    assert choose_camera(cameras, None) == cameras[0]
    assert choose_camera(cameras, cameras[1].id) == cameras[1]
    with caplog.at_level(logging.INFO, logger="media.capture"):
        assert choose_camera(cameras, b"/dev/video99") == cameras[0]
    assert "camera b'/dev/video99' is not connected; using the default camera" in caplog.text


def test_missing_device_falls_back_to_the_test_pattern(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(capture, "CAMERA_BACKEND", "v4l2")
    gone = str(tmp_path / "video7")
    cameras = [Device(gone.encode(), "Gone Camera", default=True)]
    with caplog.at_level(logging.WARNING, logger="media.capture"):
        track, file = open_video_source(MediaOptions(width=320, height=240), cameras)
    try:
        assert isinstance(track, TestPatternTrack) and file is None
        assert (track.width, track.height) == (320, 240)
    finally:
        track.stop()
    assert (
        f"camera {gone} (Gone Camera) cannot be opened: no such device (unplugged?); "
        "using the test pattern" in caplog.text
    )


def test_synthetic_option_never_touches_cameras(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_listing() -> list[Device]:
        raise AssertionError("listed cameras although synthetic=True")

    monkeypatch.setattr(capture, "list_cameras", no_listing)
    track, _ = open_video_source(MediaOptions(synthetic=True))
    assert isinstance(track, TestPatternTrack)
    track.stop()


async def test_camera_that_fails_to_open_serves_the_pattern(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The node vanished between the check and the capture thread's open: the track keeps
    the call going with the test pattern and logs why."""
    device = str(tmp_path / "video5")
    track = V4l2CameraTrack(device, 320, 240, fps=30)
    with caplog.at_level(logging.WARNING, logger="media.capture"):
        frame = await asyncio.wait_for(track.recv(), 5.0)
    try:
        assert isinstance(frame, av.VideoFrame)
        assert (frame.width, frame.height) == (320, 240)
        assert read_capture_time(frame) is not None  # the pattern's stamp
        assert track.fallback is not None and track.frames_captured == 0
        assert f"camera {device} failed to open" in caplog.text
        assert "using the test pattern" in caplog.text
    finally:
        track.stop()
    assert track.fallback.readyState == "ended"


async def test_stopping_a_camera_track_wakes_its_reader(tmp_path: Path) -> None:
    track = V4l2CameraTrack(str(tmp_path / "video6"))
    reader = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    track.stop()
    done, _ = await asyncio.wait([reader], timeout=5.0)
    assert done, "recv still waiting after stop"
    if reader.exception() is None:  # the fallback's frame raced the stop: fine too
        assert isinstance(reader.result(), av.VideoFrame)
    with pytest.raises(MediaStreamError):
        await track.recv()
