"""The call window: the other person's video large, ours in a small inset, the controls.

The window knows nothing about aiortc or the relay: the calls controller feeds it the phase
(``set_phase``), frames (``remote_video`` / ``self_view`` are ``VideoWidget``s), the key
emoji and the call quality, and listens to its signals for what the user did.

Controls and the top bar fade out after ``idle_ms`` without mouse movement while the call is
connected, and come back on the next move. When the call ends, the window shows why for a
moment (``ENDED_CLOSE_DELAY_MS``), then closes itself and emits ``finished``.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QHideEvent,
    QKeyEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
    QWindowStateChangeEvent,
)
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.calls.devices import DeviceMenu
from ui.calls.state import (
    ACTIVE_PHASES,
    ENDED_CLOSE_DELAY_MS,
    CallPhase,
    CallTexts,
    EndReason,
    format_duration,
    parse_end_reason,
)
from ui.calls.video import VideoWidget
from ui.calls.widgets import RED, CallQuality, Fader, LabelledButton, QualityBars, RoundButton

IDLE_MS = 3000
"""Mouse stillness after which the controls fade out."""


class SelfView(VideoWidget):
    """Our own camera in a small inset the user can drag anywhere inside the window.

    Its place is kept as a fraction of the free space, so it stays in the same relative spot
    (a corner stays a corner) when the window is resized, and never leaves the window.
    """

    MARGIN = 12

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, cover=True, mirrored=True, rounded=10)
        self._fraction = (1.0, 1.0)
        self._moved_by_user = False
        self._press: QPoint | None = None
        self._press_pos = QPoint()
        self.bottom_reserve = 0
        """Pixels kept free at the bottom (the controls) when placed by default."""
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def place(self) -> None:
        """Size and position from the parent's size and the remembered fraction."""
        parent = self.parentWidget()
        if parent is None:
            return
        width = max(120, min(260, parent.width() // 5))
        aspect = self.aspect_ratio() or 4 / 3
        height = round(width / aspect)
        if height > 200:
            height = 200
            width = round(height * aspect)
        self.resize(width, height)
        area = self._area()
        fx, fy = self._fraction
        if not self._moved_by_user and self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            fx = 1.0 - fx
        x = area.left() + round(fx * max(0, area.width() - width))
        y = area.top() + round(fy * max(0, area.height() - height))
        self.move(x, y)

    def _area(self) -> QRect:
        parent = self.parentWidget()
        assert parent is not None
        bottom = self.bottom_reserve if not self._moved_by_user else 0
        return parent.rect().adjusted(self.MARGIN, self.MARGIN, -self.MARGIN, -self.MARGIN - bottom)

    def clamp(self, pos: QPoint) -> QPoint:
        """``pos`` moved so the inset stays inside the window's margin."""
        area = self._area()
        x = min(max(pos.x(), area.left()), max(area.left(), area.right() + 1 - self.width()))
        y = min(max(pos.y(), area.top()), max(area.top(), area.bottom() + 1 - self.height()))
        return QPoint(x, y)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.globalPosition().toPoint()
            self._press_pos = self.pos()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
        else:
            event.ignore()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press is None:
            event.ignore()
            return
        self._moved_by_user = True
        delta = event.globalPosition().toPoint() - self._press
        self.move(self.clamp(self._press_pos + delta))
        area = self._area()
        free_w = max(1, area.width() - self.width())
        free_h = max(1, area.height() - self.height())
        self._fraction = (
            min(1.0, max(0.0, (self.x() - area.left()) / free_w)),
            min(1.0, max(0.0, (self.y() - area.top()) / free_h)),
        )
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._press is not None and event.button() == Qt.MouseButton.LeftButton:
            self._press = None
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
        else:
            event.ignore()


class _Gradient(QWidget):
    """A strip shaded towards the window's edge so white text reads over bright video."""

    def __init__(self, parent: QWidget, *, top: bool) -> None:
        super().__init__(parent)
        self._top = top

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        gradient = QLinearGradient(0, 0, 0, self.height())
        dark = QColor(0, 0, 0, 165)
        clear = QColor(0, 0, 0, 0)
        gradient.setColorAt(0.0, dark if self._top else clear)
        gradient.setColorAt(1.0, clear if self._top else dark)
        painter.fillRect(self.rect(), gradient)
        painter.end()


class CallWindow(QWidget):
    """The 1:1 call window.

    Signals: ``hangup_requested()`` (also "Cancel" while calling), ``mute_toggled(bool
    muted)``, ``camera_toggled(bool enabled)``, ``switch_camera_requested()``,
    ``pip_requested()`` (the minimise-to-PiP button), ``minimized()`` (minimised by the window
    manager), ``restored()`` (back from minimised), ``hidden_during_call()`` (closed or hidden
    while the call goes on),
    ``device_chosen(str kind, bytes id)``, ``controls_visibility_changed(bool)``,
    ``finished()`` (closed itself after the call ended).
    """

    hangup_requested = Signal()
    mute_toggled = Signal(bool)
    camera_toggled = Signal(bool)
    switch_camera_requested = Signal()
    pip_requested = Signal()
    minimized = Signal()
    restored = Signal()
    hidden_during_call = Signal()
    device_chosen = Signal(str, bytes)
    controls_visibility_changed = Signal(bool)
    finished = Signal()

    def __init__(
        self,
        peer_name: str,
        *,
        outgoing: bool,
        video: bool,
        self_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("CallWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setMinimumSize(QSize(420, 320))
        self.resize(900, 600)
        self.peer_name = peer_name
        self.outgoing = outgoing
        self.video = video
        self.idle_ms = IDLE_MS
        self.close_delay_ms = ENDED_CLOSE_DELAY_MS
        self._texts = CallTexts(self)
        self._phase = CallPhase.CALLING if outgoing else CallPhase.RINGING
        self._end_reason: EndReason | None = None
        self._connected_at: float | None = None
        self._closing_programmatically = False
        self._quality = CallQuality()
        self._cursor_hidden = False
        self.setWindowTitle(self.tr("Call with %1").replace("%1", peer_name))

        self.remote_video = VideoWidget(self)
        self.remote_video.set_person(peer_name)
        self.self_view = SelfView(self)
        self.self_view.set_person(self_name or self.tr("You"))
        self.self_view.aspect_changed.connect(lambda _a: self.self_view.place())

        self._build_top_bar()
        self._build_controls()
        self.stats_overlay = QLabel(self)
        self.stats_overlay.setObjectName("CallStatsOverlay")
        self.stats_overlay.setStyleSheet(
            "background: rgba(15,17,21,220); color: white; border-radius: 8px;"
            " padding: 8px 10px; font-size: 12px;"
        )
        self.stats_overlay.hide()
        self.quality_bars.hovered.connect(self._show_stats_overlay)

        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._on_idle)
        self._clock = QTimer(self)
        self._clock.setInterval(500)
        self._clock.timeout.connect(self._update_status)
        self._close_timer = QTimer(self)
        self._close_timer.setSingleShot(True)
        self._close_timer.timeout.connect(self._close_after_end)
        self._faders = [Fader(self.top_bar), Fader(self.controls)]
        self._controls_visible = True

        self.setMouseTracking(True)
        self.set_camera_enabled(video)
        self._update_status()
        self._update_controls_for_phase()

    # --- building --------------------------------------------------------------------

    def _build_top_bar(self) -> None:
        self.top_bar = _Gradient(self, top=True)
        layout = QVBoxLayout(self.top_bar)
        layout.setContentsMargins(20, 14, 20, 28)
        layout.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(10)
        self.name_label = QLabel(self.peer_name)
        self.name_label.setObjectName("CallPeerName")
        name_font = QFont(self.font())
        name_font.setPixelSize(20)
        name_font.setBold(True)
        self.name_label.setFont(name_font)
        self.name_label.setStyleSheet("color: white;")
        self.quality_bars = QualityBars()
        self.quality_bars.setToolTip(self.tr("Call quality"))
        header.addWidget(self.name_label, 1)
        header.addWidget(self.quality_bars, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(header)
        self.status_label = QLabel()
        self.status_label.setObjectName("CallStatus")
        self.status_label.setStyleSheet("color: rgba(255,255,255,215); font-size: 14px;")
        layout.addWidget(self.status_label)
        self.emoji_label = QLabel()
        self.emoji_label.setObjectName("CallKeyEmoji")
        emoji_font = QFont(self.font())
        emoji_font.setPixelSize(26)
        self.emoji_label.setFont(emoji_font)
        self.emoji_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.emoji_label.setStyleSheet("color: white;")
        self.emoji_hint = QLabel(
            self.tr("If these four emoji match on both screens, your call is end-to-end secure.")
        )
        self.emoji_hint.setObjectName("CallKeyHint")
        self.emoji_hint.setWordWrap(True)
        self.emoji_hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.emoji_hint.setStyleSheet("color: rgba(255,255,255,200); font-size: 12px;")
        self.emoji_label.setToolTip(self.emoji_hint.text())
        layout.addSpacing(6)
        layout.addWidget(self.emoji_label)
        layout.addWidget(self.emoji_hint)
        self.emoji_label.hide()
        self.emoji_hint.hide()

    def _build_controls(self) -> None:
        self.controls = _Gradient(self, top=False)
        row = QHBoxLayout(self.controls)
        row.setContentsMargins(20, 30, 20, 18)
        row.setSpacing(18)
        self.mute_button = RoundButton("mic", checked_icon="mic_off")
        self.mute_button.setCheckable(True)
        self.camera_button = RoundButton("camera", checked_icon="camera_off")
        self.camera_button.setCheckable(True)
        self.switch_button = RoundButton("switch")
        self.devices_button = RoundButton("more")
        self.pip_button = RoundButton("pip")
        self.hangup_button = RoundButton("phone", colour=RED)
        self.mute_item = LabelledButton(self.mute_button, self.tr("Mute"))
        self.camera_item = LabelledButton(self.camera_button, self.tr("Stop video"))
        self.switch_item = LabelledButton(self.switch_button, self.tr("Switch camera"))
        self.devices_item = LabelledButton(self.devices_button, self.tr("Devices"))
        self.pip_item = LabelledButton(self.pip_button, self.tr("Minimise"))
        self.hangup_item = LabelledButton(self.hangup_button, self.tr("End call"))
        row.addStretch(1)
        for item in (
            self.mute_item,
            self.camera_item,
            self.switch_item,
            self.devices_item,
            self.pip_item,
            self.hangup_item,
        ):
            row.addWidget(item)
        row.addStretch(1)
        self.device_menu = DeviceMenu(self)
        self.device_menu.device_chosen.connect(self.device_chosen)
        self.devices_button.clicked.connect(self._open_device_menu)
        self.mute_button.toggled.connect(self._on_mute_toggled)
        self.camera_button.toggled.connect(self._on_camera_toggled)
        self.switch_button.clicked.connect(self.switch_camera_requested)
        self.pip_button.clicked.connect(self.pip_requested)
        self.hangup_button.clicked.connect(self.hangup_requested)

    # --- state from the call ---------------------------------------------------------

    @property
    def phase(self) -> CallPhase:
        return self._phase

    @property
    def end_reason(self) -> EndReason | None:
        return self._end_reason

    def set_phase(
        self,
        phase: CallPhase,
        *,
        reason: EndReason | str | None = None,
        connected_at: float | None = None,
    ) -> None:
        """Show ``phase``. ``connected_at`` (Unix time) runs the timer from the real connect
        time; ``reason`` says why an ended call ended. Ending starts the close countdown."""
        if self._phase is CallPhase.ENDED:
            return  # an ended call stays ended; late events change nothing
        self._phase = phase
        if connected_at is not None:
            self._connected_at = connected_at
        elif phase is CallPhase.CONNECTED and self._connected_at is None:
            self._connected_at = time.time()
        if phase is CallPhase.ENDED:
            self._end_reason = parse_end_reason(reason or EndReason.HANGUP)
            self._clock.stop()
            self._idle_timer.stop()
            self._set_controls_visible(True)
            self._close_timer.start(self.close_delay_ms)
        elif phase in (CallPhase.CONNECTED, CallPhase.RECONNECTING):
            self._clock.start()
            self._restart_idle()
        self._update_status()
        self._update_controls_for_phase()

    def status_text(self) -> str:
        return self.status_label.text()

    def set_emoji(self, emoji: tuple[str, ...] | list[str]) -> None:
        """The four key-verification emoji (the same on both sides)."""
        self.emoji_label.setText("  ".join(emoji))
        self.emoji_label.setAccessibleName(self.emoji_hint.text() + " " + " ".join(emoji))
        self.emoji_label.setVisible(bool(emoji))
        self.emoji_hint.setVisible(bool(emoji))
        self._layout_children()

    def emoji(self) -> tuple[str, ...]:
        return tuple(self.emoji_label.text().split())

    def set_quality(self, stats: object) -> None:
        """Engine stats (anything with ``rtt_ms``, ``send_kbps``, ``recv_kbps``,
        ``packet_loss``) for the bars and the hover overlay."""
        self._quality = CallQuality.from_stats(stats)
        self.quality_bars.set_level(self._quality.level)
        text = self.quality_text()
        self.quality_bars.setToolTip(text)
        self.stats_overlay.setText(text)
        if self.stats_overlay.isVisible():
            self._place_stats_overlay()

    def quality_text(self) -> str:
        q = self._quality
        if (
            q.rtt_ms is None
            and q.send_kbps is None
            and q.recv_kbps is None
            and q.packet_loss is None
        ):
            return self.tr("Measuring call quality…")
        dash = "–"
        rtt = f"{q.rtt_ms:.0f}" if q.rtt_ms is not None else dash
        sent = f"{q.send_kbps:.0f}" if q.send_kbps is not None else dash
        received = f"{q.recv_kbps:.0f}" if q.recv_kbps is not None else dash
        loss = f"{q.packet_loss * 100:.1f}" if q.packet_loss is not None else dash
        return "\n".join(
            [
                self.tr("Round-trip time: %1 ms").replace("%1", rtt),
                self.tr("Bitrate: %1 kbit/s sent, %2 kbit/s received")
                .replace("%1", sent)
                .replace("%2", received),
                self.tr("Packet loss: %1%").replace("%1", loss),
            ]
        )

    def set_muted(self, muted: bool) -> None:
        """Reflect the microphone state without emitting ``mute_toggled``."""
        blocked = self.mute_button.blockSignals(True)
        self.mute_button.setChecked(muted)
        self.mute_button.blockSignals(blocked)
        self._update_captions()

    def set_camera_enabled(self, enabled: bool) -> None:
        """Reflect the camera state without emitting ``camera_toggled``."""
        blocked = self.camera_button.blockSignals(True)
        self.camera_button.setChecked(not enabled)
        self.camera_button.blockSignals(blocked)
        self.self_view.set_video_enabled(enabled)
        self.self_view.setVisible(enabled)
        self._update_captions()

    def set_remote_video_enabled(self, enabled: bool) -> None:
        """The other side turned the camera off (or it is an audio call)."""
        self.remote_video.set_video_enabled(enabled)
        self._update_placeholder()

    def controls_visible(self) -> bool:
        return self._controls_visible

    # --- controls fading -------------------------------------------------------------

    def _fades(self) -> bool:
        return (
            self._phase in (CallPhase.CONNECTED, CallPhase.RECONNECTING)
            and not self.device_menu.isVisible()
        )

    def _restart_idle(self) -> None:
        if self._fades():
            self._idle_timer.start(self.idle_ms)

    def _on_idle(self) -> None:
        if self._fades():
            self._set_controls_visible(False)

    def _set_controls_visible(self, visible: bool) -> None:
        if visible == self._controls_visible:
            return
        self._controls_visible = visible
        for fader in self._faders:
            fader.fade(visible)
        if not visible:
            self.stats_overlay.hide()
        # Over full-screen video a still cursor is in the way too.
        if not visible and not self._cursor_hidden:
            self.remote_video.setCursor(Qt.CursorShape.BlankCursor)
            self._cursor_hidden = True
        elif visible and self._cursor_hidden:
            self.remote_video.unsetCursor()
            self._cursor_hidden = False
        self.controls_visibility_changed.emit(visible)

    def user_activity(self) -> None:
        """The mouse moved (or a key was pressed): show the controls, restart the countdown."""
        self._set_controls_visible(True)
        self._restart_idle()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type()
            in (QEvent.Type.MouseMove, QEvent.Type.HoverMove, QEvent.Type.MouseButtonPress)
            and isinstance(watched, QWidget)
            and watched.window() is self
        ):
            self.user_activity()
        return False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.user_activity()
        super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        self.user_activity()
        super().keyPressEvent(event)

    # --- status ----------------------------------------------------------------------

    def _update_status(self) -> None:
        phase = self._phase
        if phase is CallPhase.ENDED:
            assert self._end_reason is not None
            text = self._texts.end_text(self._end_reason, self.peer_name, outgoing=self.outgoing)
            if self._end_reason is EndReason.HANGUP and self._connected_at is not None:
                text = f"{text} · {format_duration(time.time() - self._connected_at)}"
            self.status_label.setStyleSheet(
                "color: #ffb4b4; font-size: 14px;"
                if self._end_reason not in (EndReason.HANGUP,)
                else "color: rgba(255,255,255,215); font-size: 14px;"
            )
        elif phase is CallPhase.CONNECTED:
            text = format_duration(time.time() - (self._connected_at or time.time()))
        elif phase is CallPhase.RECONNECTING:
            text = self._texts.phase_text(phase, outgoing=self.outgoing, video=self.video)
            if self._connected_at is not None:
                text = f"{text} · {format_duration(time.time() - self._connected_at)}"
        else:
            text = self._texts.phase_text(phase, outgoing=self.outgoing, video=self.video)
        self.status_label.setText(text)
        self._update_placeholder()

    def _update_placeholder(self) -> None:
        if self._phase in (
            CallPhase.CALLING,
            CallPhase.RINGING,
            CallPhase.CONNECTING,
            CallPhase.ENDED,
        ):
            self.remote_video.set_placeholder_text(self.status_label.text())
        elif not self.video:
            self.remote_video.set_placeholder_text(self.tr("Audio call"))
        else:
            self.remote_video.set_placeholder_text(self.tr("Camera is off"))

    def _update_controls_for_phase(self) -> None:
        ended = self._phase is CallPhase.ENDED
        before_answer = self._phase in (CallPhase.CALLING, CallPhase.RINGING)
        self.hangup_item.set_caption(self.tr("Cancel") if before_answer else self.tr("End call"))
        for button in (self.mute_button, self.devices_button, self.hangup_button):
            button.setEnabled(not ended)
        # An audio call has no video sender: the camera cannot be turned on mid-call.
        self.camera_button.setEnabled(not ended and self.video)
        self.pip_button.setEnabled(self._phase in ACTIVE_PHASES)
        self.switch_button.setEnabled(
            not ended and self.video and not self.camera_button.isChecked()
        )

    def _update_captions(self) -> None:
        self.mute_item.set_caption(
            self.tr("Unmute") if self.mute_button.isChecked() else self.tr("Mute")
        )
        self.camera_item.set_caption(
            self.tr("Start video") if self.camera_button.isChecked() else self.tr("Stop video")
        )
        self.switch_button.setEnabled(
            self._phase is not CallPhase.ENDED and self.video and not self.camera_button.isChecked()
        )

    def _on_mute_toggled(self, muted: bool) -> None:
        self._update_captions()
        self.mute_toggled.emit(muted)

    def _on_camera_toggled(self, off: bool) -> None:
        self.self_view.set_video_enabled(not off)
        self.self_view.setVisible(not off)
        self._update_captions()
        self.camera_toggled.emit(not off)

    def _open_device_menu(self) -> None:
        self._idle_timer.stop()
        self.device_menu.rebuild()
        size = self.device_menu.sizeHint()
        anchor = self.devices_button.mapToGlobal(QPoint(self.devices_button.width() // 2, 0))
        self.device_menu.popup(QPoint(anchor.x() - size.width() // 2, anchor.y() - size.height()))
        self.device_menu.aboutToHide.connect(
            self._restart_idle, Qt.ConnectionType.SingleShotConnection
        )

    def _show_stats_overlay(self, show: bool) -> None:
        if show and self._controls_visible:
            self.stats_overlay.setText(self.quality_text())
            self._place_stats_overlay()
            self.stats_overlay.show()
            self.stats_overlay.raise_()
        else:
            self.stats_overlay.hide()

    def _place_stats_overlay(self) -> None:
        self.stats_overlay.adjustSize()
        bars = self.quality_bars.mapTo(self, QPoint(0, self.quality_bars.height() + 8))
        x = bars.x() + self.quality_bars.width() - self.stats_overlay.width()
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            x = bars.x()
        x = max(8, min(x, self.width() - self.stats_overlay.width() - 8))
        self.stats_overlay.move(x, bars.y())

    # --- window events ---------------------------------------------------------------

    def _align_labels(self) -> None:
        # A Latin name in an Arabic UI would otherwise sit at the left: QLabel aligns plain
        # text by the text's own direction. Align by the layout's direction instead.
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        for label in (self.name_label, self.status_label):
            label.setAlignment(
                side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter
            )

    def _layout_children(self) -> None:
        self._align_labels()
        self.remote_video.setGeometry(self.rect())
        top_height = self.top_bar.sizeHint().height()
        self.top_bar.setGeometry(0, 0, self.width(), top_height)
        controls_height = self.controls.sizeHint().height()
        self.controls.setGeometry(0, self.height() - controls_height, self.width(), controls_height)
        self.self_view.bottom_reserve = controls_height - 12
        self.self_view.place()
        self.self_view.raise_()
        self.top_bar.raise_()
        self.controls.raise_()
        self.stats_overlay.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._layout_children()
        super().resizeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._layout_children()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._restart_idle()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if (
            not event.spontaneous()
            and self._phase is not CallPhase.ENDED
            and not self._closing_programmatically
        ):
            self.hidden_during_call.emit()
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.WindowStateChange and self._phase is not CallPhase.ENDED:
            if self.isMinimized():
                self.minimized.emit()
            elif (
                isinstance(event, QWindowStateChangeEvent)
                and event.oldState() & Qt.WindowState.WindowMinimized
            ):
                self.restored.emit()
        elif event.type() == QEvent.Type.LayoutDirectionChange:
            self._layout_children()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # Closing the window does not end the call: the call goes on in the PiP
        # (``hidden_during_call`` from hideEvent). Hanging up is the red button.
        super().closeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0f1115"))
        painter.end()

    def _close_after_end(self) -> None:
        self._closing_programmatically = True
        self.close()
        self.finished.emit()

    def close_now(self) -> None:
        """Close without the "call goes on" signals (the controller is done with it)."""
        self._closing_programmatically = True
        self._close_timer.stop()
        self.close()
