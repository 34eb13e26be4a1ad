"""``ClientApp``: one signed-in profile, wired together and owned in one place.

Given a profile directory and its passcode (or the raw key remembered in the OS
keychain), ``ClientApp.open`` unlocks (or creates) the encrypted store; ``start()`` then
connects to the relay and starts sync and outbox delivery. Opening with ``start=False``
lets subscribers attach to ``app.bus`` first, so they see every event from the first
``connecting`` on. It owns every task the core runs (connection, sync, outbox) and
``close()`` cancels and awaits them all, then closes the store. The UI holds one
``ClientApp`` and talks to ``app.account`` and ``app.chats``; it listens to ``app.bus``.

Events: everything in ``app.client.events``; this class itself publishes ``SignedOut``
when the relay rejects the session (``ConnectionState.AUTH_FAILED``: the dead token is
cleared from the store first, local history stays) and ``CallEvent`` for call frames.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.client.events import (
    CallEvent,
    ConnectionState,
    ConnectionStateChanged,
    Event,
    EventBus,
    SignedOut,
)
from app.client.tasks import stop_task
from app.protocol.frames import (
    CallIncoming,
    CallSignalEvent,
    CallStateChanged,
    ChatUpdateFrame,
    ServerFrame,
    Typing,
    UpdateFrame,
    Welcome,
)
from app.protocol.types import NewMessage, User
from app.store.aio import AsyncStore
from app.store.errors import WrongPasscode
from app.store.keys import DEFAULT_KDF, KdfParams, KeychainKeys

log = logging.getLogger(__name__)

STORE_FILE = "store.db"
BLOB_DIR = "blobs"

_WIRING = (
    "app.client.store_adapter",
    "app.client.typing_state",
    "app.client.connection",
    "app.client.blobs",
    "app.client.sync",
    "app.client.outbox",
    "app.services.account",
    "app.services.chats",
)
"""What a ``ClientApp`` is wired from. The connection stack (aiohttp) costs about as much
to import as Argon2id takes, so ``open`` imports it while the key is derived on the
store's thread instead of before (see :func:`_unlock_while_loading`)."""


async def _unlock_while_loading(opening: Coroutine[Any, Any, AsyncStore]) -> AsyncStore:
    """Await ``opening`` (the store unlocking on its own thread) while this thread imports
    the :data:`_WIRING` modules, one per loop turn, so the two overlap."""
    task = asyncio.ensure_future(opening)
    try:
        for name in _WIRING:
            await asyncio.sleep(0)  # the first turn starts the key derivation
            importlib.import_module(name)
    except BaseException:
        if task.done() and not task.cancelled() and task.exception() is None:
            await task.result().close()  # unlocked already: don't leave it open
        else:
            task.cancel()
        raise
    return await task


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Tunables; the defaults suit the desktop app, tests shrink the delays."""

    device: str = "Risala desktop"
    request_timeout: float = 15.0
    connect_timeout: float = 15.0
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    heartbeat: float | None = 20.0
    kdf: KdfParams = DEFAULT_KDF
    """Argon2id cost for a new profile's store."""


class ProfileError(Exception):
    """The profile cannot be opened as asked (e.g. no relay URL for a new profile)."""


