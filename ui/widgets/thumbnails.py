"""Photo thumbnails, downloaded and decoded off the event loop, cached in memory.

Signals: ``ready(str)`` with the sha256 whose thumbnail just became available.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader

from ui.tasks import TaskOwner, in_thread

log = logging.getLogger(__name__)

MAX_SIDE = 320


def decode_thumbnail(path: str, max_side: int = MAX_SIDE) -> QImage:
    """Decode ``path`` scaled to fit ``max_side`` (runs on a worker thread)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > max_side or size.height() > max_side):
        reader.setScaledSize(
            size.scaled(QSize(max_side, max_side), Qt.AspectRatioMode.KeepAspectRatio)
        )
    image = reader.read()
    if image.isNull():
        raise ValueError(f"cannot decode {path}: {reader.errorString()}")
    return image


class ThumbnailCache(QObject):
    ready = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[str]] | None = None,
        capacity: int = 200,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._loading: set[str] = set()
        self._failed: set[str] = set()
        self._capacity = capacity
        self._tasks = TaskOwner("thumbnails")

    def set_fetcher(self, fetch: Callable[[str], Awaitable[str]]) -> None:
        self._fetch = fetch

    def get(self, sha: str, local_path: str = "") -> QImage | None:
        img = self._images.get(sha)
        if img is not None:
            self._images.move_to_end(sha)
            return img
        if sha not in self._loading and sha not in self._failed:
            self._loading.add(sha)
            self._tasks.run(
                self._load(sha, local_path),
                lambda img, s=sha: self._done(s, img),
                lambda exc, s=sha: self._fail(s, exc),
            )
        return None

    def is_failed(self, sha: str) -> bool:
        return sha in self._failed

    async def _load(self, sha: str, local_path: str) -> QImage:
        path = local_path
        if not path:
            if self._fetch is None:
                raise FileNotFoundError(sha)
            path = await self._fetch(sha)
        return await in_thread(decode_thumbnail, path)

    def _done(self, sha: str, img: QImage) -> None:
        self._loading.discard(sha)
        self._images[sha] = img
        while len(self._images) > self._capacity:
            self._images.popitem(last=False)
        self.ready.emit(sha)

    def _fail(self, sha: str, exc: BaseException) -> None:
        self._loading.discard(sha)
        self._failed.add(sha)
        log.info("thumbnail %s failed: %s", sha[:12], exc)
        self.failed.emit(sha)

    async def aclose(self) -> None:
        await self._tasks.aclose()
