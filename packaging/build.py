"""Build the Risala desktop client for the platform this runs on.

    python packaging/build.py                 # dist/risala/ (one folder; Risala.app on macOS)
    python packaging/build.py --deb --tar     # + dist/risala_<ver>_<arch>.deb and a .tar.gz
    python packaging/build.py --dmg           # macOS: + dist/Risala-<ver>.dmg
    python packaging/build.py --installer     # Windows: + dist/Risala-<ver>-setup.exe (Inno Setup)
    python packaging/build.py --skip-build --deb   # package an existing dist/risala/

Run it with the project's venv Python (the README's set-up, plus ``pip install -e '.[package]'``
for PyInstaller). Everything it names (product name, version, ids) comes from app/about.py,
whose version comes from pyproject.toml.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"
BUILD = ROOT / "build"
BUNDLE = DIST / "risala"
SOURCE_PACKAGES = ("app", "ui", "media", "relay")

sys.path.insert(0, str(ROOT))
from app import about  # noqa: E402

WINDOWS = sys.platform == "win32"
MACOS = sys.platform == "darwin"
LINUX = not (WINDOWS or MACOS)

# Libraries the Linux bundle takes from the system (PyInstaller never bundles the GL/EGL/xcb/
# wayland/glibc stack), plus what the Qt xcb platform plugin needs at run time.
DEB_DEPENDS = (
    "libc6 (>= 2.31)",
    "libgl1",
    "libegl1",
    "libdrm2",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libwayland-client0",
    "libwayland-cursor0",
    "libwayland-egl1",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libpulse0",
)
DEB_RECOMMENDS = ("hicolor-icon-theme", "xdg-desktop-portal", "fonts-noto-color-emoji")
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def log(message: str) -> None:
    print(f"build: {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    log("$ " + " ".join(map(str, cmd)))
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def dir_size(path: Path) -> int:
    """Bytes used by the files under ``path`` (symlinks counted once, as links)."""
    total = 0
    for entry in path.rglob("*"):
        if entry.is_symlink():
            continue
        if entry.is_file():
            total += entry.stat().st_size
    return total


def mib(n: int) -> str:
    return f"{n / 1048576:.1f} MiB"


def arch_name() -> str:
    """The Debian architecture name (amd64, arm64) of this machine."""
    if shutil.which("dpkg"):
        out = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


# --- checks before building ------------------------------------------------------------------


def check_qt_modules() -> None:
    """Every ``PySide6.QtX`` our code imports must be listed in ui.selftest.QT_MODULES.

    The spec excludes every other Qt binding, so a module missing from the list would make
    the packaged app fail at the first import; this turns that into a build error.
    """
    from ui.selftest import QT_MODULES

    used: set[str] = set()
    pattern = re.compile(r"\bPySide6\.(Qt\w+)")
    for package in SOURCE_PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            used.update(pattern.findall(source.read_text("utf-8", errors="replace")))
    missing = sorted(used - set(QT_MODULES))
    if missing:
        raise SystemExit(
            f"build: the code imports {', '.join('PySide6.' + m for m in missing)} but "
            "ui/selftest.py QT_MODULES does not list it; add it there (the bundle keeps only "
            "the listed Qt modules)."
        )
    log(f"Qt modules kept: {', '.join(QT_MODULES)}")


def check_version() -> None:
    """The bundle reads its version from the installed metadata: make sure it is current."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    declared = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    if declared and declared.group(1) != about.version():
        raise SystemExit(
            f"build: pyproject.toml says {declared.group(1)} but the installed metadata says "
            f"{about.version()}; reinstall: {sys.executable} -m pip install -e '.[package]'"
        )


def ensure_icons() -> None:
    icons = ROOT / "resources" / "icons"
    if not (icons / "risala.svg").exists() or not (icons / "risala.ico").exists():
        run([sys.executable, str(PACKAGING / "make_icon.py")])


# --- the PyInstaller bundle ------------------------------------------------------------------


