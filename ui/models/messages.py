"""The message list of one chat: message ids plus a lazy row cache, loaded in pages.

The model holds the ids of a window of the history (newest page first, older pages
prepended as the user scrolls up) and a cache of :class:`MessageItem` rows keyed by id.
Rows missing from the cache are fetched in batches on first paint, so a chat of 100,000
messages costs only the rows the user actually looks at. Unsent messages from the outbox
follow the real ones until the relay accepts them.

Signals: ``older_loaded(int)`` (rows prepended), ``appended(int)`` (rows added at the
bottom), ``loading_changed(bool)``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ui.format import local_dt
from ui.tasks import TaskOwner

log = logging.getLogger(__name__)
_Index = QModelIndex | QPersistentModelIndex

PAGE = 200
BATCH = 100


@dataclass(frozen=True)
class AttachmentInfo:
    kind: str  # "photo" | "file"
    sha256: str
    name: str
    size: int
    mime: str
    width: int = 0
    height: int = 0
    local_path: str = ""


@dataclass(frozen=True)
class CallInfoItem:
    video: bool
    outcome: str
    duration: float
    outgoing: bool


@dataclass(frozen=True)
class MessageItem:
    """One row of the chat view, ready to paint."""

    key: int
    """The relay's message id, or a negative key for an unsent outbox entry."""
    chat_id: int
    sender_id: int
    sender_name: str
    date: float
    text: str = ""
    outgoing: bool = False
    delivery: str = ""  # "pending" | "sent" | "read" | "failed" for outgoing
    edited: bool = False
    reply_sender: str = ""
    reply_text: str = ""
    reply_to: int | None = None
    attachment: AttachmentInfo | None = None
    call: CallInfoItem | None = None
    random_id: int | None = None
    error: str = ""

    @property
    def pending(self) -> bool:
        return self.key < 0


class MessageRoles(IntEnum):
    ITEM = Qt.ItemDataRole.UserRole + 1
    KEY = Qt.ItemDataRole.UserRole + 2
    SHOW_DAY = Qt.ItemDataRole.UserRole + 3
    SHOW_SENDER = Qt.ItemDataRole.UserRole + 4
    GROUP = Qt.ItemDataRole.UserRole + 5
    DAY = Qt.ItemDataRole.UserRole + 6
    TAIL = Qt.ItemDataRole.UserRole + 7


class MessageSource(Protocol):
    """What the model needs from the session adapter."""

    def page(self, chat_id: int, before_id: int | None, limit: int) -> Awaitable[list[int]]:
        """Ids of messages older than ``before_id`` (or the newest), in ascending order."""
        ...

    def items(self, chat_id: int, ids: Sequence[int]) -> Awaitable[list[MessageItem]]: ...

    def pending(self, chat_id: int) -> Awaitable[list[MessageItem]]:
        """Unsent outbox entries of the chat, oldest first (keys negative)."""
        ...


def outbox_key(random_id: int) -> int:
    return -((random_id & 0x7FFFFFFFFFFFFFFF) or 1)


