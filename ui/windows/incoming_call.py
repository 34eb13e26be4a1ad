"""The incoming-call window: who is calling, and Decline / Accept (audio) / Accept (video).

A small always-on-top window so the call is noticed over other applications. It only
reports the user's choice (``accepted(bool video)``, ``declined()``); the controller acts on
it. If the call ends while ringing (the caller cancelled, it was answered on another device,
the ring timed out), ``show_ended`` says so for a moment and the window closes itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QPropertyAnimation, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFont, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.calls.state import (
    ENDED_CLOSE_DELAY_MS,
    CallPhase,
    CallTexts,
    EndReason,
    parse_end_reason,
)
from ui.calls.widgets import GREEN, RED, AvatarCircle, LabelledButton, RoundButton


class IncomingCallWindow(QWidget):
    """Rings for one incoming call.

    Signals: ``accepted(bool video)``, ``declined()``, ``finished()`` (closed itself after the
    call ended or after an answer).
    """

    accepted = Signal(bool)
    declined = Signal()
    finished = Signal()

    def __init__(self, caller_name: str, *, video: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("IncomingCallWindow")
        self.caller_name = caller_name
        self.video = video
        self.close_delay_ms = ENDED_CLOSE_DELAY_MS
        self._answered = False
        self._ended = False
        self._texts = CallTexts(self)
        self.setWindowTitle(self.tr("Incoming call from %1").replace("%1", caller_name))
        self.setFixedWidth(360)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 28, 28, 22)
        layout.setSpacing(10)
        self.avatar = AvatarCircle(caller_name, 96)
        layout.addWidget(self.avatar, 0, Qt.AlignmentFlag.AlignHCenter)
        self._pulse = QGraphicsOpacityEffect(self.avatar)
        self.avatar.setGraphicsEffect(self._pulse)
        self._pulse_animation = QPropertyAnimation(self._pulse, b"opacity", self)
        self._pulse_animation.setStartValue(1.0)
        self._pulse_animation.setKeyValueAt(0.5, 0.55)
        self._pulse_animation.setEndValue(1.0)
        self._pulse_animation.setDuration(1400)
        self._pulse_animation.setLoopCount(-1)
        self._pulse_animation.setEasingCurve(QEasingCurve.Type.InOutSine)

        self.name_label = QLabel(caller_name)
        self.name_label.setObjectName("IncomingCallerName")
        name_font = QFont(self.font())
        name_font.setPixelSize(20)
        name_font.setBold(True)
        self.name_label.setFont(name_font)
        self.name_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.name_label.setWordWrap(True)
        layout.addWidget(self.name_label)
        self.status_label = QLabel(
            self._texts.phase_text(CallPhase.RINGING, outgoing=False, video=video)
        )
        self.status_label.setObjectName("IncomingCallStatus")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet("color: #9aa4b2; font-size: 14px;")
        layout.addWidget(self.status_label)
        layout.addSpacing(14)

        buttons = QHBoxLayout()
        buttons.setSpacing(22)
        self.decline_button = RoundButton("phone", colour=RED, diameter=58)
        self.accept_audio_button = RoundButton("phone_accept", colour=GREEN, diameter=58)
        self.accept_video_button = RoundButton("camera", colour=GREEN, diameter=58)
        self.decline_item = LabelledButton(self.decline_button, self.tr("Decline"))
        self.accept_audio_item = LabelledButton(self.accept_audio_button, self.tr("Audio"))
        self.accept_video_item = LabelledButton(self.accept_video_button, self.tr("Video"))
        self.accept_audio_button.setAccessibleName(self.tr("Accept with audio only"))
        self.accept_audio_button.setToolTip(self.tr("Accept with audio only"))
        self.accept_video_button.setAccessibleName(self.tr("Accept with video"))
        self.accept_video_button.setToolTip(self.tr("Accept with video"))
        for item in (self.decline_item, self.accept_audio_item, self.accept_video_item):
            item.caption.setStyleSheet("color: #c9d1d9; font-size: 12px;")
        buttons.addStretch(1)
        buttons.addWidget(self.decline_item)
        buttons.addWidget(self.accept_audio_item)
        buttons.addWidget(self.accept_video_item)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        # An audio call cannot be answered with video: the caller offered no video.
        self.accept_video_item.setVisible(video)

        self.decline_button.clicked.connect(self._decline)
        self.accept_audio_button.clicked.connect(lambda: self._accept(False))
        self.accept_video_button.clicked.connect(lambda: self._accept(True))
        self.setStyleSheet("QLabel#IncomingCallerName { color: white; }")

        self._close_timer = QTimer(self)
        self._close_timer.setSingleShot(True)
        self._close_timer.timeout.connect(self._close_and_finish)

    # --- state -------------------------------------------------------------------------

    def status_text(self) -> str:
        return self.status_label.text()

    def show_ended(self, reason: EndReason | str) -> None:
        """The call ended before we answered: say why, then close after a moment."""
        if self._ended:
            return
        self._ended = True
        self._pulse_animation.stop()
        self._pulse.setOpacity(0.5)
        text = self._texts.end_text(parse_end_reason(reason), self.caller_name, outgoing=False)
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #ff8a8a; font-size: 14px;")
        for button in (self.decline_button, self.accept_audio_button, self.accept_video_button):
            button.setEnabled(False)
        self._close_timer.start(self.close_delay_ms)

    def _accept(self, video: bool) -> None:
        if self._answered or self._ended:
            return
        self._answered = True
        self.accepted.emit(video)
        self._close_and_finish()

    def _decline(self) -> None:
        if self._answered or self._ended:
            return
        self._answered = True
        self.declined.emit()
        self._close_and_finish()

    def _close_and_finish(self) -> None:
        self._close_timer.stop()
        self._pulse_animation.stop()
        self._ended = True
        if self.isVisible():
            self.close()
        self.finished.emit()

    # --- events ------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        if not self._ended:
            self._pulse_animation.start()
        super().showEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self._decline()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # Closing the ringing window with the title bar's × declines, as on a phone.
        if not self._answered and not self._ended:
            self._answered = True
            self.declined.emit()
            self._ended = True
            self._pulse_animation.stop()
            super().closeEvent(event)
            self.finished.emit()
            return
        super().closeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1b1f27"))
        painter.end()
