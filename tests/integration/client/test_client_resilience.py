"""Exactly-once delivery and self-healing sync across drops, crashes and relay restarts."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.client.events import ConnectionState, SignedOut
from app.client.local import OutgoingMessage
from app.services.session import ClientApp
from tests.helpers.client import EventLog, eventually, open_client, signed_up_client
from tests.helpers.relay import RunningRelay


async def state_of(app: ClientApp) -> dict[int, tuple[object, ...]]:
    """Chats with their read marks, counters and every message: what the user sees."""
    out: dict[int, tuple[object, ...]] = {}
    for item in await app.chats.chat_list():
        await app.chats.history(item.chat.id, limit=1000)  # older pages load lazily
    for item in await app.chats.chat_list():
        c = item.chat
        msgs = await app.chats.history(c.id, limit=1000)
        out[c.id] = (
            c.kind,
            c.title,
            c.last_message_id,
            c.unread_count,
            c.read_inbox_max_id,
            c.read_outbox_max_id,
            tuple(sorted(m.user_id for m in await app.chats.members(c.id))),
            tuple(
                (m.id, m.sender_id, m.text, m.edit_date is not None, m.reply_to_id) for m in msgs
            ),
        )
    return out


async def texts(app: ClientApp, chat_id: int) -> list[str]:
    return [m.text for m in reversed(await app.chats.history(chat_id, limit=1000))]


async def test_offline_send_delivers_once_after_reconnect(
    relay: RunningRelay, tmp_path: Path
) -> None:
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    bob = await signed_up_client(relay.url, tmp_path, "bob")
    try:
        chat_id = await alice.chats.open_direct_chat("bob")
        relay.stop()
        assert await eventually_state(alice, ConnectionState.OFFLINE)
        for i in range(3):
            await alice.chats.send_text(chat_id, f"offline {i}")
        assert [o.text for o in await alice.chats.unsent(chat_id)] == [
            "offline 0",
            "offline 1",
            "offline 2",
        ]
        relay.start()
        assert await alice.wait_online(10) and await bob.wait_online(10)
        assert await alice.wait_idle(10)

        async def bob_got_all() -> bool:
            return await texts(bob, chat_id) == ["offline 0", "offline 1", "offline 2"]

        await eventually(bob_got_all)
        assert await alice.chats.unsent(chat_id) == []
        assert await texts(alice, chat_id) == ["offline 0", "offline 1", "offline 2"]
    finally:
        await alice.close()
        await bob.close()


async def eventually_state(app: ClientApp, state: ConnectionState) -> bool:
    async def check() -> bool:
        return app.connection.state is state

    await eventually(check, within=5)
    return True


async def test_crash_before_ack_is_delivered_exactly_once(
    relay: RunningRelay, tmp_path: Path
) -> None:
    bob = await signed_up_client(relay.url, tmp_path, "bob")
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    chat_id = await alice.chats.open_direct_chat("bob")
    # 1) the app dies with the message still in the outbox (relay unreachable)
    relay.stop()
    await eventually_state(alice, ConnectionState.OFFLINE)
    pending = await alice.chats.send_text(chat_id, "survives a crash")
    await alice.close()
    relay.start()
    alice = await open_client(None, tmp_path, "alice")
    try:
        assert await alice.wait_online(10)
        assert await alice.wait_idle(10)
        # 2) the relay applied it but the ack was lost: the same random_id is resent
        delivered = await alice.chats.history(chat_id)
        assert [m.random_id for m in delivered] == [pending.random_id]
        await alice.close()
        alice = await open_client(None, tmp_path, "alice")
        await alice.store.outbox_add(
            OutgoingMessage(
                random_id=pending.random_id, chat_id=chat_id, created=0.0, text="survives a crash"
            )
        )
        alice.outbox._kick()  # noqa: SLF001 - the store changed behind the outbox's back
        assert await alice.wait_online(10) and await alice.wait_idle(10)
        await bob.sync.wait_synced(5)
        for app in (alice, bob):
            assert await texts(app, chat_id) == ["survives a crash"]
        assert await alice.chats.unsent(chat_id) == []
    finally:
        await alice.close()
        await bob.close()


async def test_offline_client_catches_up_to_the_same_state(
    relay: RunningRelay, tmp_path: Path
) -> None:
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    bob = await signed_up_client(relay.url, tmp_path, "bob")
    carol = await signed_up_client(relay.url, tmp_path, "carol")
    try:
        group = await alice.chats.create_group("trip", [bob.me.id, carol.me.id])  # type: ignore[union-attr]
        direct = await alice.chats.open_direct_chat("bob")
        await alice.chats.send_text(group, "before")
        await alice.wait_idle(5)
        await eventually(lambda: has_text(bob, group, "before"))
        await bob.close()  # bob goes away; lots happens meanwhile
        for i in range(30):
            await alice.chats.send_text(group, f"g{i}")
            await carol.chats.send_text(group, f"c{i}")
        await alice.chats.send_text(direct, "while you were out")
        await alice.wait_idle(10)
        await carol.wait_idle(10)
        hist = [
            m for m in await alice.chats.history(group, limit=1000) if m.sender_id == alice.me.id
        ]  # type: ignore[union-attr]
        await alice.chats.edit(group, hist[0].id, "edited")
        await alice.chats.delete(group, hist[1].id)
        await alice.chats.rename_group(group, "trip 2026")
        await carol.sync.wait_synced(5)
        await carol.chats.mark_read(group, hist[0].id)
        await alice.sync.wait_synced(5)
        bob = await open_client(None, tmp_path, "bob")
        assert await bob.wait_online(10) and await bob.sync.wait_synced(10)
        await carol.sync.wait_synced(5)
        bob_state, carol_state = await state_of(bob), await state_of(carol)
        assert bob_state[group][1] == "trip 2026"
        # same chat, members, messages, edits, deletes (read marks are per viewer)
        assert shared(bob_state[group]) == shared(carol_state[group])
        assert len(bob_state[group][-1]) == 60  # type: ignore[arg-type]
        assert await texts(bob, direct) == ["while you were out"]
        assert (await bob.chats.chat(direct)).unread_count == 1  # type: ignore[union-attr]
        # a brand-new profile of bob's account starts from a snapshot and agrees too
        fresh = await open_client(relay.url, tmp_path / "second-device", "bob")
        try:
            await fresh.account.sign_in("bob", "correct horse battery")
            assert await fresh.sync.wait_synced(10)
            # before any older page is loaded, the unread count already covers all history
            bob_group = await bob.chats.chat(group)
            fresh_group = await fresh.chats.chat(group)
            assert bob_group is not None and fresh_group is not None
            assert fresh_group.unread_count == bob_group.unread_count > 50
            fresh_state = await state_of(fresh)
            assert fresh_state == await state_of(bob)  # identical, read marks included
        finally:
            await fresh.close()
    finally:
        for app in (alice, bob, carol):
            await app.close()


def shared(chat_state: tuple[object, ...]) -> tuple[object, ...]:
    return chat_state[:3] + chat_state[6:]


async def has_text(app: ClientApp, chat_id: int, text: str) -> bool:
    return text in await texts(app, chat_id)


async def test_revoked_session_fails_auth_without_retrying(
    relay: RunningRelay, tmp_path: Path
) -> None:
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    other = await open_client(relay.url, tmp_path / "laptop", "alice")
    try:
        await other.account.sign_in("alice", "correct horse battery")
        events = EventLog(alice)
        sessions = await other.account.sessions()
        victim = next(s for s in sessions if not s.current)
        await other.account.revoke_session(victim.id)
        signed_out = await events.wait_for(SignedOut, within=10)
        assert signed_out.reason.startswith("token_")  # type: ignore[attr-defined]
        assert alice.connection.state is ConnectionState.AUTH_FAILED
        connects = len(
            [e for e in events.events if getattr(e, "state", None) is ConnectionState.CONNECTING]
        )
        await asyncio.sleep(0.5)
        assert (
            len(
                [
                    e
                    for e in events.events
                    if getattr(e, "state", None) is ConnectionState.CONNECTING
                ]
            )
            == connects
        )
        assert not alice.connection.online
    finally:
        await alice.close()
        await other.close()


async def test_relay_restart_reconnects_and_resyncs(relay: RunningRelay, tmp_path: Path) -> None:
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    bob = await signed_up_client(relay.url, tmp_path, "bob")
    try:
        chat_id = await alice.chats.open_direct_chat("bob")
        await alice.chats.send_text(chat_id, "one")
        await eventually(lambda: has_text(bob, chat_id, "one"))
        relay.restart(hard=True)
        assert await alice.wait_online(10) and await bob.wait_online(10)
        await alice.chats.send_text(chat_id, "two")
        await eventually(lambda: has_text(bob, chat_id, "two"))
        await bob.chats.send_text(chat_id, "three")
        await eventually(lambda: has_text(alice, chat_id, "three"))
        assert await texts(bob, chat_id) == ["one", "two", "three"]
    finally:
        await alice.close()
        await bob.close()
