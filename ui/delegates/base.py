"""What every delegate shares: painting that cannot take the application down."""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem


class GuardedDelegate(QStyledItemDelegate):
    """Runs the subclass's ``_paint`` between ``save()`` and ``restore()`` of the painter; a
    painting bug is logged (under the subclass's module) instead of raising inside Qt's paint
    event."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        except Exception:  # never let a painting bug crash inside Qt
            logging.getLogger(type(self).__module__).exception("paint failed")
        finally:
            painter.restore()

    def _paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        raise NotImplementedError
