"""A stopgap for a PySide6 defect that crashes calls on CPython 3.11.

PySide6 6.12.0 (as installed here) drops one reference to ``None`` on every call of a
void-returning Qt method (``QWidget.update()``, ``QPainter.setRenderHint()``, ...), and one
to ``True``/``False`` on every ``Signal(bool).emit``. From CPython 3.12 on these singletons
are immortal and nothing happens; on 3.11 their reference counts run down and the process
aborts with "Fatal Python error: none_dealloc" (or ``bool_dealloc``) — with video at 30 fps
that is seconds into a call. Reproduce::

    w = QWidget(); n = sys.getrefcount(None); w.update(); sys.getrefcount(None) - n  # -1

``protect_none()`` detects the defect with such probes and, only then, raises the reference
counts of ``None``, ``True`` and ``False`` far out of reach (what 3.12 does by design). The
real fix is the environment (CPython >= 3.12 or a PySide6 without the bug); this only keeps
the app alive.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_HEADROOM = 1 << 40
_protected = False


def none_refcount_leak_per_call() -> int:
    """How many references to ``None`` one void Qt call loses (0 when healthy)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    probe.setObjectName("probe")
    before = sys.getrefcount(None)
    for _ in range(32):
        probe.setObjectName("probe")
    return max(0, (before - sys.getrefcount(None)) // 32)


def bool_refcount_leak_per_emit() -> int:
    """How many references to ``True`` one ``Signal(bool).emit(True)`` loses."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        flag = Signal(bool)

    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(32):
        probe.flag.emit(True)
    return max(0, (before - sys.getrefcount(True)) // 32)


def protect_none() -> bool:
    """Apply the stopgap when needed (once); returns whether it is in effect."""
    global _protected
    if _protected:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if none_refcount_leak_per_call() == 0 and bool_refcount_leak_per_emit() == 0:
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _protected = True
    log.warning("PySide6 %s loses references to None/True/False on Python %s; "
                "applied a stopgap (use Python >= 3.12 or another PySide6)",
                _pyside_version(), sys.version.split()[0])
    return True


def _pyside_version() -> str:
    try:
        import PySide6

        return str(PySide6.__version__)
    except Exception:  # noqa: BLE001 - only for the log line
        return "?"
