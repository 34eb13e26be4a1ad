"""The conversation header: avatar, title, subtitle (members / typing), search, info,
and the audio and video call buttons (1:1 chats only).

Signals: ``call_clicked(bool video)``, ``info_clicked()``, ``search_clicked()``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ui.widgets.avatar import Avatar


class ChatHeader(QFrame):
    call_clicked = Signal(bool)
    info_clicked = Signal()
    search_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChatHeader")
        self.setFixedHeight(60)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(14, 6, 10, 6)
        lay.setSpacing(10)
        self.avatar = Avatar(40, self)
        lay.addWidget(self.avatar)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        self.title = QLabel(self)
        self.title.setObjectName("ChatTitle")
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("ChatSubtitle")
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        lay.addLayout(texts, 1)
        self.search_button = self._button("🔍", self.tr("Search in chat"), self.search_clicked.emit)
        self.audio_button = self._button(
            "📞", self.tr("Audio call"), lambda: self.call_clicked.emit(False)
        )
        self.audio_button.setObjectName("AudioCallButton")
        self.video_button = self._button(
            "🎥", self.tr("Video call"), lambda: self.call_clicked.emit(True)
        )
        self.video_button.setObjectName("VideoCallButton")
        self.info_button = self._button("ⓘ", self.tr("Chat info"), self.info_clicked.emit)
        for b in (self.search_button, self.audio_button, self.video_button, self.info_button):
            lay.addWidget(b)
        self._base_subtitle = ""

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.setAccessibleName(tip)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.clicked.connect(slot)
        return b

    def set_chat(self, key: int, title: str, subtitle: str, direct: bool) -> None:
        self.avatar.set_identity(key, title)
        self.title.setText(title)
        self._base_subtitle = subtitle
        self.subtitle.setText(subtitle)
        self.audio_button.setVisible(direct)
        self.video_button.setVisible(direct)

    def set_typing(self, text: str) -> None:
        self.subtitle.setText(text or self._base_subtitle)
