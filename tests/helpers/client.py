"""Real clients for tests: a profile with a fast-KDF encrypted store, signed up on a relay.

Usage::

    from tests.helpers.client import signed_up_client

    alice = await signed_up_client(relay.url, tmp_path, "alice")
    ...
    await alice.close()

``open_client`` reopens an existing profile (same directory, same passcode) to simulate
an app restart. ``memory_keyring()`` / ``no_keyring()`` stand in for the OS keychain.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

from app.client.events import Event
from app.services.session import ClientApp, ClientConfig
from app.store.keys import KdfParams

PASSCODE = "test passcode"
PASSWORD = "correct horse battery"

FAST_CONFIG = ClientConfig(
    device="test",
    # Generous: the relay shares a loaded 2-core CI box with the tests. A failure to reach
    # it is found by the connection dropping, not by these running out.
    request_timeout=30.0,
    connect_timeout=30.0,
    backoff_base=0.05,
    backoff_cap=0.5,
    heartbeat=None,
    kdf=KdfParams(time_cost=1, memory_cost=8, parallelism=1),
)
"""Short retry delays and a cheap Argon2id so a test opens a store in milliseconds."""


def profile_dir(tmp_path: Path, username: str) -> Path:
    return tmp_path / "profiles" / username


async def open_client(
    relay_url: str | None,
    tmp_path: Path,
    username: str,
    config: ClientConfig = FAST_CONFIG,
    *,
    start: bool = True,
) -> ClientApp:
    """Open (or create) ``username``'s profile under ``tmp_path``; starts connecting unless
    ``start`` is false."""
    return await ClientApp.open(
        profile_dir(tmp_path, username), PASSCODE, relay_url, config=config, start=start
    )


class MemoryKeyring(KeyringBackend):
    """An OS keychain in a dict: what ``keyring`` would keep, for one test. Never chosen
    by keyring's own detection (not "viable"): only ``memory_keyring()`` installs it."""

    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 - a class property
        raise RuntimeError("installed explicitly by tests only")

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


@contextlib.contextmanager
def _keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def memory_keyring() -> contextlib.AbstractContextManager[KeyringBackend]:
    """``with memory_keyring() as ring:`` the process uses a fresh in-memory keychain."""
    return _keyring(MemoryKeyring())


def no_keyring() -> contextlib.AbstractContextManager[KeyringBackend]:
    """``with no_keyring():`` no keychain at all (a headless Linux box)."""
    return _keyring(fail.Keyring())


async def signed_up_client(
    relay_url: str,
    tmp_path: Path,
    username: str,
    display_name: str | None = None,
    config: ClientConfig = FAST_CONFIG,
) -> ClientApp:
    """A new profile whose account ``username`` was just created; online and synced."""
    app = await open_client(relay_url, tmp_path, username, config)
    try:
        await app.account.sign_up(username, display_name or username.title(), PASSWORD)
        assert await app.wait_online(5.0), app.connection.state_detail
        await app.sync.wait_synced(5.0)
    except BaseException:
        await app.close()
        raise
    return app


class EventLog:
    """Records a client's events; ``wait_for`` waits for one matching a predicate."""

    def __init__(self, app: ClientApp) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()
        self.unsubscribe = app.bus.subscribe(self._record)

    def _record(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]

    async def wait_for(
        self, kind: type[Event], predicate=lambda e: True, within: float = 5.0
    ) -> Event:  # type: ignore[no-untyped-def]
        async def wait() -> Event:
            seen = 0
            while True:
                for event in self.events[seen:]:
                    if isinstance(event, kind) and predicate(event):
                        return event
                seen = len(self.events)
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(wait(), within)


async def eventually(check, within: float = 5.0, interval: float = 0.02) -> None:  # type: ignore[no-untyped-def]
    """Poll an async ``check()`` until it returns truthy (state that converges via sync)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        if await check():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {within}s: {check}")
        await asyncio.sleep(interval)
