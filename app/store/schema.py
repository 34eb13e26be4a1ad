"""Schema versions: forward-only migrations tracked with ``PRAGMA user_version``.

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1``. Each runs inside
its own transaction together with the ``user_version`` bump, so a crash or an error
leaves the database at the previous version, never half-migrated. Never edit a
released migration: append a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from app.store.errors import StoreTooNew
from app.store.fts import FOLD_FUNCTION

Connection = Any  # sqlcipher3.dbapi2.Connection (the module ships no type hints)
Migration = Callable[[Connection], None]

_V1_BASE = (
    # Free-form client settings: key -> JSON value.
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    # The signed-in account; at most one row.
    """CREATE TABLE account (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        relay_url TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        username TEXT NOT NULL,
        display_name TEXT NOT NULL DEFAULT '',
        session_token TEXT
    )""",
    """CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL,
        display_name TEXT NOT NULL DEFAULT '',
        updated REAL NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX users_username ON users (username)",
    """CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        peer_id INTEGER,
        my_role TEXT NOT NULL DEFAULT 'member',
        pinned INTEGER NOT NULL DEFAULT 0,
        muted INTEGER NOT NULL DEFAULT 0,
        draft TEXT NOT NULL DEFAULT '',
        last_message_id INTEGER,
        unread_count INTEGER NOT NULL DEFAULT 0,
        read_inbox_max_id INTEGER NOT NULL DEFAULT 0,
        read_outbox_max_id INTEGER NOT NULL DEFAULT 0,
        updated REAL NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX chats_order ON chats (pinned DESC, updated DESC)",
    """CREATE TABLE chat_members (
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        role TEXT NOT NULL DEFAULT 'member',
        PRIMARY KEY (chat_id, user_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX chat_members_user ON chat_members (user_id)",
    # id is the relay's globally unique message id, so it is the rowid (and the FTS rowid).
    """CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        sender_id INTEGER NOT NULL,
        date REAL NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        reply_to_id INTEGER,
        forward TEXT,
        attachment TEXT,
        edit_date REAL,
        deleted INTEGER NOT NULL DEFAULT 0,
        random_id INTEGER
    )""",
    # History pages, counts, id lists and unread counts only ever look at live messages;
    # the partial index makes all of them index-only range scans.
    "CREATE INDEX messages_history ON messages (chat_id, id) WHERE deleted = 0",
    """CREATE TABLE outbox (
        random_id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        payload TEXT NOT NULL,
        created REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    )""",
    "CREATE INDEX outbox_chat ON outbox (chat_id, created)",
    # 'seq' -> highest contiguous applied seq; 'pts:<channel id>' -> channel pts.
    "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
    """CREATE TABLE sticker_packs (
        id INTEGER PRIMARY KEY,
        short_name TEXT NOT NULL,
        title TEXT NOT NULL,
        stickers TEXT NOT NULL DEFAULT '[]',
        position INTEGER NOT NULL DEFAULT 0,
        updated REAL NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mime TEXT NOT NULL,
        last_used REAL NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX blobs_last_used ON blobs (last_used)",
)


def _folded(column: str) -> str:
    # Python SQL functions receive TEXT only up to a NUL; a BLOB arrives whole.
    return f"{FOLD_FUNCTION}(CAST({column} AS BLOB))"


_V2_SEARCH = (
    # The index holds folded text (see app.store.fts); the view exposes exactly that,
    # so FTS5's 'rebuild' and 'integrity-check' agree with what the triggers index.
    # No prefix index: it cost ~25% of insert speed and 20% of size, while prefix
    # queries stay a few ms at 200k messages without it (tests/bench/store.py).
    f"CREATE VIEW messages_search AS SELECT id, {_folded('text')} AS text FROM messages",
    """CREATE VIRTUAL TABLE messages_fts USING fts5 (
        text,
        content = 'messages_search',
        content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
        WHEN new.text <> '' BEGIN
            INSERT INTO messages_fts (rowid, text) VALUES (new.id, {_folded("new.text")});
        END""",
    f"""CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
        WHEN old.text <> '' BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text)
                VALUES ('delete', old.id, {_folded("old.text")});
        END""",
    f"""CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
        WHEN old.text IS NOT new.text BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text)
                SELECT 'delete', old.id, {_folded("old.text")} WHERE old.text <> '';
            INSERT INTO messages_fts (rowid, text)
                SELECT new.id, {_folded("new.text")} WHERE new.text <> '';
        END""",
    # Index what earlier versions stored.
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
)


_V3_CLIENT_GAPS = (
    # Call records shown in the history (models.CallRecord as JSON).
    "ALTER TABLE messages ADD COLUMN call TEXT",
    "ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT ''",
    # A real outbox status instead of the client's "failed:<code>" convention in
    # last_error; rows written with that convention are converted.
    "ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending' "
    "CHECK (status IN ('pending', 'failed'))",
    "UPDATE outbox SET status = 'failed', last_error = substr(last_error, 8) "
    "WHERE last_error LIKE 'failed:%'",
    # The relay's unread count for a chat (messages with id <= unread_base_max_id),
    # for a device that holds only the latest page of a long unread history.
    "ALTER TABLE chats ADD COLUMN unread_base INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE chats ADD COLUMN unread_base_max_id INTEGER NOT NULL DEFAULT 0",
)

_V4_DEFERRED_SEARCH = (
    # Search index v2 (docs/store.md, "Search"): a contentless-delete FTS5 table fed in
    # batches from search_backlog instead of one trigger-driven insert per message,
    # which cost ~75% of the insert time. Deletes need only the rowid now.
    "DROP TRIGGER messages_fts_insert",
    "DROP TRIGGER messages_fts_delete",
    "DROP TRIGGER messages_fts_update",
    "DROP TABLE messages_fts",
    "DROP VIEW messages_search",
    """CREATE VIRTUAL TABLE messages_fts USING fts5 (
        text,
        content = '',
        contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
    # Ids of messages whose current text is not indexed yet (no OR IGNORE in the
    # triggers: an outer UPSERT's conflict handling would override it). Filled in the same
    # transaction as the message; emptied by Store.index_backlog (and before a search).
    "CREATE TABLE search_backlog (id INTEGER PRIMARY KEY)",
    """CREATE TRIGGER messages_search_update AFTER UPDATE OF text ON messages
        WHEN old.text IS NOT new.text BEGIN
            DELETE FROM messages_fts WHERE rowid = old.id AND old.text <> ''
                AND NOT EXISTS (SELECT 1 FROM search_backlog WHERE id = old.id);
            INSERT INTO search_backlog (id) SELECT new.id WHERE new.text <> ''
                AND NOT EXISTS (SELECT 1 FROM search_backlog WHERE id = new.id);
        END""",
    """CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
        WHEN old.text <> '' BEGIN
            DELETE FROM messages_fts WHERE rowid = old.id
                AND NOT EXISTS (SELECT 1 FROM search_backlog WHERE id = old.id);
            DELETE FROM search_backlog WHERE id = old.id;
        END""",
    # Everything stored so far is re-indexed lazily (first search or idle time).
    "INSERT INTO search_backlog (id) SELECT id FROM messages WHERE text <> ''",
)


def _statements(statements: Sequence[str]) -> Migration:
    def migrate(conn: Connection) -> None:
        for sql in statements:
            conn.execute(sql)

    return migrate


MIGRATIONS: list[Migration] = [
    _statements(_V1_BASE),  # 0 -> 1: all tables
    _statements(_V2_SEARCH),  # 1 -> 2: FTS5 message search
    _statements(_V3_CLIENT_GAPS),  # 2 -> 3: call records, bio, outbox status, relay unread
    _statements(_V4_DEFERRED_SEARCH),  # 3 -> 4: contentless FTS5 fed from a backlog
]


def schema_version(conn: Connection) -> int:
    """The database's ``user_version``."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_known(conn: Connection, migrations: Sequence[Migration] | None = None) -> int:
    """Raise :class:`StoreTooNew` if this code can't read the database; reads only."""
    steps = MIGRATIONS if migrations is None else migrations
    version = schema_version(conn)
    if version > len(steps):
        raise StoreTooNew(
            f"database schema version {version} is newer than this Risala understands "
            f"({len(steps)}); update the app"
        )
    return version


def migrate(conn: Connection, migrations: Sequence[Migration] | None = None) -> int:
    """Bring the schema up to date, one transaction per step; returns the new version.

    Raises :class:`StoreTooNew` if the database is newer than this code. The connection
    must be in autocommit mode (``isolation_level=None``).
    """
    steps = MIGRATIONS if migrations is None else migrations
    version = check_known(conn, steps)
    for target in range(version + 1, len(steps) + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            steps[target - 1](conn)
            conn.execute(f"PRAGMA user_version = {target:d}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return len(steps)
