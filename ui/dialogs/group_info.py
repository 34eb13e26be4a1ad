"""Chat info: for groups the members with roles (add, remove, make admin) and leave; for
1:1 chats the other person's name and username."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.bridge import Bridge
from ui.errors import describe
from ui.models.chat_list import ChatRow
from ui.session import UiSession
from ui.tasks import TaskOwner
from ui.widgets.avatar import Avatar


class ChatInfoDialog(QDialog):
    def __init__(
        self,
        session: UiSession,
        bridge: Bridge,
        chat_id: int,
        row: ChatRow | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.chat_id = chat_id
        self.row = row
        self.tasks = TaskOwner("chat-info")
        self.is_group = row is not None and row.kind == "group"
        self.setWindowTitle(self.tr("Group info") if self.is_group else self.tr("Contact info"))
        self.setMinimumSize(380, 420)
        lay = QVBoxLayout(self)
        head = QHBoxLayout()
        av = Avatar(56, self)
        av.set_identity(row.avatar_key if row else chat_id, row.title if row else "")
        head.addWidget(av)
        self.title = QLabel(row.title if row else "", self)
        self.title.setObjectName("ChatTitle")
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.title.setFont(f)
        head.addWidget(self.title, 1)
        lay.addLayout(head)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("Muted")
        lay.addWidget(self.subtitle)
        self.members = QListWidget(self)
        self.error = QLabel(self)
        self.error.setObjectName("ErrorLabel")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add member…"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.admin_button = QPushButton(self.tr("Make admin"), self)
        self.rename_button = QPushButton(self.tr("Rename…"), self)
        self.leave_button = QPushButton(self.tr("Leave group"), self)
        self.leave_button.setProperty("danger", True)
        for b in (self.add_button, self.remove_button, self.admin_button, self.rename_button):
            buttons.addWidget(b)
        if self.is_group:
            lay.addWidget(QLabel(self.tr("Members"), self))
            lay.addWidget(self.members, 1)
            lay.addLayout(buttons)
            lay.addWidget(self.leave_button)
        else:
            lay.addStretch(1)
            if row and row.peer_id:
                uname = session.username_of(row.peer_id)
                self.subtitle.setText("@" + uname if uname else "")
        lay.addWidget(self.error)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        self.admin_button.clicked.connect(self._toggle_admin)
        self.rename_button.clicked.connect(self._rename)
        self.leave_button.clicked.connect(self._leave)
        self.members.currentRowChanged.connect(lambda _r: self._update_buttons())
        self._my_role = "member"
        bridge.chats_changed.connect(self._on_chats_changed)
        if self.is_group:
            self.reload()

    def _on_chats_changed(self, ids: list[int]) -> None:
        if self.chat_id in ids and self.is_group and self.isVisible():
            self.reload()

    def reload(self) -> None:
        self.tasks.run(self.session.members(self.chat_id), self._fill, self._fail)

    def _fill(self, members: list[tuple[int, str, str, str]]) -> None:
        self.members.clear()
        roles = {"owner": self.tr("owner"), "admin": self.tr("admin"), "member": ""}
        for uid, name, uname, role in sorted(
            members, key=lambda m: ({"owner": 0, "admin": 1}.get(m[3], 2), m[1])
        ):
            label = name + (f"  @{uname}" if uname else "")
            if roles.get(role):
                label += f"  · {roles[role]}"
            if uid == self.session.me_id:
                label += "  " + self.tr("(you)")
                self._my_role = role
            it = QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, (uid, role))
            self.members.addItem(it)
        self.subtitle.setText(self.tr("%n member(s)", "", len(members)))
        self._update_buttons()

    def _selected(self) -> tuple[int, str] | None:
        it = self.members.currentItem()
        return it.data(Qt.ItemDataRole.UserRole) if it else None

    def _update_buttons(self) -> None:
        admin = self._my_role in ("owner", "admin")
        sel = self._selected()
        self.add_button.setEnabled(admin)
        self.rename_button.setEnabled(admin)
        can_touch = admin and sel is not None and sel[0] != self.session.me_id and sel[1] != "owner"
        self.remove_button.setEnabled(can_touch)
        self.admin_button.setEnabled(
            self._my_role == "owner" and sel is not None and sel[0] != self.session.me_id
        )
        if sel is not None and sel[1] == "admin":
            self.admin_button.setText(self.tr("Remove admin"))
        else:
            self.admin_button.setText(self.tr("Make admin"))

    def _fail(self, exc: BaseException) -> None:
        self.error.setText(describe(exc))
        self.error.show()

    def _ok(self, _r=None) -> None:
        self.error.hide()
        self.reload()

    def _add(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add member"), self.tr("Username:"))
        if ok and name.strip():
            self.tasks.run(
                self.session.add_member(self.chat_id, name.strip()), self._ok, self._fail
            )

    def _remove(self) -> None:
        sel = self._selected()
        if sel is not None:
            self.tasks.run(self.session.remove_member(self.chat_id, sel[0]), self._ok, self._fail)

    def _toggle_admin(self) -> None:
        sel = self._selected()
        if sel is not None:
            role = "member" if sel[1] == "admin" else "admin"
            self.tasks.run(self.session.set_role(self.chat_id, sel[0], role), self._ok, self._fail)

    def _rename(self) -> None:
        title, ok = QInputDialog.getText(
            self, self.tr("Rename group"), self.tr("Name:"), text=self.title.text()
        )
        if ok and title.strip():
            self.title.setText(title.strip())
            self.tasks.run(
                self.session.rename_group(self.chat_id, title.strip()), self._ok, self._fail
            )

    def _leave(self) -> None:
        if (
            QMessageBox.question(self, self.tr("Leave group"), self.tr("Leave this group?"))
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.tasks.run(self.session.leave(self.chat_id), lambda _r: self.accept(), self._fail)
