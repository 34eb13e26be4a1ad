"""The relay on PostgreSQL (set RISALA_TEST_POSTGRES_DSN, e.g.
``postgresql+asyncpg://risala:risala@127.0.0.1/risala_test``)."""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

import aiohttp
import pytest

from tests.helpers.relay import start_relay
from tests.integration.relay.relay_testkit import FAST, Client, Clients

DSN = os.environ.get("RISALA_TEST_POSTGRES_DSN")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not DSN, reason="RISALA_TEST_POSTGRES_DSN is not set (no PostgreSQL)"),
]


def uid(client: Client) -> int:
    assert client.user is not None
    return int(client.user["id"])


async def test_postgres_concurrent_sends_sync_and_restart(tmp_path: Path) -> None:
    relay = start_relay(tmp_path, database=DSN, **FAST)
    try:
        async with aiohttp.ClientSession() as http:
            pool = Clients(relay, http)
            users = await asyncio.gather(*(pool.user() for _ in range(10)))
            group = await users[0].request(
                "create_group", title="pg", member_ids=[uid(u) for u in users[1:]]
            )
            sent = await asyncio.gather(
                *(
                    u.request(
                        "send_message",
                        chat_id=group["id"],
                        random_id=secrets.randbits(62) + 1,
                        text=f"{i}:{j}",
                    )
                    for j in range(10)
                    for i, u in enumerate(users)
                )
            )
            assert len({m["id"] for m in sent}) == 100
            # direct messages at the same time: each user's sequence under concurrent writers
            directs = await asyncio.gather(
                *(
                    u.request("open_direct_chat", user_id=uid(users[(i + 1) % 10]))
                    for i, u in enumerate(users)
                )
            )
            await asyncio.gather(
                *(
                    u.request(
                        "send_message",
                        chat_id=directs[i]["id"],
                        random_id=secrets.randbits(62) + 1,
                        text=f"d{i}:{j}",
                    )
                    for j in range(5)
                    for i, u in enumerate(users)
                )
            )
            for u in users:
                await u.request("ping")
                page = await u.request("get_updates", after_seq=0, limit=200)
                seqs = [x["seq"] for x in page["updates"]]
                assert seqs == list(range(1, len(seqs) + 1)) and not page["more"]
                assert sum(x["update"]["kind"] == "new_message" for x in page["updates"]) == 10
                live = [(f["seq"], f["update"]) for f in u.updates if f["type"] == "update"]
                assert live == [(x["seq"], x["update"]) for x in page["updates"]]
                # the group's 100 messages: one log, the same for every member, gap-free
                log = await u.request(
                    "get_chat_updates", chat_id=group["id"], after_pts=0, limit=200
                )
                assert [x["pts"] for x in log["updates"]] == list(range(1, 101))
                assert {x["update"]["message"]["id"] for x in log["updates"]} == {
                    m["id"] for m in sent
                }
                pushed = [(f["pts"], f["update"]) for f in u.updates if f["type"] == "chat_update"]
                assert pushed == [(x["pts"], x["update"]) for x in log["updates"]]
            again = await users[1].request(
                "send_message", chat_id=group["id"], random_id=sent[1]["random_id"], text="dup"
            )
            assert again == sent[1]
            await pool.close()
            relay.restart(hard=True)
            pool = Clients(relay, http)
            back = await pool.resume(users[0].token or "")
            history = await back.request("get_history", chat_id=group["id"], limit=200)
            assert {m["id"] for m in history} == {m["id"] for m in sent}
            await pool.close()
    finally:
        relay.stop()


async def test_postgres_shared_suite_hint() -> None:
    """The whole integration suite runs on PostgreSQL with RISALA_RELAY_TEST_DSN=$DSN."""
    assert DSN
