"""The message list view: a delegate-painted QListView with history loading on scroll-up,
sticky bottom, position kept when older pages are prepended, and a jump-to-bottom button
showing how many new messages arrived below.

Signals: ``reply_requested(int)``, ``edit_requested(int)``, ``delete_requested(int)``,
``retry_requested(int)``, ``at_bottom_changed(bool)``, ``copy_requested(int)``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QToolButton, QWidget

from ui.delegates.message import MessageDelegate
from ui.models.messages import MessageListModel, MessageRoles

LOAD_OLDER_PX = 400


class ChatView(QListView):
    reply_requested = Signal(int)
    edit_requested = Signal(int)
    delete_requested = Signal(int)
    retry_requested = Signal(int)
    at_bottom_changed = Signal(bool)

    def __init__(
        self, model: MessageListModel, delegate: MessageDelegate, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MessageList")
        self.setModel(model)
        self.setItemDelegate(delegate)
        self.message_model = model
        self.delegate = delegate
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.verticalScrollBar().setSingleStep(24)
        self._stick_bottom = True
        self._prepend_anchor: tuple[int, int] | None = None
        self._at_bottom = True
        self.unread_below = 0
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)
        model.rowsAboutToBeInserted.connect(self._about_to_insert)
        model.modelReset.connect(self._on_reset)
        model.appended.connect(self._on_appended)

        self.jump = QToolButton(self)
        self.jump.setObjectName("JumpToBottom")
        self.jump.setText("⌄")
        self.jump.setToolTip(self.tr("Jump to the newest message"))
        self.jump.setFixedSize(40, 40)
        self.jump.clicked.connect(self.jump_to_bottom)
        self.jump.hide()

    # --- positions ------------------------------------------------------------------------
    def is_at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 8

    def _about_to_insert(self, _parent: QModelIndex, first: int, _last: int) -> None:
        bar = self.verticalScrollBar()
        if first == 0 and self.model().rowCount() > 0:
            self._prepend_anchor = (bar.value(), bar.maximum())
        else:
            self._stick_bottom = self.is_at_bottom()

    def _on_range_changed(self, _min: int, maximum: int) -> None:
        bar = self.verticalScrollBar()
        if self._prepend_anchor is not None:
            value, old_max = self._prepend_anchor
            self._prepend_anchor = None
            bar.setValue(value + (maximum - old_max))
        elif self._stick_bottom:
            bar.setValue(maximum)

    def _on_reset(self) -> None:
        self._stick_bottom = True
        self._prepend_anchor = None
        self.unread_below = 0
        self.delegate.clear_cache()
        QTimer.singleShot(0, self.scrollToBottom)
        self._update_jump()

    def _on_appended(self, n: int) -> None:
        if not self._stick_bottom:
            self.unread_below += n
        self._update_jump()

    def _on_scrolled(self, value: int) -> None:
        if value < LOAD_OLDER_PX and self.model().rowCount() > 0:
            self.message_model.load_older()
        at_bottom = self.is_at_bottom()
        self._stick_bottom = at_bottom
        if at_bottom:
            self.unread_below = 0
        if at_bottom != self._at_bottom:
            self._at_bottom = at_bottom
            self.at_bottom_changed.emit(at_bottom)
        self._update_jump()

    def jump_to_bottom(self) -> None:
        self._stick_bottom = True
        self.unread_below = 0
        self.scrollToBottom()
        self._update_jump()

    def scroll_to_key(self, key: int) -> bool:
        row = self.message_model.row_of(key)
        if row < 0:
            return False
        self._stick_bottom = False
        idx = self.message_model.index(row, 0)
        self.scrollTo(idx, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.flash(idx)
        return True

    def flash(self, idx: QModelIndex) -> None:
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setCurrentIndex(idx)
        self.selectionModel().select(idx, self.selectionModel().SelectionFlag.ClearAndSelect)

        def clear() -> None:
            self.clearSelection()
            self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)

        QTimer.singleShot(1600, clear)

    def _update_jump(self) -> None:
        show = not self.is_at_bottom() and self.model().rowCount() > 0
        if show:
            self.jump.setText(f"⌄ {self.unread_below}" if self.unread_below else "⌄")
            self.jump.setFixedWidth(40 if not self.unread_below else 60)
        self.jump.setVisible(show)
        self._place_jump()

    def _place_jump(self) -> None:
        vp = self.viewport().geometry()
        margin = 14
        y = vp.bottom() - self.jump.height() - margin
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            x = vp.left() + margin
        else:
            x = vp.right() - self.jump.width() - margin
        self.jump.move(x, y)
        self.jump.raise_()

    def resizeEvent(self, e) -> None:  # noqa: N802
        self.delegate.clear_cache()
        super().resizeEvent(e)
        self._place_jump()

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802
        if e.type() == QEvent.Type.LayoutDirectionChange:
            self.delegate.clear_cache()
            self.scheduleDelayedItemsLayout()
            self._place_jump()
        super().changeEvent(e)

    # --- context menu ---------------------------------------------------------------------
    def _context_menu(self, pos: QPoint) -> None:
        idx = self.indexAt(pos)
        if not idx.isValid():
            return
        item = idx.data(MessageRoles.ITEM)
        if item is None or item.call is not None and not item.text:
            if item is None:
                return
        menu = QMenu(self)
        if not item.pending:
            menu.addAction(self.tr("Reply"), lambda: self.reply_requested.emit(item.key))
        if item.text:
            menu.addAction(
                self.tr("Copy text"), lambda: QGuiApplication.clipboard().setText(item.text)
            )
        if item.outgoing and not item.pending and item.text and item.call is None:
            menu.addAction(self.tr("Edit"), lambda: self.edit_requested.emit(item.key))
        if item.pending and item.delivery == "failed":
            menu.addAction(self.tr("Retry sending"), lambda: self.retry_requested.emit(item.key))
        if item.outgoing or item.pending:
            menu.addSeparator()
            menu.addAction(self.tr("Delete…"), lambda: self.delete_requested.emit(item.key))
        menu.exec(self.viewport().mapToGlobal(pos))
