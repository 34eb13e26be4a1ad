"""A widget that paints the newest video frame, letterboxed, and nothing else.

Frames arrive as ``QImage`` from the media layer's frame callback. ``push_frame`` only keeps
a reference to the newest image and schedules one repaint (Qt merges repaints, so a fast
source never queues work); painting scales it once into the widget. No ``QLabel.setPixmap``:
a pixmap per frame is an upload plus a layout pass each time.

``push_frame`` may be called from any thread: off the GUI thread it goes through a queued
signal, so the image must own its pixels (``QImage.copy()`` when it wraps a foreign buffer).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt, QThread, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.calls.state import avatar_colour, initials


def fit_rect(source: QSize, bounds: QRect, *, cover: bool = False) -> QRect:
    """The rectangle of ``source``'s aspect ratio centred in ``bounds``: inside it
    (letterbox) or, with ``cover``, filling it (cropped)."""
    if source.isEmpty() or bounds.isEmpty():
        return QRect(bounds)
    mode = (
        Qt.AspectRatioMode.KeepAspectRatioByExpanding
        if cover
        else Qt.AspectRatioMode.KeepAspectRatio
    )
    size = source.scaled(bounds.size(), mode)
    x = bounds.x() + (bounds.width() - size.width()) // 2
    y = bounds.y() + (bounds.height() - size.height()) // 2
    return QRect(x, y, size.width(), size.height())


class VideoWidget(QWidget):
    """Paints the latest frame keeping its aspect ratio; with no frame (camera off, not yet
    connected) it paints the person's initials in a circle.

    Signals: ``first_frame()`` when a frame arrives after none (first, or after ``clear``);
    ``aspect_changed(float)`` when the frame's width/height ratio may have changed.
    """

    first_frame = Signal()
    aspect_changed = Signal(float)
    _frame_from_thread = Signal(QImage)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        cover: bool = False,
        mirrored: bool = False,
        rounded: float = 0.0,
    ) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._cover = cover
        self._mirrored = mirrored
        self._rounded = rounded
        self._name = ""
        self._placeholder_text = ""
        self._video_enabled = True
        self.frames_received = 0
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, rounded == 0.0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._frame_from_thread.connect(self.push_frame, Qt.ConnectionType.QueuedConnection)

    # --- feeding -----------------------------------------------------------------------

    def push_frame(self, image: QImage) -> None:
        """Show ``image`` at the next repaint (the frame callback of the media layer)."""
        if QThread.currentThread() is not self.thread():
            self._frame_from_thread.emit(image)
            return
        if image is None or image.isNull():
            return
        old = self._image
        self._image = image
        self.frames_received += 1
        if old is None or old.size() != image.size():
            if old is None:
                self.first_frame.emit()
            if image.height():
                self.aspect_changed.emit(image.width() / image.height())
        if self._video_enabled:
            self.update()

    def clear(self) -> None:
        """Forget the frame (the camera went off): the placeholder shows again."""
        self._image = None
        self.update()

    def set_person(self, name: str) -> None:
        """Whose video this is: their initials are the placeholder."""
        self._name = name
        self.update()

    def set_placeholder_text(self, text: str) -> None:
        """A line under the initials, e.g. "Camera is off"."""
        self._placeholder_text = text
        self.update()

    def set_video_enabled(self, enabled: bool) -> None:
        """With video disabled the placeholder is painted even if frames keep coming."""
        self._video_enabled = enabled
        self.update()

    def set_mirrored(self, mirrored: bool) -> None:
        self._mirrored = mirrored
        self.update()

    def current_frame(self) -> QImage | None:
        return self._image

    def aspect_ratio(self) -> float | None:
        """Width / height of the current frame, or ``None`` without one."""
        if self._image is None or not self._image.height():
            return None
        return self._image.width() / self._image.height()

    def has_video(self) -> bool:
        return self._image is not None and self._video_enabled

    def video_rect(self) -> QRect:
        """Where the frame is painted (letterboxed), in widget coordinates."""
        if self._image is None:
            return QRect()
        return fit_rect(self._image.size(), self.rect(), cover=self._cover)

    # --- painting ----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self._rounded:
            path = QPainterPath()
            path.addRoundedRect(QRectF(self.rect()), self._rounded, self._rounded)
            painter.setClipPath(path)
        painter.fillRect(self.rect(), QColor("#0f1115"))
        if self.has_video():
            assert self._image is not None
            target = self.video_rect()
            if self._mirrored:
                painter.save()
                painter.translate(self.width(), 0)
                painter.scale(-1, 1)
                target = QRect(
                    self.width() - target.right() - 1, target.y(), target.width(), target.height()
                )
                painter.drawImage(target, self._image)
                painter.restore()
            else:
                painter.drawImage(target, self._image)
        else:
            self._paint_placeholder(painter)
        if self._rounded:
            # An inset over video of the same kind needs an edge to read as separate.
            painter.setClipping(False)
            painter.setPen(QColor(255, 255, 255, 110))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(
                QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), self._rounded, self._rounded
            )
        painter.end()

    def _paint_placeholder(self, painter: QPainter) -> None:
        side = min(self.width(), self.height())
        diameter = max(24, min(140, int(side * 0.42)))
        text_height = 0
        if self._placeholder_text and side >= 120:
            text_height = 28
        cx = self.width() // 2
        cy = (self.height() - text_height) // 2
        circle = QRect(cx - diameter // 2, cy - diameter // 2, diameter, diameter)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(avatar_colour(self._name or "?")))
        painter.drawEllipse(circle)
        font = QFont(self.font())
        font.setPixelSize(max(10, int(diameter * 0.38)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, initials(self._name))
        if text_height:
            small = QFont(self.font())
            small.setPixelSize(13)
            painter.setFont(small)
            painter.setPen(QColor(255, 255, 255, 190))
            painter.drawText(
                QRect(0, circle.bottom() + 8, self.width(), text_height),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                self._placeholder_text,
            )
