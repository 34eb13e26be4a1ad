"""The message composer: multi-line input (Enter sends, Shift+Enter new line), attach,
reply/edit bar, send button.

Signals: ``send_requested(str)``, ``edit_requested(int, str)``, ``attach_requested(str kind)``
("photo" or "file"), ``typing()`` (throttled by the caller), ``draft_changed(str)``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.protocol.limits import MAX_MESSAGE_CHARS
from ui.format import one_line


class ComposerInput(QPlainTextEdit):
    submit = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ComposerInput")
        self.setTabChangesFocus(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        opt = self.document().defaultTextOption()
        opt.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        self.document().setDefaultTextOption(opt)
        self._fit()

    def event(self, e: QEvent) -> bool:
        handled = super().event(e)
        if e.type() in (QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FontChange):
            # the theme's padding only counts once the style sheet has polished the widget
            self._fit()
        return handled

    def _fit(self, *_args) -> None:
        total = max(1, int(self.document().size().height()))
        lines = min(8, total)
        fm = self.fontMetrics()
        margins = (
            int(self.document().documentMargin() * 2)
            + self.contentsMargins().top()
            + self.contentsMargins().bottom()
        )
        self.setFixedHeight(lines * fm.lineSpacing() + margins + 4)
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if total > 8
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = e.modifiers()
            if mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
                self.insertPlainText("\n")
                return
            if not (mods & Qt.KeyboardModifier.ControlModifier) or True:
                self.submit.emit()
                return
        super().keyPressEvent(e)


class Composer(QFrame):
    send_requested = Signal(str)
    edit_requested = Signal(int, str)
    attach_requested = Signal(str)
    typing = Signal()
    draft_changed = Signal(str)
    reply_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Composer")
        self.reply_to: int | None = None
        self.editing: int | None = None
        self._saved_draft = ""

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 6, 10, 8)
        outer.setSpacing(4)

        self.reply_bar = QFrame(self)
        self.reply_bar.setObjectName("ReplyBar")
        rb = QHBoxLayout(self.reply_bar)
        rb.setContentsMargins(10, 4, 4, 4)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        self.reply_title = QLabel(self.reply_bar)
        self.reply_title.setObjectName("ReplyTitle")
        self.reply_text = QLabel(self.reply_bar)
        self.reply_text.setObjectName("Muted")
        texts.addWidget(self.reply_title)
        texts.addWidget(self.reply_text)
        rb.addLayout(texts, 1)
        self.cancel_reply = QToolButton(self.reply_bar)
        self.cancel_reply.setText("✕")
        self.cancel_reply.setToolTip(self.tr("Cancel"))
        self.cancel_reply.clicked.connect(self.cancel_context)
        rb.addWidget(self.cancel_reply)
        self.reply_bar.hide()
        outer.addWidget(self.reply_bar)

        row = QHBoxLayout()
        row.setSpacing(6)
        self.attach = QToolButton(self)
        self.attach.setText("📎")
        self.attach.setToolTip(self.tr("Attach a photo or file"))
        self.attach.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.attach)
        self.attach_photo_action = menu.addAction(
            self.tr("Photo…"), lambda: self.attach_requested.emit("photo")
        )
        self.attach_file_action = menu.addAction(
            self.tr("File…"), lambda: self.attach_requested.emit("file")
        )
        self.attach.setMenu(menu)
        self.attach.setIconSize(QSize(20, 20))
        self.input = ComposerInput(self)
        self.input.setPlaceholderText(self.tr("Write a message…"))
        self.input.submit.connect(self.submit)
        self.input.textChanged.connect(self._on_text_changed)
        self.send = QToolButton(self)
        self.send.setObjectName("SendButton")
        self.send.setText("➤")
        self.send.setToolTip(self.tr("Send (Enter)"))
        self.send.clicked.connect(self.submit)
        row.addWidget(self.attach, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.input, 1)
        row.addWidget(self.send, 0, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(row)
        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.setInterval(4000)
        self._update_send()

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802
        if e.type() == QEvent.Type.LayoutDirectionChange:
            # the send arrow points the way text flows
            self.send.setText(
                "➤" if self.layoutDirection() == Qt.LayoutDirection.LeftToRight else "◀"
            )
        super().changeEvent(e)

    def text(self) -> str:
        return self.input.toPlainText()

    def set_text(self, text: str) -> None:
        self.input.setPlainText(text)
        c = self.input.textCursor()
        c.movePosition(c.MoveOperation.End)
        self.input.setTextCursor(c)

    def _on_text_changed(self) -> None:
        self._update_send()
        if self.editing is None:
            self.draft_changed.emit(self.text())
            if self.text().strip() and not self._typing_timer.isActive():
                self._typing_timer.start()
                self.typing.emit()

    def _update_send(self) -> None:
        self.send.setEnabled(bool(self.text().strip()))

    def submit(self) -> None:
        text = self.text().strip()
        if not text:
            return
        if len(text) > MAX_MESSAGE_CHARS:
            self.reply_bar.show()
            self.reply_title.setText(self.tr("Message too long"))
            self.reply_text.setText(
                self.tr("%n characters over the limit", "", len(text) - MAX_MESSAGE_CHARS)
            )
            return
        if self.editing is not None:
            mid = self.editing
            self.edit_requested.emit(mid, text)
            self.editing = None
            self.reply_bar.hide()
            self.set_text(self._saved_draft)
            return
        self.send_requested.emit(text)
        self.input.clear()
        self.reply_to = None
        self.reply_bar.hide()

    def start_reply(self, message_id: int, sender: str, text: str) -> None:
        if self.editing is not None:
            self.cancel_context()
        self.reply_to = message_id
        self.reply_title.setText(self.tr("Reply to %1").replace("%1", sender))
        self.reply_text.setText(one_line(text)[:120])
        self.reply_bar.show()
        self.input.setFocus()

    def start_edit(self, message_id: int, text: str) -> None:
        self.reply_to = None
        self._saved_draft = self.text()
        self.editing = message_id
        self.reply_title.setText(self.tr("Edit message"))
        self.reply_text.setText(one_line(text)[:120])
        self.reply_bar.show()
        self.set_text(text)
        self.input.setFocus()

    def cancel_context(self) -> None:
        if self.editing is not None:
            self.editing = None
            self.set_text(self._saved_draft)
        self.reply_to = None
        self.reply_bar.hide()
        self.reply_cancelled.emit()

    def reset(self, draft: str = "") -> None:
        """Switching chats: drop reply/edit state and show this chat's draft."""
        self.editing = None
        self.reply_to = None
        self.reply_bar.hide()
        self.input.blockSignals(True)
        self.input.setPlainText(draft)
        self.input.blockSignals(False)
        self._update_send()
