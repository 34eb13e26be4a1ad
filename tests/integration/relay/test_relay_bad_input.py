"""Malformed, unknown, oversized, unauthenticated and flooding input: specific errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

import aiohttp
import pytest

from app.protocol.limits import MAX_FRAME_BYTES
from tests.helpers.relay import start_relay
from tests.integration.relay.relay_testkit import FAST, Clients, ServerError


async def test_frames_before_hello(clients: Clients) -> None:
    raw = await clients.raw()
    await raw.send_raw('{"type":"ping","id":7}')
    frame = await raw.expect("error")
    assert frame["code"] == "hello_required" and frame["id"] == 7


async def test_protocol_version_mismatch(clients: Clients) -> None:
    raw = await clients.raw()
    await raw.send_raw('{"type":"hello","protocol":99}')
    frame = await raw.expect("error")
    assert frame["code"] == "protocol_version"
    await asyncio.wait_for(raw.closed.wait(), 5)


@pytest.mark.parametrize(
    "payload,code,rid",
    [
        ("not json", "bad_frame", None),
        ("[1,2]", "bad_frame", None),
        ('{"id":3}', "bad_frame", 3),
        ('{"type":"explode","id":4}', "unknown_type", 4),
        ('{"type":"send_message","id":5,"chat_id":"x","random_id":1}', "invalid_field", 5),
        ('{"type":"get_updates","id":6}', "invalid_field", 6),
        ('{"type":"get_users","id":8,"user_ids":"nope"}', "invalid_field", 8),
    ],
)
async def test_malformed_frames(clients: Clients, payload: str, code: str, rid: int | None) -> None:
    alice = await clients.user()
    await alice.send_raw(payload)
    frame = await alice.expect("error")
    assert (frame["code"], frame.get("id")) == (code, rid)
    assert await alice.request("ping") is None  # the connection is still fine


async def test_oversized_frame(clients: Clients) -> None:
    alice = await clients.user()
    await alice.send_raw(json.dumps({"type": "ping", "id": 1, "pad": "x" * MAX_FRAME_BYTES}))
    frame = await alice.expect("error")
    assert frame["code"] == "frame_too_large"
    assert await alice.request("ping") is None
    # Above the hard limit the relay closes the connection as soon as it reads the frame
    # header, so the relay may reset the socket while this side is still writing the rest.
    with contextlib.suppress(ConnectionError):
        await alice.send_raw("x" * (2 * 1024 * 1024))
    await asyncio.wait_for(alice.closed.wait(), 5)
    other = await clients.user()
    assert await other.request("ping") is None


async def test_anonymous_requests(clients: Clients) -> None:
    anon = await clients.anonymous()
    assert await anon.request("ping") is None
    for kind, fields in [
        ("get_me", {}),
        ("get_chats", {}),
        ("send_message", {"chat_id": 1, "random_id": 1, "text": "x"}),
    ]:
        with pytest.raises(ServerError) as err:
            await anon.request(kind, **fields)
        assert err.value.code == "not_authenticated"


async def test_unknown_ids(clients: Clients) -> None:
    alice = await clients.user()
    for kind, fields, code in [
        ("get_history", {"chat_id": 10**9}, "unknown_chat"),
        ("mark_read", {"chat_id": 10**9, "max_id": 1}, "unknown_chat"),
        ("edit_message", {"chat_id": 10**9, "message_id": 1, "text": "x"}, "unknown_chat"),
        ("call_accept", {"call_id": "nope"}, "unknown_call"),
        ("revoke_session", {"session_id": "nope"}, "unknown_session"),
        ("get_updates", {"after_seq": -1}, "invalid_field"),
    ]:
        with pytest.raises(ServerError) as err:
            await alice.request(kind, **fields)
        assert err.value.code == code, kind


async def test_request_flood_is_rate_limited(tmp_path: Path) -> None:
    relay = start_relay(tmp_path, rate_per_second=5, rate_burst=10, **FAST)
    try:
        async with aiohttp.ClientSession() as http:
            pool = Clients(relay, http)
            alice = await pool.user()
            bob = await pool.user()
            results = await asyncio.gather(*(alice.request_frame("ping") for _ in range(40)))
            limited = [f for f in results if f["type"] == "error"]
            assert limited and all(f["code"] == "rate_limited" for f in limited)
            assert all(f["retry_after"] > 0 for f in limited)
            assert await bob.request("ping") is None  # other users unaffected
            await asyncio.sleep(limited[-1]["retry_after"] + 0.3)
            assert await alice.request("ping") is None
            await pool.close()
    finally:
        relay.stop()


async def _sign_in_codes(pool: Clients, forwarded_for: str, attempts: int) -> list[str]:
    codes = []
    for _ in range(attempts):
        anon = await pool.anonymous({"X-Forwarded-For": forwarded_for})
        frame = await anon.request_frame("sign_in", username="nobody", password="x" * 9)
        codes.append(frame["code"])
    return codes


@pytest.mark.parametrize("trusted", [True, False])
async def test_auth_rate_limit_behind_a_trusted_proxy(tmp_path: Path, trusted: bool) -> None:
    """Behind a trusted proxy each forwarded client has its own budget; from any other
    peer ``X-Forwarded-For`` is ignored, so forging it does not buy more attempts."""
    relay = start_relay(
        tmp_path,
        fast_password_hashing=True,
        auth_rate_per_minute=2,
        trusted_proxy=["127.0.0.0/8"] if trusted else None,
    )
    try:
        async with aiohttp.ClientSession() as http:
            pool = Clients(relay, http)
            # the left entry is the client's own claim, the right one the proxy's
            first = await _sign_in_codes(pool, "10.9.9.9, 203.0.113.1", 3)
            assert first == ["wrong_credentials", "wrong_credentials", "rate_limited"]
            other = await _sign_in_codes(pool, "203.0.113.2", 1)
            assert other == (["wrong_credentials"] if trusted else ["rate_limited"])
            await pool.close()
    finally:
        relay.stop()


async def test_auth_rate_limit_per_address(tmp_path: Path) -> None:
    relay = start_relay(tmp_path, fast_password_hashing=True, auth_rate_per_minute=3)
    try:
        async with aiohttp.ClientSession() as http:
            pool = Clients(relay, http)
            codes = []
            for _ in range(5):
                anon = await pool.anonymous()
                frame = await anon.request_frame("sign_in", username="nobody", password="x" * 9)
                codes.append((frame["code"], frame.get("retry_after")))
            assert [c for c, _ in codes[:3]] == ["wrong_credentials"] * 3
            assert codes[3][0] == "rate_limited" and codes[3][1] > 0
            await pool.close()
    finally:
        relay.stop()
