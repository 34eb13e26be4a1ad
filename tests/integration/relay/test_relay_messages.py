"""Messages: send, idempotency, replies, forwards, attachments, edits, deletes, read, typing."""

from __future__ import annotations

import hashlib
import secrets

import pytest

from tests.integration.relay.relay_testkit import Client, Clients, ServerError


def uid(client: Client) -> int:
    assert client.user is not None
    return int(client.user["id"])


def rid() -> int:
    return secrets.randbits(62) + 1


async def pair(clients: Clients) -> tuple[Client, Client, int]:
    alice, bob = await clients.user(), await clients.user()
    chat = await alice.request("open_direct_chat", user_id=uid(bob))
    return alice, bob, int(chat["id"])


async def test_send_and_idempotent_resend(clients: Clients) -> None:
    alice, bob, chat = await pair(clients)
    alice_device2 = await clients.resume(alice.token or "")
    random_id = rid()
    msg = await alice.request("send_message", chat_id=chat, random_id=random_id, text="hello")
    assert msg["text"] == "hello" and msg["sender_id"] == uid(alice)
    got = await bob.wait_update("new_message")
    assert got["update"]["message"] == msg
    mine = await alice_device2.wait_update("new_message")  # the sender's other device
    assert mine["update"]["message"]["id"] == msg["id"]
    updates_before = len(bob.updates)
    again = await alice.request("send_message", chat_id=chat, random_id=random_id, text="hello")
    assert again == msg
    await bob.request("ping")
    assert len(bob.updates) == updates_before
    history = await bob.request("get_history", chat_id=chat)
    assert [m["id"] for m in history] == [msg["id"]]


async def test_message_validation(clients: Clients) -> None:
    alice, bob, chat = await pair(clients)
    outsider = await clients.user()
    cases = [
        ({"text": "   "}, "empty_message"),
        ({"text": "x" * 4097}, "message_too_long"),
        ({"text": "hi", "chat_id": 10**9}, "unknown_chat"),
        ({"text": "hi", "reply_to": 10**9}, "unknown_message"),
        ({"text": "hi", "random_id": 0}, "invalid_field"),
        ({"text": "hi", "random_id": 2**64}, "invalid_field"),
    ]
    for override, code in cases:
        fields = {"chat_id": chat, "random_id": rid(), **override}
        with pytest.raises(ServerError) as err:
            await alice.request("send_message", **fields)
        assert err.value.code == code, override
    with pytest.raises(ServerError) as err:
        await outsider.request("send_message", chat_id=chat, random_id=rid(), text="hi")
    assert err.value.code == "forbidden"
    assert await bob.request("get_history", chat_id=chat) == []


async def test_reply_edit_delete(clients: Clients) -> None:
    alice, bob, chat = await pair(clients)
    first = await alice.request("send_message", chat_id=chat, random_id=rid(), text="one")
    reply = await bob.request(
        "send_message", chat_id=chat, random_id=rid(), text="re", reply_to=first["id"]
    )
    assert reply["reply_to"] == first["id"]
    other_chat = (await pair(clients))[2]
    with pytest.raises(ServerError) as err:  # reply_to from another chat
        await alice.request(
            "send_message",
            chat_id=chat,
            random_id=rid(),
            text="x",
            reply_to=(await alice.request("get_history", chat_id=chat))[0]["id"] + 10**6,
        )
    assert err.value.code == "unknown_message"
    assert other_chat != chat

    with pytest.raises(ServerError) as err:
        await bob.request("edit_message", chat_id=chat, message_id=first["id"], text="hack")
    assert err.value.code == "forbidden"
    edited = await alice.request("edit_message", chat_id=chat, message_id=first["id"], text="one!")
    assert edited["text"] == "one!" and edited["edit_date"]
    frame = await bob.wait_update("message_edited")
    assert frame["update"]["message"]["text"] == "one!"
    with pytest.raises(ServerError) as err:
        await alice.request("edit_message", chat_id=chat, message_id=first["id"], text="")
    assert err.value.code == "empty_message"

    with pytest.raises(ServerError) as err:
        await alice.request("delete_message", chat_id=chat, message_id=reply["id"])
    assert err.value.code == "forbidden"
    await alice.request("delete_message", chat_id=chat, message_id=first["id"])
    frame = await bob.wait_update("message_deleted")
    assert frame["update"]["message_id"] == first["id"]
    history = await bob.request("get_history", chat_id=chat)
    assert [m["id"] for m in history] == [reply["id"]]
    with pytest.raises(ServerError) as err:
        await alice.request("edit_message", chat_id=chat, message_id=first["id"], text="z")
    assert err.value.code == "unknown_message"


