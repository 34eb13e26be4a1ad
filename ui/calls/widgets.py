"""Small painted pieces shared by the call windows: round icon buttons, the avatar circle,
the signal-quality bars and the fading overlay helper.

Icons are drawn with ``QPainter`` paths (no image files to ship or theme): they stay sharp at
any scale and recolour with the button.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QEasingCurve,
    QPointF,
    QPropertyAnimation,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QGraphicsOpacityEffect,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.calls.state import avatar_colour, initials

GREEN = QColor("#3fb950")
RED = QColor("#e5484d")
GLASS = QColor(255, 255, 255, 46)
GLASS_ON = QColor(255, 255, 255, 235)


def _handset_path() -> QPainterPath:
    """A telephone handset: two ear/mouth pieces joined by an arc."""
    path = QPainterPath()
    path.moveTo(4, 9.5)
    path.cubicTo(8, 5.5, 16, 5.5, 20, 9.5)
    path.lineTo(18, 13)
    path.lineTo(15, 11.5)
    path.lineTo(15, 9.5)
    path.cubicTo(13, 8.8, 11, 8.8, 9, 9.5)
    path.lineTo(9, 11.5)
    path.lineTo(6, 13)
    path.closeSubpath()
    return path


def draw_icon(painter: QPainter, name: str, rect: QRectF, colour: QColor) -> None:
    """Paint icon ``name`` inside ``rect`` (a square) in ``colour``."""
    s = rect.width()
    painter.save()
    painter.translate(rect.topLeft())
    painter.scale(s / 24.0, s / 24.0)
    pen = QPen(
        colour, 1.9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    slash = name.endswith("_off")
    base = name.removesuffix("_off")
    if base == "mic":
        painter.drawRoundedRect(QRectF(9, 3, 6, 11), 3, 3)
        path = QPainterPath()
        path.moveTo(5.5, 11)
        path.arcTo(QRectF(5.5, 4.5, 13, 13), 180, 180)
        painter.drawPath(path)
        painter.drawLine(QPointF(12, 17.5), QPointF(12, 21))
    elif base == "camera":
        painter.drawRoundedRect(QRectF(2.5, 6.5, 13, 11), 2.5, 2.5)
        tri = QPainterPath()
        tri.moveTo(15.5, 10.5)
        tri.lineTo(21.5, 7)
        tri.lineTo(21.5, 17)
        tri.lineTo(15.5, 13.5)
        painter.drawPath(tri)
    elif base in ("phone", "phone_accept"):
        painter.setBrush(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        if base == "phone":
            painter.translate(0, 2)
        else:  # the same handset, lifted
            painter.translate(12, 12)
            painter.rotate(-135)
            painter.translate(-12, -13)
        painter.drawPath(_handset_path())
    elif base == "switch":
        painter.drawRoundedRect(QRectF(2.5, 6.5, 19, 13), 2.5, 2.5)
        painter.drawLine(QPointF(9, 6.5), QPointF(10.5, 4))
        painter.drawLine(QPointF(10.5, 4), QPointF(13.5, 4))
        painter.drawLine(QPointF(13.5, 4), QPointF(15, 6.5))
        arc = QPainterPath()
        arc.arcMoveTo(QRectF(8, 9, 8, 8), 30)
        arc.arcTo(QRectF(8, 9, 8, 8), 30, 250)
        painter.drawPath(arc)
        painter.drawLine(QPointF(15.5, 11), QPointF(15.6, 13.4))
        painter.drawLine(QPointF(15.6, 13.4), QPointF(13.3, 13))
    elif base == "pip":
        painter.drawRoundedRect(QRectF(2.5, 4.5, 19, 15), 2.5, 2.5)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(12, 11.5, 7, 5.5), 1.2, 1.2)
    elif base == "expand":
        painter.drawRoundedRect(QRectF(2.5, 4.5, 19, 15), 2.5, 2.5)
        painter.drawLine(QPointF(9, 15), QPointF(15, 9))
        painter.drawLine(QPointF(11, 9), QPointF(15, 9))
        painter.drawLine(QPointF(15, 9), QPointF(15, 13))
    elif base == "more":
        painter.setBrush(colour)
        painter.setPen(Qt.PenStyle.NoPen)
        for x in (5.5, 12, 18.5):
            painter.drawEllipse(QPointF(x, 12), 1.9, 1.9)
    elif base == "speaker":
        path = QPainterPath()
        path.moveTo(3.5, 9.5)
        path.lineTo(7.5, 9.5)
        path.lineTo(12, 5.5)
        path.lineTo(12, 18.5)
        path.lineTo(7.5, 14.5)
        path.lineTo(3.5, 14.5)
        path.closeSubpath()
        painter.drawPath(path)
        painter.drawArc(QRectF(10, 8, 8, 8), -50 * 16, 100 * 16)
        painter.drawArc(QRectF(9, 4.5, 12, 15), -50 * 16, 100 * 16)
    if slash:
        painter.setPen(QPen(colour, 2.1, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(4, 3.5), QPointF(20.5, 20.5))
    painter.restore()


class RoundButton(QAbstractButton):
    """A circular icon button. ``checked`` (when checkable) shows the light "on" look,
    used for toggles whose on-state is the unusual one (muted, camera off)."""

    def __init__(
        self,
        icon: str,
        parent: QWidget | None = None,
        *,
        colour: QColor | None = None,
        diameter: int = 52,
        checked_icon: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._icon = icon
        self._checked_icon = checked_icon or icon
        self._colour = colour
        self._diameter = diameter
        self._hover = False
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def icon_name(self) -> str:
        return self._checked_icon if self.isChecked() else self._icon

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self._diameter, self._diameter)

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt override
        self._hover = True
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        self._hover = False
        self.update()
        super().leaveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        circle = QRectF(
            (self.width() - side) / 2 + 1, (self.height() - side) / 2 + 1, side - 2, side - 2
        )
        if self._colour is not None:
            fill = QColor(self._colour)
            icon_colour = QColor("white")
        elif self.isChecked():
            fill = QColor(GLASS_ON)
            icon_colour = QColor("#15171c")
        else:
            fill = QColor(GLASS)
            icon_colour = QColor("white")
        if self._hover:
            fill = (
                fill.lighter(120)
                if self._colour is not None
                else QColor(fill.red(), fill.green(), fill.blue(), min(255, fill.alpha() + 40))
            )
        if not self.isEnabled():
            fill.setAlpha(fill.alpha() // 2)
            icon_colour.setAlpha(120)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawEllipse(circle)
        if self.hasFocus():
            painter.setPen(QPen(QColor(255, 255, 255, 160), 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(circle.adjusted(-0.5, -0.5, 0.5, 0.5))
        icon_side = side * 0.46
        icon_rect = QRectF(
            circle.center().x() - icon_side / 2,
            circle.center().y() - icon_side / 2,
            icon_side,
            icon_side,
        )
        draw_icon(painter, self.icon_name(), icon_rect, icon_colour)
        painter.end()


class LabelledButton(QWidget):
    """A ``RoundButton`` with a short caption under it (captions help the first call)."""

    def __init__(self, button: RoundButton, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = button
        self.caption = QLabel(caption, self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.caption.setStyleSheet("color: rgba(255,255,255,210); font-size: 11px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.caption, 0, Qt.AlignmentFlag.AlignHCenter)
        button.setAccessibleName(caption)
        button.setToolTip(caption)

    def set_caption(self, caption: str) -> None:
        self.caption.setText(caption)
        self.button.setAccessibleName(caption)
        self.button.setToolTip(caption)


class AvatarCircle(QWidget):
    """A coloured circle with someone's initials (we have no photos on calls yet)."""

    def __init__(self, name: str = "", diameter: int = 96, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._diameter = diameter
        self.setFixedSize(diameter, diameter)

    def set_name(self, name: str) -> None:
        self._name = name
        self.update()

    def text(self) -> str:
        return initials(self._name)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(avatar_colour(self._name or "?")))
        painter.drawEllipse(self.rect().adjusted(1, 1, -1, -1))
        font = QFont(self.font())
        font.setPixelSize(int(self._diameter * 0.38))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.text())
        painter.end()


