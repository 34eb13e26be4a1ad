"""Store errors: known conditions the UI can explain, kept apart from bugs.

As in qutebrowser's ``misc/sql.py``, an SQLite error is sorted by its result code.
Conditions caused by the environment (wrong passcode, full disk, a locked or damaged
file) become a :class:`StoreError` subclass that the UI shows to the user and may retry.
Anything else (a constraint violated, bad SQL, misuse of the connection) is a bug in
our code and becomes :class:`StoreBug`, which is deliberately *not* a ``StoreError``:
catching ``StoreError`` never hides a bug.
"""

from __future__ import annotations

from sqlcipher3 import dbapi2 as sqlite

# Primary SQLite result codes (the low byte of an extended code).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_NOMEM = 7
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_PROTOCOL = 15
_SQLITE_NOTADB = 26


class StoreError(Exception):
    """A known, user-explainable condition of the local store."""


class WrongPasscode(StoreError):
    """The passcode (or raw key) does not unlock the database; the file was not touched."""


class StoreCorrupt(StoreError):
    """The database or its key file is damaged or not one of ours."""


class StoreFull(StoreError):
    """SQLite reported "database or disk is full"; the transaction was rolled back."""


class StoreLocked(StoreError):
    """Another connection or process holds the database lock (SQLITE_BUSY/LOCKED)."""


class StoreIOError(StoreError):
    """The operating system refused a read or write (I/O error, permissions, read-only)."""


class StoreTooNew(StoreError):
    """The database was written by a newer Risala whose schema this version doesn't know."""


class StoreMissing(StoreError):
    """No database exists at the given path (create a profile with ``create_store``)."""


class StoreExists(StoreError):
    """``create_store`` was asked to create a database where one already exists."""


class StoreClosed(StoreError):
    """The store was used after ``close()``."""


class StoreBug(RuntimeError):
    """An SQLite error that means our code is wrong; report it, don't show it as a condition."""


def translate(exc: sqlite.Error) -> StoreError | StoreBug:
    """Map an SQLite exception to a known condition or to :class:`StoreBug`.

    ``SQLITE_NOTADB`` maps to :class:`StoreCorrupt` here; the opening code turns it
    into :class:`WrongPasscode` where it means a wrong key (page 1 fails to decrypt).
    """
    code = getattr(exc, "sqlite_errorcode", None)
    message = str(exc)
    if not isinstance(code, int):
        return StoreBug(message)
    primary = code & 0xFF
    if primary == _SQLITE_FULL:
        return StoreFull(message)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StoreLocked(message)
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return StoreCorrupt(message)
    if primary in (
        _SQLITE_IOERR,
        _SQLITE_CANTOPEN,
        _SQLITE_READONLY,
        _SQLITE_PERM,
        _SQLITE_NOMEM,
        _SQLITE_PROTOCOL,
    ):
        return StoreIOError(message)
    return StoreBug(message)


def is_not_a_database(exc: sqlite.Error) -> bool:
    """True for SQLITE_NOTADB, which with a raw key means the key is wrong."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == _SQLITE_NOTADB
