"""Paints one message: day separator, bubble (own on the trailing side), sender name in
groups, reply quote, photo thumbnail, file card, call record, text with its own paragraph
direction, and the meta line (edited, time, delivery ticks).

Layouts are computed once per (message, width) and cached, so scrolling only paints.

Signals: ``file_clicked(object)``, ``photo_clicked(object)``, ``reply_clicked(int)``
(the ``MessageItem`` or the replied-to message id).
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPainter,
    QPainterPath,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from ui import theme
from ui.delegates.base import GuardedDelegate
from ui.delegates.chat_list import paint_ticks
from ui.format import (
    bubble_time,
    day_label,
    duration,
    file_size,
    local_dt,
    one_line,
    text_direction,
)
from ui.models.messages import MessageItem, MessageRoles
from ui.widgets.avatar import color_for
from ui.widgets.thumbnails import ThumbnailCache

log = logging.getLogger(__name__)

SIDE = 14  # distance from the view edge
PAD_X = 10
PAD_Y = 6
GAP = 3
TAIL_GAP = 8
DAY_H = 34
NAME_H = 18
QUOTE_H = 40
FILE_H = 52
CALL_H = 44
META_H = 16
TICK_W = 18
MAX_BUBBLE = 520
PHOTO_MAX = 300
PHOTO_MIN = 120


def _tr(text: str) -> str:
    return QCoreApplication.translate("MessageDelegate", text)


def call_text(item: MessageItem) -> str:
    call = item.call
    assert call is not None
    if call.outcome in ("missed", "cancelled") and not call.outgoing:
        return _tr("Missed video call") if call.video else _tr("Missed call")
    if call.outcome == "declined":
        return _tr("Declined call")
    if call.outcome == "busy":
        return _tr("Busy")
    if call.outgoing:
        return _tr("Outgoing video call") if call.video else _tr("Outgoing call")
    return _tr("Incoming video call") if call.video else _tr("Incoming call")


@dataclass
class _Layout:
    width: int  # bubble width
    height: int  # bubble height
    row_height: int
    text_layout: QTextLayout | None
    text_top: int
    text_dir: Qt.LayoutDirection
    meta_inline: bool
    meta_w: int
    name_top: int
    quote_top: int
    media_top: int
    media_h: int
    media_w: int


class MessageDelegate(GuardedDelegate):
    file_clicked = Signal(object)
    photo_clicked = Signal(object)
    reply_clicked = Signal(int)

    def __init__(self, thumbnails: ThumbnailCache, parent=None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self._cache: OrderedDict[tuple, _Layout] = OrderedDict()
        self.downloading: set[str] = set()

    def clear_cache(self) -> None:
        self._cache.clear()

    # --- geometry -------------------------------------------------------------------------
    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(6.0, base.pointSizeF() * 0.82))
        bold = QFont(base)
        bold.setBold(True)
        return base, small, bold

    def _layout(
        self,
        item: MessageItem,
        show_sender: bool,
        view_width: int,
        option: QStyleOptionViewItem,
        ui_dir: Qt.LayoutDirection,
    ) -> _Layout:
        key = (
            item.key,
            item.text,
            item.edited,
            item.delivery,
            show_sender,
            view_width,
            item.attachment.sha256 if item.attachment else "",
            bool(item.reply_sender),
            ui_dir.value,
            option.font.pointSizeF(),
        )
        lay = self._cache.get(key)
        if lay is not None:
            self._cache.move_to_end(key)
            return lay
        base, small, bold = self._fonts(option)
        fm_small = QFontMetrics(small)
        max_w = max(120, min(MAX_BUBBLE, int(view_width * 0.75)) - 2 * PAD_X)
        meta = self._meta_text(item)
        meta_w = fm_small.horizontalAdvance(meta) + (TICK_W + 2 if item.outgoing else 0) + 4
        inner_w = 0
        y = PAD_Y
        name_top = quote_top = media_top = -1
        media_h = media_w = 0
        if show_sender:
            name_top = y
            inner_w = max(
                inner_w, min(max_w, QFontMetrics(bold).horizontalAdvance(item.sender_name))
            )
            y += NAME_H
        if item.reply_sender or item.reply_text:
            quote_top = y
            fm = QFontMetrics(base)
            inner_w = max(
                inner_w,
                min(
                    max_w,
                    max(
                        fm.horizontalAdvance(one_line(item.reply_text)),
                        QFontMetrics(bold).horizontalAdvance(item.reply_sender),
                    )
                    + 12,
                ),
            )
            y += QUOTE_H + 4
        if item.call is not None:
            media_top = y
            media_h = CALL_H
            fm = QFontMetrics(base)
            media_w = 40 + 8 + max(fm.horizontalAdvance(call_text(item)), 80)
            inner_w = max(inner_w, media_w)
            y += CALL_H
        elif item.attachment is not None and item.attachment.kind == "photo":
            a = item.attachment
            w, h = (a.width or 240), (a.height or 180)
            scale = min(1.0, PHOTO_MAX / max(w, 1), PHOTO_MAX / max(h, 1))
            media_w = max(PHOTO_MIN, int(w * scale))
            media_h = max(60, int(h * scale))
            media_w = min(media_w, max_w)
            media_top = y
            inner_w = max(inner_w, media_w)
            y += media_h + 4
        elif item.attachment is not None:
            fm = QFontMetrics(base)
            media_top = y
            media_h = FILE_H
            media_w = min(
                max_w, 48 + max(fm.horizontalAdvance(item.attachment.name or "file"), 120)
            )
            inner_w = max(inner_w, media_w)
            y += FILE_H + 2
        text_layout = None
        text_top = y
        ui_text_dir = ui_dir
        text_dir = ui_text_dir
        meta_inline = False
        if item.text:
            d = text_direction(item.text)
            text_dir = ui_text_dir if d == Qt.LayoutDirection.LayoutDirectionAuto else d
            text_layout, natural, last_w, th = self._text_layout(item.text, base, max_w, text_dir)
            width_needed = max(inner_w, natural)
            if (
                last_w + meta_w + 6 <= max(width_needed, min(max_w, last_w + meta_w + 6))
                and last_w + meta_w + 6 <= max_w
            ):
                meta_inline = True
                width_needed = max(width_needed, last_w + meta_w + 6)
            inner_w = width_needed
            if inner_w > natural:
                text_layout, _n, _l, th = self._text_layout(item.text, base, inner_w, text_dir)
            else:
                text_layout, _n, _l, th = self._text_layout(item.text, base, natural, text_dir)
            y += th
            if not meta_inline:
                y += META_H
        else:
            inner_w = max(inner_w, meta_w)
            if item.attachment is not None and item.attachment.kind == "photo":
                y -= 4
                meta_inline = True  # drawn over the photo corner
            else:
                y += META_H
        height = y + PAD_Y
        width = int(inner_w) + 2 * PAD_X
        if (
            item.attachment is not None
            and item.attachment.kind == "photo"
            and not item.text
            and not show_sender
            and quote_top < 0
        ):
            width = media_w + 8
            height = media_h + 8
            media_top = 4
        lay = _Layout(
            width=width,
            height=height,
            row_height=height,
            text_layout=text_layout,
            text_top=text_top,
            text_dir=text_dir,
            meta_inline=meta_inline,
            meta_w=meta_w,
            name_top=name_top,
            quote_top=quote_top,
            media_top=media_top,
            media_h=media_h,
            media_w=media_w,
        )
        self._cache[key] = lay
        while len(self._cache) > 3000:
            self._cache.popitem(last=False)
        return lay

    @staticmethod
    def _text_layout(
        text: str, font: QFont, width: float, direction: Qt.LayoutDirection
    ) -> tuple[QTextLayout, int, int, int]:
        layout = QTextLayout(text, font)
        opt = QTextOption()
        opt.setTextDirection(direction)
        opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        align = (
            Qt.AlignmentFlag.AlignRight
            if direction == Qt.LayoutDirection.RightToLeft
            else Qt.AlignmentFlag.AlignLeft
        )
        opt.setAlignment(align | Qt.AlignmentFlag.AlignAbsolute)
        layout.setTextOption(opt)
        layout.beginLayout()
        y = 0.0
        natural = 0.0
        last = 0.0
        leading = QFontMetrics(font).leading()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height() + leading
            natural = max(natural, line.naturalTextWidth())
            last = line.naturalTextWidth()
        layout.endLayout()
        return layout, int(math.ceil(natural)), int(math.ceil(last)), int(math.ceil(y))

    def _meta_text(self, item: MessageItem) -> str:
        t = bubble_time(item.date)
        if item.edited:
            t = _tr("edited") + " " + t
        return t

    def _row_parts(self, index) -> tuple[MessageItem | None, bool, bool, bool]:
        item = index.data(MessageRoles.ITEM)
        show_day = bool(index.data(MessageRoles.SHOW_DAY))
        show_sender = bool(index.data(MessageRoles.SHOW_SENDER))
        tail = bool(index.data(MessageRoles.TAIL))
        return item, show_day, show_sender, tail

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:  # noqa: N802
        try:
            return self._size_hint(option, index)
        except Exception:  # a bug here must never take the app down inside Qt's layout
            log.exception("sizeHint failed")
            return QSize(100, 40)

    def _size_hint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        item, show_day, show_sender, tail = self._row_parts(index)
        view = option.widget
        width = view.viewport().width() if view is not None else 600
        if item is None:
            return QSize(width, 44)
        ui_dir = view.layoutDirection() if view is not None else QGuiApplication.layoutDirection()
        lay = self._layout(item, show_sender, width, option, ui_dir)
        h = lay.height + (TAIL_GAP if tail else GAP) + (DAY_H if show_day else 0)
        return QSize(width, h)

    def _bubble_rect(
        self, option: QStyleOptionViewItem, item: MessageItem, lay: _Layout, show_day: bool
    ) -> QRect:
        rect = option.rect
        top = rect.top() + (DAY_H if show_day else 0) + GAP // 2
        if item.outgoing:
            r = QRect(rect.right() - SIDE - lay.width + 1, top, lay.width, lay.height)
        else:
            r = QRect(rect.left() + SIDE, top, lay.width, lay.height)
        return QStyle.visualRect(option.direction, rect, r)

    # --- painting -------------------------------------------------------------------------
    def _paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item, show_day, show_sender, tail = self._row_parts(index)
        c = theme.colors()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        rect = option.rect
        if item is None:
            painter.restore()
            return
        base, small, bold = self._fonts(option)
        if show_day:
            self._paint_day(
                painter, QRect(rect.left(), rect.top(), rect.width(), DAY_H), item, small, c
            )
        view = option.widget
        width = view.viewport().width() if view is not None else rect.width()
        lay = self._layout(item, show_sender, width, option, option.direction)
        b = self._bubble_rect(option, item, lay, show_day)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        bubble_color = c.own_bubble if item.outgoing else c.other_bubble
        text_color = c.own_bubble_text if item.outgoing else c.other_bubble_text
        path = QPainterPath()
        path.addRoundedRect(QRectF(b), 14, 14)
        painter.fillPath(path, bubble_color)
        if selected:
            painter.fillPath(path, QColor(c.accent.red(), c.accent.green(), c.accent.blue(), 45))
        inner = b.adjusted(PAD_X, 0, -PAD_X, 0)
        muted = QColor(c.muted_text)

        if lay.name_top >= 0:
            painter.setFont(bold)
            painter.setPen(
                color_for(item.sender_id).darker(115)
                if c.name == "light"
                else color_for(item.sender_id).lighter(110)
            )
            nr = QRect(inner.left(), b.top() + lay.name_top, inner.width(), NAME_H)
            painter.drawText(
                nr,
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading,
                QFontMetrics(bold).elidedText(
                    item.sender_name, Qt.TextElideMode.ElideRight, nr.width()
                ),
            )
        if lay.quote_top >= 0:
            q = QRect(inner.left(), b.top() + lay.quote_top, inner.width(), QUOTE_H)
            qpath = QPainterPath()
            qpath.addRoundedRect(QRectF(q), 6, 6)
            accent = QColor(c.quote_bar)
            tint = QColor(accent)
            tint.setAlpha(28)
            painter.fillPath(qpath, tint)
            bar = QStyle.visualRect(option.direction, q, QRect(q.left(), q.top(), 3, q.height()))
            painter.fillRect(bar, accent)
            tq = QStyle.visualRect(option.direction, q, q.adjusted(9, 3, -6, -3))
            painter.setFont(bold)
            painter.setPen(accent)
            painter.drawText(
                QRect(tq.left(), tq.top(), tq.width(), 17),
                Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter,
                QFontMetrics(bold).elidedText(
                    item.reply_sender, Qt.TextElideMode.ElideRight, tq.width()
                ),
            )
            painter.setFont(base)
            painter.setPen(text_color)
            painter.drawText(
                QRect(tq.left(), tq.top() + 17, tq.width(), 17),
                Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter,
                QFontMetrics(base).elidedText(
                    one_line(item.reply_text), Qt.TextElideMode.ElideRight, tq.width()
                ),
            )
        if item.call is not None:
            self._paint_call(
                painter,
                option,
                QRect(inner.left(), b.top() + lay.media_top, inner.width(), CALL_H),
                item,
                base,
                small,
                c,
            )
        elif item.attachment is not None and item.attachment.kind == "photo":
            pr = self._photo_rect(b, lay)
            self._paint_photo(painter, pr, item, c, small)
        elif item.attachment is not None:
            fr = QRect(inner.left(), b.top() + lay.media_top, inner.width(), FILE_H)
            self._paint_file(painter, option, fr, item, base, small, c)
        if lay.text_layout is not None:
            painter.setPen(text_color)
            painter.setFont(base)
            tl_w = inner.width()
            # QTextLayout lines were laid out at the natural width; place them in the bubble
            lay.text_layout.draw(
                painter,
                QPointF(
                    inner.left() + (0 if lay.text_dir == Qt.LayoutDirection.LeftToRight else 0),
                    b.top() + lay.text_top,
                ),
            )
            _ = tl_w
        # meta: time, edited, ticks at the bottom trailing corner (trailing of the text)
        meta_dir = lay.text_dir if lay.text_layout is not None else option.direction
        meta_rect = QRect(
            inner.right() - lay.meta_w + 1, b.bottom() - PAD_Y - META_H + 2, lay.meta_w, META_H
        )
        if meta_dir == Qt.LayoutDirection.RightToLeft:
            meta_rect = QRect(inner.left(), meta_rect.top(), lay.meta_w, META_H)
        on_photo = item.attachment is not None and item.attachment.kind == "photo" and not item.text
        if on_photo:
            pr = self._photo_rect(b, lay)
            meta_rect = QRect(
                pr.right() - lay.meta_w - 6, pr.bottom() - META_H - 6, lay.meta_w + 2, META_H + 2
            )
            if option.direction == Qt.LayoutDirection.RightToLeft:
                meta_rect.moveLeft(pr.left() + 6)
            pill = QPainterPath()
            pill.addRoundedRect(QRectF(meta_rect.adjusted(-4, -1, 2, 1)), 8, 8)
            painter.fillPath(pill, QColor(0, 0, 0, 110))
            muted = QColor("#ffffff")
        painter.setFont(small)
        painter.setPen(
            muted if not item.outgoing or c.name == "dark" or on_photo else QColor(c.muted_text)
        )
        time_w = lay.meta_w - (TICK_W + 2 if item.outgoing else 0)
        # meta is always drawn left-to-right: [edited time][ticks]
        painter.drawText(
            QRect(meta_rect.left(), meta_rect.top(), time_w, META_H),
            Qt.AlignmentFlag.AlignRight
            | Qt.AlignmentFlag.AlignVCenter
            | Qt.AlignmentFlag.AlignAbsolute,
            self._meta_text(item),
        )
        if item.outgoing:
            tr = QRectF(meta_rect.left() + time_w + 2, meta_rect.top() + 2, TICK_W, META_H - 4)
            paint_ticks(
                painter,
                tr,
                item.delivery or "sent",
                QColor("#ffffff") if on_photo else c.read_tick,
                muted,
            )
        painter.restore()

    def _photo_rect(self, b: QRect, lay: _Layout) -> QRect:
        return QRect(
            b.left() + (b.width() - lay.media_w) // 2,
            b.top() + lay.media_top,
            lay.media_w,
            lay.media_h,
        )

    def _paint_day(
        self, painter: QPainter, r: QRect, item: MessageItem, font: QFont, c: theme.ThemeColors
    ) -> None:
        text = day_label(local_dt(item.date).date())
        painter.setFont(font)
        fm = QFontMetrics(font)
        w = fm.horizontalAdvance(text) + 20
        pill = QRect(r.center().x() - w // 2, r.top() + 7, w, 22)
        path = QPainterPath()
        path.addRoundedRect(QRectF(pill), 11, 11)
        painter.fillPath(path, c.separator_bg)
        painter.setPen(c.separator_text)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_photo(
        self, painter: QPainter, r: QRect, item: MessageItem, c: theme.ThemeColors, small: QFont
    ) -> None:
        a = item.attachment
        assert a is not None
        img = self.thumbnails.get(a.sha256, a.local_path)
        path = QPainterPath()
        path.addRoundedRect(QRectF(r), 10, 10)
        painter.save()
        painter.setClipPath(path)
        if img is not None:
            painter.drawImage(QRectF(r), img)
        else:
            painter.fillRect(r, c.panel)
            painter.setPen(c.muted_text)
            painter.setFont(small)
            label = (
                _tr("Photo unavailable")
                if self.thumbnails.is_failed(a.sha256)
                else _tr("Loading photo…")
            )
            painter.drawText(r, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()

    def _paint_file(
        self,
        painter: QPainter,
        option,
        r: QRect,
        item: MessageItem,
        base: QFont,
        small: QFont,
        c: theme.ThemeColors,
    ) -> None:
        a = item.attachment
        assert a is not None
        icon = _paint_card_circle(painter, option, r, 6, 40, c.accent)
        painter.setPen(QPen(c.accent_text, 2))
        cx, cy = icon.center().x(), icon.center().y()
        if a.local_path:
            painter.drawRect(QRect(cx - 7, cy - 9, 14, 18))
        else:  # download arrow
            painter.drawLine(cx, cy - 9, cx, cy + 7)
            painter.drawLine(cx - 6, cy + 1, cx, cy + 7)
            painter.drawLine(cx + 6, cy + 1, cx, cy + 7)
        if a.sha256 in self.downloading:
            sub = _tr("Downloading…")
        elif a.local_path:
            sub = file_size(a.size) + " · " + _tr("Open")
        else:
            sub = file_size(a.size) + " · " + _tr("Download")
        name = QFontMetrics(base).elidedText(
            a.name or _tr("File"), Qt.TextElideMode.ElideMiddle, r.width() - 48
        )
        _paint_card_lines(painter, option, r, QPoint(48, 6), (name, sub), 18, base, small, item, c)

    def _paint_call(
        self,
        painter: QPainter,
        option,
        r: QRect,
        item: MessageItem,
        base: QFont,
        small: QFont,
        c: theme.ThemeColors,
    ) -> None:
        call = item.call
        assert call is not None
        missed = call.outcome in ("missed", "cancelled", "declined", "busy", "failed")
        icon = _paint_card_circle(painter, option, r, 4, 36, c.missed_call if missed else c.accent)
        painter.setPen(c.accent_text if not missed else QColor("#ffffff"))
        painter.setFont(small)
        painter.drawText(icon, Qt.AlignmentFlag.AlignCenter, "🎥" if call.video else "📞")
        sub = duration(call.duration) if call.duration > 0 else ""
        lines = (call_text(item), sub)
        _paint_card_lines(painter, option, r, QPoint(44, 2), lines, 16, base, small, item, c)

    # --- clicks ---------------------------------------------------------------------------
    def editorEvent(self, event, model, option, index) -> bool:  # noqa: N802
        if (
            event.type() != QEvent.Type.MouseButtonRelease
            or event.button() != Qt.MouseButton.LeftButton
        ):
            return False
        item, show_day, show_sender, _tail = self._row_parts(index)
        if item is None:
            return False
        view = option.widget
        width = view.viewport().width() if view is not None else option.rect.width()
        lay = self._layout(item, show_sender, width, option, option.direction)
        b = self._bubble_rect(option, item, lay, show_day)
        pos = event.position().toPoint()
        if not b.contains(pos):
            return False
        if lay.quote_top >= 0 and item.reply_to is not None:
            q = QRect(b.left(), b.top() + lay.quote_top, b.width(), QUOTE_H)
            if q.contains(pos):
                self.reply_clicked.emit(item.reply_to)
                return True
        if item.attachment is not None and lay.media_top >= 0:
            m = QRect(b.left(), b.top() + lay.media_top, b.width(), lay.media_h)
            if m.contains(pos):
                if item.attachment.kind == "photo":
                    self.photo_clicked.emit(item)
                else:
                    self.file_clicked.emit(item)
                return True
        return False


def _paint_card_circle(
    painter: QPainter, option, r: QRect, top: int, size: int, brush: QColor
) -> QRect:
    """The round icon at the leading edge of a file or call card; returns where it is."""
    icon = QStyle.visualRect(option.direction, r, QRect(r.left(), r.top() + top, size, size))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(brush)
    painter.drawEllipse(icon)
    return icon


def _paint_card_lines(
    painter: QPainter,
    option,
    r: QRect,
    offset: QPoint,
    lines: tuple[str, str],
    second_h: int,
    base: QFont,
    small: QFont,
    item: MessageItem,
    c: theme.ThemeColors,
) -> None:
    """A card's title (bubble text colour) over its muted second line, beside its icon;
    ``offset`` is where the text starts inside the card, on the leading side."""
    width = r.width() - offset.x()
    text_r = QStyle.visualRect(
        option.direction, r, QRect(r.left() + offset.x(), r.top() + offset.y(), width, 40)
    )
    leading = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
    painter.setFont(base)
    painter.setPen(c.own_bubble_text if item.outgoing else c.other_bubble_text)
    painter.drawText(QRect(text_r.left(), text_r.top(), width, 20), leading, lines[0])
    painter.setFont(small)
    painter.setPen(c.muted_text)
    painter.drawText(QRect(text_r.left(), text_r.top() + 20, width, second_h), leading, lines[1])
