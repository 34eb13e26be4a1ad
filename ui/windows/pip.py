"""The picture-in-picture window: the call in a small always-on-top video over everything.

It appears when the call window is minimised or hidden while the call goes on. It never
takes the keyboard focus (the user is typing in a chat), can be dragged anywhere, resized from
its edges and corners keeping the video's aspect ratio, and on release it snaps to the nearest
corner of the screen it is on. When screens come and go or change size, it re-clamps itself to
the screen it is on.
"""

from __future__ import annotations

import math

from PySide6.QtCore import (
    QEasingCurve,
    QEvent,
    QObject,
    QPoint,
    QPropertyAnimation,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QCursor,
    QEnterEvent,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QScreen,
)
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from ui.calls.video import VideoWidget
from ui.calls.widgets import RED, Fader, RoundButton

_Edge = Qt.Edge


class PipWindow(QWidget):
    """A frameless, always-on-top, non-activating video window for a running call.

    Signals: ``return_to_call_requested()`` (double-click or the expand button),
    ``hangup_requested()``, ``mute_toggled(bool muted)``, ``camera_toggled(bool enabled)``,
    ``snapped(QPoint)`` (after it settled in a corner, with its final top-left),
    ``resized_by_user(QSize)``.
    """

    return_to_call_requested = Signal()
    hangup_requested = Signal()
    mute_toggled = Signal(bool)
    camera_toggled = Signal(bool)
    snapped = Signal(QPoint)
    resized_by_user = Signal(QSize)

    MARGIN = 16
    """Gap between the window and the screen's edges once snapped."""
    GRIP = 8
    """Width of the band along the edges that resizes instead of moving."""
    MIN_WIDTH = 180
    DEFAULT_WIDTH = 320
    MAX_SCREEN_FRACTION = 0.6
    SNAP_ANIMATION_MS = 160

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("PipWindow")
        self.setWindowTitle(self.tr("Call"))
        self._aspect = 16 / 9
        self._press_global: QPoint | None = None
        self._press_geometry = QRect()
        self._press_edges = _Edge(0)
        self._moved = False
        self._ended = False

        self.remote = VideoWidget(self)
        self.local = VideoWidget(self, cover=True, mirrored=True, rounded=6)
        self.remote.aspect_changed.connect(self.set_aspect_ratio)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("PipStatus")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(
            "background: rgba(15,17,21,200); color: white; border-radius: 6px;"
            " padding: 4px 8px; font-size: 12px;"
        )
        self.status_label.hide()

        self.controls = _ControlsBar(self)
        self.controls.setObjectName("PipControls")
        row = QHBoxLayout(self.controls)
        row.setContentsMargins(8, 6, 8, 6)
        row.setSpacing(8)
        self.mute_button = RoundButton("mic", diameter=34, checked_icon="mic_off")
        self.mute_button.setCheckable(True)
        self.mute_button.setToolTip(self.tr("Mute"))
        self.camera_button = RoundButton("camera", diameter=34, checked_icon="camera_off")
        self.camera_button.setCheckable(True)
        self.camera_button.setToolTip(self.tr("Turn camera off"))
        self.back_button = RoundButton("expand", diameter=34)
        self.back_button.setToolTip(self.tr("Back to call"))
        self.hangup_button = RoundButton("phone", diameter=34, colour=RED)
        self.hangup_button.setToolTip(self.tr("End call"))
        row.addStretch(1)
        for button in (self.mute_button, self.camera_button, self.back_button, self.hangup_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName(button.toolTip())
            row.addWidget(button)
        row.addStretch(1)
        self.mute_button.toggled.connect(self._on_mute_toggled)
        self.camera_button.toggled.connect(self._on_camera_toggled)
        self.back_button.clicked.connect(self.return_to_call_requested)
        self.hangup_button.clicked.connect(self.hangup_requested)
        self._controls_fader = Fader(self.controls, 150)
        self._controls_fader.effect.setOpacity(0.0)
        self._controls_fader.visible = False
        self.controls.hide()

        self._snap_animation = QPropertyAnimation(self, b"pos", self)
        self._snap_animation.setDuration(self.SNAP_ANIMATION_MS)
        self._snap_animation.setEasingCurve(QEasingCurve.Type.OutCubic)
        self._snap_animation.finished.connect(lambda: self.snapped.emit(self.pos()))

        for widget in (self, self.remote, self.local, self.controls):
            widget.setMouseTracking(True)
        for widget in (self.remote, self.local, self.controls):
            widget.installEventFilter(self)

        self._reclamp_timer = QTimer(self)
        self._reclamp_timer.setSingleShot(True)
        self._reclamp_timer.setInterval(0)
        self._reclamp_timer.timeout.connect(self.reclamp)
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.screenAdded.connect(self._on_screen_added)
        app.screenRemoved.connect(self._schedule_reclamp)
        for screen in QGuiApplication.screens():
            self._watch_screen(screen)
        self.resize(self.DEFAULT_WIDTH, round(self.DEFAULT_WIDTH / self._aspect))

    # --- state from the call -----------------------------------------------------------

    def push_remote_frame(self, image: QImage) -> None:
        self.remote.push_frame(image)

    def push_local_frame(self, image: QImage) -> None:
        self.local.push_frame(image)

    def set_peer_name(self, name: str) -> None:
        self.remote.set_person(name)
        self.setWindowTitle(name)

    def set_self_name(self, name: str) -> None:
        self.local.set_person(name)

    def set_muted(self, muted: bool) -> None:
        """Reflect the mute state without emitting ``mute_toggled``."""
        blocked = self.mute_button.blockSignals(True)
        self.mute_button.setChecked(muted)
        self.mute_button.blockSignals(blocked)
        self._update_tooltips()

    def set_camera_enabled(self, enabled: bool) -> None:
        blocked = self.camera_button.blockSignals(True)
        self.camera_button.setChecked(not enabled)
        self.camera_button.blockSignals(blocked)
        self.local.set_video_enabled(enabled)
        self.local.setVisible(enabled)
        self._update_tooltips()

    def set_remote_video_enabled(self, enabled: bool) -> None:
        self.remote.set_video_enabled(enabled)

    def set_status_text(self, text: str) -> None:
        """A short line over the video ("Reconnecting…", why the call ended); empty hides."""
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))
        self._layout_children()

    def status_text(self) -> str:
        return self.status_label.text() if self.status_label.isVisible() else ""

    def set_ended(self, text: str) -> None:
        """The call is over: say why; the controls go away (nothing left to control)."""
        self.set_status_text(text)
        for button in (self.mute_button, self.camera_button, self.back_button, self.hangup_button):
            button.setEnabled(False)
        self.set_controls_visible(False)
        self._ended = True

    def controls_allowed(self) -> bool:
        return not self._ended

    def aspect_ratio(self) -> float:
        return self._aspect

    def set_aspect_ratio(self, aspect: float) -> None:
        """Follow the remote video's shape (a phone held upright is 9:16)."""
        if aspect <= 0 or math.isclose(aspect, self._aspect, rel_tol=0.01):
            return
        self._aspect = aspect
        width = self.width()
        height = round(width / aspect)
        geometry = QRect(self.pos(), QSize(width, height))
        geometry = self._clamp_size(geometry, self._available_geometry())
        self.setGeometry(geometry)
        if self.isVisible() and self._press_global is None:
            self.snap_to_corner(animate=False)

    # --- placement ---------------------------------------------------------------------

    def show_in_corner(self) -> None:
        """Show it at the default size in the bottom trailing corner of the screen under the
        cursor (the one the user is looking at)."""
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        size = self._clamp_size(
            QRect(0, 0, self.DEFAULT_WIDTH, round(self.DEFAULT_WIDTH / self._aspect)), available
        ).size()
        trailing_left = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        x = (
            available.left() + self.MARGIN
            if trailing_left
            else available.right() + 1 - self.MARGIN - size.width()
        )
        y = available.bottom() + 1 - self.MARGIN - size.height()
        self.setGeometry(QRect(QPoint(x, y), size))
        self.show()

    def corner_positions(
        self, available: QRect | None = None, size: QSize | None = None
    ) -> list[QPoint]:
        """The four snapped top-left positions on ``available`` for a window of ``size``."""
        available = available if available is not None else self._available_geometry()
        size = size if size is not None else self.size()
        left = available.left() + self.MARGIN
        right = available.right() + 1 - self.MARGIN - size.width()
        top = available.top() + self.MARGIN
        bottom = available.bottom() + 1 - self.MARGIN - size.height()
        return [QPoint(left, top), QPoint(right, top), QPoint(left, bottom), QPoint(right, bottom)]

    def nearest_corner(self, geometry: QRect | None = None) -> QPoint:
        """The snapped top-left nearest to where ``geometry`` (default: now) is."""
        geometry = geometry if geometry is not None else self.geometry()
        available = self._available_geometry(geometry)
        candidates = self.corner_positions(available, geometry.size())
        here = geometry.topLeft()
        return min(candidates, key=lambda p: (p - here).manhattanLength())

    def snap_to_corner(self, *, animate: bool = True) -> None:
        """Move to the nearest corner of the current screen; ``snapped`` follows."""
        available = self._available_geometry()
        geometry = self._clamp_size(self.geometry(), available)
        if geometry.size() != self.size():
            self.resize(geometry.size())
        target = self.nearest_corner(QRect(self.pos(), geometry.size()))
        self._snap_animation.stop()
        if animate and self.isVisible() and target != self.pos():
            self._snap_animation.setStartValue(self.pos())
            self._snap_animation.setEndValue(target)
            self._snap_animation.start()
        else:
            self.move(target)
            self.snapped.emit(target)

    def reclamp(self) -> None:
        """Fit inside the screen it is on again (screens added, removed or resized)."""
        if not self.isVisible():
            return
        self.snap_to_corner(animate=False)

    # --- screens -----------------------------------------------------------------------

    def _current_screen(self, geometry: QRect | None = None) -> QScreen:
        geometry = geometry if geometry is not None else self.geometry()
        screen = QGuiApplication.screenAt(geometry.center())
        if screen is None:
            # Off every screen (its screen was just removed): the nearest one takes it.
            screens = QGuiApplication.screens()
            center = geometry.center()
            screen = (
                min(screens, key=lambda s: _distance_to_rect(center, s.geometry()), default=None)
                or QGuiApplication.primaryScreen()
            )
        return screen

    def _available_geometry(self, geometry: QRect | None = None) -> QRect:
        return self._current_screen(geometry).availableGeometry()

    def _watch_screen(self, screen: QScreen) -> None:
        screen.availableGeometryChanged.connect(self._schedule_reclamp)
        screen.geometryChanged.connect(self._schedule_reclamp)

    def _on_screen_added(self, screen: QScreen) -> None:
        self._watch_screen(screen)
        self._schedule_reclamp()

    def _schedule_reclamp(self, *_: object) -> None:
        # After the event: Qt first moves windows off a removed screen itself.
        self._reclamp_timer.start()

    def _clamp_size(self, geometry: QRect, available: QRect) -> QRect:
        """``geometry`` with its size kept between the minimum and a share of the screen,
        at the current aspect ratio."""
        max_w = min(
            available.width() * self.MAX_SCREEN_FRACTION,
            available.height() * self.MAX_SCREEN_FRACTION * self._aspect,
            available.width() - 2 * self.MARGIN,
        )
        min_w = min(self.MIN_WIDTH, max_w)
        width = max(min_w, min(float(geometry.width()), max_w))
        return QRect(geometry.topLeft(), QSize(round(width), round(width / self._aspect)))

    # --- mouse: drag, resize, snap, double-click ----------------------------------------

    def edges_at(self, pos: QPoint) -> Qt.Edge:
        """Which edges a press at ``pos`` (window coordinates) would resize."""
        edges = _Edge(0)
        if pos.x() < self.GRIP:
            edges |= _Edge.LeftEdge
        elif pos.x() >= self.width() - self.GRIP:
            edges |= _Edge.RightEdge
        if pos.y() < self.GRIP:
            edges |= _Edge.TopEdge
        elif pos.y() >= self.height() - self.GRIP:
            edges |= _Edge.BottomEdge
        return edges

    def resized_geometry(self, start: QRect, edges: Qt.Edge, delta: QPoint) -> QRect:
        """The geometry after dragging ``edges`` of ``start`` by ``delta``, keeping the aspect
        ratio and the opposite edge or corner in place."""
        horizontal = bool(edges & (_Edge.LeftEdge | _Edge.RightEdge))
        vertical = bool(edges & (_Edge.TopEdge | _Edge.BottomEdge))
        width = start.width()
        height = start.height()
        if edges & _Edge.LeftEdge:
            width = start.width() - delta.x()
        elif edges & _Edge.RightEdge:
            width = start.width() + delta.x()
        if edges & _Edge.TopEdge:
            height = start.height() - delta.y()
        elif edges & _Edge.BottomEdge:
            height = start.height() + delta.y()
        if vertical and (
            not horizontal
            or abs(height * self._aspect - start.width()) > abs(width - start.width())
        ):
            width = round(height * self._aspect)
        clamped = self._clamp_size(
            QRect(start.topLeft(), QSize(width, 1)), self._available_geometry(start)
        )
        size = clamped.size()
        x = start.right() + 1 - size.width() if edges & _Edge.LeftEdge else start.x()
        y = start.bottom() + 1 - size.height() if edges & _Edge.TopEdge else start.y()
        return QRect(QPoint(x, y), size)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        self._snap_animation.stop()
        self._press_global = event.globalPosition().toPoint()
        self._press_geometry = self.geometry()
        self._press_edges = self.edges_at(event.position().toPoint())
        self._moved = False
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press_global is None:
            self._update_cursor(event.position().toPoint())
            return
        delta = event.globalPosition().toPoint() - self._press_global
        if not self._moved and delta.manhattanLength() < QApplication.startDragDistance():
            return
        self._moved = True
        if self._press_edges:
            self.setGeometry(self.resized_geometry(self._press_geometry, self._press_edges, delta))
        else:
            self.move(self._press_geometry.topLeft() + delta)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() != Qt.MouseButton.LeftButton or self._press_global is None:
            return
        was_resize = bool(self._press_edges)
        moved = self._moved
        self._press_global = None
        self._press_edges = _Edge(0)
        self._moved = False
        if moved:
            if was_resize:
                self.resized_by_user.emit(self.size())
            self.snap_to_corner()
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._press_global = None
            self.return_to_call_requested.emit()
            event.accept()

    def _update_cursor(self, pos: QPoint) -> None:
        edges = self.edges_at(pos)
        left_or_right = edges & (_Edge.LeftEdge | _Edge.RightEdge)
        top_or_bottom = edges & (_Edge.TopEdge | _Edge.BottomEdge)
        if edges in (_Edge.LeftEdge | _Edge.TopEdge, _Edge.RightEdge | _Edge.BottomEdge):
            shape = Qt.CursorShape.SizeFDiagCursor
        elif edges in (_Edge.RightEdge | _Edge.TopEdge, _Edge.LeftEdge | _Edge.BottomEdge):
            shape = Qt.CursorShape.SizeBDiagCursor
        elif left_or_right:
            shape = Qt.CursorShape.SizeHorCursor
        elif top_or_bottom:
            shape = Qt.CursorShape.SizeVerCursor
        else:
            shape = Qt.CursorShape.OpenHandCursor
        self.setCursor(shape)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Children report the cursor position so the edge cursors show over the video too.
        if (
            event.type() == QEvent.Type.MouseMove
            and isinstance(watched, QWidget)
            and self._press_global is None
        ):
            assert isinstance(event, QMouseEvent)
            self._update_cursor(watched.mapTo(self, event.position().toPoint()))
        return False

    # --- hover controls ----------------------------------------------------------------

    def controls_visible(self) -> bool:
        return self._controls_fader.visible

    def set_controls_visible(self, visible: bool) -> None:
        self._controls_fader.fade(visible and not self._ended)

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt override
        self.set_controls_visible(True)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if self._press_global is None:
            self.set_controls_visible(False)
        super().leaveEvent(event)

    # --- layout and paint --------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._layout_children()
        super().resizeEvent(event)

    def showEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        self._layout_children()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.LayoutDirectionChange:
            self._layout_children()
        super().changeEvent(event)

    def _layout_children(self) -> None:
        self.remote.setGeometry(self.rect())
        inset_w = max(48, self.width() // 4)
        inset_h = max(36, round(inset_w * 3 / 4))
        margin = 8
        # Top trailing corner: the hover controls take the bottom edge.
        x = (
            margin
            if self.layoutDirection() == Qt.LayoutDirection.RightToLeft
            else self.width() - margin - inset_w
        )
        self.local.setGeometry(x, margin, inset_w, inset_h)
        bar_h = 46
        self.controls.setGeometry(0, self.height() - bar_h, self.width(), bar_h)
        if self.status_label.isVisible():
            self.status_label.setMaximumWidth(self.width() - 16)
            self.status_label.adjustSize()
            self.status_label.move(
                (self.width() - self.status_label.width()) // 2,
                (self.height() - self.status_label.height()) // 2,
            )
        self.local.raise_()
        self.status_label.raise_()
        self.controls.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0f1115"))
        painter.end()

    def _on_mute_toggled(self, muted: bool) -> None:
        self._update_tooltips()
        self.mute_toggled.emit(muted)

    def _on_camera_toggled(self, off: bool) -> None:
        self.local.set_video_enabled(not off)
        self.local.setVisible(not off)
        self._update_tooltips()
        self.camera_toggled.emit(not off)

    def _update_tooltips(self) -> None:
        mute = self.tr("Unmute") if self.mute_button.isChecked() else self.tr("Mute")
        camera = (
            self.tr("Turn camera on")
            if self.camera_button.isChecked()
            else self.tr("Turn camera off")
        )
        self.mute_button.setToolTip(mute)
        self.mute_button.setAccessibleName(mute)
        self.camera_button.setToolTip(camera)
        self.camera_button.setAccessibleName(camera)


class _ControlsBar(QWidget):
    """The hover controls' strip: a soft dark gradient so white icons read on any video."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        gradient = QLinearGradient(0, 0, 0, self.height())
        gradient.setColorAt(0.0, QColor(0, 0, 0, 0))
        gradient.setColorAt(1.0, QColor(0, 0, 0, 170))
        painter.fillRect(self.rect(), gradient)
        painter.end()


def _distance_to_rect(point: QPoint, rect: QRect) -> int:
    dx = max(rect.left() - point.x(), 0, point.x() - rect.right())
    dy = max(rect.top() - point.y(), 0, point.y() - rect.bottom())
    return dx + dy


__all__ = ["PipWindow"]
