"""Local media sources, all aiortc ``MediaStreamTrack`` subclasses behind one interface.

- ``TestPatternTrack``: a cheap moving pattern (a precomputed wide luma image scrolled by
  slicing) that stamps its capture time into a block grid in the top-left corner; the
  blocks are macroblock-aligned and black/white, so they survive VP8 and the receiver can
  measure capture → decoded latency with ``read_capture_time``.
- ``ToneTrack``: a 440 Hz tone, 48 kHz mono, 20 ms frames.
- ``open_file_source``: a video (and audio) file through aiortc's ``MediaPlayer``.
- ``V4l2CameraTrack``: a camera on Linux through PyAV's V4L2 demuxer, on its own thread.
- ``QtCameraTrack`` (macOS, Windows) / ``QtMicrophoneTrack``: devices through QtMultimedia.

Which camera layer runs is ``media.devices.CAMERA_BACKEND``. ``open_local_media`` picks a
source for each kind and falls back to the synthetic ones when there is no device, it cannot
be opened, or no Qt application exists (as in tests and benchmarks).
"""

from __future__ import annotations

import array
import asyncio
import errno
import fractions
import logging
import math
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.devices import (
    CAMERA_BACKEND,
    Device,
    list_cameras,
    list_microphones,
    list_speakers,
    v4l2_node_usable,
)

__all__ = [  # the device lists moved to media.devices; importing them from here still works
    "CAMERA_BACKEND",
    "Device",
    "list_cameras",
    "list_microphones",
    "list_speakers",
]

log = logging.getLogger(__name__)

VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
AUDIO_PTIME = 0.020
AUDIO_SAMPLES = int(AUDIO_RATE * AUDIO_PTIME)

# --- the capture timestamp carried in the picture ------------------------------------------

STAMP_COLS = 8
STAMP_ROWS = 6
_STAMP_BITS = STAMP_COLS * STAMP_ROWS  # 40-bit milliseconds + 8-bit check
_TIME_MASK = (1 << 40) - 1
_WHITE, _BLACK = 235, 16


def stamp_block_size(width: int, height: int) -> int:
    """Side of one bit's block: 16 px (one VP8 macroblock) unless the frame is tiny."""
    return 16 if width >= STAMP_COLS * 16 * 2 and height >= STAMP_ROWS * 16 * 2 else 8


def _check(value: int) -> int:
    acc = 0xA5
    for shift in range(0, 40, 8):
        acc = ((acc << 1) | (acc >> 7)) & 0xFF
        acc ^= (value >> shift) & 0xFF
    return acc


def _stamp_bits(ms: int) -> list[int]:
    value = (ms & _TIME_MASK) << 8 | _check(ms & _TIME_MASK)
    return [(value >> (_STAMP_BITS - 1 - i)) & 1 for i in range(_STAMP_BITS)]


def stamp_lines(ms: int, block: int) -> list[bytes]:
    """One luma line per block row (``STAMP_ROWS`` of them, ``STAMP_COLS * block`` wide);
    each is repeated ``block`` times down the frame to carry ``ms`` as black/white
    blocks."""
    bits = _stamp_bits(ms)
    white, black = bytes([_WHITE]) * block, bytes([_BLACK]) * block
    return [
        b"".join(white if bit else black for bit in bits[r * STAMP_COLS : (r + 1) * STAMP_COLS])
        for r in range(STAMP_ROWS)
    ]


def stamp_rows(ms: int, block: int) -> list[bytes]:
    """The luma rows (``STAMP_ROWS * block`` of them, ``STAMP_COLS * block`` wide) that
    carry ``ms`` as black/white blocks."""
    return [line for line in stamp_lines(ms, block) for _ in range(block)]


