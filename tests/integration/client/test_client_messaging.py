"""Two real clients, one real relay: messages, groups, edits, deletes, read ticks."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.client import eventually, signed_up_client
from tests.helpers.relay import RunningRelay


async def test_two_clients_exchange_messages(relay: RunningRelay, tmp_path: Path) -> None:
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    bob = await signed_up_client(relay.url, tmp_path, "bob")
    try:
        chat_id = await alice.chats.open_direct_chat("bob")
        await alice.chats.send_text(chat_id, "hello bob")

        async def bob_has(text: str) -> bool:
            page = await bob.chats.history(chat_id)
            return any(m.text == text for m in page)

        await eventually(lambda: bob_has("hello bob"))
        await bob.chats.send_text(chat_id, "hi alice")

        async def alice_has_reply() -> bool:
            return any(m.text == "hi alice" for m in await alice.chats.history(chat_id))

        await eventually(alice_has_reply)
        assert await alice.outbox.wait_idle(5)
        items = await bob.chats.chat_list()
        assert [i.chat.id for i in items] == [chat_id]
        assert items[0].last_message is not None and items[0].last_message.text == "hi alice"
    finally:
        await alice.close()
        await bob.close()


async def test_group_edit_delete_read_ticks_and_files(relay: RunningRelay, tmp_path: Path) -> None:
    from app.client.events import MessageDeleted, OutboxChanged, OutboxStatus, ReadStateChanged
    from tests.helpers.client import EventLog

    alice = await signed_up_client(relay.url, tmp_path, "alice")
    bob = await signed_up_client(relay.url, tmp_path, "bob")
    try:
        bob_id = (await alice.account.lookup_user("@Bob")).id
        group = await alice.chats.create_group("team", [bob_id])
        events = EventLog(alice)
        pending = await alice.chats.send_text(group, "first")
        sent = await events.wait_for(
            OutboxChanged,
            lambda e: e.status is OutboxStatus.SENT,  # type: ignore[attr-defined]
        )
        assert sent.random_id == pending.random_id  # type: ignore[attr-defined]
        message_id = sent.message_id  # type: ignore[attr-defined]

        async def bob_text() -> str | None:
            page = await bob.chats.history(group)
            return page[0].text if page else None

        await eventually(lambda: _eq(bob_text, "first"))
        assert (await bob.chats.chat(group)).title == "team"  # type: ignore[union-attr]
        assert (await bob.chats.chat(group)).unread_count == 1  # type: ignore[union-attr]

        await alice.chats.edit(group, message_id, "first (edited)")
        await eventually(lambda: _eq(bob_text, "first (edited)"))

        await bob.chats.mark_read(group, message_id)
        tick = await events.wait_for(ReadStateChanged, lambda e: e.others_read_max_id >= message_id)  # type: ignore[attr-defined]
        assert tick.chat_id == group  # type: ignore[attr-defined]
        await eventually(lambda: _eq(lambda: _unread(bob, group), 0))

        await alice.chats.delete(group, message_id)
        await events.wait_for(MessageDeleted)
        await eventually(lambda: _eq(bob_text, None))

        # a file: uploaded as a blob first, then downloaded and verified on the other side
        photo = tmp_path / "cat.png"
        photo.write_bytes(b"\x89PNG fake image bytes" * 100)
        await alice.chats.send_file(group, photo, "a cat")
        await eventually(lambda: _eq(bob_text, "a cat"))
        got = (await bob.chats.history(group))[0].attachment
        assert got is not None and got.kind == "photo" and got.size == photo.stat().st_size
        path = await bob.blobs.download(got.sha256)
        assert path.read_bytes() == photo.read_bytes()

        # too long: refused before it reaches the outbox
        from app.client.outbox import OutboxError

        try:
            await alice.chats.send_text(group, "x" * 5000)
        except OutboxError as exc:
            assert exc.code == "message_too_long"
        else:
            raise AssertionError("expected OutboxError")
        # forbidden on the relay: the entry is marked failed with the reason
        await bob.chats.leave(group)
        await eventually(lambda: _eq(lambda: _chat_ids(bob), []))
        assert await bob.outbox.wait_idle(5)
    finally:
        await alice.close()
        await bob.close()


async def _eq(get, expected) -> bool:  # type: ignore[no-untyped-def]
    return bool(await get() == expected)


async def _unread(app, chat_id: int) -> int:  # type: ignore[no-untyped-def]
    chat = await app.chats.chat(chat_id)
    return int(chat.unread_count)


async def _chat_ids(app) -> list[int]:  # type: ignore[no-untyped-def]
    return [i.chat.id for i in await app.chats.chat_list()]


async def test_send_to_unknown_chat_fails_permanently(relay: RunningRelay, tmp_path: Path) -> None:
    from app.client.events import OutboxChanged, OutboxStatus
    from tests.helpers.client import EventLog

    alice = await signed_up_client(relay.url, tmp_path, "alice")
    try:
        events = EventLog(alice)
        item = await alice.chats.send_text(424242, "into the void")
        failed = await events.wait_for(
            OutboxChanged,
            lambda e: e.status is OutboxStatus.FAILED,  # type: ignore[attr-defined]
        )
        assert failed.error in ("unknown_chat", "forbidden")  # type: ignore[attr-defined]
        unsent = await alice.chats.unsent(424242)
        assert [(u.random_id, u.failed) for u in unsent] == [(item.random_id, failed.error)]  # type: ignore[attr-defined]
        await alice.chats.discard_unsent(item.random_id)
        assert await alice.chats.unsent(424242) == []
    finally:
        await alice.close()
