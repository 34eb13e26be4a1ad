"""The installable Linux build: PyInstaller bundle, .deb, and each one's ``--self-test``.

Slow (a PyInstaller build takes about a minute, the .deb another half): marked ``slow``;
CI runs it. The bundle is built once per test session, or reused with
``RISALA_REUSE_BUNDLE=1`` when dist/ already holds one from the same run (e.g. a CI step
that just ran ``packaging/build.py --deb``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from app import about  # noqa: E402
from tests.helpers.processes import xvfb_display  # noqa: E402
from ui.selftest import STEPS  # noqa: E402

DIST = ROOT / "dist"
BUNDLE = DIST / "risala"
EXE = BUNDLE / "risala"
STEP_LINE = re.compile(r"^self-test: (\w+) ok \((\d+) ms\)$", re.M)
SIZE_LIMIT_MB = 250
"""MiB; a guard against regressions (e.g. a Qt module or Qt's FFmpeg slipping back in). The
goal is < 250 MB (238 MiB); the bundle was 236.6 MiB after the V4L2 camera switch."""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux packaging"),
]


def _deb_path() -> Path:
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return DIST / f"risala_{about.version()}_{arch}.deb"


@pytest.fixture(scope="session")
def built() -> Path:
    """dist/risala and the .deb, built by packaging/build.py (once per session)."""
    reuse = os.environ.get("RISALA_REUSE_BUNDLE") == "1"
    if reuse and EXE.exists() and _deb_path().exists():
        return BUNDLE
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.skip("PyInstaller is not installed: pip install -e '.[package]'")
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed (apt-get install -y dpkg-dev)")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--deb"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    summary = "\n".join(line for line in result.stdout.splitlines() if line.startswith("build:"))
    print(f"\n{summary}\nbuild.py --deb took {elapsed:.0f} s")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert EXE.exists()
    return BUNDLE


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """A private Xvfb server."""
    with xvfb_display("1280x800x24") as name:
        yield name


def _gui_env(display: str, home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "PYTHONPATH", "PYTHONHOME")
    }
    env.update(
        DISPLAY=display,
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_RUNTIME_DIR=str(home / "run"),
    )
    (home / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
    return env


def _run_self_test(exe: str, display: str, home: Path) -> str:
    started = time.monotonic()
    result = subprocess.run(
        [exe, "--self-test"],
        env=_gui_env(display, home),
        capture_output=True,
        text=True,
        timeout=180,
    )
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    print(f"\n$ {exe} --self-test  ({elapsed:.1f} s)\n{result.stdout}")
    assert result.returncode == 0, output
    steps = [m.group(1) for m in STEP_LINE.finditer(result.stdout)]
    assert steps == list(STEPS), output
    assert "FAILED" not in output
    return result.stdout


def test_bundle_self_test_under_xvfb(built: Path, display: str, tmp_path: Path) -> None:
    _run_self_test(str(EXE), display, tmp_path)


def test_bundle_carries_only_what_the_app_uses(built: Path) -> None:
    internal = built / "_internal"
    names = {p.relative_to(internal).as_posix() for p in internal.rglob("*")}
    for unwanted in (
        "QtWebEngine",
        "Qt3D",
        "QtQuick.",
        "QtQml.",
        "QtCharts",
        "QtDataVisualization",
        "QtDesigner",
        "QtPdf",
        "numpy",
        "tkinter",
        "pytest",
        "PySide6/Qt/qml",
    ):
        assert not [n for n in names if unwanted in n], f"{unwanted} is in the bundle"
    # Linux cameras go through PyAV's V4L2 input (media.devices.CAMERA_BACKEND): Qt's FFmpeg
    # multimedia plugin, its own FFmpeg and the QtQuick/QtQml it links must stay out.
    present = {p.relative_to(internal).as_posix() for p in internal.rglob("*") if p.exists()}
    assert present == names, f"dangling symlinks: {sorted(names - present)[:5]}"
    for unwanted in (
        "plugins/multimedia/",
        "Qt/lib/libavcodec.so",
        "Qt/lib/libavformat.so",
        "Qt/lib/libswscale.so",
        "libQt6Quick.so",
        "libQt6Qml.so",
        "libQt6FFmpegStub",
        "networkinformation/libqglib",
        "libgio-2.0",
    ):
        assert not [n for n in names if unwanted in n], f"{unwanted} is in the bundle"
    assert [n for n in names if n.startswith("av.libs/libavdevice")], "PyAV's libavdevice (V4L2)"
    translations = [
        n.rsplit("/", 1)[-1]
        for n in names
        if n.startswith("PySide6/Qt/translations/") and n.endswith(".qm")
    ]
    assert translations and all(re.search(r"_ar\.qm$", t) for t in translations), translations
    assert (internal / "resources" / "icons" / "risala.svg").exists()
    assert list((internal / "resources" / "themes").glob("*.qss"))
    metadata = [
        m
        for d in internal.glob("risala*-info")
        for m in (d / "METADATA", d / "PKG-INFO")
        if m.exists()
    ]
    assert metadata, "the distribution metadata (where the bundle reads its version) is missing"
    assert f"\nVersion: {about.version()}\n" in metadata[0].read_text("utf-8")
    size_mb = (
        sum(p.stat().st_size for p in built.rglob("*") if p.is_file() and not p.is_symlink())
        / 1048576
    )
    print(f"\nbundle size: {size_mb:.1f} MiB")
    assert size_mb < SIZE_LIMIT_MB


def test_deb_metadata_and_layout(built: Path) -> None:
    deb = _deb_path()
    fields = subprocess.run(
        ["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(rf"^Version: {re.escape(about.version())}$", fields, re.M)
    depends = re.search(r"^Depends: (.*)$", fields, re.M)
    assert depends
    for lib in (
        "libxkbcommon-x11-0",
        "libxcb-cursor0",
        "libegl1",
        "libfontconfig1",
        "libpulse0",
        "libgl1",
        "libdbus-1-3",
    ):
        assert lib in depends.group(1)
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    for path in (
        "./opt/risala/risala",
        "./usr/bin/risala -> /opt/risala/risala",
        f"./usr/share/applications/{about.APP_ID}.desktop",
        f"./usr/share/icons/hicolor/256x256/apps/{about.APP_ID}.png",
        f"./usr/share/icons/hicolor/scalable/apps/{about.APP_ID}.svg",
    ):
        assert path in listing, path
    validator = shutil.which("desktop-file-validate")
    if validator:
        desktop = ROOT / "packaging" / "linux" / f"{about.APP_ID}.desktop"
        check = subprocess.run([validator, str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_deb_installs_and_self_tests(built: Path, display: str, tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("installing a .deb needs root (apt-get install ./risala_*.deb)")
    if shutil.which("apt-get") is None:
        pytest.skip("not a Debian/Ubuntu system (no apt-get)")
    deb = _deb_path()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", f"./{deb.name}"],
        cwd=deb.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    try:
        assert Path("/usr/bin/risala").resolve() == Path("/opt/risala/risala")
        assert Path(f"/usr/share/applications/{about.APP_ID}.desktop").exists()
        _run_self_test("/usr/bin/risala", display, tmp_path)
    finally:
        remove = subprocess.run(
            ["apt-get", "remove", "-y", "risala"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert remove.returncode == 0, remove.stdout[-3000:] + remove.stderr[-3000:]
    assert not Path("/opt/risala/risala").exists()
    assert not Path("/usr/bin/risala").exists()


def test_launch_to_window(built: Path, display: str, tmp_path: Path) -> None:
    """Start the bundle with --demo (embedded relay, fresh profile) and time the first
    visible window (xdotool), plus the UI's own timing marks."""
    xdotool = shutil.which("xdotool")
    if xdotool is None:
        pytest.skip("xdotool is not installed (apt-get install -y xdotool)")
    env = _gui_env(display, tmp_path)
    env["RISALA_TIMING"] = "1"
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(EXE), "--demo", "--profile", str(tmp_path / "profile")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        window = None
        while time.monotonic() - started < 30:
            if proc.poll() is not None:
                pytest.fail(f"risala --demo exited with {proc.returncode}: {proc.stdout.read()}")
            found = subprocess.run(
                [xdotool, "search", "--onlyvisible", "--name", "Risala"],
                env=env,
                capture_output=True,
                text=True,
            )
            if found.returncode == 0 and found.stdout.strip():
                window = found.stdout.split()[0]
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        assert window is not None, "no Risala window within 30 s"
        print(f"\nlaunch to first visible window: {elapsed * 1000:.0f} ms (xdotool)")
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    marks = dict(re.findall(r"^RISALA_MARK (\w+) ([\d.]+)$", out, re.M))
    if "process_start" in marks:
        t0 = float(marks["process_start"])
        print(
            "UI marks since process_start: "
            + ", ".join(f"{name} {(float(t) - t0) * 1000:.0f} ms" for name, t in marks.items())
        )
    assert elapsed < 15, f"the first window took {elapsed:.1f} s"
