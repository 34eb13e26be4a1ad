"""AsyncStore: every call runs on one worker thread; the event loop never blocks."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from app.store import AsyncStore, Store, StoreClosed, WrongPasscode
from app.store.keys import KdfParams

from .conftest import FAST_KDF, PASSCODE, group, msg


async def test_async_store_round_trip(db_path: Path) -> None:
    s = await AsyncStore.create(db_path, PASSCODE, kdf=FAST_KDF)
    try:
        await s.upsert_chats([group(10)])
        assert await s.save_messages([msg(i, text=f"async {i}") for i in range(1, 101)]) == 100
        page = await s.messages(10, limit=10)
        assert [m.id for m in page] == list(range(100, 90, -1))
        assert await s.message_count(10) == 100
        assert [m.id for m in await s.search("async 77")] == [77]
        items = await s.chat_list()
        assert items[0].chat.unread_count == 100
        item = await s.outbox_add(10, {"text": "out"})
        assert await s.outbox_complete(item.random_id, msg(500, text="out"))
        assert await s.outbox() == []
        await s.set_setting("theme", "dark")
        assert await s.get_setting("theme", str, "light") == "dark"
    finally:
        await s.close()
    assert s.closed
    with pytest.raises(StoreClosed):
        await s.chat_list()
    await s.close()  # idempotent


async def test_calls_run_on_one_dedicated_thread(db_path: Path) -> None:
    s = await AsyncStore.create(db_path, PASSCODE, kdf=FAST_KDF)
    try:
        threads = await asyncio.gather(*(s.run(lambda _: threading.get_ident()) for _ in range(20)))
        assert len(set(threads)) == 1
        assert threads[0] != threading.get_ident()

        def sync_page(store: Store) -> int:
            with store.transaction():
                store.save_messages([msg(1), msg(2)])
                store.set_seq(42)
            return store.get_seq()

        assert await s.run(sync_page) == 42
        # Many concurrent calls from the loop are serialised safely on the worker.
        await asyncio.gather(*(s.set_pts(c, c * 10) for c in range(50)))
        assert await s.all_pts() == {c: c * 10 for c in range(50)}
    finally:
        await s.close()


async def test_key_derivation_does_not_block_the_loop(db_path: Path) -> None:
    slow = KdfParams(time_cost=2, memory_cost=65536, parallelism=2)
    await (await AsyncStore.create(db_path, PASSCODE, kdf=slow)).close()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        with pytest.raises(WrongPasscode):
            await AsyncStore.open(db_path, "wrong")
        s = await AsyncStore.open(db_path, PASSCODE)
        await s.close()
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert ticks >= 5  # the loop kept running while Argon2id did its work


async def test_idle_time_indexing_empties_the_backlog(db_path: Path) -> None:
    s = await AsyncStore.create(db_path, PASSCODE, kdf=FAST_KDF)
    try:
        await s.upsert_chats([group(10)])
        await s.save_messages([msg(i, text=f"idle {i}") for i in range(1, 5001)])
        # One indexing batch at a time is queued behind whatever is queued, so user
        # calls interleave with them; a few round trips see the backlog emptied.
        for _ in range(10):
            if not await s.run(lambda st: st.index_pending):
                break
        else:
            raise AssertionError("the backlog was never indexed")
        assert await s.index_backlog() == 0
        assert len(await s.search("idle", limit=100)) == 100
    finally:
        await s.close()
