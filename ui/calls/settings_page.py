"""The "Calls" page of the settings dialog: which camera, microphone and speaker to use.

The lists follow QtMultimedia live (a headset plugged in shows up while the page is open).
A kind with no device offers the synthetic source ("Test pattern", "Test tone"), so calls
work on a machine without a camera. The choice is saved at once (``ui.calls.devices``) and
applies to the next call; during a call the call window's device menu switches the camera.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ui.calls.devices import (
    DeviceKind,
    DeviceTexts,
    available_devices,
    save_device_id,
    selected_device,
)


class CallSettingsPage(QWidget):
    """Three combo boxes (``combo(kind)``), saved on change."""

    def __init__(self, parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CallSettingsPage")
        self._settings = settings
        self._combos: dict[DeviceKind, QComboBox] = {}
        texts = DeviceTexts(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        for kind in DeviceKind:
            combo = QComboBox(self)
            combo.setObjectName(f"CallDevice_{kind.value}")
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(24)
            combo.currentIndexChanged.connect(lambda _i, k=kind: self._chosen(k))
            self._combos[kind] = combo
            form.addRow(texts.kind_title(kind) + ":", combo)
        layout.addLayout(form)
        self.note = QLabel(
            self.tr("Changes apply to your next call. During a call, use the ⋯ button to switch.")
        )
        self.note.setObjectName("Muted")
        self.note.setWordWrap(True)
        layout.addSpacing(8)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.refresh()
        from PySide6.QtMultimedia import QMediaDevices

        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self.refresh)
        self._devices.audioInputsChanged.connect(self.refresh)
        self._devices.audioOutputsChanged.connect(self.refresh)

    def combo(self, kind: DeviceKind) -> QComboBox:
        return self._combos[kind]

    def refresh(self) -> None:
        """Fill the lists again, keeping the saved choices selected."""
        for kind, combo in self._combos.items():
            blocked = combo.blockSignals(True)
            combo.clear()
            current = selected_device(kind, self._settings).id
            for choice in available_devices(kind):
                combo.addItem(choice.name, choice.id)
                if choice.id == current:
                    combo.setCurrentIndex(combo.count() - 1)
            combo.setEnabled(combo.count() > 1)
            combo.blockSignals(blocked)

    def _chosen(self, kind: DeviceKind) -> None:
        data = self._combos[kind].currentData()
        save_device_id(kind, bytes(data or b""), self._settings)


def register_call_settings_page() -> None:
    """Put this page into every settings dialog as "Calls" (replacing the placeholder)."""
    from ui.dialogs.settings import SettingsDialog

    SettingsDialog.register_page(
        lambda: QCoreApplication.translate("SettingsDialog", "Calls"),
        lambda parent: CallSettingsPage(parent),
    )
