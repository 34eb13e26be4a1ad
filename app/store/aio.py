"""``AsyncStore``: the store for the event loop, run on one dedicated worker thread.

An SQLite connection belongs to the thread that opened it, and key derivation and
large queries take longer than a frame. So a single-thread executor opens the
connection and runs every call, in submission order; the asyncio (qasync) loop only
awaits. Cancelling an awaiting task does not interrupt a call already running; its
result is discarded.

Search indexing is deferred (docs/store.md, "Search"): after a call leaves messages in
the search backlog, the worker queues one indexing batch behind whatever is already
queued, and keeps doing so until the backlog is empty. Those batches belong to the
executor: they run in order before ``close()`` and do nothing once the store is closed.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from app.store.db import Store, create_store, open_store, open_store_with_key
from app.store.errors import StoreClosed, StoreError
from app.store.keys import DEFAULT_KDF, KdfParams
from app.store.models import (
    Account,
    Blob,
    Chat,
    ChatListItem,
    ChatMember,
    Message,
    OutboxItem,
    OutboxStatus,
    StickerPack,
    UnreadCount,
    User,
)

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

#: Messages indexed per idle-time batch: ~20-40 ms of the worker thread.
INDEX_BATCH = 2000


class AsyncStore:
    """Async facade over :class:`Store`; every method runs on the store's own thread.

    Create with :meth:`open`, :meth:`open_with_key` or :meth:`create`, and always
    ``await close()`` (the owner, e.g. the app's shutdown, does it). Errors are those of
    :class:`Store`. For several operations in one transaction use :meth:`run`.
    """

    def __init__(self, store: Store, executor: ThreadPoolExecutor) -> None:
        self._store = store
        self._executor = executor
        self._closed = False
        self._index_queued = False  # only touched on the worker thread

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    async def _start(cls, opener: Callable[[], Store]) -> AsyncStore:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="risala-store")
        try:
            store = await asyncio.get_running_loop().run_in_executor(executor, opener)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        astore = cls(store, executor)
        executor.submit(astore._queue_indexing)  # a backlog left by a crash or a migration
        return astore

    @classmethod
    async def open(
        cls, path: str | os.PathLike[str], passcode: str, *, busy_timeout: float = 5.0
    ) -> AsyncStore:
        """Unlock a store off the loop (Argon2id runs on the worker thread)."""
        return await cls._start(
            functools.partial(open_store, path, passcode, busy_timeout=busy_timeout)
        )

    @classmethod
    async def open_with_key(cls, path: str | os.PathLike[str], key: bytes) -> AsyncStore:
        """Open with a raw key from the keychain."""
        return await cls._start(functools.partial(open_store_with_key, path, key))

    @classmethod
    async def create(
        cls, path: str | os.PathLike[str], passcode: str, *, kdf: KdfParams = DEFAULT_KDF
    ) -> AsyncStore:
        """Create a new profile's store off the loop."""
        return await cls._start(functools.partial(create_store, path, passcode, kdf=kdf))

    async def close(self) -> None:
        """Finish queued calls, close the connection on its thread, stop the thread."""
        if self._closed:
            return
        self._closed = True
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._store.close)
        finally:
            self._executor.shutdown(wait=False)

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._closed

    async def _call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self._closed:
            raise StoreClosed("the store is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(self._on_worker, fn, *args, **kwargs)
        )

    def _on_worker(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return fn(*args, **kwargs)
        finally:
            self._queue_indexing()

    def _queue_indexing(self) -> None:
        """On the worker: queue one indexing batch if messages wait and none is queued."""
        if self._index_queued or self._store.closed or not self._store.index_pending:
            return
        try:
            self._executor.submit(self._index_step)
        except RuntimeError:  # the executor is shutting down
            return
        self._index_queued = True

    def _index_step(self) -> None:
        self._index_queued = False
        if self._store.closed:
            return
        try:
            self._store.index_backlog(INDEX_BATCH)
        except StoreError as e:  # e.g. disk full: search will flush the backlog later
            log.warning("search indexing postponed: %s", e)
            return
        self._queue_indexing()

    async def run(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn(store)`` on the store thread, e.g. a sync batch in one transaction::

        def apply(s: Store) -> None:
            with s.transaction():
                s.save_messages(page.messages)
                s.set_seq(page.seq)

        await astore.run(apply)
        """
        return await self._call(fn, self._store)

    @property
    def key(self) -> bytes:
        """The raw database key (for the keychain)."""
        return self._store.key

    async def change_passcode(self, old: str, new: str, *, kdf: KdfParams = DEFAULT_KDF) -> bytes:
        """See :meth:`Store.change_passcode`."""
        return await self._call(self._store.change_passcode, old, new, kdf=kdf)

    # ----------------------------------------------------------------- settings, account

    async def get_setting(self, key: str, type: type[T], default: T) -> T:
        """See :meth:`Store.get_setting`."""
        return await self._call(self._store.get_setting, key, type, default)

    async def set_setting(self, key: str, value: object) -> None:
        """See :meth:`Store.set_setting`."""
        await self._call(self._store.set_setting, key, value)

    async def delete_setting(self, key: str) -> bool:
        """See :meth:`Store.delete_setting`."""
        return await self._call(self._store.delete_setting, key)

    async def account(self) -> Account | None:
        """See :meth:`Store.account`."""
        return await self._call(self._store.account)

    async def set_account(self, account: Account) -> None:
        """See :meth:`Store.set_account`."""
        await self._call(self._store.set_account, account)

    # ----------------------------------------------------------------- users, chats

    async def upsert_users(self, users: Iterable[User]) -> None:
        """See :meth:`Store.upsert_users`."""
        await self._call(self._store.upsert_users, list(users))

    async def user(self, user_id: int) -> User | None:
        """See :meth:`Store.user`."""
        return await self._call(self._store.user, user_id)

    async def users(self, user_ids: Iterable[int]) -> dict[int, User]:
        """See :meth:`Store.users`."""
        return await self._call(self._store.users, list(user_ids))

    async def upsert_chats(
        self, chats: Iterable[Chat], *, unread: Mapping[int, UnreadCount] | None = None
    ) -> None:
        """See :meth:`Store.upsert_chats`."""
        await self._call(
            self._store.upsert_chats, list(chats), unread=None if unread is None else dict(unread)
        )

    async def chat(self, chat_id: int) -> Chat | None:
        """See :meth:`Store.chat`."""
        return await self._call(self._store.chat, chat_id)

    async def chat_list(self, limit: int | None = None) -> list[ChatListItem]:
        """See :meth:`Store.chat_list`."""
        return await self._call(self._store.chat_list, limit)

    async def set_draft(self, chat_id: int, text: str) -> bool:
        """See :meth:`Store.set_draft`."""
        return await self._call(self._store.set_draft, chat_id, text)

    async def set_chat_flags(
        self, chat_id: int, *, pinned: bool | None = None, muted: bool | None = None
    ) -> bool:
        """See :meth:`Store.set_chat_flags`."""
        return await self._call(self._store.set_chat_flags, chat_id, pinned=pinned, muted=muted)

    async def mark_read(self, chat_id: int, up_to_id: int) -> bool:
        """See :meth:`Store.mark_read`."""
        return await self._call(self._store.mark_read, chat_id, up_to_id)

    async def set_peer_read(self, chat_id: int, up_to_id: int) -> bool:
        """See :meth:`Store.set_peer_read`."""
        return await self._call(self._store.set_peer_read, chat_id, up_to_id)

    async def delete_chat(self, chat_id: int) -> bool:
        """See :meth:`Store.delete_chat`."""
        return await self._call(self._store.delete_chat, chat_id)

    async def upsert_members(self, members: Iterable[ChatMember]) -> None:
        """See :meth:`Store.upsert_members`."""
        await self._call(self._store.upsert_members, list(members))

    async def set_members(self, chat_id: int, members: Iterable[ChatMember]) -> None:
        """See :meth:`Store.set_members`."""
        await self._call(self._store.set_members, chat_id, list(members))

    async def remove_member(self, chat_id: int, user_id: int) -> bool:
        """See :meth:`Store.remove_member`."""
        return await self._call(self._store.remove_member, chat_id, user_id)

    async def members(self, chat_id: int) -> list[ChatMember]:
        """See :meth:`Store.members`."""
        return await self._call(self._store.members, chat_id)

    # ----------------------------------------------------------------- messages

    async def save_messages(self, messages: Iterable[Message]) -> int:
        """See :meth:`Store.save_messages`."""
        return await self._call(self._store.save_messages, list(messages))

    async def message(self, message_id: int) -> Message | None:
        """See :meth:`Store.message`."""
        return await self._call(self._store.message, message_id)

    async def messages(
        self, chat_id: int, before_id: int | None = None, limit: int = 50
    ) -> list[Message]:
        """See :meth:`Store.messages`."""
        return await self._call(self._store.messages, chat_id, before_id, limit)

    async def message_count(self, chat_id: int) -> int:
        """See :meth:`Store.message_count`."""
        return await self._call(self._store.message_count, chat_id)

    async def message_ids(self, chat_id: int) -> list[int]:
        """See :meth:`Store.message_ids`."""
        return await self._call(self._store.message_ids, chat_id)

    async def messages_by_ids(self, message_ids: Sequence[int]) -> dict[int, Message]:
        """See :meth:`Store.messages_by_ids`."""
        return await self._call(self._store.messages_by_ids, list(message_ids))

    async def edit_message(self, message_id: int, text: str, edit_date: float) -> bool:
        """See :meth:`Store.edit_message`."""
        return await self._call(self._store.edit_message, message_id, text, edit_date)

    async def delete_messages(self, message_ids: Iterable[int]) -> int:
        """See :meth:`Store.delete_messages`."""
        return await self._call(self._store.delete_messages, list(message_ids))

    async def index_backlog(self, limit: int | None = None) -> int:
        """See :meth:`Store.index_backlog` (normally left to idle time)."""
        return await self._call(self._store.index_backlog, limit)

    async def search(
        self,
        query: str,
        *,
        chat_id: int | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> list[Message]:
        """See :meth:`Store.search`."""
        return await self._call(
            self._store.search, query, chat_id=chat_id, before_id=before_id, limit=limit
        )

    # ----------------------------------------------------------------- outbox, sync

    async def outbox_add(
        self,
        chat_id: int,
        payload: Mapping[str, Any],
        *,
        random_id: int | None = None,
        created: float | None = None,
    ) -> OutboxItem:
        """See :meth:`Store.outbox_add`."""
        return await self._call(
            self._store.outbox_add, chat_id, dict(payload), random_id=random_id, created=created
        )

    async def outbox(
        self, chat_id: int | None = None, *, status: OutboxStatus | None = None
    ) -> list[OutboxItem]:
        """See :meth:`Store.outbox`."""
        return await self._call(self._store.outbox, chat_id, status=status)

    async def outbox_item(self, random_id: int) -> OutboxItem | None:
        """See :meth:`Store.outbox_item`."""
        return await self._call(self._store.outbox_item, random_id)

    async def outbox_reset(self, random_id: int) -> OutboxItem | None:
        """See :meth:`Store.outbox_reset`."""
        return await self._call(self._store.outbox_reset, random_id)

    async def outbox_complete(self, random_id: int, message: Message) -> bool:
        """See :meth:`Store.outbox_complete`."""
        return await self._call(self._store.outbox_complete, random_id, message)

    async def outbox_fail(self, random_id: int, error: str, *, permanent: bool = False) -> bool:
        """See :meth:`Store.outbox_fail`."""
        return await self._call(self._store.outbox_fail, random_id, error, permanent=permanent)

    async def outbox_remove(self, random_id: int) -> bool:
        """See :meth:`Store.outbox_remove`."""
        return await self._call(self._store.outbox_remove, random_id)

    async def get_seq(self) -> int:
        """See :meth:`Store.get_seq`."""
        return await self._call(self._store.get_seq)

    async def set_seq(self, seq: int) -> None:
        """See :meth:`Store.set_seq`."""
        await self._call(self._store.set_seq, seq)

    async def get_pts(self, channel_id: int) -> int:
        """See :meth:`Store.get_pts`."""
        return await self._call(self._store.get_pts, channel_id)

    async def set_pts(self, channel_id: int, pts: int) -> None:
        """See :meth:`Store.set_pts`."""
        await self._call(self._store.set_pts, channel_id, pts)

    async def all_pts(self) -> dict[int, int]:
        """See :meth:`Store.all_pts`."""
        return await self._call(self._store.all_pts)

    # ----------------------------------------------------------------- stickers, blobs

    async def save_sticker_pack(self, pack: StickerPack) -> None:
        """See :meth:`Store.save_sticker_pack`."""
        await self._call(self._store.save_sticker_pack, pack)

    async def sticker_packs(self) -> list[StickerPack]:
        """See :meth:`Store.sticker_packs`."""
        return await self._call(self._store.sticker_packs)

    async def remove_sticker_pack(self, pack_id: int) -> bool:
        """See :meth:`Store.remove_sticker_pack`."""
        return await self._call(self._store.remove_sticker_pack, pack_id)

    async def put_blob(self, blob: Blob) -> None:
        """See :meth:`Store.put_blob`."""
        await self._call(self._store.put_blob, blob)

    async def blob(self, sha256: str) -> Blob | None:
        """See :meth:`Store.blob`."""
        return await self._call(self._store.blob, sha256)

    async def touch_blob(self, sha256: str, when: float | None = None) -> bool:
        """See :meth:`Store.touch_blob`."""
        return await self._call(self._store.touch_blob, sha256, when)

    async def blobs_least_recently_used(self, limit: int = 100) -> list[Blob]:
        """See :meth:`Store.blobs_least_recently_used`."""
        return await self._call(self._store.blobs_least_recently_used, limit)

    async def remove_blob(self, sha256: str) -> bool:
        """See :meth:`Store.remove_blob`."""
        return await self._call(self._store.remove_blob, sha256)
