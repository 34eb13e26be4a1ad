"""Per-profile preferences kept in QSettings (``<profile>/risala-ui.ini``): theme, language,
notifications, window geometry, and the profile's relay URL.

Signals: ``theme_changed(str)``, ``language_changed(str)``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal


class Preferences(QObject):
    theme_changed = Signal(str)
    language_changed = Signal(str)

    def __init__(self, profile_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        profile_dir.mkdir(parents=True, exist_ok=True)
        self.settings = QSettings(str(profile_dir / "risala-ui.ini"), QSettings.Format.IniFormat)

    def _get(self, key: str, default: str) -> str:
        value = self.settings.value(key, default)
        return str(value) if value is not None else default

    @property
    def theme(self) -> str:
        return self._get("ui/theme", "system")

    def set_theme(self, value: str) -> None:
        if value != self.theme:
            self.settings.setValue("ui/theme", value)
            self.theme_changed.emit(value)

    @property
    def language(self) -> str:
        return self._get("ui/language", "")

    def set_language(self, value: str) -> None:
        if value != self.language:
            self.settings.setValue("ui/language", value)
            self.language_changed.emit(value)

    @property
    def notifications(self) -> bool:
        return self._get("ui/notifications", "true") == "true"

    def set_notifications(self, on: bool) -> None:
        self.settings.setValue("ui/notifications", "true" if on else "false")

    @property
    def notification_preview(self) -> bool:
        return self._get("ui/notification_preview", "true") == "true"

    def set_notification_preview(self, on: bool) -> None:
        self.settings.setValue("ui/notification_preview", "true" if on else "false")

    @property
    def relay_url(self) -> str:
        return self._get("profile/relay_url", "")

    def set_relay_url(self, url: str) -> None:
        self.settings.setValue("profile/relay_url", url)

    def sync(self) -> None:
        self.settings.sync()
