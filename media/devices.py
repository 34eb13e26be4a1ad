"""Which capture and playback devices exist, and which layer opens the camera here.

``CAMERA_BACKEND`` is the one place the per-platform choice is made (docs/calls.md, "Camera
backends", has the reasons):

- ``"v4l2"`` on Linux: cameras are listed from sysfs (``/sys/class/video4linux``) and opened
  with PyAV's FFmpeg ``video4linux2`` demuxer (``media.capture.V4l2CameraTrack``), read and
  converted on its own thread. The bundle then leaves out Qt's FFmpeg multimedia plugin and
  what only it needs (a second FFmpeg, QtQuick, QtQml): about 36 MB.
- ``"qt"`` on macOS and Windows: QCamera through Qt's FFmpeg multimedia plugin
  (``media.capture.QtCameraTrack``), which wraps AVFoundation / Media Foundation.

Microphones and speakers always go through QtMultimedia (``QAudioSource`` / ``QAudioSink``):
their backend (PulseAudio on Linux, CoreAudio, WASAPI) is part of libQt6Multimedia itself
and works without the FFmpeg plugin.

Only the standard library is imported at the top: the UI lists devices without paying for
PyAV, aiortc or QtMultimedia until it needs them. Without a Qt application every list is
empty, so tests and benchmarks never grab the machine's real camera or microphone.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

CameraBackend = Literal["v4l2", "qt"]

CAMERA_BACKEND: CameraBackend = "v4l2" if sys.platform.startswith("linux") else "qt"
"""How cameras are listed and opened on this platform (packaging reads it too)."""

SYSFS_V4L2 = Path("/sys/class/video4linux")
DEV = Path("/dev")


@dataclass(frozen=True, slots=True)
class Device:
    """A device as the settings page lists it. ``id`` is what the capture code opens: Qt's
    device id, or for V4L2 cameras the device node (``b"/dev/video0"``, which is also the id
    Qt's own V4L2 backend used, so choices saved before the switch still match)."""

    id: bytes
    name: str
    default: bool = False


def _qt_app_running() -> bool:
    """Whether a Qt application object exists. Without one QtMultimedia cannot deliver
    anything, and a process that never imported Qt has none: checking ``sys.modules``
    avoids importing PySide6 (~100 ms) in the middle of a headless call."""
    qtcore = sys.modules.get("PySide6.QtCore")
    return qtcore is not None and qtcore.QCoreApplication.instance() is not None


# --- V4L2 cameras ------------------------------------------------------------------------------

# struct v4l2_capability: driver[16] card[32] bus_info[32] version capabilities device_caps
# reserved[3]; VIDIOC_QUERYCAP = _IOR('V', 0, struct v4l2_capability)
_CAPABILITY = struct.Struct("16s32s32sIII12x")
VIDIOC_QUERYCAP = (2 << 30) | (_CAPABILITY.size << 16) | (ord("V") << 8) | 0
V4L2_CAP_VIDEO_CAPTURE = 0x00000001
V4L2_CAP_VIDEO_CAPTURE_MPLANE = 0x00001000
V4L2_CAP_DEVICE_CAPS = 0x80000000


def v4l2_can_capture(node: Path) -> bool | None:
    """Whether the device node captures video (``VIDIOC_QUERYCAP``): False for the metadata,
    output and codec nodes a driver adds beside a camera; None when the node cannot be asked
    (not a V4L2 device, or no permission)."""
    import fcntl  # POSIX only; this module is imported on Windows too

    try:
        fd = os.open(node, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        buffer = bytearray(_CAPABILITY.size)
        fcntl.ioctl(fd, VIDIOC_QUERYCAP, buffer)
    except OSError:
        return None
    finally:
        os.close(fd)
    *_, capabilities, device_caps = _CAPABILITY.unpack(bytes(buffer))
    caps = device_caps if capabilities & V4L2_CAP_DEVICE_CAPS else capabilities
    return bool(caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE))


def _node_number(entry: Path) -> int:
    match = re.fullmatch(r"video(\d+)", entry.name)
    return int(match.group(1)) if match else -1


def list_v4l2_cameras(sysfs: Path = SYSFS_V4L2, dev: Path = DEV) -> list[Device]:
    """The V4L2 capture devices, lowest node first (that one is the default).

    Each ``sysfs/videoN`` with a ``name`` and an existing ``dev/videoN`` counts when the
    node says it captures video; when it cannot be asked, sysfs ``index`` 0 decides (a UVC
    camera's second node, index 1, carries metadata only). Never raises.
    """
    try:
        entries = sorted((e for e in sysfs.iterdir() if _node_number(e) >= 0), key=_node_number)
    except OSError:
        return []
    found: list[Device] = []
    for entry in entries:
        node = dev / entry.name
        try:
            name = (entry / "name").read_text("utf-8", errors="replace").strip()
        except OSError:
            continue
        if not name or not node.exists():
            continue
        capture = v4l2_can_capture(node)
        if capture is None:
            try:
                capture = (entry / "index").read_text().strip() in ("", "0")
            except OSError:
                capture = True  # old kernels have no index: assume one node per camera
        if capture:
            found.append(Device(str(node).encode(), name, default=not found))
    return found


def v4l2_node_usable(node: str) -> tuple[bool, str]:
    """(whether ``node`` can be opened for capture, why not): a cheap check before starting
    a capture thread on it."""
    try:
        fd = os.open(node, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        reason = {
            errno.ENOENT: "no such device (unplugged?)",
            errno.EACCES: "permission denied (is the user in the 'video' group?)",
        }.get(exc.errno or 0, exc.strerror or str(exc))
        return False, reason
    os.close(fd)
    return True, ""


# --- what the settings page and the capture code list --------------------------------------


def list_cameras() -> list[Device]:
    """Cameras on this platform's backend; empty without a Qt application or cameras."""
    if not _qt_app_running():
        return []
    if CAMERA_BACKEND == "v4l2":
        return list_v4l2_cameras()
    from PySide6.QtMultimedia import QMediaDevices

    default = QMediaDevices.defaultVideoInput()
    return [
        Device(bytes(d.id().data()), d.description(), d.id() == default.id())
        for d in QMediaDevices.videoInputs()
    ]


def list_microphones() -> list[Device]:
    if not _qt_app_running():
        return []
    from PySide6.QtMultimedia import QMediaDevices

    default = QMediaDevices.defaultAudioInput()
    return [
        Device(bytes(d.id().data()), d.description(), d.id() == default.id())
        for d in QMediaDevices.audioInputs()
    ]


def list_speakers() -> list[Device]:
    if not _qt_app_running():
        return []
    from PySide6.QtMultimedia import QMediaDevices

    default = QMediaDevices.defaultAudioOutput()
    return [
        Device(bytes(d.id().data()), d.description(), d.id() == default.id())
        for d in QMediaDevices.audioOutputs()
    ]