def read_capture_time(frame: av.VideoFrame) -> int | None:
    """The Unix milliseconds stamped by ``TestPatternTrack`` (mod 2**40), or None when the
    frame carries no valid stamp (another source, or damaged beyond the check byte)."""
    if frame.format.name not in ("yuv420p", "yuvj420p", "nv12", "yuv422p", "yuv444p"):
        return None
    block = stamp_block_size(frame.width, frame.height)
    if frame.height < STAMP_ROWS * block or frame.width < STAMP_COLS * block:
        return None
    plane = frame.planes[0]
    luma = memoryview(plane)
    stride = plane.line_size
    q = block // 4
    value = 0
    for i in range(_STAMP_BITS):
        row, col = divmod(i, STAMP_COLS)
        y0, x0 = row * block, col * block
        total = (
            luma[(y0 + q) * stride + x0 + q]
            + luma[(y0 + q) * stride + x0 + 3 * q]
            + luma[(y0 + 3 * q) * stride + x0 + q]
            + luma[(y0 + 3 * q) * stride + x0 + 3 * q]
        )
        value = value << 1 | int(total > 4 * 125)
    ms, check = value >> 8, value & 0xFF
    return ms if _check(ms) == check else None


def now_ms() -> int:
    return time.time_ns() // 1_000_000 & _TIME_MASK


def latency_ms(stamp: int, at_ms: int | None = None) -> int:
    """Milliseconds from the stamp to ``at_ms`` (now), modulo the stamp's 40-bit range."""
    return ((now_ms() if at_ms is None else at_ms) - stamp) & _TIME_MASK


def fill_plane(plane: Any, rows: list[bytes] | bytes, row_bytes: int, height: int) -> None:
    """Copy rows (or one contiguous buffer) into a frame plane, honouring its stride."""
    stride = plane.line_size
    if isinstance(rows, bytes):
        if stride == row_bytes:
            plane.update(rows)
            return
        rows = [rows[y * row_bytes : (y + 1) * row_bytes] for y in range(height)]
    pad = bytes(stride - row_bytes)
    plane.update(b"".join(rows) if not pad else pad.join(rows) + pad)


# --- synthetic sources ---------------------------------------------------------------------


