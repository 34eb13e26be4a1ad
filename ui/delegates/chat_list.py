"""Paints a chat list row: avatar, title, time, preview, unread badge, pinned/muted marks."""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from ui import theme
from ui.delegates.base import GuardedDelegate
from ui.format import isolate, list_time, one_line
from ui.models.chat_list import ChatRoles, ChatRow
from ui.widgets.avatar import paint_avatar

ROW_HEIGHT = 68
AVATAR = 48
PAD = 10


def _tr(text: str) -> str:
    return QCoreApplication.translate("ChatListDelegate", text)


class ChatListDelegate(GuardedDelegate):
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:  # noqa: N802
        return QSize(260, ROW_HEIGHT)

    def _paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row: ChatRow | None = index.data(ChatRoles.ROW)
        if row is None:
            return
        c = theme.colors()
        rect = option.rect
        direction = option.direction
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.fillRect(rect, c.selection)
        elif hovered:
            painter.fillRect(rect, c.panel)

        def vis(r: QRect) -> QRect:
            return QStyle.visualRect(direction, rect, r)

        text_color = c.selection_text if selected else c.text
        muted_color = c.selection_text if selected else c.muted_text

        av = QRect(rect.left() + PAD, rect.top() + (rect.height() - AVATAR) // 2, AVATAR, AVATAR)
        paint_avatar(painter, QRectF(vis(av)), row.avatar_key, row.title)

        left = av.right() + 1 + PAD
        right = rect.right() - PAD
        top_line = QRect(left, rect.top() + 12, right - left, 22)
        bottom_line = QRect(left, rect.top() + 36, right - left, 22)

        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.88)

        # time (trailing side of the first line)
        painter.setFont(small)
        fm_small = QFontMetrics(small)
        time_text = list_time(row.date)
        time_w = fm_small.horizontalAdvance(time_text) + 2
        time_rect = QRect(right - time_w, top_line.top(), time_w, top_line.height())
        painter.setPen(muted_color)
        painter.drawText(
            vis(time_rect), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignHCenter, time_text
        )
        trailing = time_rect.left() - 6

        # delivery tick for my last message
        if row.outgoing and row.delivery:
            tick_rect = QRect(trailing - 16, top_line.top() + 4, 16, 14)
            self._paint_ticks(
                painter,
                vis(tick_rect),
                row.delivery,
                c.selection_text if selected else c.read_tick,
                muted_color,
            )
            trailing = tick_rect.left() - 4

        # title
        title_font = QFont(base)
        title_font.setBold(True)
        painter.setFont(title_font)
        fm_title = QFontMetrics(title_font)
        marks = ""
        if row.muted:
            marks += " 🔕"
        title_rect = QRect(left, top_line.top(), trailing - left, top_line.height())
        title = fm_title.elidedText(
            row.title + marks, Qt.TextElideMode.ElideRight, title_rect.width()
        )
        painter.setPen(text_color)
        painter.drawText(
            vis(title_rect),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading,
            isolate(title),
        )

        # badge / pin on the second line
        trailing2 = right
        if row.unread > 0:
            badge_text = str(row.unread) if row.unread < 1000 else "999+"
            painter.setFont(small)
            bw = max(22, fm_small.horizontalAdvance(badge_text) + 12)
            badge = QRect(right - bw, bottom_line.top(), bw, 22)
            path = QPainterPath()
            path.addRoundedRect(QRectF(vis(badge)), 11, 11)
            color = c.badge_muted if row.muted else c.badge
            if selected:
                color = c.selection_text
            painter.fillPath(path, color)
            painter.setPen(c.selection if selected else c.badge_text)
            bold_small = QFont(small)
            bold_small.setBold(True)
            painter.setFont(bold_small)
            painter.drawText(vis(badge), Qt.AlignmentFlag.AlignCenter, badge_text)
            trailing2 = badge.left() - 6
        elif row.pinned:
            pin = QRect(right - 18, bottom_line.top(), 18, 22)
            painter.setFont(small)
            painter.setPen(muted_color)
            painter.drawText(vis(pin), Qt.AlignmentFlag.AlignCenter, "📌")
            trailing2 = pin.left() - 6

        # preview
        painter.setFont(base)
        fm = QFontMetrics(base)
        prev_rect = QRect(left, bottom_line.top(), trailing2 - left, bottom_line.height())
        if row.typing:
            painter.setPen(c.selection_text if selected else c.accent)
            text = fm.elidedText(row.typing, Qt.TextElideMode.ElideRight, prev_rect.width())
            painter.drawText(
                vis(prev_rect), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading, text
            )
        else:
            x = prev_rect.left()
            prefix = ""
            if row.draft:
                prefix = _tr("Draft:") + " "
            elif row.preview_sender:
                prefix = row.preview_sender + ": "
            if prefix:
                pw = min(fm.horizontalAdvance(prefix), prev_rect.width() // 2)
                pr = QRect(x, prev_rect.top(), pw, prev_rect.height())
                painter.setPen(
                    c.selection_text if selected else (c.missed_call if row.draft else c.accent)
                )
                painter.drawText(
                    vis(pr),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading,
                    fm.elidedText(prefix, Qt.TextElideMode.ElideRight, pw),
                )
                x += pw
            rest = QRect(x, prev_rect.top(), prev_rect.right() - x, prev_rect.height())
            painter.setPen(muted_color)
            body = one_line(row.draft or row.preview)
            painter.drawText(
                vis(rest),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading,
                isolate(fm.elidedText(body, Qt.TextElideMode.ElideRight, max(0, rest.width()))),
            )
        painter.restore()

    @staticmethod
    def _paint_ticks(painter: QPainter, r: QRect, state: str, read_color, muted_color) -> None:
        paint_ticks(painter, QRectF(r), state, read_color, muted_color)


def paint_ticks(painter: QPainter, r: QRectF, state: str, read_color, muted_color) -> None:
    """Pending: a small clock; sent: one tick; read: two ticks."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if state == "pending":
        pen = QPen(muted_color, 1.3)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        d = min(r.width(), r.height()) - 2
        circle = QRectF(r.center().x() - d / 2, r.center().y() - d / 2, d, d)
        painter.drawEllipse(circle)
        cx, cy = circle.center().x(), circle.center().y()
        painter.drawLine(int(cx), int(cy), int(cx), int(cy - d / 2 + 2))
        painter.drawLine(int(cx), int(cy), int(cx + d / 3), int(cy))
    elif state == "failed":
        painter.setPen(QPen(Qt.GlobalColor.red, 1.5))
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, "!")
    else:
        color = read_color if state == "read" else muted_color
        pen = QPen(color, 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        h = r.height()
        x0, y0 = r.left(), r.top()

        def tick(dx: float) -> None:
            painter.drawLine(
                int(x0 + dx), int(y0 + h * 0.55), int(x0 + dx + h * 0.3), int(y0 + h * 0.85)
            )
            painter.drawLine(
                int(x0 + dx + h * 0.3),
                int(y0 + h * 0.85),
                int(x0 + dx + h * 0.85),
                int(y0 + h * 0.2),
            )

        tick(0)
        if state == "read":
            tick(h * 0.4)
    painter.restore()
