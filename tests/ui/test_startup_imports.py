"""Start-up stays lean: what the unlock needs loads first, the rest while Argon2id runs or
later (tests/bench/startup.py measures the time; this keeps the heavy imports out)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys
import ui.controller
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {
    "aiohttp", "aiortc", "av", "numpy", "media", "relay", "ui", "app"})))
"""


def _modules_after(code: str) -> set[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_controller_import_defers_the_heavy_modules() -> None:
    loaded = _modules_after(_PROBE)
    assert "app.services.session" in loaded  # what unlocking needs
    # the connection stack and the windows load while the key is derived
    assert not {"aiohttp", "app.client.connection", "ui.windows.main_window"} & loaded
    # the media stack waits for the first call
    assert not {"aiortc", "av", "media", "ui.windows.call"} & loaded
