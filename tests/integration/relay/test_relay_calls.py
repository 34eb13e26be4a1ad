"""Call signalling: accept, decline, busy, timeout, cancel, peer offline, TURN credentials."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time

import pytest

from tests.integration.relay.relay_testkit import Client, Clients, ServerError


def uid(client: Client) -> int:
    assert client.user is not None
    return int(client.user["id"])


async def call_records(client: Client, peer: Client) -> list[dict]:
    chat = await client.request("open_direct_chat", user_id=uid(peer))
    history = await client.request("get_history", chat_id=chat["id"])
    return [m["call"] for m in history if m.get("call")]


async def test_ice_servers_turn_credentials(clients: Clients) -> None:
    alice = await clients.user()
    servers = await alice.request("get_ice_servers")
    assert servers[0]["urls"] == ["stun:stun.example:3478"] and not servers[0].get("username")
    turn = servers[1]
    assert turn["urls"] == ["turn:turn.example:3478"]
    expiry, user = turn["username"].split(":")
    assert int(user) == uid(alice) and int(expiry) > time.time() + 3600
    expected = base64.b64encode(
        hmac.new(b"s3cret", turn["username"].encode(), hashlib.sha1).digest()
    ).decode()
    assert turn["credential"] == expected


async def test_accept_signal_hangup(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    assert bob.token is not None
    bob2 = await clients.resume(bob.token)
    info = await alice.request("call_start", callee_id=uid(bob), video=True)
    assert info["state"] == "ringing" and info["ice_servers"]
    incoming = await bob.expect("call_incoming")
    assert incoming["call"]["call_id"] == info["call_id"]
    assert incoming["call"]["ice_servers"][1]["username"].endswith(f":{uid(bob)}")
    await bob2.expect("call_incoming")
    accepted = await bob.request("call_accept", call_id=info["call_id"])
    assert accepted["state"] == "accepted"
    state = await alice.expect("call_state")
    assert state["state"] == "accepted" and state["by_user_id"] == uid(bob)
    elsewhere = await bob2.expect("call_state")
    assert elsewhere["reason"] == "answered_elsewhere"
    with pytest.raises(ServerError) as err:  # the other device is not in the call
        await bob2.request("call_signal", call_id=info["call_id"], sdp_type="answer", sdp="x")
    assert err.value.code == "forbidden"
    await alice.request("call_signal", call_id=info["call_id"], sdp_type="offer", sdp="v=0 o")
    sig = await bob.expect("call_signal_event")
    assert (sig["sdp_type"], sig["sdp"], sig["from_user_id"]) == ("offer", "v=0 o", uid(alice))
    await bob.request("call_signal", call_id=info["call_id"], sdp_type="answer", sdp="v=0 a")
    assert (await alice.expect("call_signal_event"))["sdp"] == "v=0 a"
    await asyncio.sleep(0.05)
    await alice.request("call_hangup", call_id=info["call_id"])
    ended = await bob.expect("call_state", state="ended")
    assert ended["reason"] == "hangup"
    records = await call_records(alice, bob)
    assert records[0]["outcome"] == "ended" and records[0]["duration"] > 0
    update = await bob.wait_update("new_message")
    assert update["update"]["message"]["call"]["call_id"] == info["call_id"]
    with pytest.raises(ServerError) as err:
        await bob.request("call_accept", call_id=info["call_id"])
    assert err.value.code == "unknown_call"


async def test_decline_and_busy(clients: Clients) -> None:
    alice, bob, carol = [await clients.user() for _ in range(3)]
    info = await alice.request("call_start", callee_id=uid(bob), video=False)
    await bob.expect("call_incoming")
    with pytest.raises(ServerError) as err:
        await carol.request("call_start", callee_id=uid(bob))
    assert err.value.code == "call_busy"
    with pytest.raises(ServerError) as err:
        await bob.request("call_start", callee_id=uid(carol))
    assert err.value.code == "call_busy"
    assert [f for f in carol.unsolicited if f["type"] == "call_incoming"] == []
    with pytest.raises(ServerError) as err:
        await alice.request("call_accept", call_id=info["call_id"])
    assert err.value.code == "forbidden"
    await bob.request("call_decline", call_id=info["call_id"])
    state = await alice.expect("call_state")
    assert (state["state"], state["reason"]) == ("ended", "declined")
    assert (await call_records(bob, alice))[0]["outcome"] == "declined"


async def test_cancel_while_ringing(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    info = await alice.request("call_start", callee_id=uid(bob))
    await bob.expect("call_incoming")
    with pytest.raises(ServerError) as err:
        await alice.request("call_signal", call_id=info["call_id"], sdp_type="offer", sdp="x")
    assert err.value.code == "call_state"
    await alice.request("call_hangup", call_id=info["call_id"])
    state = await bob.expect("call_state")
    assert state["reason"] == "cancelled"
    assert (await call_records(bob, alice))[0]["outcome"] == "cancelled"


async def test_ring_timeout_is_missed(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    await alice.request("call_start", callee_id=uid(bob))
    await bob.expect("call_incoming")
    state = await alice.expect("call_state", timeout=5)  # the relay rings for 1 s in tests
    assert state["reason"] == "missed"
    assert (await bob.expect("call_state"))["reason"] == "missed"
    assert (await call_records(alice, bob))[0]["outcome"] == "missed"


async def test_callee_offline(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    await bob.close()
    with pytest.raises(ServerError) as err:
        await alice.request("call_start", callee_id=uid(bob))
    assert err.value.code == "peer_offline"
    assert (await call_records(alice, bob))[0]["outcome"] == "missed"


async def test_peer_drops_during_call(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    info = await alice.request("call_start", callee_id=uid(bob))
    await bob.expect("call_incoming")
    await bob.request("call_accept", call_id=info["call_id"])
    await alice.expect("call_state")
    await bob.close()
    state = await alice.expect("call_state", timeout=5)
    assert (state["state"], state["reason"]) == ("ended", "peer_offline")
    assert (await call_records(alice, bob))[0]["outcome"] == "ended"