@dataclass(frozen=True, slots=True)
class CallQuality:
    """The numbers from the engine's stats the user may want to see."""

    rtt_ms: float | None = None
    send_kbps: float | None = None
    recv_kbps: float | None = None
    packet_loss: float | None = None
    """Fraction lost, 0.0–1.0."""

    @classmethod
    def from_stats(cls, stats: object) -> CallQuality:
        """From ``app.services.calls.EngineStats`` or anything with the same attributes."""
        if isinstance(stats, CallQuality):
            return stats

        def number(name: str) -> float | None:
            value = getattr(stats, name, None)
            return float(value) if isinstance(value, int | float) else None

        return cls(
            rtt_ms=number("rtt_ms"),
            send_kbps=number("send_kbps"),
            recv_kbps=number("recv_kbps"),
            packet_loss=number("packet_loss"),
        )

    @property
    def level(self) -> int:
        """0 (unknown) or 1–4 bars: loss and round-trip time both pull it down."""
        if self.rtt_ms is None and self.packet_loss is None:
            return 0
        bars = 4
        loss = (self.packet_loss or 0.0) * 100
        rtt = self.rtt_ms or 0.0
        if loss > 2 or rtt > 250:
            bars = 3
        if loss > 5 or rtt > 450:
            bars = 2
        if loss > 12 or rtt > 800:
            bars = 1
        return bars


class QualityBars(QWidget):
    """Four signal bars for the call quality. Hovering shows the numbers (``hovered``)."""

    hovered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = 0
        self.setFixedSize(22, 18)

    def set_level(self, level: int) -> None:
        self._level = level
        self.update()

    def level(self) -> int:
        return self._level

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt override
        self.hovered.emit(True)
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        self.hovered.emit(False)
        super().leaveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = {1: RED, 2: QColor("#f5a524"), 3: GREEN, 4: GREEN}.get(self._level, QColor("#888"))
        bar_w = 3.5
        gap = 2.0
        for i in range(4):
            h = 5 + i * 4
            x = 1 + i * (bar_w + gap)
            if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
                x = self.width() - x - bar_w
            fill = colour if i < self._level else QColor(255, 255, 255, 70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(x, self.height() - h, bar_w, h), 1, 1)
        painter.end()


class Fader:
    """Fades a widget in and out with an opacity effect (``visible`` is the target state)."""

    def __init__(self, widget: QWidget, duration_ms: int = 220) -> None:
        self.widget = widget
        self.effect = QGraphicsOpacityEffect(widget)
        self.effect.setOpacity(1.0)
        widget.setGraphicsEffect(self.effect)
        self.animation = QPropertyAnimation(self.effect, b"opacity", widget)
        self.animation.setDuration(duration_ms)
        self.animation.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self.animation.finished.connect(self._finished)
        self.visible = True

    def fade(self, visible: bool) -> None:
        if visible == self.visible:
            return
        self.visible = visible
        if visible:
            self.widget.setVisible(True)
        self.animation.stop()
        self.animation.setStartValue(self.effect.opacity())
        self.animation.setEndValue(1.0 if visible else 0.0)
        self.animation.start()

    def _finished(self) -> None:
        # Hidden widgets take no clicks: an invisible button must not hang up a call.
        if not self.visible:
            self.widget.setVisible(False)
