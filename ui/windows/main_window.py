"""The main window: chat list on one side, the open conversation on the other.

Signals:
    call_requested(int chat_id, bool video) — the call buttons of a 1:1 chat (the call UI
        connects to it).
    chat_opened(int chat_id), chat_list_shown()
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.bridge import Bridge
from ui.delegates.chat_list import ChatListDelegate
from ui.delegates.message import MessageDelegate
from ui.errors import describe
from ui.models.chat_list import ChatFilterModel, ChatListModel, ChatRoles, ChatRow
from ui.models.messages import MessageListModel
from ui.session import UiSession
from ui.tasks import TaskOwner
from ui.timing import mark
from ui.widgets.banner import ConnectionBanner
from ui.widgets.chat_header import ChatHeader
from ui.widgets.chat_view import ChatView
from ui.widgets.composer import Composer
from ui.widgets.thumbnails import ThumbnailCache

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    call_requested = Signal(int, bool)
    chat_opened = Signal(int)
    chat_list_shown = Signal()
    unread_changed = Signal(int)

    def __init__(
        self,
        session: UiSession,
        bridge: Bridge,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.bridge = bridge
        self.settings = settings
        self.tasks = TaskOwner("main")
        self.current_chat: int | None = None
        self._chat_kind = ""
        self._updating_rows = False
        self.setWindowTitle(self.tr("Risala"))
        self.setMinimumSize(720, 480)

        # --- sidebar ---------------------------------------------------------------------
        sidebar = QFrame(self)
        sidebar.setObjectName("Sidebar")
        sl = QVBoxLayout(sidebar)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.setSpacing(0)
        top = QHBoxLayout()
        top.setContentsMargins(8, 8, 8, 8)
        top.setSpacing(6)
        self.menu_button = QToolButton(sidebar)
        self.menu_button.setText("☰")
        self.menu_button.setToolTip(self.tr("Menu"))
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.menu_button)
        self.new_chat_action = menu.addAction(self.tr("New chat…"), self.new_chat)
        self.new_group_action = menu.addAction(self.tr("New group…"), self.new_group)
        self.search_action = menu.addAction(self.tr("Search messages…"), self.open_search)
        menu.addSeparator()
        self.settings_action = menu.addAction(self.tr("Settings…"), self.open_settings)
        self.menu_button.setMenu(menu)
        self.filter_box = QLineEdit(sidebar)
        self.filter_box.setObjectName("FilterBox")
        self.filter_box.setPlaceholderText(self.tr("Search chats"))
        self.filter_box.setClearButtonEnabled(True)
        top.addWidget(self.menu_button)
        top.addWidget(self.filter_box, 1)
        sl.addLayout(top)
        self.banner = ConnectionBanner(sidebar)
        sl.addWidget(self.banner)
        self.chat_model = ChatListModel(self)
        self.chat_filter = ChatFilterModel(self)
        self.chat_filter.setSourceModel(self.chat_model)
        self.filter_box.textChanged.connect(self.chat_filter.set_filter)
        self.chat_list = QListView(sidebar)
        self.chat_list.setObjectName("ChatList")
        self.chat_list.setModel(self.chat_filter)
        self.chat_list.setItemDelegate(ChatListDelegate(self.chat_list))
        self.chat_list.setUniformItemSizes(True)
        self.chat_list.setMouseTracking(True)
        self.chat_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chat_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.chat_list.customContextMenuRequested.connect(self._chat_context_menu)
        self.chat_list.selectionModel().currentChanged.connect(self._on_current_chat)
        sl.addWidget(self.chat_list, 1)

        # --- conversation -------------------------------------------------------------------
        self.stack = QStackedWidget(self)
        empty = QFrame(self.stack)
        empty.setObjectName("EmptyChat")
        el = QVBoxLayout(empty)
        self.empty_label = QLabel(self.tr("Select a chat to start messaging"), empty)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        el.addWidget(self.empty_label)
        self.stack.addWidget(empty)

        panel = QWidget(self.stack)
        pl = QVBoxLayout(panel)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.setSpacing(0)
        self.header = ChatHeader(panel)
        self.header.call_clicked.connect(self._on_call_clicked)
        self.header.info_clicked.connect(self.open_chat_info)
        self.header.search_clicked.connect(lambda: self.open_search(in_chat=True))
        pl.addWidget(self.header)
        self.thumbnails = ThumbnailCache(session.fetch_blob, parent=self)
        self.message_model = MessageListModel(session, self)
        self.message_delegate = MessageDelegate(self.thumbnails, self)
        self.chat_view = ChatView(self.message_model, self.message_delegate, panel)
        self.thumbnails.ready.connect(self._on_thumbnail)
        self.thumbnails.failed.connect(self._on_thumbnail)
        pl.addWidget(self.chat_view, 1)
        self.composer = Composer(panel)
        pl.addWidget(self.composer)
        self.stack.addWidget(panel)

        splitter = QSplitter(self)
        splitter.setObjectName("MainSplitter")
        splitter.addWidget(sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        sidebar.setMinimumWidth(240)
        splitter.setSizes([320, 700])
        self.splitter = splitter
        self.setCentralWidget(splitter)

        # --- wiring ---------------------------------------------------------------------
        self.composer.send_requested.connect(self._send)
        self.composer.edit_requested.connect(self._edit)
        self.composer.attach_requested.connect(self._attach)
        self.composer.typing.connect(self._typing)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(600)
        self._draft_timer.timeout.connect(self._save_draft)
        self.composer.draft_changed.connect(lambda _t: self._draft_timer.start())
        self.chat_view.reply_requested.connect(self._reply)
        self.chat_view.edit_requested.connect(self._start_edit)
        self.chat_view.delete_requested.connect(self._delete)
        self.chat_view.retry_requested.connect(self._retry)
        self.chat_view.at_bottom_changed.connect(lambda b: b and self._mark_read())
        self.message_delegate.file_clicked.connect(self._open_file)
        self.message_delegate.photo_clicked.connect(self._open_file)
        self.message_delegate.reply_clicked.connect(self.jump_to_message)
        self.message_model.appended.connect(lambda _n: QTimer.singleShot(0, self._mark_read))

        bridge.chats_changed.connect(self._on_chats_changed)
        bridge.chat_removed.connect(self._on_chat_removed)
        bridge.messages_changed.connect(self._on_messages_changed)
        bridge.message_deleted.connect(self._on_message_deleted)
        bridge.read_state_changed.connect(self._on_read_state)
        bridge.typing_changed.connect(self._on_typing)
        bridge.users_changed.connect(self._on_users_changed)
        bridge.outbox_changed.connect(self._on_outbox_changed)
        bridge.connection_state_changed.connect(self._on_connection_state)
        bridge.sync_state_changed.connect(self._on_sync_state)
        if bridge.last_connection_state:
            self.banner.set_state(bridge.last_connection_state)

        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: self.open_search(in_chat=self.current_chat is not None))
        self.addAction(find)
        esc = QAction(self)
        esc.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        esc.triggered.connect(self.composer.cancel_context)
        self.addAction(esc)
        self._restore_geometry()

    # --- lifecycle ------------------------------------------------------------------------
    def load(self) -> None:
        """Fill the chat list from the store (no network)."""
        self.tasks.run(self.session.chat_rows(), self._rows_loaded, self._show_error)

    def _rows_loaded(self, rows: list[ChatRow]) -> None:
        self.chat_model.set_rows(rows)
        self.unread_changed.emit(self.chat_model.total_unread())
        self.chat_list_shown.emit()
        mark("chat_list_shown")

    def _restore_geometry(self) -> None:
        if self.settings is None:
            self.resize(1040, 700)
            return
        geo = self.settings.value("window/geometry")
        if isinstance(geo, QByteArray) and not geo.isEmpty():
            self.restoreGeometry(geo)
        else:
            self.resize(1040, 700)
        split = self.settings.value("window/splitter")
        if isinstance(split, QByteArray) and not split.isEmpty():
            self.splitter.restoreState(split)

    def save_geometry(self) -> None:
        if self.settings is not None:
            self.settings.setValue("window/geometry", self.saveGeometry())
            self.settings.setValue("window/splitter", self.splitter.saveState())
            self.settings.sync()

    def closeEvent(self, e) -> None:  # noqa: N802
        self.save_geometry()
        self._save_draft()
        super().closeEvent(e)

    async def aclose(self) -> None:
        self._draft_timer.stop()
        b = self.bridge
        for sig, slot in (
            (b.chats_changed, self._on_chats_changed),
            (b.chat_removed, self._on_chat_removed),
            (b.messages_changed, self._on_messages_changed),
            (b.message_deleted, self._on_message_deleted),
            (b.read_state_changed, self._on_read_state),
            (b.typing_changed, self._on_typing),
            (b.users_changed, self._on_users_changed),
            (b.outbox_changed, self._on_outbox_changed),
            (b.connection_state_changed, self._on_connection_state),
            (b.sync_state_changed, self._on_sync_state),
        ):
            try:
                sig.disconnect(slot)
            except (RuntimeError, TypeError):
                pass
        await self.tasks.aclose()
        await self.message_model.aclose()
        await self.thumbnails.aclose()

    def _show_error(self, exc: BaseException) -> None:
        log.warning("operation failed: %r", exc)
        QMessageBox.warning(self, self.tr("Risala"), describe(exc))

    # --- chat list --------------------------------------------------------------------------
    def _on_current_chat(self, current: QModelIndex, _prev: QModelIndex) -> None:
        if not current.isValid() or self._updating_rows:
            return
        chat_id = current.data(ChatRoles.CHAT_ID)
        if chat_id != self.current_chat:
            self.open_chat(chat_id)

    def select_chat(self, chat_id: int) -> None:
        row = self.chat_model.row_of(chat_id)
        if row >= 0:
            idx = self.chat_filter.mapFromSource(self.chat_model.index(row, 0))
            if idx.isValid():
                self.chat_list.setCurrentIndex(idx)
                return
        self.open_chat(chat_id)

    def open_chat(self, chat_id: int) -> None:
        self._save_draft()
        self.current_chat = chat_id
        row = self.chat_model.get(chat_id)
        kind = row.kind if row else "direct"
        self._chat_kind = kind
        self._update_header()
        self.composer.reset(row.draft if row else "")
        self.stack.setCurrentIndex(1)
        self.composer.input.setFocus()
        chat = self.session.cached_chat(chat_id)
        others_read = chat.read_outbox_max_id if chat else 0
        mark("open_chat_start")
        self.tasks.run(
            self.message_model.open(
                chat_id, is_group=kind == "group", others_read_max_id=others_read
            ),
            lambda _r, c=chat_id: self._chat_loaded(c),
            self._show_error,
        )

    def _chat_loaded(self, chat_id: int) -> None:
        if chat_id != self.current_chat:
            return
        self.chat_view.jump_to_bottom()
        self.chat_opened.emit(chat_id)
        mark("open_chat_done")
        self._mark_read()

    def _update_header(self) -> None:
        chat_id = self.current_chat
        if chat_id is None:
            return
        row = self.chat_model.get(chat_id)
        if row is None:
            return
        if row.kind == "group":
            chat = self.session.cached_chat(chat_id)
            subtitle = self.tr("Group")
            self.tasks.run(
                self.session.members(chat_id),
                lambda m, c=chat_id: self._set_member_count(c, len(m)),
            )
            _ = chat
        else:
            uname = self.session.username_of(row.peer_id or 0)
            subtitle = "@" + uname if uname else ""
        self.header.set_chat(row.avatar_key, row.title, subtitle, row.kind == "direct")
        self._refresh_typing()

    def _set_member_count(self, chat_id: int, n: int) -> None:
        if chat_id == self.current_chat:
            self.header.set_chat(
                self.header.avatar._key,
                self.header.title.text(),
                self.tr("%n member(s)", "", n),
                False,
            )
            self._refresh_typing()

    def _chat_context_menu(self, pos) -> None:
        idx = self.chat_list.indexAt(pos)
        if not idx.isValid():
            return
        row: ChatRow = idx.data(ChatRoles.ROW)
        menu = QMenu(self)
        menu.addAction(
            self.tr("Unpin") if row.pinned else self.tr("Pin"),
            lambda: self.set_pinned(row.chat_id, not row.pinned),
        )
        menu.addAction(
            self.tr("Unmute") if row.muted else self.tr("Mute"),
            lambda: self.set_muted(row.chat_id, not row.muted),
        )
        menu.exec(self.chat_list.viewport().mapToGlobal(pos))

    def set_pinned(self, chat_id: int, pinned: bool) -> None:
        """The list re-sorts when the core publishes ChatsChanged."""
        self.tasks.run(self.session.set_pinned(chat_id, pinned), None, self._show_error)

    def set_muted(self, chat_id: int, muted: bool) -> None:
        self.tasks.run(self.session.set_muted(chat_id, muted), None, self._show_error)

    # --- events from the core -------------------------------------------------------------
    def _refresh_chats(self, chat_ids: list[int]) -> None:
        self.tasks.run(self.session.chat_rows_for(chat_ids), self._apply_chat_rows)

    def _apply_chat_rows(self, result: tuple[list[ChatRow], list[int]]) -> None:
        rows, missing = result
        current = self.current_chat
        self._updating_rows = True
        try:
            self._upsert_rows(rows, missing)
        finally:
            self._updating_rows = False
        if current is not None:
            # keep the open chat selected after it moved
            r = self.chat_model.row_of(current)
            if r >= 0:
                idx = self.chat_filter.mapFromSource(self.chat_model.index(r, 0))
                self._updating_rows = True
                self.chat_list.setCurrentIndex(idx)
                self._updating_rows = False
            else:
                self.chat_list.clearSelection()
            if current in {r.chat_id for r in rows}:
                self._update_header()
        self.unread_changed.emit(self.chat_model.total_unread())

    def _upsert_rows(self, rows: list[ChatRow], missing: list[int]) -> None:
        for row in rows:
            typing = self.chat_model.get(row.chat_id)
            if typing is not None and typing.typing:
                from dataclasses import replace

                row = replace(row, typing=typing.typing)
            self.chat_model.upsert(row)
        for cid in missing:
            self.chat_model.remove(cid)

    def _on_connection_state(self, state: str, detail: str, _retry_in: object) -> None:
        self.banner.set_state(state, detail)

    def _on_sync_state(self, syncing: bool, _seq: int) -> None:
        self.banner.set_syncing(syncing)

    def _on_chats_changed(self, chat_ids: list[int]) -> None:
        self._refresh_chats(chat_ids)

    def _on_chat_removed(self, chat_id: int) -> None:
        self._updating_rows = True
        try:
            self.chat_model.remove(chat_id)
        finally:
            self._updating_rows = False
        if chat_id == self.current_chat:
            self.current_chat = None
            self.message_model.clear()
            self.stack.setCurrentIndex(0)
        self.unread_changed.emit(self.chat_model.total_unread())

    def _on_messages_changed(self, chat_id: int, ids: list[int]) -> None:
        if chat_id != self.current_chat:
            return
        self.tasks.run(self._fetch_changed(chat_id, ids), lambda r: self._apply_changed(chat_id, r))

    async def _fetch_changed(self, chat_id: int, ids: list[int]):
        items = await self.session.items(chat_id, ids)
        pending = await self.session.pending(chat_id)
        return items, pending

    def _apply_changed(self, chat_id: int, result) -> None:
        if chat_id != self.current_chat:
            return
        items, pending = result
        self.message_model.apply_changed(items)
        self.message_model.set_pending(pending)

    def _on_message_deleted(self, chat_id: int, message_id: int) -> None:
        if chat_id == self.current_chat:
            self.message_model.remove(message_id)

    def _on_read_state(self, chat_id: int, _read: int, others: int) -> None:
        if chat_id == self.current_chat:
            self.message_model.set_others_read(others)
        self._refresh_chats([chat_id])

    def _on_outbox_changed(self, chat_id: int, _rid, _status: str, mid, _err: str) -> None:
        if chat_id != self.current_chat:
            return
        if mid:
            # accepted: the real message replaces the pending row in one step
            self.tasks.run(
                self._fetch_changed(chat_id, [mid]), lambda r: self._apply_changed(chat_id, r)
            )
        else:
            self.tasks.run(
                self.session.pending(chat_id), lambda p, c=chat_id: self._set_pending(c, p)
            )

    def _set_pending(self, chat_id: int, pending) -> None:
        if chat_id == self.current_chat:
            self.message_model.set_pending(pending)

    def _on_users_changed(self, user_ids: list[int]) -> None:
        self.tasks.run(
            self.session.load_users(user_ids, refresh=True),
            lambda _r: self._refresh_chats([r.chat_id for r in self.chat_model.rows()]),
        )

    def typing_text(self, chat_id: int, user_ids: list[int]) -> str:
        names = [self.session.name_of(u).split(" ")[0] for u in user_ids if u != self.session.me_id]
        if not names:
            return ""
        if len(names) == 1:
            return self.tr("%1 is typing…").replace("%1", names[0])
        return self.tr("%n people are typing…", "", len(names))

    def _on_typing(self, chat_id: int, user_ids: list[int]) -> None:
        text = self.typing_text(chat_id, user_ids)
        self.chat_model.patch(chat_id, typing=text)
        if chat_id == self.current_chat:
            self.header.set_typing(text)

    def _refresh_typing(self) -> None:
        if self.current_chat is None:
            return
        try:
            users = list(self.session.typing_users(self.current_chat))
        except Exception:  # noqa: BLE001 - typing is cosmetic
            users = []
        self.header.set_typing(self.typing_text(self.current_chat, users))

    # --- actions ----------------------------------------------------------------------------
    def _send(self, text: str) -> None:
        if self.current_chat is None:
            return
        reply_to = self.composer.reply_to
        self.chat_view.jump_to_bottom()
        self.tasks.run(
            self.session.send_text(self.current_chat, text, reply_to), None, self._show_error
        )

    def _edit(self, message_id: int, text: str) -> None:
        if self.current_chat is not None:
            self.tasks.run(
                self.session.edit(self.current_chat, message_id, text), None, self._show_error
            )

    def _attach(self, kind: str) -> None:
        if self.current_chat is None:
            return
        if kind == "photo":
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Send a photo"),
                "",
                self.tr("Images (*.png *.jpg *.jpeg *.gif *.webp *.bmp)"),
            )
        else:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Send a file"))
        if path:
            self.send_file(path)

    def send_file(self, path: str) -> None:
        if self.current_chat is None:
            return
        caption = self.composer.text().strip()
        if caption:
            self.composer.input.clear()
        self.tasks.run(
            self.session.send_file(self.current_chat, path, caption, self.composer.reply_to),
            None,
            self._show_error,
        )

    def _typing(self) -> None:
        if self.current_chat is not None:
            self.tasks.run(self.session.typing(self.current_chat), None, lambda _e: None)

    def _save_draft(self) -> None:
        if self.current_chat is None or self.composer.editing is not None:
            return
        text = self.composer.text()
        row = self.chat_model.get(self.current_chat)
        if row is not None and row.draft == text:
            return
        chat_id = self.current_chat
        if row is not None:
            self.chat_model.patch(chat_id, draft=text)
        self.tasks.run(self.session.save_draft(chat_id, text), None, lambda _e: None)

    def _reply(self, key: int) -> None:
        item = self.message_model.cached(key)
        if item is not None:
            self.composer.start_reply(
                key,
                item.sender_name,
                item.text or (item.attachment.name if item.attachment else ""),
            )

    def _start_edit(self, key: int) -> None:
        item = self.message_model.cached(key)
        if item is not None:
            self.composer.start_edit(key, item.text)

    def _delete(self, key: int) -> None:
        item = self.message_model.cached(key)
        if item is None or self.current_chat is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete message"),
            self.tr("Delete this message for everyone?"),
            parent=self,
        )
        delete = box.addButton(self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not delete:
            return
        self.tasks.run(
            self.session.delete(self.current_chat, key, item.random_id), None, self._show_error
        )

    def _retry(self, key: int) -> None:
        item = self.message_model.cached(key)
        if item is not None and item.random_id is not None:
            self.tasks.run(self.session.retry(item.random_id), None, self._show_error)

    def _mark_read(self) -> None:
        if self.current_chat is None or not self.chat_view.is_at_bottom():
            return
        row = self.chat_model.get(self.current_chat)
        newest = self.message_model.newest_id()
        if row is None or newest <= 0 or row.unread == 0:
            return
        if not self.isActiveWindow() and QApplication.platformName() not in (
            "offscreen",
            "minimal",
        ):
            return
        self.tasks.run(
            self.session.mark_read(self.current_chat, newest),
            None,
            lambda e: log.info("mark read: %s", e),
        )

    def changeEvent(self, e) -> None:  # noqa: N802
        from PySide6.QtCore import QEvent

        if e.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            QTimer.singleShot(0, self._mark_read)
        super().changeEvent(e)

    def _on_call_clicked(self, video: bool) -> None:
        if self.current_chat is not None:
            self.call_requested.emit(self.current_chat, video)

    def _on_thumbnail(self, sha: str) -> None:
        rows = self.message_model.rows_with_sha(sha)
        self.message_model.refresh_rows(rows)

    def _open_file(self, item) -> None:
        a = item.attachment
        if a is None:
            return
        if a.local_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(a.local_path))
            return
        self.message_delegate.downloading.add(a.sha256)
        self.chat_view.viewport().update()

        def done(path: str) -> None:
            self.message_delegate.downloading.discard(a.sha256)
            self._on_messages_changed(item.chat_id, [item.key])
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))

        def failed(exc: BaseException) -> None:
            self.message_delegate.downloading.discard(a.sha256)
            self.chat_view.viewport().update()
            self._show_error(exc)

        self.tasks.run(self.session.fetch_blob(a.sha256), done, failed)

    def jump_to_message(self, message_id: int, chat_id: int | None = None) -> None:
        """Open ``chat_id`` (if given) and scroll to the message, loading older pages."""
        if chat_id is not None and chat_id != self.current_chat:
            self.select_chat(chat_id)
            self.chat_opened_once(lambda: self.jump_to_message(message_id))
            return
        if self.chat_view.scroll_to_key(message_id):
            return
        self.tasks.run(
            self._load_until(message_id), lambda ok: ok and self.chat_view.scroll_to_key(message_id)
        )

    def chat_opened_once(self, fn) -> None:
        def handler(_cid: int) -> None:
            self.chat_opened.disconnect(handler)
            fn()

        self.chat_opened.connect(handler)

    async def _load_until(self, message_id: int) -> bool:
        import asyncio

        for _ in range(1000):
            if self.message_model.row_of(message_id) >= 0:
                return True
            if self.message_model.exhausted:
                return False
            loaded = asyncio.get_running_loop().create_future()

            def on_loaded(_n: int = 0, f=loaded) -> None:
                if not f.done():
                    f.set_result(None)

            self.message_model.older_loaded.connect(on_loaded)
            self.message_model.loading_changed.connect(
                lambda busy, f=loaded: (not busy) and on_loaded()
            )
            self.message_model.load_older()
            try:
                await asyncio.wait_for(loaded, 10)
            finally:
                try:
                    self.message_model.older_loaded.disconnect(on_loaded)
                except (RuntimeError, TypeError):
                    pass
        return False

    # --- dialogs ---------------------------------------------------------------------------
    def new_chat(self) -> None:
        from ui.dialogs.new_chat import NewChatDialog

        dlg = NewChatDialog(self.session, self)
        dlg.chat_created.connect(self._open_when_listed)
        dlg.open()

    def new_group(self) -> None:
        from ui.dialogs.new_chat import NewGroupDialog

        dlg = NewGroupDialog(self.session, self)
        dlg.chat_created.connect(self._open_when_listed)
        dlg.open()

    def _open_when_listed(self, chat_id: int) -> None:
        def opened(result) -> None:
            self._apply_chat_rows(result)
            self.select_chat(chat_id)

        self.tasks.run(self.session.chat_rows_for([chat_id]), opened, self._show_error)

    def open_chat_info(self) -> None:
        if self.current_chat is None:
            return
        from ui.dialogs.group_info import ChatInfoDialog

        row = self.chat_model.get(self.current_chat)
        dlg = ChatInfoDialog(self.session, self.bridge, self.current_chat, row, self)
        dlg.open()

    def open_search(self, in_chat: bool = False) -> None:
        from ui.dialogs.search import SearchDialog

        dlg = SearchDialog(self.session, self.current_chat if in_chat else None, self)
        dlg.result_chosen.connect(lambda chat_id, mid: self.jump_to_message(mid, chat_id))
        dlg.open()

    def open_settings(self) -> None:
        from ui.dialogs.settings import SettingsDialog

        dlg = SettingsDialog.create(self.session, self)
        dlg.open()
