"""Light and dark themes: the QSS in resources/themes/ plus the colours delegates paint with.

The theme follows the system (``QStyleHints.colorScheme``) unless the user picks one. The
delegates read :func:`colors` at paint time, so switching the theme repaints everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES_DIR = Path(__file__).resolve().parents[1] / "resources" / "themes"


@dataclass(frozen=True)
class ThemeColors:
    name: str
    window: QColor
    panel: QColor
    text: QColor
    muted_text: QColor
    accent: QColor
    accent_text: QColor
    own_bubble: QColor
    own_bubble_text: QColor
    other_bubble: QColor
    other_bubble_text: QColor
    chat_bg: QColor
    selection: QColor
    selection_text: QColor
    separator_bg: QColor
    separator_text: QColor
    badge: QColor
    badge_muted: QColor
    badge_text: QColor
    quote_bar: QColor
    read_tick: QColor
    missed_call: QColor
    link: QColor


LIGHT = ThemeColors(
    name="light",
    window=QColor("#ffffff"),
    panel=QColor("#f4f5f7"),
    text=QColor("#1b1f24"),
    muted_text=QColor("#6b7480"),
    accent=QColor("#2f7de1"),
    accent_text=QColor("#ffffff"),
    own_bubble=QColor("#dcecff"),
    own_bubble_text=QColor("#10233d"),
    other_bubble=QColor("#ffffff"),
    other_bubble_text=QColor("#1b1f24"),
    chat_bg=QColor("#e9edf2"),
    selection=QColor("#2f7de1"),
    selection_text=QColor("#ffffff"),
    separator_bg=QColor(0, 0, 0, 40),
    separator_text=QColor("#ffffff"),
    badge=QColor("#2f7de1"),
    badge_muted=QColor("#a3abb5"),
    badge_text=QColor("#ffffff"),
    quote_bar=QColor("#2f7de1"),
    read_tick=QColor("#2f7de1"),
    missed_call=QColor("#d93b3b"),
    link=QColor("#1f6fd1"),
)

DARK = ThemeColors(
    name="dark",
    window=QColor("#17191d"),
    panel=QColor("#1f2227"),
    text=QColor("#e7e9ec"),
    muted_text=QColor("#8c949e"),
    accent=QColor("#4c9aff"),
    accent_text=QColor("#0b1220"),
    own_bubble=QColor("#2b5278"),
    own_bubble_text=QColor("#eef4fb"),
    other_bubble=QColor("#262a30"),
    other_bubble_text=QColor("#e7e9ec"),
    chat_bg=QColor("#0f1114"),
    selection=QColor("#2b5278"),
    selection_text=QColor("#ffffff"),
    separator_bg=QColor(255, 255, 255, 28),
    separator_text=QColor("#c9ced4"),
    badge=QColor("#4c9aff"),
    badge_muted=QColor("#59616b"),
    badge_text=QColor("#0b1220"),
    quote_bar=QColor("#6fb0ff"),
    read_tick=QColor("#7cc0ff"),
    missed_call=QColor("#ff6b6b"),
    link=QColor("#7cb8ff"),
)

_current: ThemeColors = LIGHT


def colors() -> ThemeColors:
    """The colours of the theme in use (delegates call this when they paint)."""
    return _current


def system_prefers_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> ThemeColors:
    """``choice`` is "light", "dark" or "system"."""
    if choice == "dark":
        return DARK
    if choice == "light":
        return LIGHT
    return DARK if system_prefers_dark() else LIGHT


def _palette(c: ThemeColors) -> QPalette:
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, c.window)
    pal.setColor(QPalette.ColorRole.WindowText, c.text)
    pal.setColor(QPalette.ColorRole.Base, c.window)
    pal.setColor(QPalette.ColorRole.AlternateBase, c.panel)
    pal.setColor(QPalette.ColorRole.Text, c.text)
    pal.setColor(QPalette.ColorRole.Button, c.panel)
    pal.setColor(QPalette.ColorRole.ButtonText, c.text)
    pal.setColor(QPalette.ColorRole.Highlight, c.selection)
    pal.setColor(QPalette.ColorRole.HighlightedText, c.selection_text)
    pal.setColor(QPalette.ColorRole.PlaceholderText, c.muted_text)
    pal.setColor(QPalette.ColorRole.ToolTipBase, c.panel)
    pal.setColor(QPalette.ColorRole.ToolTipText, c.text)
    pal.setColor(QPalette.ColorRole.Link, c.link)
    for group in (QPalette.ColorGroup.Disabled,):
        pal.setColor(group, QPalette.ColorRole.Text, c.muted_text)
        pal.setColor(group, QPalette.ColorRole.ButtonText, c.muted_text)
        pal.setColor(group, QPalette.ColorRole.WindowText, c.muted_text)
    return pal


class ThemeManager(QObject):
    """Applies a theme to the application and follows the system scheme when asked.

    Signals: ``changed(str)`` with the resolved theme name ("light"/"dark").
    """

    changed = Signal(str)

    def __init__(self, app: QApplication, choice: str = "system") -> None:
        super().__init__(app)
        self._app = app
        self._choice = choice
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_changed)

    @property
    def choice(self) -> str:
        return self._choice

    def apply(self, choice: str | None = None) -> None:
        global _current
        if choice is not None:
            self._choice = choice
        _current = resolve(self._choice)
        self._app.setStyle("Fusion")
        self._app.setPalette(_palette(_current))
        qss_path = THEMES_DIR / f"{_current.name}.qss"
        try:
            qss = qss_path.read_text(encoding="utf-8")
        except OSError:
            qss = ""
        self._app.setStyleSheet(qss)
        self.changed.emit(_current.name)

    def _on_system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._choice == "system":
            self.apply()
