"""Sync's seq and group pts rules: duplicates ignored, next applied directly, gaps trigger a
catch-up, pages land with their seq (or pts); driven by a scripted server and a recording
store double."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import msgspec
import pytest
from aiohttp import web

from app.client.connection import Backoff, Connection  # noqa: E402
from app.client.events import EventBus, MessagesChanged  # noqa: E402
from app.client.local import AppliedChanges  # noqa: E402
from app.client.sync import Sync  # noqa: E402
from app.protocol.types import Message, NewMessage, PtsUpdate, SeqUpdate  # noqa: E402
from tests.unit.app.client.fake_relay import FakeRelay, reply_ok  # noqa: E402


class RecordingStore:
    """Only what Sync touches: the seq and each applied batch."""

    def __init__(self, seq: int = 0, pts: dict[int, int] | None = None) -> None:
        self.seq = seq
        self.batches: list[tuple[list[int], int]] = []
        self.pts = dict(pts or {})
        """Groups the store holds → applied pts."""
        self.chat_batches: list[tuple[int, list[int], int]] = []

    async def get_chats_pts(self, chat_ids: Sequence[int]) -> dict[int, int]:
        return {c: self.pts[c] for c in chat_ids if c in self.pts}

    async def apply_chat_updates(
        self, me: int, chat_id: int, updates: Sequence[PtsUpdate], new_pts: int
    ) -> AppliedChanges:
        have = self.pts[chat_id]
        assert [u.pts for u in updates] == list(range(have + 1, new_pts + 1)), "not contiguous"
        self.chat_batches.append((chat_id, [u.pts for u in updates], new_pts))
        self.pts[chat_id] = new_pts
        return AppliedChanges()

    async def get_seq(self) -> int:
        return self.seq

    async def apply_updates(
        self, me: int, updates: Sequence[SeqUpdate], new_seq: int
    ) -> AppliedChanges:
        assert [u.seq for u in updates] == list(range(self.seq + 1, new_seq + 1)), "not contiguous"
        self.batches.append(([u.seq for u in updates], new_seq))
        self.seq = new_seq
        changes = AppliedChanges()
        for u in updates:
            assert isinstance(u.update, NewMessage)
            changes.message(u.update.message.chat_id, u.update.message.id)
        return changes

    async def missing_user_ids(self, ids: Sequence[int]) -> list[int]:
        return []


def update(seq: int) -> dict[str, Any]:
    msg = Message(id=seq, chat_id=1, sender_id=2, date=0.0, text=f"m{seq}")
    return {"seq": seq, "update": {"kind": "new_message", "message": msgspec.to_builtins(msg)}}


@pytest.fixture
async def fake() -> AsyncIterator[FakeRelay]:
    relay = FakeRelay()
    await relay.start()
    yield relay
    await relay.close()


def group_entry(chat_id: int, pts: int) -> dict[str, Any]:
    msg = Message(id=1000 * chat_id + pts, chat_id=chat_id, sender_id=2, date=0.0, text="g")
    return {"pts": pts, "update": {"kind": "new_message", "message": msgspec.to_builtins(msg)}}


async def run_sync(
    fake: FakeRelay,
    store: RecordingStore,
    log: list[int],
    page: int = 3,
    groups: dict[int, int] | None = None,
    group_fetches: list[tuple[int, int]] | None = None,
):
    """``groups``: the relay's group heads (chat id → pts), each log being 1..head."""
    fetches: list[int] = []
    heads = groups if groups is not None else {}

    async def on_request(frame: dict[str, Any], ws: web.WebSocketResponse) -> None:
        if frame["type"] == "get_chat_heads":
            data = [{"chat_id": c, "pts": p} for c, p in sorted(heads.items())]
            await reply_ok(frame, ws, data)
            return
        if frame["type"] == "get_chat_updates":
            chat, after, head = frame["chat_id"], frame["after_pts"], heads[frame["chat_id"]]
            if group_fetches is not None:
                group_fetches.append((chat, after))
            entries = [group_entry(chat, p) for p in range(after + 1, head + 1)][: frame["limit"]]
            more = bool(entries) and entries[-1]["pts"] < head
            data = {"chat_id": chat, "updates": entries, "head": head, "more": more}
            await reply_ok(frame, ws, data)
            return
        assert frame["type"] == "get_updates"
        after = frame["after_seq"]
        fetches.append(after)
        items = [update(s) for s in log if s > after][: frame.get("limit", 100)]
        more = bool(items) and items[-1]["seq"] < log[-1]
        await reply_ok(frame, ws, {"updates": items, "head": log[-1] if log else 0, "more": more})

    fake.on_request = on_request
    bus = EventBus()
    conn = Connection(fake.url, bus, token="t", heartbeat=None, backoff=Backoff(0.02, 0.1))
    sync = Sync(conn, store, bus, page_size=page)  # type: ignore[arg-type]
    return conn, sync, bus, fetches


