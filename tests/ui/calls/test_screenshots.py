"""Screenshots of the call UI under Xvfb with real decoded video (``screenshots.py``), written
to artifacts/screenshots/ for a human to look at. Skipped without Xvfb."""

from __future__ import annotations

import os
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


def _free_display() -> int:
    for number in range(99, 140):
        if (
            not Path(f"/tmp/.X{number}-lock").exists()
            and not Path(f"/tmp/.X11-unix/X{number}").exists()
        ):
            return number
    pytest.skip("no free X display number")


@pytest.mark.slow
@pytest.mark.timeout(240)  # two runs of the script (English, Arabic)
def test_screenshots_under_xvfb() -> None:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb not installed")
    number = _free_display()
    server = subprocess.Popen(
        [xvfb, f":{number}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.skip("Xvfb did not start")
            time.sleep(0.05)
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
        server.wait(5)
