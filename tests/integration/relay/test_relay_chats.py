"""Direct chats, groups, roles and permissions."""

from __future__ import annotations

import pytest

from tests.integration.relay.relay_testkit import Client, Clients, ServerError


def uid(client: Client) -> int:
    assert client.user is not None
    return int(client.user["id"])


async def test_direct_chat_is_idempotent(clients: Clients) -> None:
    alice, bob = await clients.user(), await clients.user()
    chat = await alice.request("open_direct_chat", user_id=uid(bob))
    assert chat["kind"] == "direct"
    assert {m["user_id"] for m in chat["members"]} == {uid(alice), uid(bob)}
    update = await bob.wait_update("chat_updated")
    assert update["update"]["chat"]["id"] == chat["id"]
    again = await bob.request("open_direct_chat", user_id=uid(alice))
    assert again["id"] == chat["id"]
    head = len(alice.updates)
    await alice.request("ping")
    assert len(alice.updates) == head  # no new update for the idempotent open
    with pytest.raises(ServerError) as err:
        await alice.request("open_direct_chat", user_id=10**9)
    assert err.value.code == "unknown_user"
    with pytest.raises(ServerError) as err:
        await alice.request("open_direct_chat", user_id=uid(alice))
    assert err.value.code == "invalid_field"
    chats = await alice.request("get_chats")
    assert [c["id"] for c in chats] == [chat["id"]]
    with pytest.raises(ServerError) as err:
        await alice.request("leave_chat", chat_id=chat["id"])
    assert err.value.code == "forbidden"


async def test_group_permissions(clients: Clients) -> None:
    owner, admin, member, outsider = [await clients.user() for _ in range(4)]
    group = await owner.request(
        "create_group", title=" Team ", member_ids=[uid(admin), uid(member)]
    )
    assert group["title"] == "Team"
    roles = {m["user_id"]: m["role"] for m in group["members"]}
    assert roles == {uid(owner): "owner", uid(admin): "member", uid(member): "member"}
    gid = group["id"]

    for client, kind, fields in [
        (member, "rename_group", {"title": "x"}),
        (member, "add_members", {"user_ids": [uid(outsider)]}),
        (member, "remove_member", {"user_id": uid(admin)}),
        (admin, "set_role", {"user_id": uid(member), "role": "admin"}),
    ]:
        with pytest.raises(ServerError) as err:
            await client.request(kind, chat_id=gid, **fields)
        assert err.value.code == "forbidden", kind
    with pytest.raises(ServerError) as err:
        await outsider.request("rename_group", chat_id=gid, title="mine")
    assert err.value.code == "forbidden"
    with pytest.raises(ServerError) as err:
        await owner.request("rename_group", chat_id=10**9, title="x")
    assert err.value.code == "unknown_chat"
    with pytest.raises(ServerError) as err:
        await owner.request("rename_group", chat_id=gid, title="x" * 500)
    assert err.value.code == "invalid_field"

    chat = await owner.request("set_role", chat_id=gid, user_id=uid(admin), role="admin")
    assert {m["user_id"]: m["role"] for m in chat["members"]}[uid(admin)] == "admin"
    chat = await admin.request("rename_group", chat_id=gid, title="Renamed")
    assert chat["title"] == "Renamed"
    chat = await admin.request("add_members", chat_id=gid, user_ids=[uid(outsider)])
    assert uid(outsider) in {m["user_id"] for m in chat["members"]}
    joined = await outsider.wait_update("chat_updated")
    assert joined["update"]["chat"]["title"] == "Renamed"
    with pytest.raises(ServerError) as err:  # admins cannot remove the owner
        await admin.request("remove_member", chat_id=gid, user_id=uid(owner))
    assert err.value.code == "forbidden"
    with pytest.raises(ServerError) as err:
        await admin.request("add_members", chat_id=gid, user_ids=[10**9])
    assert err.value.code == "unknown_user"
    await admin.request("remove_member", chat_id=gid, user_id=uid(outsider))
    removed = await outsider.wait_update("chat_removed")
    assert removed["update"]["chat_id"] == gid
    with pytest.raises(ServerError) as err:
        await outsider.request("get_history", chat_id=gid)
    assert err.value.code == "forbidden"


async def test_owner_leaving_hands_over(clients: Clients) -> None:
    owner, first, second = [await clients.user() for _ in range(3)]
    group = await owner.request("create_group", title="G", member_ids=[uid(first)])
    gid = group["id"]
    await owner.request("add_members", chat_id=gid, user_ids=[uid(second)])
    await owner.request("set_role", chat_id=gid, user_id=uid(second), role="admin")
    await owner.request("leave_chat", chat_id=gid)
    chats = await second.request("get_chats")
    roles = {m["user_id"]: m["role"] for m in chats[0]["members"]}
    assert roles == {uid(first): "member", uid(second): "owner"}  # the admin before the member
    await second.request("leave_chat", chat_id=gid)
    chats = await first.request("get_chats")
    assert {m["user_id"]: m["role"] for m in chats[0]["members"]} == {uid(first): "owner"}
    assert await owner.request("get_chats") == []


async def test_transfer_ownership(clients: Clients) -> None:
    owner, other = await clients.user(), await clients.user()
    group = await owner.request("create_group", title="G", member_ids=[uid(other)])
    chat = await owner.request("set_role", chat_id=group["id"], user_id=uid(other), role="owner")
    roles = {m["user_id"]: m["role"] for m in chat["members"]}
    assert roles == {uid(owner): "admin", uid(other): "owner"}


async def test_unread_count_is_per_member(clients: Clients) -> None:
    alice, bob, carol = [await clients.user() for _ in range(3)]
    chat = await alice.request("open_direct_chat", user_id=uid(bob))
    assert chat["unread_count"] == 0
    sent = [
        await alice.request("send_message", chat_id=chat["id"], random_id=i + 1, text=f"m{i}")
        for i in range(3)
    ]
    await bob.request("send_message", chat_id=chat["id"], random_id=7, text="mine")
    # bob: alice's 3 are unread (his own is not); alice: bob's one
    (for_bob,) = await bob.request("get_chats")
    assert for_bob["unread_count"] == 3
    again = await bob.request("open_direct_chat", user_id=uid(alice))
    assert again["unread_count"] == 3
    (for_alice,) = await alice.request("get_chats")
    assert for_alice["unread_count"] == 1
    await bob.request("mark_read", chat_id=chat["id"], max_id=sent[1]["id"])
    (for_bob,) = await bob.request("get_chats")
    assert for_bob["unread_count"] == 1
    await alice.request("delete_message", chat_id=chat["id"], message_id=sent[2]["id"])
    (for_bob,) = await bob.request("get_chats")
    assert for_bob["unread_count"] == 0  # deleted messages are not counted

    group = await alice.request("create_group", title="g", member_ids=[uid(bob)])
    assert group["unread_count"] == 0
    await bob.request("send_message", chat_id=group["id"], random_id=8, text="hi")
    await bob.request("send_message", chat_id=group["id"], random_id=9, text="all")
    # chat_updated pushes carry each member's own count
    await alice.request("add_members", chat_id=group["id"], user_ids=[uid(carol)])
    pushed = {}
    for client in (alice, bob, carol):
        while True:
            pushed_chat = (await client.wait_update("chat_updated"))["update"]["chat"]
            if pushed_chat["id"] == group["id"] and len(pushed_chat["members"]) == 3:
                break
        pushed[uid(client)] = pushed_chat["unread_count"]
    assert pushed == {uid(alice): 2, uid(bob): 0, uid(carol): 2}
