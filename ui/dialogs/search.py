"""Message search over the local full-text index; choosing a result jumps to it.

Signals: ``result_chosen(int chat_id, int message_id)``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.errors import describe
from ui.format import list_time, one_line
from ui.session import UiSession
from ui.tasks import TaskOwner


class SearchDialog(QDialog):
    result_chosen = Signal(int, int)

    def __init__(
        self, session: UiSession, chat_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session = session
        self.chat_id = chat_id
        self.tasks = TaskOwner("search")
        self.setWindowTitle(
            self.tr("Search in this chat") if chat_id else self.tr("Search messages")
        )
        self.setMinimumSize(440, 480)
        lay = QVBoxLayout(self)
        self.query = QLineEdit(self)
        self.query.setPlaceholderText(self.tr("Search"))
        self.query.setClearButtonEnabled(True)
        lay.addWidget(self.query)
        self.status = QLabel(self)
        self.status.setObjectName("Muted")
        lay.addWidget(self.status)
        self.results = QListWidget(self)
        self.results.setWordWrap(True)
        lay.addWidget(self.results, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self.run_search)
        self.results.itemActivated.connect(self._choose)
        self.results.itemClicked.connect(self._choose)

    def run_search(self) -> None:
        q = self.query.text().strip()
        if not q:
            self.results.clear()
            self.status.clear()
            return
        self.tasks.run(self.session.search(q, self.chat_id), self._show, self._fail)

    def _show(self, results) -> None:
        self.results.clear()
        for m, title in results:
            who = self.session.name_of(m.sender_id)
            head = f"{title} · {who}" if not self.chat_id else who
            it = QListWidgetItem(f"{head}   {list_time(m.date)}\n{one_line(m.text)[:200]}")
            it.setData(Qt.ItemDataRole.UserRole, (m.chat_id, m.id))
            self.results.addItem(it)
        self.status.setText(
            self.tr("%n result(s)", "", len(results)) if results else self.tr("No messages found")
        )

    def _fail(self, exc: BaseException) -> None:
        self.status.setText(describe(exc))

    def _choose(self, item: QListWidgetItem) -> None:
        chat_id, mid = item.data(Qt.ItemDataRole.UserRole)
        self.result_chosen.emit(chat_id, mid)
        self.accept()
