"""GUI tests for calls run offscreen (unless a display was chosen explicitly) and fail on any
Qt warning."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QtMsgType  # noqa: E402

_PLATFORM_NOISE = (
    "propagateSizeHints",  # xcb without a window manager
    "does not support raise()",  # offscreen: stays-on-top windows ask to be raised
    "does not support requestActivate",
)


@pytest.fixture
def calls_loop(qapp, qloop):  # noqa: ANN001, ANN201
    """The GUI tests' shared qasync loop (asyncio inside Qt's loop, as in the app). Closing
    the last call window must not quit the application (and stop the loop) in a test."""
    qapp.setQuitOnLastWindowClosed(False)
    return qloop


@pytest.fixture(autouse=True)
def _qt_warnings_fail(qtlog):  # noqa: ANN001, ANN202 - pytest fixture
    yield
    bad = [
        r
        for r in qtlog.records
        if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        and not any(known in r.message for known in _PLATFORM_NOISE)
        and not str(getattr(r.context, "category", "") or "").startswith("qt.multimedia")
        and "PulseAudioService" not in r.message
    ]
    assert not bad, "Qt warnings: " + "; ".join(r.message for r in bad)
