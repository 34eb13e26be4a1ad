"""Creating, unlocking and reopening encrypted stores; wrong passcodes touch nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from app.store import (
    KeychainKeys,
    StoreCorrupt,
    StoreError,
    StoreExists,
    StoreMissing,
    WrongPasscode,
    create_store,
    open_store,
    open_store_with_key,
)
from app.store.keys import key_file_path

from .conftest import FAST_KDF, PASSCODE, group, msg

SECRET = "the eagle lands at midnight — النسر يهبط عند منتصف الليل"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_files(db_path: Path) -> set[str]:
    return {p.name for p in db_path.parent.iterdir()}


def test_create_open_reopen(db_path: Path) -> None:
    with create_store(db_path, PASSCODE, kdf=FAST_KDF) as s:
        s.upsert_chats([group(10)])
        s.save_messages([msg(1, text=SECRET)])
    for _ in range(2):
        with open_store(db_path, PASSCODE) as s:
            m = s.message(1)
            assert m is not None and m.text == SECRET
            assert s.chat(10) is not None
    assert store_files(db_path) == {"store.db", "store.key.json"}


def test_file_on_disk_is_not_plaintext(db_path: Path) -> None:
    with create_store(db_path, PASSCODE, kdf=FAST_KDF) as s:
        s.save_messages([msg(1, text=SECRET)])
        s.set_setting("token", "tok-123456789")
        # While open, the WAL holds the data: it must be encrypted too.
        wal = Path(f"{db_path}-wal").read_bytes()
        assert SECRET.encode() not in wal and b"tok-123456789" not in wal
    data = db_path.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert SECRET.encode() not in data
    assert "النسر".encode() not in data
    assert b"tok-123456789" not in data
    assert b"CREATE TABLE" not in data
    # The stdlib sqlite3 cannot read it either.
    con = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError):
        con.execute("SELECT * FROM sqlite_master").fetchall()
    con.close()


def test_key_file_records_salt_and_kdf_params(db_path: Path) -> None:
    create_store(db_path, PASSCODE, kdf=FAST_KDF).close()
    data = json.loads(key_file_path(db_path).read_text())
    assert data["kdf"] == "argon2id"
    assert len(bytes.fromhex(data["salt"])) == 16
    assert data["params"] == {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    assert PASSCODE not in key_file_path(db_path).read_text()


def test_wrong_passcode_then_right(db_path: Path) -> None:
    with create_store(db_path, PASSCODE, kdf=FAST_KDF) as s:
        s.save_messages([msg(1, text=SECRET)])
    before = sha256(db_path)
    files = store_files(db_path)
    for wrong in ("", "Correct horse", PASSCODE + " ", "كلمة"):
        with pytest.raises(WrongPasscode):
            open_store(db_path, wrong)
        assert sha256(db_path) == before  # byte-for-byte untouched
        assert store_files(db_path) == files  # no -wal / -shm / journal left behind
    assert issubclass(WrongPasscode, StoreError)
    with open_store(db_path, PASSCODE) as s:
        assert s.message(1) is not None


def test_missing_and_existing(db_path: Path) -> None:
    with pytest.raises(StoreMissing):
        open_store(db_path, PASSCODE)
    assert not db_path.exists()
    create_store(db_path, PASSCODE, kdf=FAST_KDF).close()
    with pytest.raises(StoreExists):
        create_store(db_path, "other", kdf=FAST_KDF)
    with open_store(db_path, PASSCODE):
        pass


def test_unencrypted_or_keyless_files_are_corrupt(tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    con = sqlite3.connect(plain)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    key_file_path(plain).write_text("{}")
    with pytest.raises(StoreCorrupt):
        open_store(plain, PASSCODE)
    other = tmp_path / "other.db"
    other.write_bytes(b"\x01" * 8192)
    with pytest.raises(StoreCorrupt):  # no key file
        open_store(other, PASSCODE)


def test_damaged_page_reports_corrupt_not_crash(db_path: Path) -> None:
    with create_store(db_path, PASSCODE, kdf=FAST_KDF) as s:
        s.save_messages([msg(i, text="x" * 500) for i in range(1, 200)])
    data = bytearray(db_path.read_bytes())
    page = 4096
    for n in range(2, len(data) // page):  # break every page's HMAC but the first
        data[n * page + 100 : n * page + 110] = b"\x00" * 10
    db_path.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt):
        with open_store(db_path, PASSCODE) as s:
            s.messages_by_ids(range(1, 200))


def test_open_with_raw_key(db_path: Path) -> None:
    with create_store(db_path, PASSCODE, kdf=FAST_KDF) as s:
        key = s.key
        s.save_messages([msg(1)])
    with open_store_with_key(db_path, key) as s:
        assert s.message_count(10) == 1
    with pytest.raises(WrongPasscode):
        open_store_with_key(db_path, bytes(32))


def test_keychain_degrades_without_backend() -> None:
    # No keyring backend exists on the CI/dev Linux box: everything reports "no".
    kc = KeychainKeys("test-profile")
    assert KeychainKeys.available() is False
    assert kc.get() is None
    assert kc.set(bytes(range(32))) is False
    assert kc.delete() is False
    with pytest.raises(ValueError):
        kc.set(b"short")
