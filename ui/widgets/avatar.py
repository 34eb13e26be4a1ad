"""Avatar circles: initials on a colour picked from the user (or chat) id."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

PALETTE = [
    "#e17076",
    "#f5a04a",
    "#a695e7",
    "#7bc862",
    "#6ec9cb",
    "#65aadd",
    "#ee7aae",
    "#faa774",
]


def color_for(key: int) -> QColor:
    """A stable colour for an id (same user, same colour on every device)."""
    return QColor(PALETTE[abs(int(key)) % len(PALETTE)])


def initials(name: str) -> str:
    """Up to two initials: "Amira Haddad" → "AH", "سارة" → "س"."""
    parts = [p for p in name.replace("_", " ").split() if p and p[0].isalnum()]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][0].upper()
    return (parts[0][0] + parts[-1][0]).upper()


def paint_avatar(painter: QPainter, rect: QRectF, key: int, name: str) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color_for(key))
    painter.drawEllipse(rect)
    font = QFont(painter.font())
    font.setPixelSize(max(8, int(rect.height() * 0.38)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials(name))
    painter.restore()


class Avatar(QWidget):
    """A small widget showing :func:`paint_avatar` (chat header, profile)."""

    def __init__(self, size: int = 40, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._key = 0
        self._name = ""
        self.setFixedSize(size, size)

    def set_identity(self, key: int, name: str) -> None:
        self._key, self._name = key, name
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        paint_avatar(p, QRectF(self.rect()), self._key, self._name)
