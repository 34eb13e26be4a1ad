"""Integration tests of the client core against a real relay subprocess."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

from tests.helpers.relay import RunningRelay, start_relay  # noqa: E402


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    """A relay with fast password hashing, stopped after the test."""
    running = start_relay(tmp_path, fast_password_hashing=True)
    try:
        yield running
    finally:
        running.stop()
