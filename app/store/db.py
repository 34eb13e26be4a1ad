"""The encrypted local store: opening, re-keying and every query the client needs.

``Store`` is synchronous and owns one SQLCipher connection, which must only be used
from the thread that opened it; the client uses it through ``AsyncStore``
(app/store/aio.py), which runs every call on one dedicated worker thread.

Unknown ids never crash: getters return ``None`` (or leave the id out of a dict),
lists come back empty, and mutations that address one row return ``False`` (or a
count of 0) when the row does not exist.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import operator
import os
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import msgspec
from sqlcipher3 import dbapi2 as sqlite

from app.store import schema
from app.store.errors import (
    StoreClosed,
    StoreCorrupt,
    StoreExists,
    StoreIOError,
    StoreMissing,
    WrongPasscode,
    is_not_a_database,
    translate,
)
from app.store.fts import FOLD_FUNCTION, fold_sql, match_query
from app.store.keys import (
    DEFAULT_KDF,
    KdfParams,
    KeyFile,
    fsync_dir,
    key_file_path,
    key_pragma,
    keys_equal,
    pending_key_file_path,
    read_key_file,
    remove_quietly,
    write_key_file,
)
from app.store.models import (
    Account,
    Attachment,
    Blob,
    CallRecord,
    Chat,
    ChatListItem,
    ChatMember,
    Forward,
    Message,
    OutboxItem,
    OutboxStatus,
    Sticker,
    StickerPack,
    UnreadCount,
    User,
)

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

_SQLITE_HEADER = b"SQLite format 3\x00"
_MAX_ID = 2**63 - 1
_CHUNK = 500  # ids per IN (...) list

_MSG_COLS = (
    "id, chat_id, sender_id, date, text, reply_to_id, forward, attachment, "
    "edit_date, deleted, random_id, call"
)
_MSG_COLS_M = ", ".join("m." + c.strip() for c in _MSG_COLS.split(","))
_CHAT_COLS = (
    "id, kind, title, peer_id, my_role, pinned, muted, draft, last_message_id, "
    "unread_count, read_inbox_max_id, read_outbox_max_id, updated"
)
_CHAT_COLS_C = ", ".join("c." + c.strip() for c in _CHAT_COLS.split(","))

# A message row binds the required columns, then only the optional ones that are set:
# sqlcipher3 (old pysqlite code) adapts every bound None through two AttributeErrors,
# ~1.4 us per None, over half the insert time. Omitted columns are NULL, as
# they have no default, and an UPSERT's ``excluded`` row sees that NULL too.
_REQUIRED_MSG_COLS = ("id", "chat_id", "sender_id", "date", "text", "deleted")
_OPTIONAL_MSG_COLS = ("reply_to_id", "forward", "attachment", "edit_date", "random_id", "call")
_NO_OPTIONAL = (None,) * len(_OPTIONAL_MSG_COLS)

# Re-applying a message is harmless: chat, sender and date never change, a tombstone
# stays a tombstone, and an older copy never overwrites a newer edit.
_UPSERT_CLAUSE = """
ON CONFLICT (id) DO UPDATE SET
    text = excluded.text,
    call = excluded.call,
    reply_to_id = excluded.reply_to_id,
    forward = excluded.forward,
    attachment = excluded.attachment,
    edit_date = excluded.edit_date,
    deleted = excluded.deleted,
    random_id = coalesce(messages.random_id, excluded.random_id)
WHERE messages.deleted = 0
    AND (excluded.deleted = 1
         OR coalesce(excluded.edit_date, 0) >= coalesce(messages.edit_date, 0))
"""


@functools.cache
def _message_insert_sql(optional: int, upsert: bool) -> str:
    """The INSERT (or UPSERT) for rows whose set optional columns are the bits of
    ``optional`` (bit i = ``_OPTIONAL_MSG_COLS[i]``)."""
    cols = _REQUIRED_MSG_COLS + tuple(
        c for i, c in enumerate(_OPTIONAL_MSG_COLS) if optional >> i & 1
    )
    sql = f"INSERT INTO messages ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    return sql + _UPSERT_CLAUSE if upsert else sql


# Unread = the relay's count for messages up to unread_base_max_id (if it gave one; never
# below what is stored locally) + the unread messages stored locally after that.
_REFRESH_CHAT = """
UPDATE chats SET
    last_message_id = (SELECT max(id) FROM messages
                       WHERE chat_id = chats.id AND deleted = 0),
    unread_count = max(unread_base, (SELECT count(*) FROM messages
                    WHERE chat_id = chats.id AND deleted = 0 AND sender_id IS NOT ?1
                      AND id > chats.read_inbox_max_id AND id <= chats.unread_base_max_id))
                   + (SELECT count(*) FROM messages
                    WHERE chat_id = chats.id AND deleted = 0 AND sender_id IS NOT ?1
                      AND id > max(chats.read_inbox_max_id, chats.unread_base_max_id))
WHERE id = ?2
"""

# Reading up to ?1: the relay's base count is used up once the read mark passes its
# range, or reaches the oldest message stored here (history is fetched newest first, so
# everything after that is stored and counted locally); otherwise it shrinks by the
# unread messages I can see being read.
_MARK_READ = """
UPDATE chats SET
    unread_base = CASE
        WHEN ?1 >= unread_base_max_id OR ?1 >= (SELECT min(id) FROM messages
                                              WHERE chat_id = chats.id AND deleted = 0)
        THEN 0
        ELSE max(0, unread_base - (
            SELECT count(*) FROM messages WHERE chat_id = chats.id AND deleted = 0
                AND sender_id IS NOT ?2 AND id > chats.read_inbox_max_id AND id <= ?1))
        END,
    unread_base_max_id = CASE
        WHEN ?1 >= unread_base_max_id OR ?1 >= (SELECT min(id) FROM messages
                                              WHERE chat_id = chats.id AND deleted = 0)
        THEN 0
        ELSE unread_base_max_id
        END,
    read_inbox_max_id = max(read_inbox_max_id, ?1)