async def test_group_admin_deletes_and_forward(clients: Clients) -> None:
    owner, member, third = [await clients.user() for _ in range(3)]
    group = await owner.request("create_group", title="G", member_ids=[uid(member)])
    gid = group["id"]
    msg = await member.request("send_message", chat_id=gid, random_id=rid(), text="spam")
    await owner.request("delete_message", chat_id=gid, message_id=msg["id"])
    keep = await member.request("send_message", chat_id=gid, random_id=rid(), text="news")
    direct = await member.request("open_direct_chat", user_id=uid(third))
    fwd = await member.request(
        "send_message",
        chat_id=direct["id"],
        random_id=rid(),
        forward={"chat_id": gid, "message_id": keep["id"]},
    )
    assert fwd["text"] == "news"
    assert fwd["forward"]["from_user_id"] == uid(member)
    assert fwd["forward"]["from_message_id"] == keep["id"]
    with pytest.raises(ServerError) as err:  # third cannot see the group message
        await third.request(
            "send_message",
            chat_id=direct["id"],
            random_id=rid(),
            forward={"chat_id": gid, "message_id": keep["id"]},
        )
    assert err.value.code == "forbidden"
    refwd = await third.request(
        "send_message",
        chat_id=direct["id"],
        random_id=rid(),
        forward={"chat_id": direct["id"], "message_id": fwd["id"]},
    )
    assert refwd["forward"]["from_message_id"] == keep["id"]  # keeps the original origin


async def test_read_marks_are_monotonic(clients: Clients) -> None:
    alice, bob, chat = await pair(clients)
    m1 = await alice.request("send_message", chat_id=chat, random_id=rid(), text="1")
    m2 = await alice.request("send_message", chat_id=chat, random_id=rid(), text="2")
    alice.drain()
    await bob.request("mark_read", chat_id=chat, max_id=m2["id"])
    frame = await alice.wait_update("read")
    assert frame["update"] == {
        "kind": "read",
        "chat_id": chat,
        "user_id": uid(bob),
        "max_id": m2["id"],
    }
    count = len(alice.updates)
    await bob.request("mark_read", chat_id=chat, max_id=m1["id"])  # going back: ignored
    await bob.request("mark_read", chat_id=chat, max_id=m2["id"] + 1000)  # clamped, no change
    await alice.request("ping")
    assert len(alice.updates) == count
    chats = await alice.request("get_chats")
    assert chats[0]["others_read_max_id"] == m2["id"]
    assert chats[0]["last_message_id"] == m2["id"]


async def test_typing_is_ephemeral_and_throttled(clients: Clients) -> None:
    alice, bob, chat = await pair(clients)
    outsider = await clients.user()
    await alice.request("set_typing", chat_id=chat)
    frame = await bob.expect("typing")
    assert frame == {"type": "typing", "chat_id": chat, "user_id": uid(alice)}
    for _ in range(5):
        await alice.request("set_typing", chat_id=chat)
    await bob.request("ping")
    assert sum(f["type"] == "typing" for f in bob.unsolicited) == 1
    with pytest.raises(ServerError) as err:
        await outsider.request("set_typing", chat_id=chat)
    assert err.value.code == "forbidden"
    updates = await bob.request("get_updates", after_seq=0)
    assert all(u["update"]["kind"] != "typing" for u in updates["updates"])


async def test_history_paging(clients: Clients) -> None:
    alice, bob, chat = await pair(clients)
    ids = [
        (await alice.request("send_message", chat_id=chat, random_id=rid(), text=str(i)))["id"]
        for i in range(25)
    ]
    page1 = await bob.request("get_history", chat_id=chat, limit=10)
    assert [m["id"] for m in page1] == ids[::-1][:10]
    page2 = await bob.request("get_history", chat_id=chat, limit=10, before_id=page1[-1]["id"])
    assert [m["id"] for m in page2] == ids[::-1][10:20]
    for bad in (0, 201):
        with pytest.raises(ServerError) as err:
            await bob.request("get_history", chat_id=chat, limit=bad)
        assert err.value.code == "invalid_field"


async def test_attachments_need_uploaded_blobs(clients: Clients) -> None:
    alice, bob, chat = await pair(clients)
    data = secrets.token_bytes(5000)
    digest = hashlib.sha256(data).hexdigest()
    att = {"sha256": digest, "size": len(data), "mime": "image/png", "kind": "photo"}
    with pytest.raises(ServerError) as err:
        await alice.request("send_message", chat_id=chat, random_id=rid(), attachment=att)
    assert err.value.code == "blob_not_found"
    async with clients.http.put(
        f"{clients.relay.url}/v1/blobs/{digest}",
        data=data,
        headers={"Authorization": f"Bearer {alice.token}"},
    ) as resp:
        assert resp.status == 201
    msg = await alice.request(
        "send_message", chat_id=chat, random_id=rid(), attachment=att, text="caption"
    )
    assert msg["attachment"]["sha256"] == digest
    with pytest.raises(ServerError) as err:
        await alice.request(
            "send_message", chat_id=chat, random_id=rid(), attachment=att, text="c" * 1025
        )
    assert err.value.code == "message_too_long"
    async with clients.http.get(
        f"{clients.relay.url}/v1/blobs/{digest}", headers={"Authorization": f"Bearer {bob.token}"}
    ) as resp:
        assert resp.status == 200
        assert await resp.read() == data
