"""Screenshots of the call UI under Xvfb with real decoded video (``screenshots.py``), written
to artifacts/screenshots/ for a human to look at. Skipped without Xvfb."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.processes import xvfb_display

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


@pytest.mark.slow
@pytest.mark.timeout(240)  # two runs of the script (English, Arabic)
def test_screenshots_under_xvfb() -> None:
    with xvfb_display() as display:
        out = ROOT / "artifacts" / "screenshots"
        env = dict(
            os.environ,
            DISPLAY=display,
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
