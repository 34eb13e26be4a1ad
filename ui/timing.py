"""Timing marks for the startup benchmark (``tests/bench/startup.py`` sets ``RISALA_TIMING=1``).

A module of its own, free of Qt and of the rest of the UI, so the entry point can mark the
start before any window module loads.
"""

from __future__ import annotations

import os
import time


def mark(name: str) -> None:
    """Print ``RISALA_MARK <name> <monotonic seconds>`` when ``RISALA_TIMING`` is set."""
    if os.environ.get("RISALA_TIMING"):
        print(f"RISALA_MARK {name} {time.monotonic():.6f}", flush=True)