WHERE id = ?3
"""

# Python SQL functions receive TEXT only up to a NUL; a BLOB arrives whole.
_FOLDED_TEXT = f"{FOLD_FUNCTION}(CAST(m.text AS BLOB))"

_forward_decoder = msgspec.json.Decoder(Forward)
_attachment_decoder = msgspec.json.Decoder(Attachment)
_call_decoder = msgspec.json.Decoder(CallRecord)
_stickers_decoder = msgspec.json.Decoder(tuple[Sticker, ...])
_payload_decoder = msgspec.json.Decoder(dict[str, Any])
_encoder = msgspec.json.Encoder()


def _encode(value: object) -> str:
    return _encoder.encode(value).decode()


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _check_int64(value: int, what: str) -> int:
    if not -(2**63) <= value < 2**63:
        raise ValueError(f"{what} must fit in a signed 64-bit integer: {value}")
    return value


def new_random_id() -> int:
    """A random positive 63-bit id for an outgoing message (fits SQLite's INTEGER)."""
    return secrets.randbelow(_MAX_ID) + 1


def _message_from_row(r: Sequence[Any]) -> Message:
    return Message(
        id=r[0],
        chat_id=r[1],
        sender_id=r[2],
        date=r[3],
        text=r[4],
        reply_to_id=r[5],
        forward=_forward_decoder.decode(r[6]) if r[6] else None,
        attachment=_attachment_decoder.decode(r[7]) if r[7] else None,
        edit_date=r[8],
        deleted=bool(r[9]),
        random_id=r[10],
        call=_call_decoder.decode(r[11]) if r[11] else None,
    )


def _message_row(m: Message) -> tuple[int, tuple[Any, ...]]:
    """(bits of the optional columns that are set, the values to bind) for one message:
    the required columns in ``_REQUIRED_MSG_COLS`` order, then the set optional ones."""
    if m.deleted:  # a tombstone keeps no content
        row = (m.id, m.chat_id, m.sender_id, m.date, "", 1)
        optional: tuple[Any, ...] = (None, None, None, m.edit_date, m.random_id, None)
    else:
        row = (m.id, m.chat_id, m.sender_id, m.date, m.text, 0)
        optional = (
            m.reply_to_id,
            None if m.forward is None else _encode(m.forward),
            None if m.attachment is None else _encode(m.attachment),
            m.edit_date,
            m.random_id,
            None if m.call is None else _encode(m.call),
        )
    if optional == _NO_OPTIONAL:
        return 0, row
    bits = 0
    values = list(row)
    for i, value in enumerate(optional):
        if value is not None:
            bits |= 1 << i
            values.append(value)
    return bits, tuple(values)


def _chat_from_row(r: Sequence[Any]) -> Chat:
    return Chat(
        id=r[0],
        kind=r[1],
        title=r[2],
        peer_id=r[3],
        my_role=r[4],
        pinned=bool(r[5]),
        muted=bool(r[6]),
        draft=r[7],
        last_message_id=r[8],
        unread_count=r[9],
        read_inbox_max_id=r[10],
        read_outbox_max_id=r[11],
        updated=r[12],
    )


_OUTBOX_COLS = "random_id, chat_id, payload, created, attempts, last_error, status"


def _outbox_from_row(r: Sequence[Any]) -> OutboxItem:
    return OutboxItem(
        random_id=r[0],
        chat_id=r[1],
        payload=_payload_decoder.decode(r[2]),
        created=r[3],
        attempts=r[4],
        last_error=r[5],
        status=r[6],
    )


def _sql(fn: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Check the store is open and translate SQLite errors (known condition vs bug)."""

    @functools.wraps(fn)
    def wrapper(self: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._conn is None:
            raise StoreClosed("the store is closed")
        try:
            return fn(self, *args, **kwargs)
        except sqlite.Error as e:
            raise translate(e) from e

    return wrapper


# --------------------------------------------------------------------------- opening


def _connect(path: Path, key: bytes, *, create: bool, busy_timeout: float) -> Any:
    """Open ``path`` with ``key``; raises WrongPasscode without writing anything."""
    if not create:
        try:
            with open(path, "rb") as f:
                head = f.read(16)
        except FileNotFoundError:
            raise StoreMissing(f"no store at {path}") from None
        except OSError as e:
            raise translate_os(e) from e
        if head == _SQLITE_HEADER:
            raise StoreCorrupt(f"{path} is an unencrypted SQLite database")
    mode = "rwc" if create else "rw"
    try:
        conn = sqlite.connect(
            f"{path.resolve().as_uri()}?mode={mode}",
            uri=True,
            isolation_level=None,
            timeout=busy_timeout,
            cached_statements=256,
        )
    except sqlite.Error as e:
        raise translate(e) from e
    try:
        # A wrong key makes SQLCipher log HMAC failures to stderr; the exception is enough.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key_pragma(key)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite.Error as e:
        conn.close()
        if is_not_a_database(e):
            raise WrongPasscode("wrong passcode") from None
        raise translate(e) from e
    except BaseException:
        conn.close()
        raise
    return conn


def translate_os(e: OSError) -> StoreIOError:
    """An OSError while touching store files, as a known condition."""
    return StoreIOError(str(e))


def _configure(conn: Any) -> None:
    """Per-connection settings: WAL, NORMAL sync (durable at checkpoints), our SQL function."""
    conn.create_function(FOLD_FUNCTION, 1, fold_sql, deterministic=True)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -32768")  # 32 MiB of decrypted pages


def _open_connection(path: Path, key: bytes, busy_timeout: float) -> Any:
    conn = _connect(path, key, create=False, busy_timeout=busy_timeout)
    try:
        schema.check_known(conn)  # before anything writes to the file
        _configure(conn)
        schema.migrate(conn)
    except sqlite.Error as e:
        conn.close()
        raise translate(e) from e
    except BaseException:
        conn.close()
        raise
    return conn


def open_store(path: str | os.PathLike[str], passcode: str, *, busy_timeout: float = 5.0) -> Store:
    """Unlock an existing store with the user's passcode (slow: runs Argon2id).

    Raises :class:`WrongPasscode` (file untouched; call again to retry),
    :class:`StoreMissing`, :class:`StoreCorrupt`, :class:`StoreTooNew`, or another
    :class:`StoreError`. If a passcode change was interrupted by a crash, both the old
    and the new passcode are tried against their salts, and the change is finished or
    discarded to match the database.
    """
    db = Path(path)
    if not db.exists():
        raise StoreMissing(f"no store at {db}")
    main_kf = read_key_file(key_file_path(db))
    pending_path = pending_key_file_path(db)
    pending_kf: KeyFile | None = None
    if pending_path.exists():
        try:
            pending_kf = read_key_file(pending_path)
        except StoreCorrupt:
            log.warning("ignoring damaged pending key file %s", pending_path)
    for kf in (main_kf, pending_kf):
        if kf is None:
            continue
        key = kf.derive(passcode)
        try:
            conn = _open_connection(db, key, busy_timeout)
        except WrongPasscode:
            continue
        if kf is pending_kf:
            # The crash came after the rekey: the pending salt is now the real one.
            os.replace(pending_path, key_file_path(db))
            fsync_dir(db.parent)
        elif pending_kf is not None:
            # The crash came before the rekey committed: the change never happened.
            remove_quietly(pending_path)
        return Store(conn, db, key, kf)
    raise WrongPasscode("wrong passcode")


def open_store_with_key(
    path: str | os.PathLike[str], key: bytes, *, busy_timeout: float = 5.0
) -> Store:
    """Open with a raw key (e.g. from :class:`KeychainKeys`); fast, no key derivation.

    A stale key (the passcode changed since it was saved) raises :class:`WrongPasscode`.
    """
    db = Path(path)
    if not db.exists():
        raise StoreMissing(f"no store at {db}")
    kf = read_key_file(key_file_path(db))
    conn = _open_connection(db, key, busy_timeout)
    return Store(conn, db, key, kf)


def create_store(
    path: str | os.PathLike[str], passcode: str, *, kdf: KdfParams = DEFAULT_KDF
) -> Store:
    """Create a new, empty, encrypted store for a new profile and return it open.

    The key file is written first and the database is built under a temporary name and
    renamed into place, so a crash never leaves a database without its key file.
    """
    db = Path(path)
    if db.exists():
        raise StoreExists(f"a store already exists at {db}")
    kf = KeyFile.new(kdf)
    key = kf.derive(passcode)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        remove_quietly(pending_key_file_path(db))
        write_key_file(key_file_path(db), kf)
        tmp = db.with_name(db.name + ".creating")
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            remove_quietly(leftover)
    except OSError as e:
        raise translate_os(e) from e
    conn = _connect(tmp, key, create=True, busy_timeout=5.0)
    try:
        conn.create_function(FOLD_FUNCTION, 1, fold_sql, deterministic=True)
        schema.migrate(conn)
    except sqlite.Error as e:
        raise translate(e) from e
    finally:
        conn.close()
    os.replace(tmp, db)
    fsync_dir(db.parent)
    return Store(_open_connection(db, key, 5.0), db, key, kf)


# Steps of a passcode change, separate so tests can simulate a crash between them.
def _rekey(conn: Any, key: bytes) -> None:
    conn.execute(f"PRAGMA rekey = {key_pragma(key)}")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()


def _commit_key_file(pending: Path, final: Path) -> None:
    os.replace(pending, final)
    fsync_dir(final.parent)


# --------------------------------------------------------------------------- the store


class Store:
    """The client's whole local state in one encrypted database (sync API, one thread).

    Obtain one with :func:`open_store`, :func:`open_store_with_key` or
    :func:`create_store`. Every public method translates SQLite failures into a
    :class:`~app.store.errors.StoreError` (known condition) or
    :class:`~app.store.errors.StoreBug`.
    """

    def __init__(self, conn: Any, path: Path, key: bytes, key_file: KeyFile) -> None:
        self._conn: Any = conn
        self.path = path
        self._key = key
        self._key_file = key_file
        self._depth = 0
        row = conn.execute("SELECT user_id FROM account WHERE id = 1").fetchone()
        self._me: int | None = row[0] if row else None
        # Whether search_backlog may have rows; set by every write that can add some.
        self._backlog: bool = bool(
            conn.execute("SELECT EXISTS (SELECT 1 FROM search_backlog)").fetchone()[0]
        )

    # ----------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Checkpoint and close; further calls raise :class:`StoreClosed`. Idempotent."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.execute("PRAGMA optimize")
            except sqlite.Error as e:
                log.warning("PRAGMA optimize failed: %s", e)
            conn.close()

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._conn is None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def key(self) -> bytes:
        """The raw database key, to save with :class:`KeychainKeys` if the user wants."""
        return self._key

    @property
    def kdf(self) -> KdfParams:
        """The Argon2id parameters the current key was derived with."""
        return self._key_file.params

    @property
    def schema_version(self) -> int:
        """``PRAGMA user_version`` of the open database."""
        return schema.schema_version(self._db)

    @property
    def _db(self) -> Any:
        if self._conn is None:
            raise StoreClosed("the store is closed")
        return self._conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group calls atomically: ``with store.transaction(): ...``. Nests (savepoints).

        Sync uses it to apply a page of updates and advance ``seq`` together.
        """
        db = self._db
        depth = self._depth
        try:
            db.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT sp{depth}")
        except sqlite.Error as e:
            raise translate(e) from e
        self._depth += 1
        try:
            yield
        except BaseException as exc:
            self._depth = depth
            self._rollback(depth)
            if isinstance(exc, sqlite.Error):
                raise translate(exc) from exc
            raise
        self._depth = depth
        try:
            db.execute("COMMIT" if depth == 0 else f"RELEASE sp{depth}")
        except sqlite.Error as e:
            self._rollback(depth)
            raise translate(e) from e

    def _rollback(self, depth: int) -> None:
        db = self._db
        if not db.in_transaction:
            return  # SQLite already rolled back (e.g. after SQLITE_FULL)
        try:
            if depth == 0:
                db.execute("ROLLBACK")
            else:
                db.execute(f"ROLLBACK TO sp{depth}")
                db.execute(f"RELEASE sp{depth}")
        except sqlite.Error as e:
            log.warning("rollback failed: %s", e)

    @_sql
    def change_passcode(self, old: str, new: str, *, kdf: KdfParams = DEFAULT_KDF) -> bytes:
        """Re-key the database for a new passcode (new salt, ``kdf`` params); returns the key.

        Crash-safe: the new salt goes to a pending side file first, then ``PRAGMA rekey``
        (one SQLite transaction), then the side file atomically replaces the key file.
        :func:`open_store` tries both salts, so at every instant one passcode opens it.
        Raises :class:`WrongPasscode` if ``old`` is wrong. Update the keychain with the
        returned key if one was saved there.
        """
        if not keys_equal(self._key_file.derive(old), self._key):
            raise WrongPasscode("wrong passcode")
        if self._depth:
            raise RuntimeError("change_passcode inside a transaction")
        new_kf = KeyFile.new(kdf)
        new_key = new_kf.derive(new)
        pending = pending_key_file_path(self.path)
        try:
            write_key_file(pending, new_kf)
        except OSError as e:
            raise translate_os(e) from e
        try:
            _rekey(self._db, new_key)
        except BaseException:
            remove_quietly(pending)
            raise
        self._key, self._key_file = new_key, new_kf
        try:
            _commit_key_file(pending, key_file_path(self.path))
        except OSError as e:
            # The database uses the new key; open_store will finish the rename.
            raise translate_os(e) from e
        return new_key

    # ----------------------------------------------------------------- settings

    @_sql
    def get_setting(self, key: str, type: type[T], default: T) -> T:
        """The setting decoded as ``type``; ``default`` if unset or of another shape."""
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return msgspec.json.decode(row[0], type=type)
        except msgspec.ValidationError:
            return default

    @_sql
    def set_setting(self, key: str, value: object) -> None:
        """Store any JSON-encodable value (msgspec Structs included)."""
        self._db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, _encode(value)),
        )

    @_sql
    def delete_setting(self, key: str) -> bool:
        """Remove a setting; False if it wasn't set."""
        return bool(self._db.execute("DELETE FROM settings WHERE key = ?", (key,)).rowcount)

    # ----------------------------------------------------------------- account

    @_sql
    def account(self) -> Account | None:
        """The signed-in account, or None before the first sign-in."""
        r = self._db.execute(
            "SELECT relay_url, user_id, username, display_name, session_token "
            "FROM account WHERE id = 1"
        ).fetchone()
        if r is None:
            return None
        return Account(
            relay_url=r[0], user_id=r[1], username=r[2], display_name=r[3], session_token=r[4]
        )

    @_sql
    def set_account(self, account: Account) -> None:
        """Save the account (replacing any previous one); sign-out = ``session_token=None``."""
        self._db.execute(
            "INSERT OR REPLACE INTO account "
            "(id, relay_url, user_id, username, display_name, session_token) "
            "VALUES (1, ?, ?, ?, ?, ?)",
            (
                account.relay_url,
                account.user_id,
                account.username,
                account.display_name,
                account.session_token,
            ),
        )
        self._me = account.user_id

    # ----------------------------------------------------------------- users

    @_sql
    def upsert_users(self, users: Iterable[User]) -> None:
        """Insert or update users; an older ``updated`` never overwrites a newer one."""
        self._db.executemany(
            "INSERT INTO users (id, username, display_name, bio, updated) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET username = excluded.username, "
            "display_name = excluded.display_name, bio = excluded.bio, "
            "updated = excluded.updated WHERE excluded.updated >= users.updated",
            [(u.id, u.username, u.display_name, u.bio, u.updated) for u in users],
        )

    @_sql
    def user(self, user_id: int) -> User | None:
        """One user, or None if unknown."""
        return self.users([user_id]).get(user_id)

    @_sql
    def users(self, user_ids: Iterable[int]) -> dict[int, User]:
        """Users by id; unknown ids are left out."""
        ids = list(user_ids)
        out: dict[int, User] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(
                f"SELECT id, username, display_name, bio, updated FROM users WHERE id IN ({marks})",
                chunk,
            ):
                out[r[0]] = User(id=r[0], username=r[1], display_name=r[2], bio=r[3], updated=r[4])
        return out

    # ----------------------------------------------------------------- chats

    @_sql
    def upsert_chats(
        self, chats: Iterable[Chat], *, unread: Mapping[int, UnreadCount] | None = None
    ) -> None:
        """Insert chats, or update the relay-owned fields of known ones.

        For an existing chat only ``kind``, ``title``, ``peer_id``, ``my_role`` change
        and ``updated`` moves forward; local state (pinned, muted, draft, read marks,
        counters) has its own methods. A new chat's last message and unread count are
        computed from messages that may have arrived before it.

        ``unread`` (chat id → the relay's :class:`UnreadCount`) makes the count right on
        a device that holds only part of the history: the chat's read mark moves up to
        ``read_inbox_max_id`` and the relay's count replaces the local one for messages
        up to ``up_to_id``; newer messages are counted locally as they arrive.
        """
        items = list(chats)
        if not items:
            return
        with self.transaction():
            db = self._db
            marks = ",".join("?" * len(items))
            known = {
                r[0]
                for r in db.execute(
                    f"SELECT id FROM chats WHERE id IN ({marks})", [c.id for c in items]
                )
            }
            db.executemany(
                f"INSERT INTO chats ({_CHAT_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, "
                "peer_id = excluded.peer_id, my_role = excluded.my_role, "
                "updated = max(chats.updated, excluded.updated)",
                [
                    (
                        c.id,
                        c.kind,
                        c.title,
                        c.peer_id,
                        c.my_role,
                        int(c.pinned),
                        int(c.muted),
                        c.draft,
                        None,
                        0,
                        c.read_inbox_max_id,
                        c.read_outbox_max_id,
                        c.updated,
                    )
                    for c in items
                ],
            )
            relay = {c.id: c for c in items if unread and c.id in unread}
            if unread and relay:
                db.executemany(
                    "UPDATE chats SET read_inbox_max_id = max(read_inbox_max_id, ?), "
                    "unread_base = ?, unread_base_max_id = ? WHERE id = ?",
                    [
                        (c.read_inbox_max_id, max(0, unread[i].count), unread[i].up_to_id, i)
                        for i, c in relay.items()
                    ],
                )
            self._refresh_chats({c.id for c in items if c.id not in known or c.id in relay})

    @_sql
    def chat(self, chat_id: int) -> Chat | None:
        """One chat, or None if unknown."""
        r = self._db.execute(f"SELECT {_CHAT_COLS} FROM chats WHERE id = ?", (chat_id,)).fetchone()
        return _chat_from_row(r) if r else None

    @_sql
    def chat_list(self, limit: int | None = None) -> list[ChatListItem]:
        """Chats for the sidebar: pinned first, then by last activity, newest first."""
        rows = self._db.execute(
            f"SELECT {_CHAT_COLS_C}, {_MSG_COLS_M} FROM chats c "
            "LEFT JOIN messages m ON m.id = c.last_message_id "
            "ORDER BY c.pinned DESC, c.updated DESC, c.id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
        return [
            ChatListItem(
                chat=_chat_from_row(r[:13]),
                last_message=_message_from_row(r[13:]) if r[13] is not None else None,
            )
            for r in rows
        ]

    @_sql
    def set_draft(self, chat_id: int, text: str) -> bool:
        """Save the composer's unsent text ("" clears it); False for an unknown chat."""
        cur = self._db.execute("UPDATE chats SET draft = ? WHERE id = ?", (text, chat_id))
        return bool(cur.rowcount)

    @_sql
    def set_chat_flags(
        self, chat_id: int, *, pinned: bool | None = None, muted: bool | None = None
    ) -> bool:
        """Pin/unpin or mute/unmute; None leaves a flag alone. False for an unknown chat."""
        cur = self._db.execute(
            "UPDATE chats SET pinned = coalesce(?, pinned), muted = coalesce(?, muted) "
            "WHERE id = ?",
            (
                None if pinned is None else int(pinned),
                None if muted is None else int(muted),
                chat_id,
            ),
        )
        return bool(cur.rowcount)

    @_sql
    def mark_read(self, chat_id: int, up_to_id: int) -> bool:
        """I have read everything up to ``up_to_id`` (never moves back); recounts unread."""
        with self.transaction():
            cur = self._db.execute(_MARK_READ, (up_to_id, self._me, chat_id))
            if not cur.rowcount:
                return False
            self._refresh_chats([chat_id])
        return True

    @_sql
    def set_peer_read(self, chat_id: int, up_to_id: int) -> bool:
        """The others have read my messages up to ``up_to_id`` (the "read" tick)."""
        cur = self._db.execute(
            "UPDATE chats SET read_outbox_max_id = max(read_outbox_max_id, ?) WHERE id = ?",
            (up_to_id, chat_id),
        )
        return bool(cur.rowcount)

    @_sql
    def delete_chat(self, chat_id: int) -> bool:
        """Forget a chat with its members, messages and unsent outbox rows."""
        with self.transaction():
            db = self._db
            db.execute("DELETE FROM messages WHERE chat_id = ?", (chat_id,))
            db.execute("DELETE FROM chat_members WHERE chat_id = ?", (chat_id,))
            db.execute("DELETE FROM outbox WHERE chat_id = ?", (chat_id,))
            return bool(db.execute("DELETE FROM chats WHERE id = ?", (chat_id,)).rowcount)

    def _refresh_chats(self, chat_ids: Iterable[int]) -> None:
        """Recompute last message and unread count from the messages themselves
        (and the relay's base count, see :meth:`upsert_chats`)."""
        self._db.executemany(_REFRESH_CHAT, [(self._me, cid) for cid in chat_ids])

    # ----------------------------------------------------------------- members

    @_sql
    def upsert_members(self, members: Iterable[ChatMember]) -> None:
        """Add members or change their role."""
        self._db.executemany(
            "INSERT INTO chat_members (chat_id, user_id, role) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id, user_id) DO UPDATE SET role = excluded.role",
            [(m.chat_id, m.user_id, m.role) for m in members],
        )

    @_sql
    def set_members(self, chat_id: int, members: Iterable[ChatMember]) -> None:
        """Replace a chat's whole member list (after fetching it from the relay)."""
        with self.transaction():
            self._db.execute("DELETE FROM chat_members WHERE chat_id = ?", (chat_id,))
            self._db.executemany(
                "INSERT OR REPLACE INTO chat_members (chat_id, user_id, role) VALUES (?, ?, ?)",
                [(chat_id, m.user_id, m.role) for m in members],
            )

    @_sql
    def remove_member(self, chat_id: int, user_id: int) -> bool:
        """Remove one member; False if they weren't one."""
        cur = self._db.execute(
            "DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?", (chat_id, user_id)
        )
        return bool(cur.rowcount)

    @_sql
    def members(self, chat_id: int) -> list[ChatMember]:
        """A chat's members ordered by user id (empty for an unknown chat)."""
        return [
            ChatMember(chat_id=chat_id, user_id=r[0], role=r[1])
            for r in self._db.execute(
                "SELECT user_id, role FROM chat_members WHERE chat_id = ? ORDER BY user_id",
                (chat_id,),
            )
        ]

    # ----------------------------------------------------------------- messages

    @_sql
    def save_messages(self, messages: Iterable[Message]) -> int:
        """Apply a batch of messages in one transaction; returns how many were new.

        Upserts by id, so re-applying a page is harmless. Keeps each chat's last message
        and unread count current, and drops outbox rows whose message (by ``random_id``)
        has arrived.
        """
        batch = list(messages)
        if not batch:
            return 0
        with self.transaction():
            return self._save_messages(batch)

    def _save_messages(self, batch: list[Message]) -> int:
        db = self._db
        ids = [m.id for m in batch]
        existing: set[int] = set()
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            existing.update(
                r[0] for r in db.execute(f"SELECT id FROM messages WHERE id IN ({marks})", chunk)
            )
        # New ids take a plain INSERT: an UPSERT statement carries the UPDATE triggers
        # (search bookkeeping) and a statement journal, ~35% of the insert time.
        # Rows are grouped by which optional columns they set (see _message_row): new
        # ids in any order, repeated or known ids in batch order (later copies win).
        inserts: dict[int, list[tuple[Any, ...]]] = {}
        upserts: list[tuple[int, tuple[Any, ...]]] = []
        backlog: list[tuple[int]] = []
        fresh: set[int] = set()
        for m in batch:
            if m.id in existing or m.id in fresh:
                upserts.append(_message_row(m))
            else:
                fresh.add(m.id)
                bits, row = _message_row(m)
                inserts.setdefault(bits, []).append(row)
                if row[4]:
                    backlog.append((m.id,))
        for bits, rows in inserts.items():
            db.executemany(_message_insert_sql(bits, False), rows)
        db.executemany("INSERT OR IGNORE INTO search_backlog (id) VALUES (?)", backlog)
        for bits, group in itertools.groupby(upserts, key=operator.itemgetter(0)):
            # Text changes reach the search backlog through the update trigger.
            db.executemany(_message_insert_sql(bits, True), [row for _, row in group])
        self._backlog = True

        me = self._me
        seen: set[int] = set()
        per_chat: dict[int, list[Message]] = {}
        to_refresh: set[int] = set()
        sent_random_ids: list[tuple[int]] = []
        for m in batch:
            if m.random_id is not None and (me is None or m.sender_id == me):
                sent_random_ids.append((m.random_id,))
            if m.id in existing:
                if m.deleted:
                    to_refresh.add(m.chat_id)
                continue
            if m.id in seen or m.deleted:
                continue
            seen.add(m.id)
            per_chat.setdefault(m.chat_id, []).append(m)

        if per_chat:
            marks = ",".join("?" * len(per_chat))
            read_marks = {
                r[0]: (r[1], r[2])
                for r in db.execute(
                    f"SELECT id, read_inbox_max_id, unread_base_max_id FROM chats "
                    f"WHERE id IN ({marks})",
                    list(per_chat),
                )
            }
            updates = []
            for chat_id, msgs in per_chat.items():
                if chat_id not in read_marks:
                    continue  # chat not known yet; upsert_chats will count
                read_up_to, base_up_to = read_marks[chat_id]
                if any(m.id <= base_up_to for m in msgs):
                    to_refresh.add(chat_id)  # inside the relay's count: recount
                unread = sum(1 for m in msgs if m.id > read_up_to and m.sender_id != me)
                updates.append(
                    (max(m.id for m in msgs), max(m.date for m in msgs), unread, chat_id)
                )
            db.executemany(
                "UPDATE chats SET last_message_id = max(coalesce(last_message_id, 0), ?), "
                "updated = max(updated, ?), unread_count = unread_count + ? WHERE id = ?",
                updates,
            )
        if to_refresh:
            self._refresh_chats(to_refresh)
        if sent_random_ids:
            db.executemany("DELETE FROM outbox WHERE random_id = ?", sent_random_ids)
        return len(seen)

    @_sql
    def message(self, message_id: int) -> Message | None:
        """One message (tombstones included), or None if unknown."""
        r = self._db.execute(
            f"SELECT {_MSG_COLS} FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        return _message_from_row(r) if r else None

    @_sql
    def messages(
        self, chat_id: int, before_id: int | None = None, limit: int = 50
    ) -> list[Message]:
        """A history page, newest first: live messages with id < ``before_id``."""
        rows = self._db.execute(
            f"SELECT {_MSG_COLS} FROM messages WHERE chat_id = ? AND deleted = 0 AND id < ? "
            "ORDER BY id DESC LIMIT ?",
            (chat_id, _MAX_ID if before_id is None else before_id, limit),
        ).fetchall()
        return [_message_from_row(r) for r in rows]

    @_sql
    def message_count(self, chat_id: int) -> int:
        """Number of live messages in a chat (index-only count)."""
        return int(
            self._db.execute(
                "SELECT count(*) FROM messages WHERE chat_id = ? AND deleted = 0", (chat_id,)
            ).fetchone()[0]
        )

    @_sql
    def message_ids(self, chat_id: int) -> list[int]:
        """Ids of a chat's live messages, oldest first (rows of a lazy Qt model)."""
        return [
            r[0]
            for r in self._db.execute(
                "SELECT id FROM messages WHERE chat_id = ? AND deleted = 0 ORDER BY id",
                (chat_id,),
            )
        ]

    @_sql
    def messages_by_ids(self, message_ids: Iterable[int]) -> dict[int, Message]:
        """Messages by id for a model's row cache; unknown ids are left out, and a
        message deleted since its id was listed comes back with ``deleted=True``."""
        ids = list(message_ids)
        out: dict[int, Message] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in self._db.execute(
                f"SELECT {_MSG_COLS} FROM messages WHERE id IN ({marks})", chunk
            ):
                out[r[0]] = _message_from_row(r)
        return out

    @_sql
    def edit_message(self, message_id: int, text: str, edit_date: float) -> bool:
        """Apply an edit unless the message is unknown, deleted, or has a newer edit."""
        cur = self._db.execute(
            "UPDATE messages SET text = ?, edit_date = ? "
            "WHERE id = ? AND deleted = 0 AND coalesce(edit_date, 0) <= ?",
            (text, edit_date, message_id, edit_date),
        )
        if cur.rowcount:
            self._backlog = True
        return bool(cur.rowcount)

    @_sql
    def delete_messages(self, message_ids: Iterable[int]) -> int:
        """Delete for everyone: keep tombstones, wipe content, fix chats; returns count."""
        ids = list(message_ids)
        deleted = 0
        with self.transaction():
            db = self._db
            chats: set[int] = set()
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                chats.update(
                    r[0]
                    for r in db.execute(
                        f"SELECT DISTINCT chat_id FROM messages "
                        f"WHERE id IN ({marks}) AND deleted = 0",
                        chunk,
                    )
                )
                # Unread messages inside the relay's count leave it too.
                db.execute(
                    "UPDATE chats SET unread_base = max(0, unread_base - ("
                    "SELECT count(*) FROM messages WHERE chat_id = chats.id AND deleted = 0 "
                    "AND sender_id IS NOT ? AND id > chats.read_inbox_max_id "
                    f"AND id <= chats.unread_base_max_id AND id IN ({marks}))) "
                    "WHERE unread_base > 0",
                    [self._me, *chunk],
                )
                deleted += db.execute(
                    "UPDATE messages SET deleted = 1, text = '', attachment = NULL, "
                    f"forward = NULL, call = NULL WHERE id IN ({marks}) AND deleted = 0",
                    chunk,
                ).rowcount
            self._refresh_chats(chats)
        return deleted

    @_sql
    def search(
        self,
        query: str,
        *,
        chat_id: int | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> list[Message]:
        """Full-text search, newest first, globally or in one chat.

        ``query`` is whatever the user typed: every word must match as a prefix, and
        operators or punctuation are treated as text (see :func:`match_query`).
        Pass the last result's id as ``before_id`` for the next page.
        """
        match = match_query(query)
        if match is None:
            return []
        if self._backlog:
            self.index_backlog()  # never miss a message saved but not indexed yet
        sql = (
            f"SELECT {_MSG_COLS_M} FROM messages_fts f CROSS JOIN messages m "
            "ON m.id = f.rowid WHERE messages_fts MATCH ? AND f.rowid < ?"
        )
        params: list[Any] = [match, _MAX_ID if before_id is None else before_id]
        if chat_id is not None:
            sql += " AND m.chat_id = ?"
            params.append(chat_id)
        sql += " ORDER BY f.rowid DESC LIMIT ?"
        params.append(limit)
        return [_message_from_row(r) for r in self._db.execute(sql, params)]

    @property
    def index_pending(self) -> bool:
        """True while saved messages wait in the search backlog (cheap, no query)."""
        return self._backlog

    @_sql
    def index_backlog(self, limit: int | None = None) -> int:
        """Add up to ``limit`` (None: all) waiting messages to the search index, oldest
        first, in one transaction; returns how many. :class:`AsyncStore` calls it in
        idle time after writes, and :meth:`search` flushes the rest first."""
        db = self._db
        outermost = self._depth == 0  # a rollback around us would bring rows back
        with self.transaction():
            row = db.execute(
                "SELECT count(*), max(id) FROM (SELECT id FROM search_backlog ORDER BY id LIMIT ?)",
                (-1 if limit is None else limit,),
            ).fetchone()
            count, last_id = int(row[0]), row[1]
            if count:
                db.execute(
                    f"INSERT INTO messages_fts (rowid, text) SELECT m.id, {_FOLDED_TEXT} "
                    "FROM search_backlog b CROSS JOIN messages m ON m.id = b.id "
                    "WHERE b.id <= ? AND m.text <> '' ORDER BY b.id",
                    (last_id,),
                )
                db.execute("DELETE FROM search_backlog WHERE id <= ?", (last_id,))
        if outermost and (limit is None or count < limit):
            self._backlog = False
        return count

    # ----------------------------------------------------------------- outbox

    @_sql
    def outbox_add(
        self,
        chat_id: int,
        payload: Mapping[str, Any],
        *,
        random_id: int | None = None,
        created: float | None = None,
    ) -> OutboxItem:
        """Record a message the user sends, before the network sees it.

        ``random_id`` (generated if omitted) is what the relay deduplicates on.
        """
        rid = new_random_id() if random_id is None else _check_int64(random_id, "random_id")
        item = OutboxItem(
            random_id=rid,
            chat_id=chat_id,
            payload=dict(payload),
            created=time.time() if created is None else created,
        )
        self._db.execute(
            "INSERT INTO outbox (random_id, chat_id, payload, created) VALUES (?, ?, ?, ?)",
            (item.random_id, item.chat_id, _encode(item.payload), item.created),
        )
        return item

    @_sql
    def outbox(
        self, chat_id: int | None = None, *, status: OutboxStatus | None = None
    ) -> list[OutboxItem]:
        """Unsent messages, oldest first, for one chat or all, optionally by status."""
        sql = f"SELECT {_OUTBOX_COLS} FROM outbox WHERE 1"
        params: list[Any] = []
        if chat_id is not None:
            sql += " AND chat_id = ?"
            params.append(chat_id)
        if status is not None:
            sql += " AND status = ?"
            params.append(status)
        sql += " ORDER BY created, random_id"
        return [_outbox_from_row(r) for r in self._db.execute(sql, params)]

    @_sql
    def outbox_item(self, random_id: int) -> OutboxItem | None:
        """One outbox entry by ``random_id``, or None if it is gone (sent or removed)."""
        r = self._db.execute(
            f"SELECT {_OUTBOX_COLS} FROM outbox WHERE random_id = ?", (random_id,)
        ).fetchone()
        return _outbox_from_row(r) if r else None

    @_sql
    def outbox_complete(self, random_id: int, message: Message) -> bool:
        """The relay accepted an outbox message: swap it for the real one, atomically.

        Idempotent: completing twice, or after sync already saved the message, never
        duplicates it. Returns True if an outbox row was removed.
        """
        if message.random_id is None:
            message = msgspec.structs.replace(message, random_id=random_id)
        with self.transaction():
            cur = self._db.execute("DELETE FROM outbox WHERE random_id = ?", (random_id,))
            removed = bool(cur.rowcount)
            self._save_messages([message])
        return removed

    @_sql
    def outbox_fail(self, random_id: int, error: str, *, permanent: bool = False) -> bool:
        """Count a failed attempt and keep ``error`` (an error code) as ``last_error``.

        A transient failure leaves the entry pending for a retry; ``permanent=True``
        marks it ``"failed"`` until :meth:`outbox_reset`. False if the entry is gone.
        """
        cur = self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, "
            "status = CASE WHEN ? THEN 'failed' ELSE status END WHERE random_id = ?",
            (error, int(permanent), random_id),
        )
        return bool(cur.rowcount)

    @_sql
    def outbox_reset(self, random_id: int) -> OutboxItem | None:
        """Make a failed entry pending again (the user pressed "retry"); returns it.

        ``attempts`` and ``last_error`` are kept for the record. None if it is gone.
        """
        with self.transaction():
            cur = self._db.execute(
                "UPDATE outbox SET status = 'pending' WHERE random_id = ?", (random_id,)
            )
            if not cur.rowcount:
                return None
            return self.outbox_item(random_id)

    @_sql
    def outbox_remove(self, random_id: int) -> bool:
        """Drop an unsent message (the user cancelled it)."""
        cur = self._db.execute("DELETE FROM outbox WHERE random_id = ?", (random_id,))
        return bool(cur.rowcount)

    # ----------------------------------------------------------------- sync state

    @_sql
    def get_seq(self) -> int:
        """Highest contiguous update ``seq`` applied (0 before the first sync)."""
        return self._sync_value("seq")

    @_sql
    def set_seq(self, seq: int) -> None:
        """Record the applied ``seq``; put it in the same transaction as the updates."""
        self._set_sync_value("seq", seq)

    @_sql
    def get_pts(self, channel_id: int) -> int:
        """A channel's applied ``pts`` (0 if never synced)."""
        return self._sync_value(f"pts:{channel_id:d}")

    @_sql
    def set_pts(self, channel_id: int, pts: int) -> None:
        """Record a channel's applied ``pts``."""
        self._set_sync_value(f"pts:{channel_id:d}", pts)

    @_sql
    def all_pts(self) -> dict[int, int]:
        """Every channel's ``pts``, to catch up all channels after reconnecting."""
        return {
            int(k[4:]): v
            for k, v in self._db.execute(
                "SELECT key, value FROM sync_state WHERE key >= 'pts:' AND key < 'pts;'"
            )
        }

    def _sync_value(self, key: str) -> int:
        r = self._db.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return int(r[0]) if r else 0

    def _set_sync_value(self, key: str, value: int) -> None:
        self._db.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, _check_int64(value, key)),
        )

    # ----------------------------------------------------------------- stickers, blobs

    @_sql
    def save_sticker_pack(self, pack: StickerPack) -> None:
        """Install or update a sticker pack."""
        self._db.execute(
            "INSERT OR REPLACE INTO sticker_packs "
            "(id, short_name, title, stickers, position, updated) VALUES (?, ?, ?, ?, ?, ?)",
            (
                pack.id,
                pack.short_name,
                pack.title,
                _encode(pack.stickers),
                pack.position,
                pack.updated,
            ),
        )

    @_sql
    def sticker_packs(self) -> list[StickerPack]:
        """Installed packs in panel order."""
        return [
            StickerPack(
                id=r[0],
                short_name=r[1],
                title=r[2],
                stickers=_stickers_decoder.decode(r[3]),
                position=r[4],
                updated=r[5],
            )
            for r in self._db.execute(
                "SELECT id, short_name, title, stickers, position, updated FROM sticker_packs "
                "ORDER BY position, id"
            )
        ]

    @_sql
    def remove_sticker_pack(self, pack_id: int) -> bool:
        """Uninstall a pack."""
        cur = self._db.execute("DELETE FROM sticker_packs WHERE id = ?", (pack_id,))
        return bool(cur.rowcount)

    @_sql
    def put_blob(self, blob: Blob) -> None:
        """Record a blob downloaded to the local cache."""
        self._db.execute(
            "INSERT OR REPLACE INTO blobs (sha256, path, size, mime, last_used) "
            "VALUES (?, ?, ?, ?, ?)",
            (blob.sha256, blob.path, blob.size, blob.mime, blob.last_used or time.time()),
        )

    @_sql
    def blob(self, sha256: str) -> Blob | None:
        """A cached blob's metadata, or None if not cached."""
        r = self._db.execute(
            "SELECT sha256, path, size, mime, last_used FROM blobs WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return Blob(sha256=r[0], path=r[1], size=r[2], mime=r[3], last_used=r[4]) if r else None

    @_sql
    def touch_blob(self, sha256: str, when: float | None = None) -> bool:
        """Mark a blob as used now (for least-recently-used eviction)."""
        cur = self._db.execute(
            "UPDATE blobs SET last_used = ? WHERE sha256 = ?",
            (time.time() if when is None else when, sha256),
        )
        return bool(cur.rowcount)

    @_sql
    def blobs_least_recently_used(self, limit: int = 100) -> list[Blob]:
        """Eviction candidates, least recently used first."""
        return [
            Blob(sha256=r[0], path=r[1], size=r[2], mime=r[3], last_used=r[4])
            for r in self._db.execute(
                "SELECT sha256, path, size, mime, last_used FROM blobs ORDER BY last_used LIMIT ?",
                (limit,),
            )
        ]

    @_sql
    def remove_blob(self, sha256: str) -> bool:
        """Forget a cached blob (the caller deletes the file)."""
        cur = self._db.execute("DELETE FROM blobs WHERE sha256 = ?", (sha256,))
        return bool(cur.rowcount)
