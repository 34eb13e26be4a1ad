"""Keeping the local store equal to the relay's view, Telegram-style (by ``seq``).

The store remembers the highest contiguous ``seq`` it has applied. On every ``welcome``
the client pages ``get_updates(after_seq)`` until it reaches the head; each page is
applied together with its new ``seq`` in one store transaction, so a crash mid-sync
neither skips nor repeats anything. Live ``update`` frames are applied directly when
they are the next number, ignored when already applied, and trigger a catch-up when
they leave a gap. A brand-new profile of an existing account starts from a snapshot
(``get_chats`` + the newest page of each chat's history) stamped with the welcome's head,
then replays whatever came after it; replays converge because every update kind is an
upsert or a monotonic mark.

Groups keep their own log, numbered by ``pts`` (protocol.md, "Group logs"): messages,
edits, deletes and read marks of a group arrive as ``chat_update`` frames and are applied
the same way per group (next number: apply; old: ignore; gap: ``get_chat_updates`` from
the group's stored pts). After every ``seq`` catch-up the client asks ``get_chat_heads``
and pages each group whose head is ahead of its stored pts. A ``chat_update`` for a group
the store does not hold yet (its ``chat_updated`` is still on the way) starts a full
catch-up, which brings the group, stamped with its pts, and then its log.

Events: ``SyncStateChanged``, ``ChatsChanged``, ``ChatRemoved``, ``MessagesChanged``,
``MessageDeleted``, ``ReadStateChanged``, ``UsersChanged``, ``OutboxChanged`` (own
messages that arrived by sync before their ``result``).
"""

from __future__ import annotations

import asyncio
import logging

from app.client.connection import ClientError, Connection, NotConnected
from app.client.events import (
    ChatRemoved,
    ChatsChanged,
    EventBus,
    MessageDeleted,
    MessagesChanged,
    OutboxChanged,
    OutboxStatus,
    ReadStateChanged,
    SyncStateChanged,
    UsersChanged,
)
from app.client.local import AppliedChanges, LocalStore
from app.client.tasks import stop_task
from app.protocol.frames import (
    ChatUpdateFrame,
    GetChatHeads,
    GetChats,
    GetChatUpdates,
    GetHistory,
    GetUpdates,
    GetUsers,
    ServerFrame,
    UpdateFrame,
    Welcome,
)
from app.protocol.limits import MAX_PAGE
from app.protocol.types import ChatHead, ChatUpdatesPage, Message, PtsUpdate, SeqUpdate, UpdatesPage

log = logging.getLogger(__name__)


def publish_changes(bus: EventBus, changes: AppliedChanges) -> None:
    """Turn what a store batch touched into bus events (removals first, chats last)."""
    for chat_id in sorted(changes.removed_chats):
        bus.publish(ChatRemoved(chat_id))
    for chat_id, random_id, message_id in changes.completed_outbox:
        bus.publish(OutboxChanged(chat_id, random_id, OutboxStatus.SENT, message_id))
    for chat_id, ids in sorted(changes.messages.items()):
        bus.publish(MessagesChanged(chat_id, tuple(sorted(ids))))
    for chat_id, message_id in changes.deleted:
        bus.publish(MessageDeleted(chat_id, message_id))
    for chat_id, (read_max, others_max) in sorted(changes.read.items()):
        bus.publish(ReadStateChanged(chat_id, read_max, others_max))
    if changes.users:
        bus.publish(UsersChanged(tuple(sorted(changes.users))))
    chats = changes.chats - changes.removed_chats
    if chats:
        bus.publish(ChatsChanged(tuple(sorted(chats))))