def build_bundle(clean: bool) -> float:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit(
            "build: PyInstaller is not installed in this Python; run "
            f"`{sys.executable} -m pip install -e '.[package]'`"
        ) from None
    check_version()
    check_qt_modules()
    ensure_icons()
    started = time.monotonic()
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--distpath",
        str(DIST),
        "--workpath",
        str(BUILD / "pyinstaller"),
        str(PACKAGING / "risala.spec"),
    ]
    if clean:
        cmd.insert(3, "--clean")
    run(cmd, cwd=ROOT)
    elapsed = time.monotonic() - started
    if LINUX:
        strip_bundle(BUNDLE)
        drop_dangling_links(BUNDLE)
    target = DIST / f"{about.APP_NAME}.app" if MACOS else BUNDLE
    exe = BUNDLE / ("risala.exe" if WINDOWS else "risala")
    if not exe.exists():
        raise SystemExit(f"build: PyInstaller finished but {exe} is missing")
    log(f"bundle {target.relative_to(ROOT)}: {mib(dir_size(target))} in {elapsed:.0f} s")
    return elapsed


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def strip_bundle(bundle: Path) -> None:
    """Strip symbols and debug info from the ELF files built on this machine (Linux).

    PyInstaller's own ``strip`` option strips everything, which corrupts the FFmpeg that
    ships inside the PySide6 wheel ("ELF load command address/offset not page-aligned");
    Qt's libraries come stripped anyway. So leave PySide6/ alone and strip the rest
    (the interpreter, sqlcipher3, uvloop, cryptography, ...): about 45 MB.
    """
    strip = shutil.which("strip")
    if strip is None:
        log("strip not found (binutils); the bundle stays unstripped")
        return
    before = dir_size(bundle)
    internal = bundle / "_internal"
    files = [
        p
        for p in internal.rglob("*")
        if p.is_file()
        and not p.is_symlink()
        and "PySide6" not in p.relative_to(internal).parts
        and _is_elf(p)
    ]
    for path in files:
        mode = path.stat().st_mode
        path.chmod(mode | 0o200)
        result = subprocess.run([strip, "--strip-unneeded", str(path)], capture_output=True)
        if result.returncode != 0:
            log(f"strip skipped {path.name}: {result.stderr.decode(errors='replace').strip()}")
        path.chmod(mode)
    log(f"stripped {len(files)} files: {mib(before)} -> {mib(dir_size(bundle))}")


def drop_dangling_links(bundle: Path) -> None:
    """PyInstaller puts a top-level symlink beside _internal/ for each Qt library it saw,
    including those the spec pruned afterwards (libQt6Quick.so.6 -> a file that is not
    there): remove the links that lead nowhere, so the .deb and the tarball carry none."""
    dangling = [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]
    for path in dangling:
        path.unlink()
    if dangling:
        log(
            f"removed {len(dangling)} dangling symlinks: "
            + ", ".join(sorted(p.name for p in dangling))
        )


# --- Linux: .tar.gz and .deb -------------------------------------------------------------------


def build_tar() -> Path:
    machine = platform.machine() or "unknown"
    out = DIST / f"risala-{about.version()}-linux-{machine}.tar.gz"
    started = time.monotonic()
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(BUNDLE, arcname=f"risala-{about.version()}")
    log(f"{out.relative_to(ROOT)}: {mib(out.stat().st_size)} in {time.monotonic() - started:.0f} s")
    return out


def desktop_entry() -> str:
    return (PACKAGING / "linux" / f"{about.APP_ID}.desktop").read_text("utf-8")


def build_deb() -> Path:
    if not LINUX:
        raise SystemExit("build: --deb needs Linux (dpkg-deb)")
    if not shutil.which("dpkg-deb"):
        raise SystemExit("build: dpkg-deb not found (apt-get install dpkg-dev)")
    started = time.monotonic()
    version = about.version()
    arch = arch_name()
    root = BUILD / "deb" / f"risala_{version}_{arch}"
    if root.exists():
        shutil.rmtree(root)
    opt = root / "opt" / "risala"
    shutil.copytree(BUNDLE, opt, symlinks=True)
    # /usr/bin/risala: the PyInstaller bootloader resolves its own real path, so a symlink works
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "risala").symlink_to("/opt/risala/risala")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{about.APP_ID}.desktop").write_text(desktop_entry(), encoding="utf-8")
    icons = ROOT / "resources" / "icons"
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    for size in HICOLOR_SIZES:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True)
        shutil.copyfile(icons / f"risala-{size}.png", target / f"{about.APP_ID}.png")
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(icons / "risala.svg", hicolor / "scalable" / "apps" / f"{about.APP_ID}.svg")
    metainfo = root / "usr" / "share" / "metainfo"
    metainfo.mkdir(parents=True)
    shutil.copyfile(
        PACKAGING / "linux" / f"{about.APP_ID}.metainfo.xml",
        metainfo / f"{about.APP_ID}.metainfo.xml",
    )
    doc = root / "usr" / "share" / "doc" / "risala"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        f"{about.APP_NAME} {version}\n{about.COPYRIGHT}\n\nThe bundle in /opt/risala carries "
        "Qt (LGPLv3), PySide6 (LGPLv3), FFmpeg (LGPL/GPL as built by the PyAV and Qt "
        "wheels), Python (PSF) and the Python packages listed in /opt/risala/_internal "
        "*.dist-info, each under its own licence.\n",
        encoding="utf-8",
    )
    for path in root.rglob("*"):  # dpkg wants sane permissions whatever the umask was
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        elif os.access(path, os.X_OK) or path.suffix == ".so" or ".so." in path.name:
            path.chmod(0o755)
        else:
            path.chmod(0o644)
    installed_kib = (dir_size(root) + 1023) // 1024
    control = root / "DEBIAN"
    control.mkdir()
    description = about.DESCRIPTION
    (control / "control").write_text(
        f"Package: risala\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {about.MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(DEB_DEPENDS)}\n"
        f"Recommends: {', '.join(DEB_RECOMMENDS)}\n"
        f"Section: net\n"
        f"Priority: optional\n"
        f"Homepage: {about.HOMEPAGE}\n"
        f"Description: {description}\n"
        f" {about.APP_NAME} is a desktop messenger with one-to-one and group chats, channels,\n"
        f" stickers, and voice and video calls. This package carries a self-contained build\n"
        f" in /opt/risala; run `risala --self-test` to check it works on this system.\n",
        encoding="utf-8",
    )
    out = DIST / f"risala_{version}_{arch}.deb"
    run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(out)])
    log(f"{out.relative_to(ROOT)}: {mib(out.stat().st_size)} in {time.monotonic() - started:.0f} s")
    return out


