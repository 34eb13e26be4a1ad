"""``ClientApp``: one signed-in profile, wired together and owned in one place.

Given a profile directory and its passcode, ``ClientApp.open`` unlocks (or creates) the
encrypted store, connects to the relay and starts sync and outbox delivery. It owns every
task the core runs (connection, sync, outbox) and ``close()`` cancels and awaits them all,
then closes the store. The UI holds one ``ClientApp`` and talks to ``app.account`` and
``app.chats``; it listens to ``app.bus``.

Events: everything in ``app.client.events``; this class itself publishes ``SignedOut``
when the relay rejects the session (``ConnectionState.AUTH_FAILED``) and ``CallEvent``
for call frames.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from app.client.blobs import BlobStore
from app.client.connection import Backoff, Connection
from app.client.events import (
    CallEvent,
    ConnectionState,
    ConnectionStateChanged,
    Event,
    EventBus,
    SignedOut,
)
from app.client.outbox import Outbox
from app.client.store_adapter import StoreAdapter
from app.client.sync import Sync
from app.client.typing_state import TypingState
from app.protocol.frames import (
    CallIncoming,
    CallSignalEvent,
    CallStateChanged,
    ServerFrame,
    Typing,
    UpdateFrame,
    Welcome,
)
from app.protocol.types import NewMessage, User
from app.services.account import AccountService
from app.services.chats import ChatService
from app.store.aio import AsyncStore
from app.store.keys import DEFAULT_KDF, KdfParams

log = logging.getLogger(__name__)

STORE_FILE = "store.db"
BLOB_DIR = "blobs"


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

    @classmethod
    async def open(
        cls,
        profile_dir: Path,
        passcode: str,
        relay_url: str | None = None,
        *,
        config: ClientConfig | None = None,
    ) -> ClientApp:
        """Unlock (or create) the profile in ``profile_dir`` and start connecting.

        Raises ``app.store.errors.WrongPasscode`` (and other ``StoreError``s) from the store,
        ``ProfileError`` when a new profile has no ``relay_url``.
        """
        config = config or ClientConfig()
        path = profile_dir / STORE_FILE
        if path.exists():
            astore = await AsyncStore.open(path, passcode)
        else:
            if relay_url is None:
                raise ProfileError("a new profile needs the relay's address")
            astore = await AsyncStore.create(path, passcode, kdf=config.kdf)
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
        app = cls(profile_dir, astore, url, token, me, config)
        app.start()
        return app

    def start(self) -> None:
        self.sync.start()
        self.outbox.start()
        self.connection.start()

    async def close(self) -> None:
        """Stop every task, close the socket and the store. Idempotent."""
        if self._closed:
            return
        self._closed = True
        for unsubscribe in self._unsubscribe:
            unsubscribe()
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
        elif isinstance(frame, UpdateFrame) and isinstance(frame.update, NewMessage):
            message = frame.update.message
            self.typing.stopped(message.chat_id, message.sender_id)
        elif isinstance(frame, CallIncoming | CallStateChanged | CallSignalEvent):
            self.bus.publish(CallEvent(frame))

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ConnectionStateChanged) and event.state is ConnectionState.AUTH_FAILED:
            self.bus.publish(SignedOut(event.detail))
