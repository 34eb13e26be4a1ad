"""Fast checks of the packaging inputs: one version, icons, the Qt module list, desktop files."""

from __future__ import annotations

import importlib.util
import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from app import about  # noqa: E402

ICONS = ROOT / "resources" / "icons"


def _load_build_module():  # packaging/ is scripts, not a package
    spec = importlib.util.spec_from_file_location("risala_build", ROOT / "packaging" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_version_comes_from_pyproject() -> None:
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    declared = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    assert declared and about.version() == declared.group(1)


def test_every_imported_qt_module_is_kept_in_the_bundle() -> None:
    _load_build_module().check_qt_modules()  # raises SystemExit naming the missing module


def test_icons_exist_in_every_format() -> None:
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        data = (ICONS / f"risala-{size}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert (width, height) == (size, size)
    ico = (ICONS / "risala.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    icns = (ICONS / "risala.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"<svg" in (ICONS / "risala.svg").read_bytes()


def test_desktop_entry_names_the_icon_and_command() -> None:
    entry = (ROOT / "packaging" / "linux" / f"{about.APP_ID}.desktop").read_text("utf-8")
    assert f"Icon={about.APP_ID}\n" in entry
    assert re.search(r"^Exec=risala\b", entry, re.M)
    assert "Categories=" in entry


def test_macos_plist_declares_camera_and_microphone() -> None:
    spec = (ROOT / "packaging" / "risala.spec").read_text("utf-8")
    assert "NSCameraUsageDescription" in spec and "NSMicrophoneUsageDescription" in spec


def test_systemd_unit_is_hardened() -> None:
    unit = (ROOT / "packaging" / "linux" / "risala-relay.service").read_text("utf-8")
    for line in (
        "DynamicUser=yes",
        "StateDirectory=risala-relay",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "ExecStart=",
    ):
        assert line in unit
