"""GUI tests run offscreen, inside one qasync event loop (asyncio inside Qt's loop, as in
the app), and fail on Qt warnings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio  # noqa: E402
from collections.abc import Callable, Coroutine, Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import QtMsgType  # noqa: E402

_NOISE = (
    "propagateSizeHints",
    "does not support raise()",
    "does not support requestActivate",
    "QSystemTrayIcon",
    "This plugin does not support",
)


@pytest.fixture(autouse=True, scope="session")
def _private_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every GUI test's QSettings (device choices from any settings dialog) go to a
    throw-away directory, never the developer's own, whichever tests run and in what order."""
    from PySide6.QtCore import QSettings

    path = str(tmp_path_factory.mktemp("qsettings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, path)


@pytest.fixture(autouse=True)
def _risala_qt_warnings_fail(request, qtlog):  # noqa: ANN001, ANN202
    yield
    if "calls" in request.node.path.parts:
        return  # the call UI's tests have their own rule
    bad = [
        r
        for r in qtlog.records
        if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        and not any(n in r.message for n in _NOISE)
        and not str(getattr(r.context, "category", "") or "").startswith("qt.multimedia")
    ]
    assert not bad, "Qt warnings: " + "; ".join(r.message for r in bad)


@pytest.fixture(autouse=True)
def _reset_app_state(request, qapp):  # noqa: ANN001, ANN202
    """Leave the shared QApplication as we found it (theme, language, direction)."""
    yield
    if "calls" in request.node.path.parts:
        return
    from PySide6.QtCore import QLocale, Qt
    from PySide6.QtGui import QGuiApplication

    from ui.dialogs.settings import SettingsDialog
    from ui.i18n import apply_language

    apply_language(qapp, "en")
    QLocale.setDefault(QLocale.c())
    QGuiApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    qapp.setStyleSheet("")
    qapp.setPalette(qapp.style().standardPalette())
    SettingsDialog.controller = None


class _TestLoop(qasync.QEventLoop):
    """qasync's loop, run many times (once per ``arun``) instead of once as in the app.

    After ``run_forever`` returns, qasync's ``run_until_complete`` processes Qt events one
    last time; a task resumed there (a client's sync task woken by a relay update) found no
    running loop and died with "no running event loop", failing the *next* ``arun`` (a
    ``close()`` awaiting that task) at random. Keep the loop marked running until
    ``run_until_complete`` is really done."""

    def run_forever(self) -> None:
        try:
            super().run_forever()
        finally:
            asyncio.events._set_running_loop(self)

    def run_until_complete(self, future: Any) -> Any:
        try:
            return super().run_until_complete(future)
        finally:
            asyncio.events._set_running_loop(None)


@pytest.fixture(scope="session")
def qloop(qapp) -> Iterator[asyncio.AbstractEventLoop]:  # noqa: ANN001
    loop = _TestLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    try:
        loop.close()
    except RuntimeError:
        pass


@pytest.fixture
def arun(qloop) -> Callable[[Coroutine[Any, Any, Any]], Any]:  # noqa: ANN001
    """Run a coroutine to completion on the qasync loop: ``arun(body())``."""

    def run(coro: Coroutine[Any, Any, Any], timeout: float = 90.0) -> Any:
        return qloop.run_until_complete(asyncio.wait_for(coro, timeout))

    return run
