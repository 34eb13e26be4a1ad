"""Migrations: from an empty database, from an older version with data, never backwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlcipher3 import dbapi2 as sqlite

from app.store import StoreTooNew, open_store
from app.store import schema as schema_mod
from app.store.fts import FOLD_FUNCTION, fold_sql
from app.store.keys import KeyFile, key_file_path, key_pragma, write_key_file

from .conftest import FAST_KDF, PASSCODE


def raw_database(db_path: Path, version: int) -> Any:
    """An encrypted database at schema ``version``, built by the migrations themselves."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    kf = KeyFile.new(FAST_KDF)
    write_key_file(key_file_path(db_path), kf)
    conn = sqlite.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = {key_pragma(kf.derive(PASSCODE))}")
    conn.create_function(FOLD_FUNCTION, 1, fold_sql, deterministic=True)
    schema_mod.migrate(conn, schema_mod.MIGRATIONS[:version])
    return conn


def test_migrate_from_version_0(db_path: Path) -> None:
    conn = raw_database(db_path, 0)
    conn.execute("CREATE TABLE leftover (x)")  # any file at version 0 is migrated up
    conn.close()
    with open_store(db_path, PASSCODE) as s:
        assert s.schema_version == len(schema_mod.MIGRATIONS) == 4
        assert s.chat_list() == [] and s.search("x") == []
        db = s._db
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "settings",
        "account",
        "users",
        "chats",
        "chat_members",
        "messages",
        "outbox",
        "sync_state",
        "sticker_packs",
        "blobs",
        "messages_fts",
    } <= tables


def test_migrate_from_version_1_indexes_existing_messages(db_path: Path) -> None:
    conn = raw_database(db_path, 1)
    conn.execute(
        "INSERT INTO messages (id, chat_id, sender_id, date, text) VALUES "
        "(1, 10, 2, 1.0, 'written before search existed'), "
        "(2, 10, 2, 2.0, 'مَرْحَبًا بالعالم')"
    )
    conn.close()
    with open_store(db_path, PASSCODE) as s:
        assert s.schema_version == 4
        assert s.index_pending  # re-indexed lazily, by idle time or the first search
        assert [m.id for m in s.search("existed")] == [1]
        assert [m.id for m in s.search("مرحبا")] == [2]
        s._db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")


def test_future_version_is_refused(db_path: Path) -> None:
    conn = raw_database(db_path, 2)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(StoreTooNew, match="99"):
        open_store(db_path, PASSCODE)
    assert db_path.read_bytes() == before


def test_failed_migration_rolls_back(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = raw_database(db_path, 1)

    def broken(c: Any) -> None:
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration bug")

    with pytest.raises(RuntimeError):
        schema_mod.migrate(conn, [*schema_mod.MIGRATIONS[:1], broken])
    assert schema_mod.schema_version(conn) == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names
    conn.close()
    with open_store(db_path, PASSCODE) as s:  # the real migration still applies
        assert s.schema_version == 4


def test_migrate_from_version_2_keeps_data(db_path: Path) -> None:
    conn = raw_database(db_path, 2)
    conn.execute(
        "INSERT INTO messages (id, chat_id, sender_id, date, text) VALUES "
        "(1, 10, 2, 1.0, 'indexed by the old triggers'), (2, 10, 2, 2.0, 'وَثِيقَة')"
    )
    conn.execute(
        "INSERT INTO outbox (random_id, chat_id, payload, created, attempts, last_error) "
        "VALUES (7, 10, '{}', 1.0, 1, 'failed:forbidden'), (8, 10, '{}', 2.0, 2, 'timeout')"
    )
    conn.execute("INSERT INTO users (id, username) VALUES (5, 'sara')")
    conn.close()
    with open_store(db_path, PASSCODE) as s:
        assert s.schema_version == 4
        failed, pending = s.outbox()
        assert (failed.status, failed.last_error) == ("failed", "forbidden")
        assert (pending.status, pending.last_error) == ("pending", "timeout")
        assert s.user(5).bio == ""  # type: ignore[union-attr]
        assert s.message(1).call is None  # type: ignore[union-attr]
        assert [m.id for m in s.search("old trig")] == [1]
        assert [m.id for m in s.search("وثيقه")] == [2]
        s._db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")
