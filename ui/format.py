"""Small formatting helpers shared by delegates and widgets (times, sizes, direction)."""

from __future__ import annotations

import time as _time
import unicodedata

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, Qt


def _tr(text: str) -> str:
    return QCoreApplication.translate("Format", text)


def local_dt(ts: float) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(ts * 1000))


def list_time(ts: float, now: float | None = None) -> str:
    """Chat list time: "14:05" today, weekday this week, short date otherwise."""
    if ts <= 0:
        return ""
    loc = QLocale()
    dt = local_dt(ts)
    today = local_dt(now if now is not None else _time.time()).date()
    d = dt.date()
    if d == today:
        return loc.toString(dt.time(), QLocale.FormatType.ShortFormat)
    if d.daysTo(today) < 7:
        return loc.dayName(d.dayOfWeek(), QLocale.FormatType.ShortFormat)
    return loc.toString(d, QLocale.FormatType.ShortFormat)


def bubble_time(ts: float) -> str:
    return QLocale().toString(local_dt(ts).time(), QLocale.FormatType.ShortFormat)


def day_label(d: QDate, today: QDate | None = None) -> str:
    today = today or QDate.currentDate()
    if d == today:
        return _tr("Today")
    if d.daysTo(today) == 1:
        return _tr("Yesterday")
    loc = QLocale()
    if d.year() == today.year():
        return loc.toString(d, "d MMMM")
    return loc.toString(d, "d MMMM yyyy")


def file_size(n: int) -> str:
    loc = QLocale()
    if n < 1024:
        return _tr("%1 B").replace("%1", loc.toString(n))
    if n < 1024 * 1024:
        return _tr("%1 KB").replace("%1", loc.toString(n / 1024, "f", 1))
    return _tr("%1 MB").replace("%1", loc.toString(n / (1024 * 1024), "f", 1))


def duration(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"


def text_direction(text: str) -> Qt.LayoutDirection:
    """Paragraph direction from the first strong character (Unicode's P2/P3 rules)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi == "L":
            return Qt.LayoutDirection.LeftToRight
        if bidi in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LayoutDirectionAuto


def one_line(text: str) -> str:
    return " ".join(text.split())


def isolate(text: str) -> str:
    """``text`` in its own direction (Unicode first-strong isolate): a Latin title keeps its
    trailing "?" or emoji where it was written inside a right-to-left row, and vice versa;
    the row's alignment still follows the interface's direction."""
    return f"\u2068{text}\u2069" if text else text
