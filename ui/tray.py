"""Desktop integration: tray icon with the unread count, notifications for new messages
while the window is not active (never for muted chats), click to open the chat."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from ui.format import one_line
from ui.session import preview_of


def tray_icon(unread: int) -> QIcon:
    pm = QPixmap(64, 64)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#2f7de1"))
    p.drawRoundedRect(QRectF(4, 4, 56, 56), 14, 14)
    p.setPen(QColor("#ffffff"))
    f = QFont()
    f.setPixelSize(34)
    f.setBold(True)
    p.setFont(f)
    p.drawText(QRectF(4, 2, 56, 56), Qt.AlignmentFlag.AlignCenter, "✉")
    if unread:
        p.setBrush(QColor("#e53935"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QRectF(30, 0, 34, 34))
        p.setPen(QColor("#ffffff"))
        f.setPixelSize(18 if unread < 100 else 13)
        p.setFont(f)
        p.drawText(
            QRectF(30, 0, 34, 34),
            Qt.AlignmentFlag.AlignCenter,
            str(unread) if unread < 1000 else "999+",
        )
    p.end()
    return QIcon(pm)


class Notifier(QObject):
    """Signals: ``notified(int chat_id, str title, str text)`` (also used by tests),
    ``open_chat(int chat_id)`` when the user clicks a notification."""

    notified = Signal(int, str, str)
    open_chat = Signal(int)

    def __init__(self, window, preferences, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.preferences = preferences
        self._last_chat = 0
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(tray_icon(0), self)
            menu = QMenu()
            menu.addAction(self.tr("Show Risala"), self._show_window)
            menu.addAction(self.tr("Quit"), QApplication.quit)
            self._menu = menu
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(lambda _r: self._show_window())
            self.tray.messageClicked.connect(lambda: self.open_chat.emit(self._last_chat))
            self.tray.setToolTip(self.tr("Risala"))
            self.tray.show()
        window.unread_changed.connect(self.set_unread)
        window.bridge.messages_changed.connect(self._on_messages)

    def set_unread(self, n: int) -> None:
        if self.tray is not None:
            self.tray.setIcon(tray_icon(n))
            self.tray.setToolTip(self.tr("Risala: %n unread", "", n) if n else self.tr("Risala"))
        title = self.tr("Risala")
        self.window.setWindowTitle(f"({n}) {title}" if n else title)

    def _show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _on_messages(self, chat_id: int, ids: list[int]) -> None:
        if not self.preferences.notifications:
            return
        if self.window.isActiveWindow():
            return
        row = self.window.chat_model.get(chat_id)
        if row is not None and row.muted:
            return
        self.window.tasks.run(self._fetch(chat_id, ids), self._show)

    async def _fetch(self, chat_id: int, ids: list[int]):
        session = self.window.session
        msgs = await session.chats.messages_by_ids(ids)
        fresh = [
            m
            for m in msgs.values()
            if m.sender_id != session.me_id and not m.deleted and m.edit_date is None
        ]
        if not fresh:
            return None
        chat = await session.chat(chat_id)
        if chat is None or chat.muted or chat.read_inbox_max_id >= max(m.id for m in fresh):
            return None
        m = max(fresh, key=lambda m: m.id)
        await session.load_users([m.sender_id])
        sender = session.name_of(m.sender_id)
        title = sender if chat.kind == "direct" else f"{sender} · {session.chat_title(chat)}"
        text = (
            one_line(preview_of(m))
            if self.preferences.notification_preview
            else self.tr("New message")
        )
        return chat_id, title, text

    def _show(self, result) -> None:
        if result is None:
            return
        chat_id, title, text = result
        self._last_chat = chat_id
        if self.tray is not None:
            self.tray.showMessage(title, text[:200], tray_icon(0), 5000)
        self.notified.emit(chat_id, title, text)

    def close(self) -> None:
        try:
            self.window.bridge.messages_changed.disconnect(self._on_messages)
        except (RuntimeError, TypeError):
            pass
        if self.tray is not None:
            self.tray.hide()
