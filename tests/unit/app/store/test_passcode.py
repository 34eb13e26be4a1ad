"""Changing the passcode re-keys the database; a crash at any step leaves it openable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.store import KdfParams, WrongPasscode, create_store, open_store, open_store_with_key
from app.store.keys import key_file_path, pending_key_file_path

from .conftest import FAST_KDF, msg

OLD, NEW = "old passcode", "new passcode ✓"


@pytest.fixture
def populated(db_path: Path) -> Path:
    with create_store(db_path, OLD, kdf=FAST_KDF) as s:
        s.save_messages([msg(i, text=f"hello {i}") for i in range(1, 101)])
    return db_path


def salt(db_path: Path) -> str:
    return str(json.loads(key_file_path(db_path).read_text())["salt"])


def assert_opens_only_with(db_path: Path, good: str, bad: str) -> None:
    with pytest.raises(WrongPasscode):
        open_store(db_path, bad)
    with open_store(db_path, good) as s:
        assert s.message_count(10) == 100
        assert [m.text for m in s.search("hello 42")] == ["hello 42"]


def test_change_passcode(populated: Path) -> None:
    old_salt = salt(populated)
    with open_store(populated, OLD) as s:
        old_key = s.key
        new_key = s.change_passcode(OLD, NEW, kdf=FAST_KDF)
        assert new_key == s.key != old_key
        s.save_messages([msg(101)])  # still usable after the rekey
    assert salt(populated) != old_salt
    assert not pending_key_file_path(populated).exists()
    with pytest.raises(WrongPasscode):
        open_store_with_key(populated, old_key)
    with pytest.raises(WrongPasscode):
        open_store(populated, OLD)
    with open_store(populated, NEW) as s:
        assert s.message_count(10) == 101


def test_change_passcode_wrong_old(populated: Path) -> None:
    with open_store(populated, OLD) as s:
        with pytest.raises(WrongPasscode):
            s.change_passcode("nope", NEW, kdf=FAST_KDF)
        assert s.message_count(10) == 100
    assert not pending_key_file_path(populated).exists()
    assert_opens_only_with(populated, OLD, NEW)


def test_raising_kdf_params_is_recorded(populated: Path) -> None:
    stronger = KdfParams(time_cost=2, memory_cost=2048, parallelism=2)
    with open_store(populated, OLD) as s:
        s.change_passcode(OLD, OLD, kdf=stronger)
        assert s.kdf == stronger
    params = json.loads(key_file_path(populated).read_text())["params"]
    assert params == {"time_cost": 2, "memory_cost": 2048, "parallelism": 2}
    with open_store(populated, OLD) as s:
        assert s.message_count(10) == 100


CRASH_SCRIPT = textwrap.dedent(
    """
    import os, sys
    import app.store.db as db
    from app.store import KdfParams, open_store

    path, step = sys.argv[1], sys.argv[2]
    real_rekey = db._rekey

    def crash(*args):
        os._exit(17)

    def rekey_then_crash(conn, key):
        # The rekey commits, but the process dies before the WAL is checkpointed.
        conn.execute(f"PRAGMA rekey = {db.key_pragma(key)}")
        os._exit(17)

    if step == "before_rekey":
        db._rekey = crash
    elif step == "inside_rekey":
        db._rekey = rekey_then_crash
    elif step == "before_rename":
        db._commit_key_file = crash
    s = open_store(path, sys.argv[3])
    s.change_passcode(sys.argv[3], sys.argv[4],
                      kdf=KdfParams(time_cost=1, memory_cost=1024, parallelism=1))
    """
)


def crash_during_change(db_path: Path, step: str) -> None:
    """Run a passcode change in a child process that dies (os._exit) at ``step``."""
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    proc = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, str(db_path), step, OLD, NEW],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 17, proc.stderr.decode()
    assert pending_key_file_path(db_path).exists()


def test_crash_after_writing_pending_salt_before_rekey(populated: Path) -> None:
    crash_during_change(populated, "before_rekey")
    # The rekey never happened: the old passcode works, the new one doesn't.
    assert_opens_only_with(populated, OLD, NEW)
    assert not pending_key_file_path(populated).exists()  # discarded on open
    assert_opens_only_with(populated, OLD, NEW)


@pytest.mark.parametrize("step", ["inside_rekey", "before_rename"])
def test_crash_after_rekey_before_rename(populated: Path, step: str) -> None:
    old_salt = salt(populated)
    crash_during_change(populated, step)
    assert salt(populated) == old_salt  # key file still has the old salt...
    # ...yet the new passcode opens it (via the pending salt) and the old one doesn't.
    assert_opens_only_with(populated, NEW, OLD)
    assert not pending_key_file_path(populated).exists()  # promoted on open
    assert salt(populated) != old_salt
    assert_opens_only_with(populated, NEW, OLD)


def test_complete_change_after_crash_with_wrong_attempts_first(populated: Path) -> None:
    crash_during_change(populated, "before_rename")
    before = populated.read_bytes()
    wal = Path(f"{populated}-wal")
    wal_before = wal.read_bytes() if wal.exists() else None
    with pytest.raises(WrongPasscode):
        open_store(populated, "something else")
    assert populated.read_bytes() == before
    assert (wal.read_bytes() if wal.exists() else None) == wal_before
    assert pending_key_file_path(populated).exists()
    with open_store(populated, NEW) as s:
        assert s.message_count(10) == 100
