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


async def fetch_log(
    client: Client, request: str, number: str, after: int, limit: int, **fields: Any
) -> list[dict[str, Any]]:
    """Every entry of an update log after ``after``, paged: ``get_updates`` (numbered by
    ``seq``) or ``get_chat_updates`` (by ``pts``)."""
    out: list[dict[str, Any]] = []
    while True:
        page = await client.request(request, **{f"after_{number}": after}, limit=limit, **fields)
        if "chat_id" in fields:
            assert page["chat_id"] == fields["chat_id"]
        out += page["updates"]
        if page["updates"]:
            after = page["updates"][-1][number]
        if not page["more"]:
            assert after == page["head"]
            return out


async def fetch_all(client: Client, after: int, limit: int) -> list[dict[str, Any]]:
    return await fetch_log(client, "get_updates", "seq", after, limit)


async def fetch_group_log(
    client: Client, chat_id: int, after: int, limit: int
) -> list[dict[str, Any]]:
    return await fetch_log(client, "get_chat_updates", "pts", after, limit, chat_id=chat_id)


async def test_offline_client_gets_exactly_the_missed_updates(clients: Clients) -> None:
    alice, bob, carol = [await clients.user() for _ in range(3)]
    assert bob.token is not None
    bob_online = await clients.resume(bob.token)  # an always-online device of bob
    direct = await alice.request("open_direct_chat", user_id=uid(bob))
    group = await alice.request("create_group", title="G", member_ids=[uid(bob), uid(carol)])
    assert group["pts"] == 0
    await bob_online.request("ping")
    seen = max(u["seq"] for u in bob_online.updates if u["type"] == "update")
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
    await carol.request("mark_read", chat_id=group["id"], max_id=sent[-2]["id"])
    await alice.request("rename_group", chat_id=group["id"], title="G2")
    await bob_online.request("ping")

    back = await clients.resume(bob.token)
    # bob's own sequence: the direct chat's 15 messages and edit, and the rename
    live = [u for u in bob_online.updates if u["type"] == "update" and u["seq"] > seen]
    caught = await fetch_all(back, seen, limit=7)
    assert [u["seq"] for u in caught] == list(range(seen + 1, seen + 1 + len(caught)))
    assert [(u["seq"], u["update"]) for u in caught] == [(u["seq"], u["update"]) for u in live]
    assert len(caught) == 15 + 2
    everything = await fetch_all(back, 0, limit=200)
    assert [u["seq"] for u in everything] == list(range(1, len(everything) + 1))
    welcome_head = everything[-1]["seq"]
    assert welcome_head == max(u["seq"] for u in live)
    # the group's log: its 15 messages, the delete and the read mark, stored once
    live_group = [u for u in bob_online.updates if u["type"] == "chat_update"]
    assert {u["chat_id"] for u in live_group} == {group["id"]}
    caught_group = await fetch_group_log(back, group["id"], 0, limit=4)
    assert [u["pts"] for u in caught_group] == list(range(1, 15 + 2 + 1))
    assert [(u["pts"], u["update"]) for u in caught_group] == [
        (u["pts"], u["update"]) for u in live_group
    ]
    kinds = [u["update"]["kind"] for u in caught_group]
    assert kinds == ["new_message"] * 15 + ["message_deleted", "read"]
    heads = await back.request("get_chat_heads")
    assert heads == [{"chat_id": group["id"], "pts": 17}]
    chats = {c["id"]: c for c in await back.request("get_chats")}
    assert chats[group["id"]]["pts"] == 17 and chats[direct["id"]].get("pts", 0) == 0


async def test_welcome_carries_head(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    await alice.request("open_direct_chat", user_id=uid(bob))
    await bob.request("ping")
    frame = await (await clients.raw()).hello(bob.token)
    assert frame["seq"] == 1


async def test_group_log_membership_and_bad_requests(clients: Clients) -> None:
    alice, bob, carol = [await clients.user() for _ in range(3)]
    group = await alice.request("create_group", title="G", member_ids=[uid(bob)])
    gid = group["id"]
    for i in range(3):
        await alice.request("send_message", chat_id=gid, random_id=rid(), text=f"m{i}")
    # a member added later learns the log's head with the chat, then gets what follows
    await alice.request("add_members", chat_id=gid, user_ids=[uid(carol)])
    added = await carol.wait_update("chat_updated")
    assert added["type"] == "update" and added["update"]["chat"]["pts"] == 3
    await bob.request("send_message", chat_id=gid, random_id=rid(), text="after")
    pushed = await carol.wait_update("new_message")
    assert (pushed["type"], pushed["chat_id"], pushed["pts"]) == ("chat_update", gid, 4)
    assert await carol.request("get_chat_heads") == [{"chat_id": gid, "pts": 4}]
    # a removed member gets no more of the log, and may not read it
    await alice.request("remove_member", chat_id=gid, user_id=uid(carol))
    await carol.wait_update("chat_removed")
    carol.drain()
    await alice.request("send_message", chat_id=gid, random_id=rid(), text="private")
    await bob.wait_update("new_message")
    await carol.request("ping")
    assert not [f for f in carol.unsolicited if f["type"] == "chat_update" and f["pts"] == 5]
    assert await carol.request("get_chat_heads") == []
    bad: list[tuple[Client, dict[str, Any], str]] = [
        (carol, {"chat_id": gid, "after_pts": 0}, "forbidden"),
        (alice, {"chat_id": 10**9, "after_pts": 0}, "unknown_chat"),
        (alice, {"chat_id": gid, "after_pts": -1}, "invalid_field"),
        (alice, {"chat_id": gid, "after_pts": 0, "limit": 0}, "invalid_field"),
        (alice, {"chat_id": gid, "after_pts": 0, "limit": 201}, "invalid_field"),
        (alice, {"chat_id": gid, "after_pts": "x"}, "invalid_field"),
    ]
    direct = await alice.request("open_direct_chat", user_id=uid(bob))
    bad.append((alice, {"chat_id": direct["id"], "after_pts": 0}, "invalid_field"))
    for client, fields, code in bad:
        frame = await client.request_frame("get_chat_updates", **fields)
        assert (frame["type"], frame.get("code")) == ("error", code), fields
    # past the head: an empty last page; the connection is still fine
    page = await alice.request("get_chat_updates", chat_id=gid, after_pts=99)
    assert page == {"chat_id": gid, "updates": [], "head": 5, "more": False}
