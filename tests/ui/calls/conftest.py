"""GUI tests for calls run offscreen (unless a display was chosen explicitly) and fail on any
Qt warning."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[3]


def _unshadow_ui_package() -> None:
    """With ``tests/ui/__init__.py`` present, pytest's default import mode imports
    ``tests/ui/conftest.py`` as ``ui.conftest``, so ``ui`` becomes the *tests* folder and
    ``import ui.windows...`` fails. Put the application's ``ui`` package back (no-op when
    nothing is shadowed). Also makes ``tests.helpers`` importable."""
    shadow = sys.modules.get("ui")
    shadow_file = getattr(shadow, "__file__", None) or ""
    if shadow is not None and Path(shadow_file).resolve().parent == ROOT / "tests" / "ui":
        for name in [n for n in sys.modules if n == "ui" or n.startswith("ui.")]:
            sys.modules["_tests_ui_shadow." + name] = sys.modules.pop(name)
    while str(ROOT) in sys.path:
        sys.path.remove(str(ROOT))
    sys.path.insert(0, str(ROOT))


_unshadow_ui_package()

import pytest  # noqa: E402
from PySide6.QtCore import QtMsgType  # noqa: E402

_PLATFORM_NOISE = (
    "propagateSizeHints",  # xcb without a window manager
    "does not support raise()",  # offscreen: stays-on-top windows ask to be raised
    "does not support requestActivate",
)


@pytest.fixture
def calls_loop(request: pytest.FixtureRequest, qapp):  # noqa: ANN001, ANN201
    """The qasync loop (asyncio inside Qt's loop, as in the app): the GUI tests' shared one
    when tests/ui/conftest.py provides it, else one for this test. Closing the last call
    window must not quit the application (and stop the loop) in a test."""
    import asyncio

    qapp.setQuitOnLastWindowClosed(False)
    try:
        yield request.getfixturevalue("qloop")
        return
    except pytest.FixtureLookupError:
        pass
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.run_until_complete(asyncio.sleep(0.05))
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture(autouse=True, scope="session")
def _private_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Device choices go to a throw-away QSettings, never the developer's own."""
    from PySide6.QtCore import QSettings

    path = str(tmp_path_factory.mktemp("qsettings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, path)


@pytest.fixture(autouse=True)
def _qt_warnings_fail(qtlog):  # noqa: ANN001, ANN202 - pytest fixture
    yield
    bad = [r for r in qtlog.records
           if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
           and not any(known in r.message for known in _PLATFORM_NOISE)
           and not str(getattr(r.context, "category", "") or "").startswith("qt.multimedia")
           and "PulseAudioService" not in r.message]
    assert not bad, "Qt warnings: " + "; ".join(r.message for r in bad)
