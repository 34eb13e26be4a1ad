"""Video frames for the UI: the latest decoded frame per stream, an fps counter, and QImage
conversion done once at the size shown (in a worker thread when large).

A ``VideoSinkHub`` never blocks the loop: ``push`` only stores a reference and notifies
listeners; a window (call window, PiP) calls ``await hub.image(w, h)`` when it repaints, so
frames nobody looks at are never converted.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Callable

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

log = logging.getLogger(__name__)

THREAD_PIXELS = 320 * 240
"""Conversions of more output pixels than this run in ``asyncio.to_thread``."""

FrameListener = Callable[[av.VideoFrame], None]


class VideoSinkHub:
    """The newest frame of one video stream. Listeners get each frame (cheap: a reference);
    ``image()`` converts the newest frame to a ``QImage`` and caches it per size."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.frame: av.VideoFrame | None = None
        self.frames = 0
        self._times: collections.deque[float] = collections.deque(maxlen=120)
        self._listeners: list[FrameListener] = []
        self._cache: tuple[int, tuple[int, int], object] | None = None

    def add_listener(self, listener: FrameListener) -> Callable[[], None]:
        """Call ``listener(frame)`` for every new frame; returns the remover. Listeners must
        be quick (schedule a repaint, read a stamp), never convert inline."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def push(self, frame: av.VideoFrame) -> None:
        self.frame = frame
        self.frames += 1
        self._times.append(time.monotonic())
        for listener in list(self._listeners):
            try:
                listener(frame)
            except Exception:
                log.exception("video listener failed")

    def feed(self, callback: ImageCallback, size: SizeProvider | None = None) -> ImageFeed:
        """Deliver frames as ``QImage`` to ``callback`` (see ``ImageFeed``); close it when
        the window goes away."""
        return ImageFeed(self, callback, size)

    def clear(self) -> None:
        self.frame = None
        self._cache = None

    @property
    def fps(self) -> float:
        """Frames per second over the last two seconds."""
        now = time.monotonic()
        recent = [t for t in self._times if now - t <= 2.0]
        if len(recent) < 2:
            return 0.0
        span = now - recent[0]
        return (len(recent) - 1) / span if span > 0 else 0.0

    @property
    def size(self) -> tuple[int, int] | None:
        """(width, height) of the stream, for the window's aspect ratio."""
        return (self.frame.width, self.frame.height) if self.frame is not None else None

    async def image(self, width: int | None = None, height: int | None = None) -> object | None:
        """The newest frame as a ``QImage`` (RGB32) scaled to ``width`` x ``height`` (default:
        the frame's size), or None before the first frame."""
        frame = self.frame
        if frame is None:
            return None
        size = (width or frame.width, height or frame.height)
        cached = self._cache
        if cached is not None and cached[0] == self.frames and cached[1] == size:
            return cached[2]
        serial = self.frames
        if size[0] * size[1] > THREAD_PIXELS:
            image = await asyncio.to_thread(frame_to_qimage, frame, *size)
        else:
            image = frame_to_qimage(frame, *size)
        self._cache = (serial, size, image)
        return image


def frame_to_qimage(frame: av.VideoFrame, width: int, height: int) -> object:
    """Scale and convert in one libswscale pass, then wrap the bytes in a QImage (owned)."""
    from PySide6.QtGui import QImage

    rgb = frame.reformat(width=width, height=height, format="bgra")
    plane = rgb.planes[0]
    data = bytes(plane)
    image = QImage(data, width, height, plane.line_size, QImage.Format.Format_RGB32)
    return image.copy()  # detach from ``data``


async def consume_video(track: MediaStreamTrack, hub: VideoSinkHub) -> None:
    """Read ``track`` until it ends, publishing each frame to ``hub``."""
    try:
        while True:
            frame = await track.recv()
            if isinstance(frame, av.VideoFrame):
                hub.push(frame)
    except MediaStreamError:
        pass


SizeProvider = Callable[[], "tuple[int, int] | None"]
ImageCallback = Callable[[object], None]


def fit_size(frame_size: tuple[int, int], bounds: tuple[int, int] | None) -> tuple[int, int]:
    """The largest even size of the frame's aspect ratio inside ``bounds`` (never larger
    than the frame: upscaling is left to the painter, for free)."""
    fw, fh = frame_size
    if not bounds or bounds[0] <= 0 or bounds[1] <= 0:
        return fw, fh
    scale = min(bounds[0] / fw, bounds[1] / fh, 1.0)
    return max(2, int(fw * scale) & ~1), max(2, int(fh * scale) & ~1)


class ImageFeed:
    """Pushes a hub's newest frame, as a ``QImage`` at the size shown, to ``callback`` (e.g.
    ``VideoWidget.push_frame``). At most one conversion is in flight; frames that arrive
    meanwhile collapse into the newest, so a slow consumer never builds a queue. ``size``
    returns the widget's size (None: the frame's own size)."""

    def __init__(
        self, hub: VideoSinkHub, callback: ImageCallback, size: SizeProvider | None = None
    ) -> None:
        self._hub = hub
        self._callback = callback
        self._size = size
        self._dirty = False
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0
        self._remove = hub.add_listener(self._on_frame)

    def _on_frame(self, frame: av.VideoFrame) -> None:
        self._dirty = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while self._dirty:
            self._dirty = False
            frame_size = self._hub.size
            if frame_size is None:
                return
            width, height = fit_size(frame_size, self._size() if self._size else None)
            image = await self._hub.image(width, height)
            if image is not None:
                self.delivered += 1
                try:
                    self._callback(image)
                except Exception:
                    log.exception("image callback failed")

    async def close(self) -> None:
        """Stop delivering and wait for a conversion in flight."""
        self._remove()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
