"""The encrypted local store (SQLCipher 4): keys, schema, migrations and queries.

Use :class:`AsyncStore` from the event loop; :class:`Store` is the synchronous core
(tests, benchmarks, and ``AsyncStore.run`` callbacks). See docs/store.md.
"""

from app.store.aio import AsyncStore
from app.store.db import Store, create_store, new_random_id, open_store, open_store_with_key
from app.store.errors import (
    StoreBug,
    StoreClosed,
    StoreCorrupt,
    StoreError,
    StoreExists,
    StoreFull,
    StoreIOError,
    StoreLocked,
    StoreMissing,
    StoreTooNew,
    WrongPasscode,
)
from app.store.keys import DEFAULT_KDF, KdfParams, KeychainKeys
from app.store.models import (
    Account,
    Attachment,
    Blob,
    CallRecord,
    Chat,
    ChatKind,
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

__all__ = [
    "DEFAULT_KDF",
    "Account",
    "AsyncStore",
    "Attachment",
    "Blob",
    "CallRecord",
    "Chat",
    "ChatKind",
    "ChatListItem",
    "ChatMember",
    "Forward",
    "KdfParams",
    "KeychainKeys",
    "Message",
    "OutboxItem",
    "OutboxStatus",
    "Sticker",
    "StickerPack",
    "Store",
    "StoreBug",
    "StoreClosed",
    "StoreCorrupt",
    "StoreError",
    "StoreExists",
    "StoreFull",
    "StoreIOError",
    "StoreLocked",
    "StoreMissing",
    "StoreTooNew",
    "UnreadCount",
    "User",
    "WrongPasscode",
    "create_store",
    "new_random_id",
    "open_store",
    "open_store_with_key",
]
