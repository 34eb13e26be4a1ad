"""The connection banner: "Waiting for network…", "Connecting…", "Updating…"."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class ConnectionBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConnectionBanner")
        self.setWordWrap(True)
        self._state = ""
        self._syncing = False
        self.hide()

    @property
    def state(self) -> str:
        return self._state

    def set_state(self, state: str, detail: str = "") -> None:
        self._state = state
        self._refresh(detail)

    def set_syncing(self, syncing: bool) -> None:
        self._syncing = syncing
        self._refresh()

    def _refresh(self, detail: str = "") -> None:
        text = ""
        if self._state == "offline":
            text = self.tr("Waiting for network…")
        elif self._state == "connecting":
            text = self.tr("Connecting…")
        elif self._state == "auth_failed":
            text = self.tr("Signed out by the relay. Sign in again.")
        elif self._syncing:
            text = self.tr("Updating…")
        self.setText(text)
        self.setVisible(bool(text))
