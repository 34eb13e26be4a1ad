"""Async waiting helpers for GUI tests (poll a condition while the loop runs; no sleeps)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from tests.helpers.client import FAST_CONFIG, PASSCODE, PASSWORD
from ui.controller import AppController
from ui.models.messages import MessageRoles


async def until(cond: Callable[[], Any], within: float = 30.0, what: str = "") -> Any:
    """Wait until ``cond()`` is truthy (the Qt and asyncio loop keep running meanwhile)."""
    deadline = time.monotonic() + within
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met: {what or cond}")
        await asyncio.sleep(0.02)


async def signal_wait(signal: Any, within: float = 30.0) -> tuple:
    """Wait for a Qt signal; returns its arguments."""
    fut: asyncio.Future[tuple] = asyncio.get_running_loop().create_future()

    def handler(*args: Any) -> None:
        if not fut.done():
            fut.set_result(args)

    signal.connect(handler)
    try:
        return await asyncio.wait_for(fut, within)
    finally:
        try:
            signal.disconnect(handler)
        except (RuntimeError, TypeError):
            pass


class SignalRecorder:
    """Records a Qt signal's emissions from the moment it is made: make it *before* the
    action that leads to the signal, then ``await recorder.next()``. (``signal_wait`` after
    an awaited action misses a signal emitted while that action was awaited.)"""

    def __init__(self, signal: Any) -> None:
        self.signal = signal
        self.emitted: list[tuple] = []
        signal.connect(self._record)

    def _record(self, *args: Any) -> None:
        self.emitted.append(args)

    async def next(self, within: float = 30.0, what: str = "") -> tuple:
        """The first emission not yet returned (waiting for it if needed)."""
        await until(lambda: self.emitted, within, what or str(self.signal))
        return self.emitted.pop(0)

    def close(self) -> None:
        try:
            self.signal.disconnect(self._record)
        except (RuntimeError, TypeError):
            pass


def _texts(w) -> list[str]:
    m = w.message_model
    out = []
    for r in range(m.rowCount()):
        item = m.data(m.index(r, 0), MessageRoles.ITEM)
        out.append(item.text if item else "")
    return out


def _item(w, text: str):
    m = w.message_model
    for r in range(m.rowCount()):
        item = m.data(m.index(r, 0), MessageRoles.ITEM)
        if item and item.text == text:
            return item
    return None


async def sign_up(ctrl: AppController, relay_url: str, username: str, name: str):
    ctrl.start()
    page = ctrl.auth_window.account_page
    assert page.isVisibleTo(ctrl.auth_window)
    page.tabs.setCurrentIndex(0)
    page.relay.setText(relay_url)
    page.username.setText(username)
    page.display_name.setText(name)
    page.password.setText(PASSWORD)
    page.passcode.setText(PASSCODE)
    page.passcode2.setText(PASSCODE)
    windows: list[Any] = []

    def shown(window: Any) -> None:
        windows.append(window)

    ctrl.main_window_shown.connect(shown)
    try:
        page.button.click()
        # The main window, or the error the page shows instead (say which, not just "timeout").
        await until(lambda: windows or not page.error.isHidden(), 60, "main window or error")
    finally:
        ctrl.main_window_shown.disconnect(shown)
    assert windows, f"sign-up failed: {page.error.text()}"
    await until(lambda: ctrl.client.connection.online, 30, what="online")
    return windows[0]


def _controller(tmp_path: Path, name: str, **kw) -> AppController:
    return AppController(QApplication.instance(), tmp_path / name, config=FAST_CONFIG, **kw)