class ClientApp:
    """A running profile: store + connection + sync + outbox + services.

    Attributes the UI uses: ``bus`` (subscribe here), ``account`` (AccountService),
    ``chats`` (ChatService), ``blobs`` (downloads), ``connection.state``, ``me``.

    Events: see the module docstring.
    """

    def __init__(
        self,
        profile_dir: Path,
        astore: AsyncStore,
        relay_url: str,
        token: str | None,
        me: User | None,
        config: ClientConfig,
    ) -> None:
        from app.client.blobs import BlobStore
        from app.client.connection import Backoff, Connection
        from app.client.outbox import Outbox
        from app.client.store_adapter import StoreAdapter
        from app.client.sync import Sync
        from app.client.typing_state import TypingState
        from app.services.account import AccountService
        from app.services.chats import ChatService

        self.profile_dir = profile_dir
        self.relay_url = relay_url
        self.config = config
        self.device = config.device
        self.me = me
        self.bus = EventBus()
        self.astore = astore
        self.store = StoreAdapter(astore.run)
        self.connection = Connection(
            relay_url,
            self.bus,
            token=token,
            device=config.device,
            request_timeout=config.request_timeout,
            heartbeat=config.heartbeat,
            backoff=Backoff(base=config.backoff_base, cap=config.backoff_cap),
        )
        self.blobs = BlobStore(self.connection, profile_dir / BLOB_DIR)
        self.typing = TypingState(self.bus)
        self.sync = Sync(self.connection, self.store, self.bus)
        self.outbox = Outbox(
            self.connection,
            self.store,
            self.bus,
            self.blobs,
            backoff=Backoff(base=config.backoff_base, cap=config.backoff_cap),
        )
        self.account = AccountService(self)
        self.chats = ChatService(self)
        self._unsubscribe = [
            self.connection.on_frame(self._on_frame),
            self.connection.on_welcome(self._on_welcome),
            self.bus.subscribe(self._on_event),
        ]
        self._closed = False
        self._started = False
        self._tasks: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(
        cls,
        profile_dir: Path,
        passcode: str,
        relay_url: str | None = None,
        *,
        config: ClientConfig | None = None,
        start: bool = True,
        remember: bool = False,
    ) -> ClientApp:
        """Unlock (or create) the profile in ``profile_dir``; with ``start`` (the default)
        start connecting at once, else call ``start()`` after subscribing to ``bus``.
        ``remember`` keeps the store's key in the OS keychain (see ``remember_on_device``).

        Raises ``app.store.errors.WrongPasscode`` (and other ``StoreError``s) from the store,
        ``ProfileError`` when a new profile has no ``relay_url``.
        """
        config = config or ClientConfig()
        path = profile_dir / STORE_FILE
        if path.exists():
            opening = AsyncStore.open(path, passcode)
        else:
            if relay_url is None:
                raise ProfileError("a new profile needs the relay's address")
            opening = AsyncStore.create(path, passcode, kdf=config.kdf)
        astore = await _unlock_while_loading(opening)
        app = await cls._from_store(profile_dir, astore, relay_url, config)
        if remember:
            await app.remember_on_device(True)
        if start:
            app.start()
        return app

    @classmethod
    async def open_with_keychain(
        cls, profile_dir: Path, *, config: ClientConfig | None = None, start: bool = True
    ) -> ClientApp | None:
        """Open an existing profile with the key remembered in the OS keychain, without
        the passcode. None when there is no keychain, no remembered key, or a stale one
        (the passcode changed elsewhere: the stale key is forgotten); then ask for the
        passcode. Other ``StoreError``s are raised as from ``open``."""
        path = profile_dir / STORE_FILE
        keys = keychain_for(profile_dir)
        key = await asyncio.to_thread(keys.get) if path.exists() else None
        if key is None:
            return None
        try:
            astore = await AsyncStore.open_with_key(path, key)
        except WrongPasscode:
            await asyncio.to_thread(keys.delete)
            return None
        app = await cls._from_store(profile_dir, astore, None, config or ClientConfig())
        if start:
            app.start()
        return app

    @staticmethod
    def keychain_available() -> bool:
        """Whether this computer has an OS keychain to remember the key in."""
        return KeychainKeys.available()

    @classmethod
    async def _from_store(
        cls, profile_dir: Path, astore: AsyncStore, relay_url: str | None, config: ClientConfig
    ) -> ClientApp:
        from app.client.store_adapter import StoreAdapter

        try:
            account = await astore.account()
            url = relay_url or (account.relay_url if account is not None else None)
            if url is None:
                raise ProfileError("no relay address for this profile")
            token = account.session_token if account is not None else None
            adapter = StoreAdapter(astore.run)
            me = await adapter.me() if account is not None else None
        except BaseException:
            await astore.close()
            raise
        return cls(profile_dir, astore, url, token, me, config)

    def start(self) -> None:
        """Start sync, outbox delivery and the connection (once; later calls do nothing)."""
        if self._started:
            return
        if self._closed:
            raise RuntimeError("the client is closed")
        self._started = True
        self.sync.start()
        self.outbox.start()
        self.connection.start()

    @property
    def started(self) -> bool:
        return self._started

    # --- the key in the OS keychain ----------------------------------------------------

    async def remember_on_device(self, remember: bool) -> bool:
        """Keep (or forget) this store's key in the OS keychain, so the next start needs
        no passcode. Returns whether the keychain now matches the wish (False: no
        keychain on this computer, or it refused)."""
        keys = keychain_for(self.profile_dir)
        if remember:
            return await asyncio.to_thread(keys.set, self.astore.key)
        await asyncio.to_thread(keys.delete)
        return True

    async def remembered_on_device(self) -> bool:
        """Whether the keychain holds this store's current key."""
        key = await asyncio.to_thread(keychain_for(self.profile_dir).get)
        return key is not None and key == self.astore.key

    async def change_passcode(self, old: str, new: str) -> None:
        """Re-key the store (Argon2id on the store's thread); a key remembered in the
        keychain is replaced by the new one. Raises ``WrongPasscode`` for a wrong ``old``."""
        remembered = await self.remembered_on_device()
        await self.astore.change_passcode(old, new, kdf=self.config.kdf)
        if remembered:
            await self.remember_on_device(True)

    async def close(self) -> None:
        """Stop every task, close the socket and the store. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            await stop_task(task)
        await self.outbox.close()
        await self.sync.close()
        await self.connection.close()
        self.typing.close()
        await self.astore.close()

    async def wait_online(self, within: float = 10.0) -> bool:
        """Wait until connected and authenticated."""
        return await self.connection.wait_online(within=within)

    async def wait_idle(self, within: float = 10.0) -> bool:
        """Until the outbox is empty and sync has reached the relay's head (tests)."""
        return await self.outbox.wait_idle(within=within) and await self.sync.wait_synced(
            within=within
        )

    # --- frame and event routing -----------------------------------------------------

    def _on_welcome(self, welcome: Welcome) -> None:
        if welcome.user is not None:
            self.me = welcome.user

    def _on_frame(self, frame: ServerFrame) -> None:
        if isinstance(frame, Typing):
            if self.me is None or frame.user_id != self.me.id:
                self.typing.started(frame.chat_id, frame.user_id)
        elif isinstance(frame, UpdateFrame | ChatUpdateFrame) and isinstance(
            frame.update, NewMessage
        ):
            message = frame.update.message
            self.typing.stopped(message.chat_id, message.sender_id)
        elif isinstance(frame, CallIncoming | CallStateChanged | CallSignalEvent):
            self.bus.publish(CallEvent(frame))

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ConnectionStateChanged) and event.state is ConnectionState.AUTH_FAILED:
            self._own(self._session_ended(event.detail))

    async def _session_ended(self, reason: str) -> None:
        """The relay rejected the token (revoked, expired, unknown): forget it, so the next
        start asks to sign in instead of retrying a dead token; keep the local history."""
        try:
            await self.store.set_token(None)
        except Exception:
            log.exception("could not clear the rejected token")
        self.bus.publish(SignedOut(reason))

    def _own(self, coro: Coroutine[object, object, None]) -> None:
        """Run ``coro`` as a task this client owns: ``close()`` cancels and awaits it."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def keychain_for(profile_dir: Path) -> KeychainKeys:
    """The keychain entry of one profile (named by its absolute directory)."""
    return KeychainKeys(str(profile_dir.resolve()))
