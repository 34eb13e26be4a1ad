"""New chat (by username) and new group dialogs.

Signals: ``chat_created(int chat_id)``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.errors import describe
from ui.session import UiSession
from ui.tasks import TaskOwner


class _AsyncDialog(QDialog):
    chat_created = Signal(int)

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = TaskOwner("dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(380)
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel(self)
        self.error.setObjectName("ErrorLabel")
        self.error.setWordWrap(True)
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setProperty("primary", True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def _busy(self, busy: bool) -> None:
        self.ok.setEnabled(not busy)

    def _fail(self, exc: BaseException) -> None:
        self._busy(False)
        self.error.setText(describe(exc))
        self.error.show()

    def _done(self, chat_id: int) -> None:
        self.chat_created.emit(chat_id)
        self.accept()


class NewChatDialog(_AsyncDialog):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle(self.tr("New chat"))
        self.username = QLineEdit(self)
        self.username.setPlaceholderText(self.tr("username"))
        self.form.addRow(self.tr("Username:"), self.username)
        self.ok.setText(self.tr("Start chat"))

    def submit(self) -> None:
        name = self.username.text().strip()
        if not name:
            return
        self._busy(True)
        self.tasks.run(self.session.open_direct(name), self._done, self._fail)


class NewGroupDialog(_AsyncDialog):
    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.setWindowTitle(self.tr("New group"))
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("Group name"))
        self.members = QLineEdit(self)
        self.members.setPlaceholderText(self.tr("usernames, separated by commas"))
        self.form.addRow(self.tr("Name:"), self.title)
        self.form.addRow(self.tr("Members:"), self.members)
        self.ok.setText(self.tr("Create group"))

    def submit(self) -> None:
        title = self.title.text().strip()
        if not title:
            self._fail(ValueError(self.tr("Give the group a name.")))
            return
        names = [
            n.strip().lstrip("@")
            for n in self.members.text().replace(" ", ",").split(",")
            if n.strip()
        ]
        self._busy(True)
        self.tasks.run(self.session.create_group(title, names), self._done, self._fail)