# --- macOS: .dmg ---------------------------------------------------------------------------------


def build_dmg() -> Path:
    if not MACOS:
        raise SystemExit("build: --dmg needs macOS (hdiutil)")
    app = DIST / f"{about.APP_NAME}.app"
    staging = BUILD / "dmg"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    run(["ditto", str(app), str(staging / app.name)])
    (staging / "Applications").symlink_to("/Applications")
    out = DIST / f"{about.APP_NAME}-{about.version()}.dmg"
    out.unlink(missing_ok=True)
    run(
        [
            "hdiutil",
            "create",
            "-volname",
            about.APP_NAME,
            "-srcfolder",
            str(staging),
            "-fs",
            "HFS+",
            "-format",
            "UDZO",
            "-ov",
            str(out),
        ]
    )
    log(f"{out.relative_to(ROOT)}: {mib(out.stat().st_size)}")
    return out


# --- Windows: Inno Setup installer ---------------------------------------------------------------


def find_iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base:
            candidate = Path(base) / "Inno Setup 6" / "ISCC.exe"
            if candidate.exists():
                return str(candidate)
    return None


def build_installer() -> Path:
    if not WINDOWS:
        raise SystemExit("build: --installer needs Windows (Inno Setup)")
    iscc = find_iscc()
    if iscc is None:
        raise SystemExit("build: Inno Setup's ISCC.exe not found (choco install innosetup)")
    numeric = ".".join((re.findall(r"\d+", about.version()) + ["0", "0", "0"])[:3])
    run(
        [
            iscc,
            f"/DAppVersion={about.version()}",
            f"/DAppNumericVersion={numeric}",
            f"/DAppName={about.APP_NAME}",
            f"/DAppPublisher={about.ORGANIZATION}",
            f"/DAppCopyright={about.COPYRIGHT}",
            f"/DAppURL={about.HOMEPAGE}",
            f"/DSourceDir={BUNDLE}",
            f"/DOutputDir={DIST}",
            f"/DIconFile={ROOT / 'resources' / 'icons' / 'risala.ico'}",
            str(PACKAGING / "windows" / "risala.iss"),
        ]
    )
    out = DIST / f"{about.APP_NAME}-{about.version()}-setup.exe"
    log(f"{out.relative_to(ROOT)}: {mib(out.stat().st_size)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deb", action="store_true", help="Linux: build a .deb")
    parser.add_argument("--tar", action="store_true", help="Linux: build a .tar.gz")
    parser.add_argument("--dmg", action="store_true", help="macOS: build a .dmg")
    parser.add_argument("--installer", action="store_true", help="Windows: Inno Setup .exe")
    parser.add_argument(
        "--skip-build",
        action="store_true",
        help="package the existing dist/risala instead of rebuilding it",
    )
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's caches first")
    args = parser.parse_args(argv)

    log(
        f"{about.APP_NAME} {about.version()} on {sys.platform} with Python "
        f"{platform.python_version()} ({sys.executable})"
    )
    started = time.monotonic()
    if not args.skip_build:
        build_bundle(args.clean)
    elif not BUNDLE.exists():
        raise SystemExit(f"build: --skip-build but {BUNDLE} does not exist")
    if args.tar:
        build_tar()
    if args.deb:
        build_deb()
    if args.dmg:
        build_dmg()
    if args.installer:
        build_installer()
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
