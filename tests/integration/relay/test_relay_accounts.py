"""Sign up/in/out, sessions, profiles and user lookup against a real relay."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from tests.helpers.relay import start_relay
from tests.integration.relay.relay_testkit import FAST, Clients, ServerError, username


async def test_sign_up_in_out(clients: Clients) -> None:
    name = username()
    alice = await clients.user(name)
    assert alice.user is not None and alice.user["username"] == name
    assert len(alice.token or "") >= 43
    me = await alice.request("get_me")
    assert me["id"] == alice.user["id"]

    other = await clients.anonymous()
    with pytest.raises(ServerError) as err:
        await other.request("sign_in", username=name, password="wrong password")
    assert err.value.code == "wrong_credentials"
    auth = await other.request("sign_in", username=name, password="correct horse", device="d2")
    assert auth["user"]["id"] == alice.user["id"]
    with pytest.raises(ServerError) as err:
        await other.request("sign_in", username=name, password="correct horse")
    assert err.value.code == "already_authenticated"

    await other.request("sign_out")
    with pytest.raises(ServerError) as err:
        await other.request("get_me")
    assert err.value.code == "not_authenticated"
    again = await clients.raw()
    assert (await again.hello(auth["token"]))["code"] == "token_revoked"


async def test_sign_up_validation(clients: Clients) -> None:
    anon = await clients.anonymous()
    cases = [
        ({"username": "Bad Name"}, "invalid_username"),
        ({"username": "ab"}, "invalid_username"),
        ({"password": "short"}, "weak_password"),
        ({"display_name": "   "}, "invalid_field"),
    ]
    for override, code in cases:
        fields = {"username": username(), "display_name": "X", "password": "long enough"}
        fields.update(override)
        with pytest.raises(ServerError) as err:
            await anon.request("sign_up", **fields)
        assert err.value.code == code, override
    taken = await clients.user()
    assert taken.user is not None
    with pytest.raises(ServerError) as err:
        await anon.request(
            "sign_up", username=taken.user["username"], display_name="X", password="long enough"
        )
    assert err.value.code == "username_taken"


async def test_sessions_list_and_revoke(clients: Clients) -> None:
    alice = await clients.user()
    assert alice.user is not None
    second = await clients.anonymous()
    await second.request(
        "sign_in", username=alice.user["username"], password="correct horse", device="laptop"
    )
    sessions = await alice.request("list_sessions")
    assert len(sessions) == 2
    assert sum(s["current"] for s in sessions) == 1
    target = next(s for s in sessions if not s["current"])
    assert target["device"] == "laptop"
    await alice.request("revoke_session", session_id=target["id"])
    frame = await second.expect("error")
    assert frame["code"] == "token_revoked"
    await second.closed.wait()
    assert len(await alice.request("list_sessions")) == 1
    with pytest.raises(ServerError) as err:
        await alice.request("revoke_session", session_id=target["id"])
    assert err.value.code == "unknown_session"


async def test_resume_with_token_and_bad_tokens(clients: Clients) -> None:
    alice = await clients.user()
    assert alice.token is not None
    again = await clients.resume(alice.token)
    assert again.user is not None and alice.user is not None
    assert again.user["id"] == alice.user["id"]
    bad = await clients.raw()
    assert (await bad.hello("not-a-token"))["code"] == "token_invalid"
    # the connection stays usable: hello again anonymously
    assert (await bad.hello())["type"] == "welcome"


async def test_profile_lookup_and_user_updated(clients: Clients) -> None:
    alice = await clients.user()
    bob = await clients.user()
    assert alice.user is not None and bob.user is not None
    found = await bob.request("lookup_user", username=alice.user["username"])
    assert found["id"] == alice.user["id"]
    with pytest.raises(ServerError) as err:
        await bob.request("lookup_user", username="nobody_here_at_all")
    assert err.value.code == "unknown_user"
    users = await bob.request("get_users", user_ids=[alice.user["id"], bob.user["id"], 10**9])
    assert {u["id"] for u in users} == {alice.user["id"], bob.user["id"]}
    await alice.request("open_direct_chat", user_id=bob.user["id"])
    bob.drain()
    updated = await alice.request("update_profile", display_name="Alice A.", bio="hi")
    assert updated["display_name"] == "Alice A."
    frame = await bob.wait_update("user_updated")
    assert frame["update"]["user"]["bio"] == "hi"
    with pytest.raises(ServerError) as err:
        await alice.request("update_profile", bio="x" * 10_000)
    assert err.value.code == "invalid_field"


async def test_expired_token(tmp_path: Path) -> None:
    """A relay whose sessions expire after one unused second."""
    relay = start_relay(tmp_path, session_ttl=1.0, **FAST)
    try:
        async with aiohttp.ClientSession() as http:
            pool = Clients(relay, http)
            alice = await pool.user()
            assert alice.token is not None
            await asyncio.sleep(1.3)
            late = await pool.raw()
            assert (await late.hello(alice.token))["code"] == "token_expired"
            async with http.get(
                f"{relay.url}/v1/blobs/{'0' * 64}",
                headers={"Authorization": f"Bearer {alice.token}"},
            ) as resp:
                assert resp.status == 401
                assert (await resp.json())["code"] == "token_expired"
            await pool.close()
    finally:
        relay.stop()


async def test_healthz(clients: Clients) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(clients.relay.url + "/healthz") as resp:
            assert resp.status == 200
            assert (await resp.json())["status"] == "ok"
