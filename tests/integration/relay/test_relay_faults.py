"""Faults: dropped clients mid-send, relay restarts (SIGTERM and kill -9), many clients."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import aiohttp
import msgspec

from tests.helpers.relay import RunningRelay, start_relay
from tests.integration.relay.relay_testkit import FAST, Client, Clients


def uid(client: Client) -> int:
    assert client.user is not None
    return int(client.user["id"])


async def blast(client: Client, chat_id: int, random_ids: list[int]) -> None:
    """Pipeline sends without waiting for acks."""
    for i, random_id in enumerate(random_ids):
        await client.ws.send_bytes(
            msgspec.json.encode(
                {
                    "type": "send_message",
                    "id": 10_000 + i,
                    "chat_id": chat_id,
                    "random_id": random_id,
                    "text": f"n{i}",
                }
            )
        )


async def test_client_dropped_mid_send_then_resends(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    chat = (await alice.request("open_direct_chat", user_id=uid(bob)))["id"]
    random_ids = [secrets.randbits(62) + 1 for _ in range(200)]
    acked: dict[int, int] = {}
    raw = await clients.resume(alice.token or "")
    await blast(raw, chat, random_ids)
    while len(acked) < 20:
        frame = await raw.expect("result")
        acked[frame["id"] - 10_000] = frame["data"]["id"]
    raw.ws._writer.transport.abort()  # type: ignore[union-attr]  # no close handshake
    await asyncio.sleep(0.3)
    again = await clients.resume(alice.token or "")
    for i, random_id in enumerate(random_ids):
        msg = await again.request("send_message", chat_id=chat, random_id=random_id, text=f"n{i}")
        if i in acked:
            assert msg["id"] == acked[i]
    history = []
    before = None
    while True:
        page = await bob.request("get_history", chat_id=chat, limit=200, before_id=before)
        if not page:
            break
        history += page
        before = page[-1]["id"]
    assert sorted(m["random_id"] for m in history) == sorted(random_ids)
    assert len({m["id"] for m in history}) == 200


async def _restart_keeps_acked(tmp_path: Path, hard: bool) -> None:
    relay = start_relay(tmp_path, **FAST)
    try:
        async with aiohttp.ClientSession() as http:
            pool = Clients(relay, http)
            alice, bob = await pool.user(), await pool.user()
            chat = (await alice.request("open_direct_chat", user_id=uid(bob)))["id"]
            random_ids = [secrets.randbits(62) + 1 for _ in range(300)]
            await blast(alice, chat, random_ids)
            acked: dict[int, int] = {}
            while len(acked) < 100:
                frame = await alice.expect("result")
                acked[frame["id"] - 10_000] = frame["data"]["id"]
            if hard:
                relay.kill()
            else:
                relay.stop()
            await pool.close()
            relay.start()
            pool = Clients(relay, http)
            back = await pool.resume(alice.token or "")
            history = await back.request("get_history", chat_id=chat, limit=200)
            stored = {m["random_id"]: m["id"] for m in history}
            while len(history) == 200:
                history = await back.request(
                    "get_history", chat_id=chat, limit=200, before_id=history[-1]["id"]
                )
                stored.update({m["random_id"]: m["id"] for m in history})
            for i, message_id in acked.items():
                assert stored[random_ids[i]] == message_id
            updates = await back.request("get_updates", after_seq=0, limit=200)
            seqs = [u["seq"] for u in updates["updates"]]
            assert seqs == list(range(1, len(seqs) + 1))
            await pool.close()
    finally:
        relay.stop()


async def test_sigterm_restart_keeps_acked(tmp_path: Path) -> None:
    await _restart_keeps_acked(tmp_path, hard=False)


async def test_kill_9_restart_keeps_acked(tmp_path: Path) -> None:
    await _restart_keeps_acked(tmp_path, hard=True)


async def test_sigterm_exits_cleanly(tmp_path: Path) -> None:
    relay: RunningRelay = start_relay(tmp_path, **FAST)
    async with aiohttp.ClientSession() as http:
        pool = Clients(relay, http)
        await pool.user()
        assert relay.stop() == 0
        await pool.close()


async def test_fifty_clients_in_one_group(clients: Clients) -> None:
    users = await asyncio.gather(*(clients.user() for _ in range(50)))
    owner = users[0]
    group = await owner.request("create_group", title="Big", member_ids=[uid(u) for u in users[1:]])
    for u in users:
        u.drain()
    await asyncio.gather(
        *(
            u.request(
                "send_message", chat_id=group["id"], random_id=secrets.randbits(62) + 1, text="hi"
            )
            for u in users
        )
    )
    for u in users:
        await u.request("ping")
        msgs = [f for f in u.updates if f["update"]["kind"] == "new_message"]
        assert len(msgs) == 50
        # every member sees the group's log gap-free and in one order
        assert [f["pts"] for f in msgs] == list(range(1, 51))
        order = [f["update"]["message"]["id"] for f in msgs]
        assert order == sorted(order)
