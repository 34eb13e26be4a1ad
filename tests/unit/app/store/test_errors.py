"""Known conditions (full, locked, closed) are StoreErrors; bugs are StoreBug."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import (
    Store,
    StoreBug,
    StoreClosed,
    StoreError,
    StoreFull,
    StoreLocked,
    open_store_with_key,
)

from .conftest import group, msg


def test_disk_full_maps_to_store_full_and_rolls_back(store: Store) -> None:
    store.upsert_chats([group(10)])
    store.save_messages([msg(1, text="kept")])
    db = store._db
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = [msg(i, text=f"filler {i} " + "x" * 2000) for i in range(2, 400)]
    with pytest.raises(StoreFull, match="full"):
        store.save_messages(big)
    assert isinstance(StoreFull("x"), StoreError)
    # The failed batch left nothing behind and the store keeps working.
    assert store.message_ids(10) == [1]
    assert store.chat(10).last_message_id == 1  # type: ignore[union-attr]
    db.execute("PRAGMA max_page_count = 1073741823")
    assert store.save_messages(big) == len(big)


def test_locked_by_another_connection(store: Store, db_path: Path) -> None:
    other = open_store_with_key(db_path, store.key, busy_timeout=0.05)
    try:
        with store.transaction():
            store.set_setting("a", 1)
            with pytest.raises(StoreLocked):
                other.set_setting("b", 2)
        other.set_setting("b", 2)  # the lock is gone, the same call now succeeds
        assert store.get_setting("b", int, 0) == 2
    finally:
        other.close()


def test_sql_bugs_are_not_store_errors(store: Store) -> None:
    assert not issubclass(StoreBug, StoreError)
    with pytest.raises(StoreBug):
        store.save_messages([msg(1, date=float("nan"))])  # NOT NULL violated
    with pytest.raises(StoreBug):
        with store.transaction():
            store._db.execute("SELECT * FROM no_such_table")


def test_transaction_rolls_back_on_exception(store: Store) -> None:
    store.upsert_chats([group(10)])
    with pytest.raises(KeyError):
        with store.transaction():
            store.save_messages([msg(1)])
            store.set_seq(5)
            raise KeyError("boom")
    assert store.message(1) is None and store.get_seq() == 0
    with store.transaction():  # nested transactions use savepoints
        store.set_seq(6)
        with pytest.raises(KeyError):
            with store.transaction():
                store.set_seq(7)
                raise KeyError("inner")
    assert store.get_seq() == 6


def test_closed_store(store: Store) -> None:
    store.close()
    store.close()  # idempotent
    assert store.closed
    with pytest.raises(StoreClosed):
        store.chat_list()
    with pytest.raises(StoreClosed):
        with store.transaction():
            pass


def test_text_with_nul_and_huge_values(store: Store) -> None:
    store.save_messages([msg(1, text="a\x00b hidden"), msg(2, text="x" * 100_000)])
    assert store.message(1).text == "a\x00b hidden"  # type: ignore[union-attr]
    assert [m.id for m in store.search("hidden")] == [1]
    with pytest.raises(ValueError):
        store.set_seq(2**64)