async def test_catch_up_pages_from_stored_seq(fake: FakeRelay) -> None:
    log = list(range(1, 11))
    fake.welcome_seq = 10
    store = RecordingStore(seq=2)
    conn, sync, bus, fetches = await run_sync(fake, store, log)
    changed: list[object] = []
    bus.subscribe(lambda e: changed.append(e) if isinstance(e, MessagesChanged) else None)
    sync.start()
    conn.start()
    try:
        assert await sync.wait_synced(3)
        assert store.seq == 10
        assert fetches == [2, 5, 8]
        assert [b[1] for b in store.batches] == [5, 8, 10]
        assert len(changed) == 3
    finally:
        await sync.close()
        await conn.close()


async def test_live_updates_duplicates_and_gaps(fake: FakeRelay) -> None:
    log = [1, 2]
    fake.welcome_seq = 0  # a stale head: no snapshot, plain paging from 0
    store = RecordingStore(seq=0)
    conn, sync, bus, fetches = await run_sync(fake, store, log, page=100)
    sync.start()
    conn.start()
    try:
        assert await sync.wait_synced(3)
        ws = fake.sockets[0]
        # next in line: applied directly, no fetch
        log.append(3)
        await ws.send_str(json.dumps({"type": "update", **update(3)}))
        # a duplicate: ignored
        await ws.send_str(json.dumps({"type": "update", **update(2)}))
        await asyncio.sleep(0.1)
        assert await sync.wait_synced(3)
        assert store.batches[-1] == ([3], 3) and fetches == [0]
        # a gap: 4 and 5 were missed, 6 arrives -> one catch-up fetch after 3
        log += [4, 5, 6]
        await ws.send_str(json.dumps({"type": "update", **update(6)}))
        await asyncio.sleep(0.1)
        assert await sync.wait_synced(3)
        assert fetches == [0, 3]
        assert store.seq == 6
        assert store.batches[-1] == ([4, 5, 6], 6)
    finally:
        await sync.close()
        await conn.close()


async def test_group_logs_catch_up_and_live_rules(fake: FakeRelay) -> None:
    fake.welcome_seq = 0
    # the store holds groups 7 (applied up to 2) and 8 (up to date); the relay also lists
    # group 9, which the store does not hold yet (its chat_updated is still to come)
    store = RecordingStore(seq=0, pts={7: 2, 8: 4})
    heads = {7: 6, 8: 4, 9: 3}
    group_fetches: list[tuple[int, int]] = []
    conn, sync, bus, fetches = await run_sync(
        fake, store, [], page=3, groups=heads, group_fetches=group_fetches
    )
    sync.start()
    conn.start()
    try:
        assert await sync.wait_synced(3)
        # after the seq catch-up: only group 7 was behind, paged 3 at a time from 2
        assert group_fetches == [(7, 2), (7, 5)]
        assert store.chat_batches == [(7, [3, 4, 5], 5), (7, [6], 6)]
        ws = fake.sockets[0]

        def live(chat: int, pts: int) -> str:
            return json.dumps({"type": "chat_update", "chat_id": chat, **group_entry(chat, pts)})

        # next in line: applied directly; a duplicate: ignored
        heads[8] = 5
        await ws.send_str(live(8, 5))
        await ws.send_str(live(8, 4))
        await asyncio.sleep(0.1)
        assert await sync.wait_synced(3)
        assert store.chat_batches[-1] == (8, [5], 5) and len(group_fetches) == 2
        # a gap: 7 and 8 were missed, 9 arrives -> one fetch of group 7 after 6
        heads[7] = 9
        await ws.send_str(live(7, 9))
        await asyncio.sleep(0.1)
        assert await sync.wait_synced(3)
        assert group_fetches[-1] == (7, 6)
        assert store.chat_batches[-1] == (7, [7, 8, 9], 9)
        # a group the store does not hold: a full catch-up (seq, then every head), and
        # nothing is applied to it until its chat_updated put it in the store
        before = len(fetches)
        await ws.send_str(live(9, 4))
        await asyncio.sleep(0.1)
        assert await sync.wait_synced(3)
        assert len(fetches) == before + 1
        assert all(c != 9 for c, _ in group_fetches) and 9 not in store.pts
    finally:
        await sync.close()
        await conn.close()
