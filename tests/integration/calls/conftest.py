"""Calls between real clients through a real relay subprocess, with real aiortc peers and
synthetic camera/microphone."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]

from app.client.events import Event  # noqa: E402
from app.services.calls import (  # noqa: E402
    Call,
    CallKeyReady,
    CallManager,
    CallState,
    CallStateUpdated,
    IncomingCall,
)
from app.services.session import ClientApp  # noqa: E402
from media.capture import MediaOptions  # noqa: E402
from media.engine import AiortcEngine, engine_factory  # noqa: E402
from tests.helpers.client import signed_up_client  # noqa: E402
from tests.helpers.processes import stop_process  # noqa: E402
from tests.helpers.relay import RunningRelay, free_port, start_relay  # noqa: E402

SMALL = MediaOptions(synthetic=True, width=320, height=240)


@dataclass
class Party:
    """A signed-up client with a call manager and a log of its call events."""

    name: str
    app: ClientApp
    calls: CallManager
    events: list[Event] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, event: Event) -> None:
        if isinstance(event, CallStateUpdated | IncomingCall | CallKeyReady):
            self.events.append(event)
            self._changed.set()

    @property
    def user_id(self) -> int:
        user = self.app.connection.user
        assert user is not None
        return user.id

    async def wait_for(
        self, kind: type[Event], predicate: Any = lambda e: True, within: float = 10.0
    ) -> Any:
        async def wait() -> Event:
            while True:
                for event in self.events:
                    if isinstance(event, kind) and predicate(event):
                        return event
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(wait(), within)

    async def wait_state(self, state: CallState, within: float = 10.0) -> CallStateUpdated:
        result: CallStateUpdated = await self.wait_for(
            CallStateUpdated, lambda e: e.state is state, within
        )
        return result

    async def incoming(self, within: float = 10.0) -> Call:
        event = await self.wait_for(IncomingCall, within=within)
        call = self.calls.call(event.call_id)
        assert call is not None
        return call


def engine(call: Call) -> AiortcEngine:
    assert isinstance(call.engine, AiortcEngine)
    return call.engine


async def make_party(
    relay: RunningRelay,
    tmp_path: Path,
    name: str,
    options: MediaOptions = SMALL,
    policy: str = "all",
) -> Party:
    app = await signed_up_client(relay.url, tmp_path, name)
    manager = CallManager(
        app.connection,
        app.bus,  # type: ignore[arg-type]
        engine_factory(options, ice_transport_policy=policy),
    )
    party = Party(name, app, manager)
    app.bus.subscribe(party.record)
    manager.attach()
    return party


async def close_party(party: Party) -> None:
    await party.calls.close()
    await party.app.close()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    running = start_relay(tmp_path, fast_password_hashing=True, call_grace=0.5)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
async def pair(relay: RunningRelay, tmp_path: Path) -> AsyncIterator[tuple[Party, Party]]:
    alice = await make_party(relay, tmp_path, "alice")
    bob = await make_party(relay, tmp_path, "bob")
    try:
        yield alice, bob
    finally:
        await close_party(alice)
        await close_party(bob)


# --- coturn ----------------------------------------------------------------------------


@dataclass
class Turn:
    port: int
    secret: str
    log_path: Path
    url: str


@pytest.fixture
def turnserver(tmp_path: Path) -> Iterator[Turn]:
    """A coturn on loopback with REST credentials (``use-auth-secret``); skipped when
    ``turnserver`` is not installed (``apt-get install -y coturn``)."""
    binary = shutil.which("turnserver")
    if binary is None:
        pytest.skip("turnserver not installed (apt-get install -y coturn)")
    port = free_port()
    secret = "test-turn-secret"
    log_path = tmp_path / "turn.log"
    cmd = [
        binary,
        "-n",
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        f"--listening-port={port}",
        "--use-auth-secret",
        f"--static-auth-secret={secret}",
        "--realm=risala.test",
        "--no-tls",
        "--no-dtls",
        "--no-cli",
        "--min-port=49160",
        "--max-port=49999",
        "--allow-loopback-peers",
        "--no-multicast-peers",
        f"--log-file={log_path}",
        "--simple-log",
        "-v",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"turnserver exited: {log_path.read_text(errors='replace')}")
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield Turn(port, secret, log_path, f"turn:127.0.0.1:{port}?transport=udp")
    finally:
        stop_process(proc, 5)
