"""Fixtures for relay integration tests (the helpers live in relay_testkit.py)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from tests.helpers.relay import RunningRelay, start_relay  # noqa: E402
from tests.integration.relay.relay_testkit import FAST, Clients  # noqa: E402


@pytest.fixture(scope="module")
def shared_relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRelay]:
    """One relay for a whole test module (tests use unique usernames)."""
    home = tmp_path_factory.mktemp("relay")
    secret = home / "turn-secret"
    secret.write_text("s3cret\n")  # a trailing newline, as `echo` writes: not part of it
    relay = start_relay(
        home,
        ring_timeout=1.0,
        call_grace=0.3,
        turn_secret_file=secret,
        turn_url=["turn:turn.example:3478"],
        stun_url=["stun:stun.example:3478"],
        database=os.environ.get("RISALA_RELAY_TEST_DSN"),
        **FAST,
    )
    yield relay
    relay.stop()


@pytest.fixture
async def clients(shared_relay: RunningRelay) -> AsyncIterator[Clients]:
    async with aiohttp.ClientSession() as http:
        pool = Clients(shared_relay, http)
        yield pool
        await pool.close()