class MessageListModel(QAbstractListModel):
    older_loaded = Signal(int)
    appended = Signal(int)
    loading_changed = Signal(bool)
    items_loaded = Signal()

    def __init__(
        self, source: MessageSource, parent: QObject | None = None, *, is_group: bool = False
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._tasks = TaskOwner("messages")
        self.chat_id = 0
        self.is_group = is_group
        self._ids: list[int] = []
        self._pending: list[MessageItem] = []
        self._cache: dict[int, MessageItem] = {}
        self._requested: set[int] = set()
        self._exhausted = False
        self._loading_older = False
        self.others_read_max_id = 0
        self._generation = 0

    # --- Qt API -------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids) + len(self._pending)

    def key_at(self, row: int) -> int:
        n = len(self._ids)
        return self._ids[row] if row < n else self._pending[row - n].key

    def item_at(self, row: int) -> MessageItem | None:
        n = len(self._ids)
        if row >= n:
            return self._pending[row - n]
        return self._cache.get(self._ids[row])

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < self.rowCount():
            return None
        if role == MessageRoles.KEY:
            return self.key_at(row)
        item = self.item_at(row)
        if item is None:
            self._request_around(row)
            if role == Qt.ItemDataRole.DisplayRole:
                return ""
            return None
        if role == MessageRoles.ITEM:
            return self._with_read_state(item)
        if role == Qt.ItemDataRole.DisplayRole:
            return item.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.sender_name}: {item.text}"
        if role == MessageRoles.DAY:
            return local_dt(item.date).date()
        if role == MessageRoles.SHOW_DAY:
            prev = self.item_at(row - 1) if row > 0 else None
            if row == 0:
                return True
            if prev is None:
                return False
            return local_dt(prev.date).date() != local_dt(item.date).date()
        if role == MessageRoles.SHOW_SENDER:
            if not self.is_group or item.outgoing or item.call is not None:
                return False
            prev = self.item_at(row - 1) if row > 0 else None
            return (
                prev is None
                or prev.sender_id != item.sender_id
                or prev.call is not None
                or local_dt(prev.date).date() != local_dt(item.date).date()
            )
        if role == MessageRoles.GROUP:
            return self.is_group
        if role == MessageRoles.TAIL:
            nxt = self.item_at(row + 1) if row + 1 < self.rowCount() else None
            return nxt is None or nxt.sender_id != item.sender_id
        return None

    def _with_read_state(self, item: MessageItem) -> MessageItem:
        if item.outgoing and not item.pending and item.delivery != "read":
            if item.key <= self.others_read_max_id:
                return replace(item, delivery="read")
        return item

    # --- loading ------------------------------------------------------------------------
    async def open(self, chat_id: int, *, is_group: bool, others_read_max_id: int = 0) -> None:
        """Load the newest page of ``chat_id`` (replaces whatever was shown)."""
        self._generation += 1
        gen = self._generation
        ids = await self._source.page(chat_id, None, PAGE)
        items = await self._source.items(chat_id, ids[-BATCH:]) if ids else []
        pending = await self._source.pending(chat_id)
        if gen != self._generation:
            return
        self.beginResetModel()
        self.chat_id = chat_id
        self.is_group = is_group
        self.others_read_max_id = others_read_max_id
        self._ids = list(ids)
        self._cache = {it.key: it for it in items}
        self._requested = set()
        self._pending = list(pending)
        self._exhausted = len(ids) < PAGE
        self._loading_older = False
        self.endResetModel()

    def clear(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self.chat_id = 0
        self._ids, self._pending, self._cache = [], [], {}
        self._requested = set()
        self.endResetModel()

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    def load_older(self) -> None:
        """Prepend the page before the first loaded id (called on scroll to the top)."""
        if self._exhausted or self._loading_older or not self.chat_id:
            return
        self._loading_older = True
        self.loading_changed.emit(True)
        gen = self._generation
        before = self._ids[0] if self._ids else None
        self._tasks.run(self._load_older(gen, before), self._older_done, self._older_failed)

    async def _load_older(
        self, gen: int, before: int | None
    ) -> tuple[int, list[int], list[MessageItem]]:
        ids = await self._source.page(self.chat_id, before, PAGE)
        items = await self._source.items(self.chat_id, ids[-BATCH:]) if ids else []
        return gen, ids, items

    def _older_done(self, result: tuple[int, list[int], list[MessageItem]]) -> None:
        gen, ids, items = result
        self._loading_older = False
        self.loading_changed.emit(False)
        if gen != self._generation:
            return
        known = set(self._ids)
        ids = [i for i in ids if i not in known]
        if len(ids) < PAGE:
            self._exhausted = True
        if not ids:
            return
        for it in items:
            self._cache[it.key] = it
        self.beginInsertRows(QModelIndex(), 0, len(ids) - 1)
        self._ids[0:0] = ids
        self.endInsertRows()
        # the first old row's day/sender grouping may have changed
        idx = self.index(len(ids), 0)
        self.dataChanged.emit(idx, idx)
        self.older_loaded.emit(len(ids))

    def _older_failed(self, exc: BaseException) -> None:
        self._loading_older = False
        self.loading_changed.emit(False)
        log.warning("loading older messages failed: %s", exc)

    def _request_around(self, row: int) -> None:
        n = len(self._ids)
        if row >= n:
            return
        lo, hi = max(0, row - BATCH // 2), min(n, row + BATCH // 2)
        want = [i for i in self._ids[lo:hi] if i not in self._cache and i not in self._requested]
        if not want:
            return
        self._requested.update(want)
        gen = self._generation
        self._tasks.run(
            self._source.items(self.chat_id, want), lambda items: self._fill(gen, items)
        )

    def _fill(self, gen: int, items: list[MessageItem]) -> None:
        if gen != self._generation or not items:
            return
        for it in items:
            self._cache[it.key] = it
            self._requested.discard(it.key)
        rows = [self._row_of_id(it.key) for it in items]
        rows = [r for r in rows if r >= 0]
        if rows:
            # sizes change from the placeholder: ask views to lay out again
            self.layoutAboutToBeChanged.emit()
            self.layoutChanged.emit()
        self.items_loaded.emit()

    def _row_of_id(self, key: int) -> int:
        if key < 0:
            for i, p in enumerate(self._pending):
                if p.key == key:
                    return len(self._ids) + i
            return -1
        # ids are ascending: binary search
        import bisect

        i = bisect.bisect_left(self._ids, key)
        return i if i < len(self._ids) and self._ids[i] == key else -1

    def row_of(self, key: int) -> int:
        return self._row_of_id(key)

    # --- live changes ---------------------------------------------------------------------
    def apply_changed(self, items: list[MessageItem]) -> None:
        """New or edited messages (already fetched by the caller)."""
        new: list[MessageItem] = []
        for it in items:
            r = self._row_of_id(it.key)
            if r >= 0:
                self._cache[it.key] = it
                idx = self.index(r, 0)
                self.dataChanged.emit(idx, idx)
            else:
                new.append(it)
        if not new:
            return
        new.sort(key=lambda it: it.key)
        last = self._ids[-1] if self._ids else 0
        tail = [it for it in new if it.key > last]
        middle = [it for it in new if it.key <= last]
        # drop outbox rows that these messages complete
        done_random = {it.random_id for it in tail + middle if it.random_id}
        if done_random:
            for i in range(len(self._pending) - 1, -1, -1):
                if self._pending[i].random_id in done_random:
                    r = len(self._ids) + i
                    self.beginRemoveRows(QModelIndex(), r, r)
                    del self._pending[i]
                    self.endRemoveRows()
        for it in middle:  # older messages arriving late (history fetch): insert in place
            if self._ids and it.key < self._ids[0] and not self._exhausted:
                continue
            import bisect

            pos = bisect.bisect_left(self._ids, it.key)
            self._cache[it.key] = it
            self.beginInsertRows(QModelIndex(), pos, pos)
            self._ids.insert(pos, it.key)
            self.endInsertRows()
        if tail:
            start = len(self._ids)
            for it in tail:
                self._cache[it.key] = it
            self.beginInsertRows(QModelIndex(), start, start + len(tail) - 1)
            self._ids.extend(it.key for it in tail)
            self.endInsertRows()
            if start > 0:
                prev = self.index(start - 1, 0)
                self.dataChanged.emit(prev, prev)
            self.appended.emit(len(tail))

    def set_pending(self, pending: list[MessageItem]) -> None:
        """Replace the outbox rows (after an ``OutboxChanged``)."""
        n = len(self._ids)
        old = self._pending
        if [p.key for p in old] == [p.key for p in pending]:
            self._pending = list(pending)
            if pending:
                self.dataChanged.emit(self.index(n, 0), self.index(n + len(pending) - 1, 0))
            return
        if old:
            self.beginRemoveRows(QModelIndex(), n, n + len(old) - 1)
            self._pending = []
            self.endRemoveRows()
        if pending:
            self.beginInsertRows(QModelIndex(), n, n + len(pending) - 1)
            self._pending = list(pending)
            self.endInsertRows()
            self.appended.emit(len(pending))

    def remove(self, key: int) -> None:
        r = self._row_of_id(key)
        if r < 0:
            return
        self.beginRemoveRows(QModelIndex(), r, r)
        if key < 0:
            del self._pending[r - len(self._ids)]
        else:
            del self._ids[r]
            self._cache.pop(key, None)
        self.endRemoveRows()
        if r < self.rowCount():
            idx = self.index(r, 0)
            self.dataChanged.emit(idx, idx)

    def set_others_read(self, max_id: int) -> None:
        if max_id == self.others_read_max_id:
            return
        self.others_read_max_id = max_id
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def cached(self, key: int) -> MessageItem | None:
        if key < 0:
            for p in self._pending:
                if p.key == key:
                    return p
            return None
        return self._cache.get(key)

    def loaded_ids(self) -> list[int]:
        return list(self._ids)

    def newest_id(self) -> int:
        return self._ids[-1] if self._ids else 0

    def rows_with_sha(self, sha: str) -> list[int]:
        out = []
        for i, k in enumerate(self._ids):
            it = self._cache.get(k)
            if it and it.attachment and it.attachment.sha256 == sha:
                out.append(i)
        return out

    def refresh_rows(self, rows: list[int]) -> None:
        for r in rows:
            idx = self.index(r, 0)
            self.dataChanged.emit(idx, idx)

    async def aclose(self) -> None:
        await self._tasks.aclose()


Loader = Callable[[int, Sequence[int]], Awaitable[list[MessageItem]]]
_ = QDate