class Sync:
    """Applies the relay's update sequence to the store; see the module docstring.

    Events: see the module docstring.
    """

    def __init__(
        self,
        conn: Connection,
        store: LocalStore,
        bus: EventBus,
        *,
        page_size: int = 100,
        history_page: int = 50,
        retry_delay: float = 1.0,
    ) -> None:
        self._conn = conn
        self._store = store
        self._bus = bus
        self._page_size = min(page_size, MAX_PAGE)
        self._history_page = min(history_page, MAX_PAGE)
        self._retry_delay = retry_delay
        self._queue: asyncio.Queue[Welcome | UpdateFrame | ChatUpdateFrame | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: list[object] = []
        self.applied_seq = 0
        self.head = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._syncing = False
        self._welcomes = 0
        self._welcomes_done = 0

    def start(self) -> None:
        self._unsubscribe = [
            self._conn.on_welcome(self._on_welcome),
            self._conn.on_frame(self._on_frame),
        ]
        self._task = asyncio.get_running_loop().create_task(self._run(), name="risala-sync")

    async def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()  # type: ignore[operator]
        self._unsubscribe = []
        task, self._task = self._task, None
        await stop_task(task)

    async def wait_synced(self, within: float = 10.0) -> bool:
        """Wait until a connection's catch-up finished, nothing is queued and the applied
        seq reached the known head."""

        async def wait() -> None:
            while True:
                await self._idle.wait()
                if (
                    self._welcomes
                    and self._welcomes_done == self._welcomes
                    and self.applied_seq >= self.head
                ):
                    return
                await asyncio.sleep(0.01)

        try:
            async with asyncio.timeout(within):
                await wait()
        except TimeoutError:
            return False
        return True

    # --- frame intake (synchronous, from the connection's read loop) -----------------

    def _on_welcome(self, welcome: Welcome) -> None:
        if welcome.user is None:
            return
        self.head = max(self.head, welcome.seq)
        self._welcomes += 1
        self._put(welcome)

    def _on_frame(self, frame: ServerFrame) -> None:
        if isinstance(frame, UpdateFrame):
            self.head = max(self.head, frame.seq)
            self._put(frame)
        elif isinstance(frame, ChatUpdateFrame):
            self._put(frame)

    def _put(self, item: Welcome | UpdateFrame | ChatUpdateFrame | None) -> None:
        self._idle.clear()
        self._queue.put_nowait(item)

    # --- the worker -------------------------------------------------------------------

    async def _run(self) -> None:
        self.applied_seq = await self._store.get_seq()
        while True:
            if self._queue.empty():
                self._set_syncing(False)
                self._idle.set()
            item = await self._queue.get()
            try:
                if isinstance(item, UpdateFrame):
                    await self._on_live(item)
                elif isinstance(item, ChatUpdateFrame):
                    await self._on_live_chat(item)
                else:
                    self._set_syncing(True)
                    welcomes = self._welcomes
                    await self._catch_up(item.seq if item is not None else self.head)
                    self._welcomes_done = welcomes
            except NotConnected:
                pass  # the next welcome starts a catch-up
            except ClientError as exc:
                log.warning("sync failed (%s); retrying in %.1fs", exc, self._retry_delay)
                await asyncio.sleep(self._retry_delay)
                if self._conn.online:
                    self._put(None)

    def _set_syncing(self, syncing: bool) -> None:
        if syncing != self._syncing:
            self._syncing = syncing
            self._bus.publish(SyncStateChanged(syncing, self.applied_seq))

    def _me(self) -> int:
        user = self._conn.user
        if user is None:
            raise NotConnected("not signed in")
        return user.id

    async def _on_live(self, frame: UpdateFrame) -> None:
        if frame.seq <= self.applied_seq:
            return
        if frame.seq == self.applied_seq + 1:
            changes = await self._store.apply_updates(
                self._me(), [SeqUpdate(seq=frame.seq, update=frame.update)], frame.seq
            )
            self.applied_seq = frame.seq
            await self._after_apply(changes)
            return
        log.info("update gap: have %d, got %d; catching up", self.applied_seq, frame.seq)
        self._set_syncing(True)
        await self._catch_up(frame.seq)

    async def _catch_up(self, head: int) -> None:
        me = self._me()
        if self.applied_seq == 0 and head > 0:
            await self._snapshot(me, head)
        while True:
            page: UpdatesPage = await self._conn.request(
                GetUpdates, after_seq=self.applied_seq, limit=self._page_size
            )
            self.head = max(self.head, page.head)
            fresh = [u for u in page.updates if u.seq > self.applied_seq]
            if fresh:
                new_seq = fresh[-1].seq
                changes = await self._store.apply_updates(me, fresh, new_seq)
                self.applied_seq = new_seq
                await self._after_apply(changes)
            if not page.more or not fresh:
                break
        await self._catch_up_groups(me)

    async def _on_live_chat(self, frame: ChatUpdateFrame) -> None:
        applied = (await self._store.get_chats_pts([frame.chat_id])).get(frame.chat_id)
        if applied is None:
            log.info("update for group %d not known yet; catching up", frame.chat_id)
            self._set_syncing(True)
            await self._catch_up(self.head)
            return
        if frame.pts <= applied:
            return
        me = self._me()
        if frame.pts == applied + 1:
            entry = PtsUpdate(pts=frame.pts, update=frame.update)
            changes = await self._store.apply_chat_updates(me, frame.chat_id, [entry], frame.pts)
            await self._after_apply(changes)
            return
        log.info("group %d gap: have %d, got %d; catching up", frame.chat_id, applied, frame.pts)
        await self._catch_up_group(me, frame.chat_id, applied)

    async def _catch_up_groups(self, me: int) -> None:
        """Page the log of every group whose head is ahead of what the store applied."""
        heads: list[ChatHead] = await self._conn.request(GetChatHeads)
        held = await self._store.get_chats_pts([h.chat_id for h in heads])
        for head in heads:
            applied = held.get(head.chat_id)
            if applied is not None and applied < head.pts:
                await self._catch_up_group(me, head.chat_id, applied)

    async def _catch_up_group(self, me: int, chat_id: int, applied: int) -> None:
        while True:
            page: ChatUpdatesPage = await self._conn.request(
                GetChatUpdates, chat_id=chat_id, after_pts=applied, limit=self._page_size
            )
            fresh = [u for u in page.updates if u.pts > applied]
            if fresh:
                applied = fresh[-1].pts
                changes = await self._store.apply_chat_updates(me, chat_id, fresh, applied)
                await self._after_apply(changes)
            if not page.more or not fresh:
                break

    async def _snapshot(self, me: int, head: int) -> None:
        """First sync of this profile: the current chats and their newest messages."""
        chats = await self._conn.request(GetChats)
        messages: list[Message] = []
        for chat in chats:
            if chat.last_message_id:
                messages += await self._conn.request(
                    GetHistory, chat_id=chat.id, limit=self._history_page
                )
        member_ids = sorted({m.user_id for chat in chats for m in chat.members})
        users = await self._conn.request(GetUsers, user_ids=member_ids) if member_ids else []
        changes = await self._store.apply_snapshot(me, chats, messages, users, head)
        self.applied_seq = head
        publish_changes(self._bus, changes)

    async def _after_apply(self, changes: AppliedChanges) -> None:
        publish_changes(self._bus, changes)
        await fetch_missing_users(self._conn, self._store, self._bus, changes)


async def fetch_missing_users(
    conn: Connection, store: LocalStore, bus: EventBus, changes: AppliedChanges
) -> None:
    """Members of touched chats whose profiles we lack are fetched (names in the UI)."""
    if not changes.chats:
        return
    wanted = await store.missing_user_ids(sorted(changes.member_ids))
    if not wanted:
        return
    try:
        users = await conn.request(GetUsers, user_ids=wanted)
    except ClientError as exc:
        log.info("could not fetch users %s: %s", wanted, exc)
        return
    await store.save_users(users)
    bus.publish(UsersChanged(tuple(u.id for u in users)))
