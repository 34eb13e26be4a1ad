"""Which camera, microphone and speaker calls use: the choices, the saved choice, and the
in-call device menu.

Devices come from ``media.devices`` (the ids ``media.capture`` opens): microphones and
speakers from QtMultimedia's ``QMediaDevices``, cameras from the platform's camera backend
(``media.devices.CAMERA_BACKEND``: V4L2 device nodes on Linux, QtMultimedia elsewhere). When a
kind has no device at all, the synthetic source stands in ("Test pattern", "Test tone") so a machine
without a camera can still make and test calls. The choice is saved in ``QSettings`` under
``calls/<kind>`` as the hex of Qt's device id (empty: the system default).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

SYNTHETIC_ID = b"synthetic"
"""The id of the stand-in source when a kind has no device."""


class DeviceKind(StrEnum):
    CAMERA = "camera"
    MICROPHONE = "microphone"
    SPEAKER = "speaker"


@dataclass(frozen=True, slots=True)
class DeviceChoice:
    """One entry of a device list. ``id`` empty: the system default; ``SYNTHETIC_ID``: the
    test source."""

    kind: DeviceKind
    id: bytes
    name: str

    @property
    def synthetic(self) -> bool:
        return self.id == SYNTHETIC_ID


class DeviceTexts(QObject):
    """Names of the entries that are not real devices (one ``tr`` context)."""

    def default_name(self, kind: DeviceKind) -> str:
        return self.tr("System default")

    def synthetic_name(self, kind: DeviceKind) -> str:
        if kind is DeviceKind.CAMERA:
            return self.tr("Test pattern")
        if kind is DeviceKind.MICROPHONE:
            return self.tr("Test tone")
        return self.tr("No speaker (silent)")

    def kind_title(self, kind: DeviceKind) -> str:
        if kind is DeviceKind.CAMERA:
            return self.tr("Camera")
        if kind is DeviceKind.MICROPHONE:
            return self.tr("Microphone")
        return self.tr("Speaker")


def _listing(kind: DeviceKind) -> list[tuple[bytes, str]]:
    """(id, description) of each device of ``kind``, default first."""
    from media.devices import list_cameras, list_microphones, list_speakers

    if kind is DeviceKind.CAMERA:
        devices = list_cameras()
    elif kind is DeviceKind.MICROPHONE:
        devices = list_microphones()
    else:
        devices = list_speakers()
    devices.sort(key=lambda d: not d.default)  # stable: the backend's order otherwise
    return [(d.id, d.name) for d in devices]


def available_devices(kind: DeviceKind) -> list[DeviceChoice]:
    """What the user can pick for ``kind``: the system default plus each device, or only the
    synthetic stand-in when there is no device."""
    texts = DeviceTexts()
    devices = _listing(kind)
    if not devices:
        return [DeviceChoice(kind, SYNTHETIC_ID, texts.synthetic_name(kind))]
    choices = [DeviceChoice(kind, b"", texts.default_name(kind))]
    choices += [DeviceChoice(kind, device_id, name) for device_id, name in devices]
    return choices


def _settings() -> QSettings:
    return QSettings()


def saved_device_id(kind: DeviceKind, settings: QSettings | None = None) -> bytes:
    """The id the user picked for ``kind`` (empty: system default)."""
    value = (settings or _settings()).value(f"calls/{kind.value}", "")
    try:
        return bytes.fromhex(str(value or ""))
    except ValueError:
        return b""


def save_device_id(kind: DeviceKind, device_id: bytes, settings: QSettings | None = None) -> None:
    (settings or _settings()).setValue(f"calls/{kind.value}", device_id.hex())


def selected_device(kind: DeviceKind, settings: QSettings | None = None) -> DeviceChoice:
    """The saved choice if that device is still there, else the first available entry."""
    choices = available_devices(kind)
    wanted = saved_device_id(kind, settings)
    return next((c for c in choices if c.id == wanted), choices[0])


def media_device_ids(settings: QSettings | None = None) -> dict[str, bytes | None]:
    """Keyword arguments for ``media.capture.MediaOptions`` and the speaker's id, from the
    saved choices (``None``: default device)."""
    ids: dict[str, bytes | None] = {}
    for kind, key in (
        (DeviceKind.CAMERA, "camera_id"),
        (DeviceKind.MICROPHONE, "microphone_id"),
        (DeviceKind.SPEAKER, "speaker_id"),
    ):
        choice = selected_device(kind, settings)
        ids[key] = None if choice.synthetic or not choice.id else choice.id
    return ids


class DeviceMenu(QMenu):
    """The in-call menu: a section per kind with the devices as radio items.

    Signals: ``device_chosen(str kind, bytes id)``.
    """

    device_chosen = Signal(str, bytes)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.aboutToShow.connect(self.rebuild)
        self._current: dict[DeviceKind, bytes] = {}
        self.rebuild()

    def set_current(self, kind: DeviceKind, device_id: bytes) -> None:
        self._current[kind] = device_id
        self.rebuild()

    def rebuild(self) -> None:
        """Refresh the list (devices come and go: a headset plugged in mid-call)."""
        self.clear()
        texts = DeviceTexts()
        for kind in DeviceKind:
            self.addSection(texts.kind_title(kind))
            group = QActionGroup(self)
            group.setExclusive(True)
            current = self._current.get(kind, selected_device(kind).id)
            for choice in available_devices(kind):
                action = QAction(choice.name, self)
                action.setCheckable(True)
                action.setChecked(choice.id == current)
                action.setData((kind.value, choice.id))
                action.triggered.connect(lambda _=False, c=choice: self._choose(c))
                group.addAction(action)
                self.addAction(action)

    def _choose(self, choice: DeviceChoice) -> None:
        self._current[choice.kind] = choice.id
        save_device_id(choice.kind, choice.id)
        self.device_chosen.emit(choice.kind.value, choice.id)
