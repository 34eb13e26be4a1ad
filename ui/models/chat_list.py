"""The chat list: a flat Qt model of chat rows plus a filter proxy.

Rows are plain :class:`ChatRow` values built by the session adapter from the store; the
model only orders them (pinned first, then by last activity) and answers roles. The
delegate in ``ui/delegates/chat_list.py`` paints them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ChatRow:
    chat_id: int
    kind: str
    title: str
    avatar_key: int
    preview: str = ""
    preview_sender: str = ""
    date: float = 0.0
    unread: int = 0
    pinned: bool = False
    muted: bool = False
    outgoing: bool = False
    """The last message is mine (the delegate shows its delivery tick)."""
    delivery: str = ""
    """"pending", "sent" or "read" for an outgoing last message."""
    typing: str = ""
    """"Amira is typing…" while someone types; replaces the preview."""
    draft: str = ""
    peer_id: int | None = None


class ChatRoles(IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1
    CHAT_ID = Qt.ItemDataRole.UserRole + 2
    UNREAD = Qt.ItemDataRole.UserRole + 3
    PINNED = Qt.ItemDataRole.UserRole + 4
    MUTED = Qt.ItemDataRole.UserRole + 5
    KIND = Qt.ItemDataRole.UserRole + 6


def _order_key(row: ChatRow) -> tuple[int, float, int]:
    return (0 if row.pinned else 1, -row.date, -row.chat_id)


class ChatListModel(QAbstractListModel):
    """Chat rows ordered pinned-first then newest-first. Mutated with :meth:`set_rows`,
    :meth:`upsert` and :meth:`remove`; each emits the minimal row signals."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ChatRow] = []

    # --- Qt API -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.title
        if role == ChatRoles.ROW:
            return row
        if role == ChatRoles.CHAT_ID:
            return row.chat_id
        if role == ChatRoles.UNREAD:
            return row.unread
        if role == ChatRoles.PINNED:
            return row.pinned
        if role == ChatRoles.MUTED:
            return row.muted
        if role == ChatRoles.KIND:
            return row.kind
        return None

    def roleNames(self) -> dict[int, bytes]:  # noqa: N802
        names = dict(super().roleNames())
        names[int(ChatRoles.CHAT_ID)] = b"chatId"
        names[int(ChatRoles.UNREAD)] = b"unread"
        return names

    # --- mutation -----------------------------------------------------------------------
    def rows(self) -> list[ChatRow]:
        return list(self._rows)

    def row_of(self, chat_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.chat_id == chat_id:
                return i
        return -1

    def get(self, chat_id: int) -> ChatRow | None:
        i = self.row_of(chat_id)
        return self._rows[i] if i >= 0 else None

    def set_rows(self, rows: list[ChatRow]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=_order_key)
        self.endResetModel()

    def upsert(self, row: ChatRow) -> None:
        """Insert or update one chat, moving it to its ordered place."""
        old = self.row_of(row.chat_id)
        if old >= 0:
            self.beginRemoveRows(QModelIndex(), old, old)
            del self._rows[old]
            self.endRemoveRows()
        pos = 0
        key = _order_key(row)
        while pos < len(self._rows) and _order_key(self._rows[pos]) < key:
            pos += 1
        self.beginInsertRows(QModelIndex(), pos, pos)
        self._rows.insert(pos, row)
        self.endInsertRows()

    def patch(self, chat_id: int, **changes: object) -> None:
        """Change fields that don't affect order (typing, delivery) in place."""
        i = self.row_of(chat_id)
        if i < 0:
            return
        self._rows[i] = replace(self._rows[i], **changes)  # type: ignore[arg-type]
        idx = self.index(i, 0)
        self.dataChanged.emit(idx, idx)

    def remove(self, chat_id: int) -> None:
        i = self.row_of(chat_id)
        if i >= 0:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()

    def total_unread(self, include_muted: bool = False) -> int:
        return sum(r.unread for r in self._rows if include_muted or not r.muted)


class ChatFilterModel(QSortFilterProxyModel):
    """Filters the chat list by the text in the filter box (title and preview)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def set_filter(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        if not self._needle:
            return True
        idx = self.sourceModel().index(source_row, 0, source_parent)
        row = idx.data(ChatRoles.ROW)
        if row is None:
            return False
        return self._needle in row.title.casefold() or self._needle in row.preview.casefold()
