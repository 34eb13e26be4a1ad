"""Sync by seq: an offline client catches up to exactly the state of an online one."""

from __future__ import annotations

import secrets
from typing import Any

from tests.integration.relay.relay_testkit import Client, Clients


def uid(client: Client) -> int:
    assert client.user is not None
    return int(client.user["id"])


def rid() -> int:
    return secrets.randbits(62) + 1


async def fetch_all(client: Client, after: int, limit: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        page = await client.request("get_updates", after_seq=after, limit=limit)
        out += page["updates"]
        if page["updates"]:
            after = page["updates"][-1]["seq"]
        if not page["more"]:
            assert after == page["head"]
            return out


async def test_offline_client_gets_exactly_the_missed_updates(clients: Clients) -> None:
    alice, bob, carol = [await clients.user() for _ in range(3)]
    assert bob.token is not None
    bob_online = await clients.resume(bob.token)  # an always-online device of bob
    direct = await alice.request("open_direct_chat", user_id=uid(bob))
    group = await alice.request("create_group", title="G", member_ids=[uid(bob), uid(carol)])
    await bob_online.request("ping")
    seen = max(u["seq"] for u in bob_online.updates)
    await bob.close()  # bob's first device goes offline

    sent = []
    for i in range(30):
        chat = direct["id"] if i % 2 else group["id"]
        sender = alice if i % 3 else carol
        if sender is carol and chat == direct["id"]:
            sender = alice
        sent.append(
            await sender.request("send_message", chat_id=chat, random_id=rid(), text=f"m{i}")
        )
    await alice.request(
        "edit_message", chat_id=direct["id"], message_id=sent[1]["id"], text="edited"
    )
    await alice.request("delete_message", chat_id=group["id"], message_id=sent[0]["id"])
    await carol.request("mark_read", chat_id=group["id"], max_id=sent[-1]["id"])
    await alice.request("rename_group", chat_id=group["id"], title="G2")
    await bob_online.request("ping")

    back = await clients.resume(bob.token)
    live = [u for u in bob_online.updates if u["seq"] > seen]
    caught = await fetch_all(back, seen, limit=7)
    assert [u["seq"] for u in caught] == list(range(seen + 1, seen + 1 + len(caught)))
    assert [(u["seq"], u["update"]) for u in caught] == [(u["seq"], u["update"]) for u in live]
    assert len(caught) == 30 + 4
    everything = await fetch_all(back, 0, limit=200)
    assert [u["seq"] for u in everything] == list(range(1, len(everything) + 1))
    welcome_head = everything[-1]["seq"]
    assert welcome_head == max(u["seq"] for u in bob_online.updates)


async def test_welcome_carries_head(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    await alice.request("open_direct_chat", user_id=uid(bob))
    await bob.request("ping")
    frame = await (await clients.raw()).hello(bob.token)
    assert frame["seq"] == 1
