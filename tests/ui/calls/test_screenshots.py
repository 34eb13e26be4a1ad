"""Screenshots of the call UI under Xvfb with real decoded video (``screenshots.py``), written
to artifacts/screenshots/ for a human to look at. Skipped without Xvfb."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHOTS = {
    "en": (
        "incoming-call.png",
        "call-window.png",
        "call-window-rtl.png",
        "pip-over-main.png",
        "pip-hover.png",
        "settings-calls.png",
    ),
    "ar": (
        "incoming-call-ar.png",
        "call-window-ar.png",
        "pip-over-main-ar.png",
        "pip-hover-ar.png",
        "settings-calls-ar.png",
    ),
}


def _read_line(fd: int, within: float) -> str:
    """The display number Xvfb writes once it accepts connections, up to its newline; EOF
    means it exited. Xvfb writes the number and the newline separately and dies if the pipe
    is closed in between, so read the whole line before closing."""
    data = b""
    deadline = time.monotonic() + within
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").strip()


def _start_xvfb(xvfb: str) -> tuple[subprocess.Popen[bytes], int]:
    """Start Xvfb on the first display number it can take from :99 up. Xvfb's own lock file
    decides (a number in use makes it exit), and ``-displayfd`` says when it accepts
    connections: no guessing from files in /tmp, no race with another run starting its own
    server at the same time."""
    for number in range(99, 160):
        read_end, write_end = os.pipe()
        try:
            server = subprocess.Popen(
                [xvfb, f":{number}", "-displayfd", str(write_end)]
                + ["-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(write_end,),
            )
            os.close(write_end)
            write_end = -1
            answer = _read_line(read_end, 30)
        finally:
            os.close(read_end)
            if write_end != -1:
                os.close(write_end)
        if answer == str(number):
            return server, number
        server.kill()
        server.wait(10)
    pytest.skip("Xvfb did not start")


@pytest.mark.slow
@pytest.mark.timeout(240)  # two runs of the script (English, Arabic)
def test_screenshots_under_xvfb() -> None:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb not installed")
    server, number = _start_xvfb(xvfb)
    try:
        out = ROOT / "artifacts" / "screenshots"
        env = dict(
            os.environ,
            DISPLAY=f":{number}",
            QT_QPA_PLATFORM="xcb",
            PYTHONPATH=str(ROOT),
            QT_LOGGING_RULES="qt.multimedia.symbolsresolver=false",
        )
        for lang, shots in SHOTS.items():
            result = subprocess.run(
                [sys.executable, str(Path(__file__).with_name("screenshots.py")), str(out), lang],
                env=env,
                capture_output=True,
                text=True,
                timeout=100,
            )
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
            for name in shots:
                assert (out / name).stat().st_size > 1000, name
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