class _Pacer:
    """Hands out frame indices at a fixed rate against the monotonic clock."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.index = -1
        self.start: float | None = None

    async def next(self) -> int:
        self.index += 1
        if self.start is None:
            self.start = time.monotonic()
        else:
            delay = self.start + self.index * self.interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.5:  # we fell far behind (a stalled loop): do not burst to catch up
                self.start = time.monotonic() - self.index * self.interval
        return self.index


class TestPatternTrack(MediaStreamTrack):
    """Synthetic camera: scrolling diagonal stripes over colour bars, any size and rate,
    each frame stamped with its capture time. A frame is made straight in yuv420p: three
    plane copies from precomputed buffers plus the stamp's ``STAMP_ROWS * block`` short
    row writes (no per-row Python work, no colour conversion)."""

    kind = "video"
    __test__ = False  # not a pytest class

    _PERIOD = 64

    def __init__(
        self, width: int = 640, height: int = 480, fps: float = 30.0, step: int = 4
    ) -> None:
        super().__init__()
        if width % 2 or height % 2:
            raise ValueError("width and height must be even")
        self.width, self.height, self.fps, self._step = width, height, fps, step
        self._pacer = _Pacer(fps)
        # Row y of frame i is ``line[y + offset : y + offset + width]`` (offset = i * step
        # mod the period): every frame is a window of one tall image of ``height + period``
        # such rows, kept with the frame's own strides so a plane is one memcpy.
        self._strides: tuple[int, ...] = ()
        self._luma = memoryview(b"")
        self._u = self._v = b""
        self._build(tuple(p.line_size for p in av.VideoFrame(width, height, "yuv420p").planes))
        self._block = stamp_block_size(width, height)
        self.frames_sent = 0

    def _build(self, strides: tuple[int, ...]) -> None:
        """Precompute the planes for libav's plane strides (row padding included)."""
        width, height = self.width, self.height
        span = width + height + self._PERIOD
        line = bytes(170 if (x % self._PERIOD) < self._PERIOD // 2 else 70 for x in range(span))
        pad = bytes(strides[0] - width)
        self._luma = memoryview(
            b"".join(line[r : r + width] + pad for r in range(height + self._PERIOD))
        )
        bars = (64, 160, 96, 200, 128, 40, 220, 112)
        cw, ch = width // 2, height // 2
        u_row = bytes(bars[x * len(bars) // cw] for x in range(cw)) + bytes(strides[1] - cw)
        v_row = bytes(bars[len(bars) - 1 - x * len(bars) // cw] for x in range(cw))
        self._u, self._v = u_row * ch, (v_row + bytes(strides[2] - cw)) * ch
        self._strides = strides

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        index = await self._pacer.next()
        frame = self.make_frame(index, now_ms())
        frame.pts = int(index * VIDEO_CLOCK / self.fps)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self.frames_sent += 1
        return frame

    def make_frame(self, index: int, ms: int) -> av.VideoFrame:
        """Frame ``index`` of the pattern, stamped with ``ms``."""
        w, h = self.width, self.height
        offset = (index * self._step) % self._PERIOD
        frame = av.VideoFrame(w, h, "yuv420p")
        luma, u, v = frame.planes
        if (luma.line_size, u.line_size, v.line_size) != self._strides:  # not seen so far
            self._build((luma.line_size, u.line_size, v.line_size))
        stride = self._strides[0]
        window = self._luma[offset * stride : (offset + h) * stride]
        luma.update(window)  # type: ignore[arg-type]  # any buffer works; the stub says bytes
        u.update(self._u)
        v.update(self._v)
        block = self._block
        pixels = memoryview(luma)
        sw = STAMP_COLS * block
        for y, srow in enumerate(stamp_lines(ms, block)):
            for row in range(y * block * stride, (y + 1) * block * stride, stride):
                pixels[row : row + sw] = srow
        return frame


class ToneTrack(MediaStreamTrack):
    """Synthetic microphone: a quiet 440 Hz sine, 48 kHz mono s16, 20 ms frames."""

    kind = "audio"

    def __init__(self, frequency: float = 440.0, level: float = 0.1) -> None:
        super().__init__()
        amplitude = level * 32767
        samples = array.array(
            "h",
            (
                int(math.sin(2 * math.pi * frequency * i / AUDIO_RATE) * amplitude)
                for i in range(AUDIO_RATE)
            ),
        )
        if sys.byteorder != "little":
            samples.byteswap()
        self._pcm = samples.tobytes()  # one second: a whole number of periods
        self._pacer = _Pacer(1 / AUDIO_PTIME)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        index = await self._pacer.next()
        start = (index * AUDIO_SAMPLES) % AUDIO_RATE * 2
        frame = av.AudioFrame(format="s16", layout="mono", samples=AUDIO_SAMPLES)
        frame.planes[0].update(self._pcm[start : start + AUDIO_SAMPLES * 2])
        frame.sample_rate = AUDIO_RATE
        frame.pts = index * AUDIO_SAMPLES
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        return frame


# --- file source ---------------------------------------------------------------------------


class FileSource:
    """A looping media file (``--camera-file``) through aiortc's ``MediaPlayer``."""

    def __init__(self, path: str | Path, *, loop: bool = True) -> None:
        from aiortc.contrib.media import MediaPlayer

        self.path = Path(path)
        if not self.path.exists():
            raise FileNotFoundError(self.path)
        self._player = MediaPlayer(str(self.path), loop=loop)

    @property
    def video(self) -> MediaStreamTrack | None:
        return self._player.video

    @property
    def audio(self) -> MediaStreamTrack | None:
        return self._player.audio

    def stop(self) -> None:
        for track in (self._player.video, self._player.audio):
            if track is not None:
                track.stop()


# --- V4L2 camera (Linux) ---------------------------------------------------------------------


class V4l2CameraTrack(MediaStreamTrack):
    """A camera through PyAV's FFmpeg ``video4linux2`` demuxer (Linux).

    A thread of its own opens the device, reads, decodes (MJPEG cameras) and converts to
    yuv420p; the event loop only picks up the newest frame, so a slow camera or a busy
    decoder never stalls the UI. If the device cannot be opened, or stops delivering, the
    track goes on with the test pattern (and says so in the log) rather than freezing the
    call: the user sees that the camera is not working instead of a still picture.
    """

    kind = "video"
    OPEN_RETRY_SECONDS = 1.0
    """How long to retry a busy device (the previous track may still be closing it)."""

    def __init__(self, device: str, width: int = 640, height: int = 480, fps: float = 30.0) -> None:
        super().__init__()
        self.device = device
        self.width, self.height, self.fps = width, height, fps
        self.frames_captured = 0
        self.fallback: TestPatternTrack | None = None
        """The test pattern this track switched to, once the camera failed."""
        self._lock = threading.Lock()
        self._latest: av.VideoFrame | None = None
        self._ready = asyncio.Event()
        self._quit = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _attempts(self) -> list[dict[str, str]]:
        """FFmpeg options to try in order: the size and rate asked for (MJPEG above VGA, as
        most UVC cameras only reach 30 fps there compressed), then whatever the driver
        offers."""
        wanted = {"video_size": f"{self.width}x{self.height}", "framerate": f"{self.fps:g}"}
        attempts = [wanted, {}]
        if self.width * self.height > 640 * 480:
            attempts.insert(0, {**wanted, "input_format": "mjpeg"})
        return attempts

    def _open(self) -> Any:
        last: Exception | None = None
        deadline = time.monotonic() + self.OPEN_RETRY_SECONDS
        for options in self._attempts():
            while not self._quit.is_set():
                try:
                    return av.open(self.device, format="v4l2", options=options)
                except OSError as exc:
                    last = exc
                    if exc.errno == errno.EBUSY and time.monotonic() < deadline:
                        time.sleep(0.05)
                        continue
                    if exc.errno in (errno.ENOENT, errno.EACCES, errno.ENODEV):
                        raise  # no other options will help
                    break
                except Exception as exc:  # noqa: BLE001 - FFmpeg's format/option errors
                    last = exc
                    break
        raise last or MediaStreamError("stopped")

    def _run(self) -> None:
        try:
            container = self._open()
        except Exception as exc:  # noqa: BLE001 - logged, and the call goes on
            if not self._quit.is_set():
                log.warning(
                    "camera %s failed to open (%s); using the test pattern", self.device, exc
                )
                self._notify(fallback=True)
            return
        try:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            log.info(
                "camera %s: %s %dx%d",
                self.device,
                stream.codec_context.name,
                stream.codec_context.width,
                stream.codec_context.height,
            )
            t0 = time.monotonic()
            for packet in container.demux(stream):
                if self._quit.is_set():
                    break
                for frame in packet.decode():
                    if not isinstance(frame, av.VideoFrame):
                        continue
                    if frame.format.name != "yuv420p":
                        frame = frame.reformat(format="yuv420p")
                    frame.pts = int((time.monotonic() - t0) * VIDEO_CLOCK)
                    frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
                    with self._lock:
                        self._latest = frame
                    self.frames_captured += 1
                    self._notify()
            else:
                raise MediaStreamError("the device stopped delivering frames")
        except Exception as exc:  # noqa: BLE001 - unplugged mid-call and the like
            if not self._quit.is_set():
                log.warning("camera %s stopped (%s); using the test pattern", self.device, exc)
                self._notify(fallback=True)
        finally:
            container.close()

    def _notify(self, *, fallback: bool = False) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._wake, fallback)
        except RuntimeError:  # the loop closed meanwhile
            pass

    def _wake(self, fallback: bool) -> None:
        if fallback and self.fallback is None and self.readyState == "live":
            self.fallback = TestPatternTrack(self.width, self.height, self.fps)
        self._ready.set()

    def _start(self) -> None:
        if self._thread is None:
            self._loop = asyncio.get_running_loop()
            self._thread = threading.Thread(
                target=self._run, name=f"camera {self.device}", daemon=True
            )
            self._thread.start()

    async def recv(self) -> av.VideoFrame:
        self._start()
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            if self.fallback is not None:
                return await self.fallback.recv()
            with self._lock:
                frame, self._latest = self._latest, None
            if frame is not None:
                return frame
            await self._ready.wait()
            self._ready.clear()

    def stop(self) -> None:
        """Stop at once; the capture thread closes the device after its current read (at
        most one frame interval) without the loop waiting for it."""
        if self.readyState == "live":
            self._quit.set()
            self._ready.set()
            if self.fallback is not None:
                self.fallback.stop()
        super().stop()


# --- QtMultimedia devices -----------------------------------------------------------------


def _find(devices: list[Any], device_id: bytes | None) -> Any:
    if device_id is None:
        return None
    return next((d for d in devices if bytes(d.id().data()) == device_id), None)


class QtCameraTrack(MediaStreamTrack):
    """A camera through QCamera + QMediaCaptureSession + QVideoSink. Qt delivers frames on
    the GUI thread (the loop's thread under qasync); only the newest frame is kept."""

    kind = "video"

    def __init__(self, device_id: bytes | None = None) -> None:
        super().__init__()
        from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices, QVideoSink

        device = _find(QMediaDevices.videoInputs(), device_id)
        self._camera = QCamera(device) if device is not None else QCamera()
        self._session = QMediaCaptureSession()
        self._session.setCamera(self._camera)
        self._sink = QVideoSink()
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._latest: av.VideoFrame | None = None
        self._ready = asyncio.Event()
        self._t0 = time.monotonic()
        self._camera.start()

    def switch_device(self, device_id: bytes) -> None:
        """Use another camera without renegotiating (the track stays the same)."""
        from PySide6.QtMultimedia import QMediaDevices

        device = _find(QMediaDevices.videoInputs(), device_id)
        if device is not None:
            self._camera.setCameraDevice(device)

    def _on_frame(self, qframe: Any) -> None:
        from PySide6.QtGui import QImage

        image = qframe.toImage().convertToFormat(QImage.Format.Format_RGB32)
        if image.isNull():
            return
        w, h, stride = image.width(), image.height(), image.bytesPerLine()
        data = bytes(image.constBits())[: stride * h]
        frame = av.VideoFrame(w, h, "bgra")  # QImage RGB32 is B, G, R, A in memory
        rows = (
            data if stride == w * 4 else [data[y * stride : y * stride + w * 4] for y in range(h)]
        )
        fill_plane(frame.planes[0], rows, w * 4, h)
        frame.pts = int((time.monotonic() - self._t0) * VIDEO_CLOCK)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self._latest = frame
        self._ready.set()

    async def recv(self) -> av.VideoFrame:
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            await self._ready.wait()
            self._ready.clear()
            if self._latest is not None:
                frame, self._latest = self._latest, None
                return frame

    def stop(self) -> None:
        if self.readyState == "live":
            self._camera.stop()
            self._sink.videoFrameChanged.disconnect(self._on_frame)
            self._ready.set()
        super().stop()


class QtMicrophoneTrack(MediaStreamTrack):
    """A microphone through QAudioSource (48 kHz mono s16), cut into 20 ms frames."""

    kind = "audio"
    _MAX_QUEUED = 25  # 0.5 s: older audio is dropped rather than delayed

    def __init__(self, device_id: bytes | None = None) -> None:
        super().__init__()
        from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices

        fmt = QAudioFormat()
        fmt.setSampleRate(AUDIO_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        device = _find(QMediaDevices.audioInputs(), device_id)
        device = device if device is not None else QMediaDevices.defaultAudioInput()
        self._source = QAudioSource(device, fmt)
        self._io = self._source.start()
        self._io.readyRead.connect(self._on_ready)
        self._pending = b""
        self._frames: asyncio.Queue[av.AudioFrame | None] = asyncio.Queue()
        self._pts = 0

    def _on_ready(self) -> None:
        self._pending += bytes(self._io.readAll().data())
        size = AUDIO_SAMPLES * 2
        while len(self._pending) >= size:
            chunk, self._pending = self._pending[:size], self._pending[size:]
            frame = av.AudioFrame(format="s16", layout="mono", samples=AUDIO_SAMPLES)
            frame.planes[0].update(chunk)
            frame.sample_rate = AUDIO_RATE
            frame.pts = self._pts
            frame.time_base = fractions.Fraction(1, AUDIO_RATE)
            self._pts += AUDIO_SAMPLES
            if self._frames.qsize() >= self._MAX_QUEUED:
                self._frames.get_nowait()
            self._frames.put_nowait(frame)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self._frames.get()
        if frame is None:
            raise MediaStreamError
        return frame

    def stop(self) -> None:
        if self.readyState == "live":
            self._source.stop()
            self._frames.put_nowait(None)
        super().stop()


# --- choosing sources ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MediaOptions:
    """What the user (or a test) asked for. ``synthetic`` forces the test sources."""

    camera_id: bytes | None = None
    microphone_id: bytes | None = None
    speaker_id: bytes | None = None
    camera_file: str | None = None
    synthetic: bool = False
    width: int = 640
    height: int = 480
    fps: float = 30.0


class LocalMedia:
    """The call's own sources: ``audio`` and ``video`` (None for audio calls). Closing stops
    the devices."""

    def __init__(
        self,
        audio: MediaStreamTrack,
        video: MediaStreamTrack | None,
        file: FileSource | None = None,
    ) -> None:
        self.audio = audio
        self.video = video
        self._file = file

    def stop(self) -> None:
        self.audio.stop()
        if self.video is not None:
            self.video.stop()
        if self._file is not None:
            self._file.stop()


def choose_camera(cameras: list[Device], wanted: bytes | None) -> Device | None:
    """The camera with id ``wanted`` if it is listed, else the default one (None: no
    camera)."""
    if not cameras:
        return None
    chosen = next((c for c in cameras if c.id == wanted), None) if wanted else None
    if chosen is None and wanted:
        log.info("camera %r is not connected; using the default camera", wanted)
    return chosen or next((c for c in cameras if c.default), cameras[0])


def open_camera(
    options: MediaOptions, cameras: list[Device] | None = None
) -> MediaStreamTrack | None:
    """The camera ``options`` asks for on this platform's backend (``CAMERA_BACKEND``), or
    None when there is none or it cannot be opened (the reason is logged)."""
    camera = choose_camera(list_cameras() if cameras is None else cameras, options.camera_id)
    if camera is None:
        return None
    try:
        if CAMERA_BACKEND == "v4l2":
            node = camera.id.decode(errors="replace")
            usable, why = v4l2_node_usable(node)
            if not usable:
                log.warning(
                    "camera %s (%s) cannot be opened: %s; using the test pattern",
                    node,
                    camera.name,
                    why,
                )
                return None
            return V4l2CameraTrack(node, options.width, options.height, options.fps)
        return QtCameraTrack(camera.id)
    except Exception:
        log.exception("camera %s failed to open; using the test pattern", camera.name)
        return None


def open_video_source(
    options: MediaOptions, cameras: list[Device] | None = None
) -> tuple[MediaStreamTrack, FileSource | None]:
    """The file asked for, else the camera asked for, else the default camera, else the test
    pattern. ``cameras`` overrides the device list (tests)."""
    if options.camera_file:
        file = FileSource(options.camera_file)
        if file.video is not None:
            return file.video, file
        file.stop()
    if not options.synthetic:
        camera = open_camera(options, cameras)
        if camera is not None:
            return camera, None
    return TestPatternTrack(options.width, options.height, options.fps), None


def open_audio_source(options: MediaOptions) -> MediaStreamTrack:
    """The microphone asked for, else the default one, else the tone."""
    if not options.synthetic and list_microphones():
        try:
            return QtMicrophoneTrack(options.microphone_id)
        except Exception:
            log.exception("microphone failed to open; using the tone")
    return ToneTrack()


def open_local_media(options: MediaOptions, *, video: bool) -> LocalMedia:
    """Open the sources for a call (falls back to synthetic ones where no device exists)."""
    audio = open_audio_source(options)
    if not video:
        return LocalMedia(audio, None)
    track, file = open_video_source(options)
    return LocalMedia(audio, track, file)
