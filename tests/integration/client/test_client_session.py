"""``ClientApp`` life cycle against a real relay: subscribe before connecting, the key in
the OS keychain, chat flags, and a session the relay ends."""

from __future__ import annotations

from pathlib import Path

from app.client.events import (
    ChatsChanged,
    ConnectionState,
    ConnectionStateChanged,
    SignedOut,
)
from app.services.session import ClientApp
from tests.helpers.client import (
    FAST_CONFIG,
    PASSCODE,
    PASSWORD,
    EventLog,
    memory_keyring,
    no_keyring,
    open_client,
    profile_dir,
    signed_up_client,
)
from tests.helpers.relay import RunningRelay


async def test_subscribers_attach_before_the_connection_starts(
    relay: RunningRelay, tmp_path: Path
) -> None:
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    await alice.close()
    app = await open_client(None, tmp_path, "alice", start=False)
    try:
        assert not app.started and app.connection.state is ConnectionState.OFFLINE
        events = EventLog(app)
        app.start()
        app.start()  # once only
        assert await app.wait_online(5)
        states = [e.state for e in events.of(ConnectionStateChanged)]  # type: ignore[attr-defined]
        assert states[:2] == [ConnectionState.CONNECTING, ConnectionState.ONLINE]
    finally:
        await app.close()


async def test_pin_and_mute_publish_chats_changed(relay: RunningRelay, tmp_path: Path) -> None:
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    bob = await signed_up_client(relay.url, tmp_path, "bob")
    try:
        await alice.chats.open_direct_chat("bob")
        await alice.chats.create_group("Later", [])
        events = EventLog(alice)
        # pin whichever chat the list shows last: it moves to the top
        last = (await alice.chats.chat_list())[-1].chat.id
        await alice.chats.set_pinned(last, True)
        await events.wait_for(ChatsChanged, lambda e: e.chat_ids == (last,))
        items = await alice.chats.chat_list()
        assert items[0].chat.id == last and items[0].chat.pinned
        await alice.chats.set_muted(last, True)
        await events.wait_for(ChatsChanged, lambda e: e.chat_ids == (last,))
        chat = await alice.chats.chat(last)
        assert chat is not None and chat.muted and chat.pinned
        await alice.chats.set_pinned(last, False)
        await alice.chats.set_muted(last, False)
        chat = await alice.chats.chat(last)
        assert chat is not None and not chat.muted and not chat.pinned
        assert len(events.of(ChatsChanged)) >= 4
    finally:
        await alice.close()
        await bob.close()


async def test_keychain_opens_without_the_passcode(relay: RunningRelay, tmp_path: Path) -> None:
    with memory_keyring() as ring:
        assert ClientApp.keychain_available()
        alice = await signed_up_client(relay.url, tmp_path, "alice")
        assert await alice.remember_on_device(True)
        assert await alice.remembered_on_device()
        await alice.close()

        app = await ClientApp.open_with_keychain(profile_dir(tmp_path, "alice"), config=FAST_CONFIG)
        assert app is not None
        try:
            assert await app.wait_online(5)
            assert app.me is not None and app.me.username == "alice"
            # a new passcode re-keys the store: the remembered key follows it
            await app.change_passcode(PASSCODE, "another passcode")
            assert await app.remembered_on_device()
        finally:
            await app.close()
        app = await ClientApp.open_with_keychain(profile_dir(tmp_path, "alice"), config=FAST_CONFIG)
        assert app is not None
        await app.remember_on_device(False)
        await app.close()
        assert not ring.entries  # type: ignore[attr-defined]
        assert (
            await ClientApp.open_with_keychain(profile_dir(tmp_path, "alice"), config=FAST_CONFIG)
            is None
        )


async def test_stale_keychain_key_is_forgotten(relay: RunningRelay, tmp_path: Path) -> None:
    with memory_keyring() as ring:
        alice = await signed_up_client(relay.url, tmp_path, "alice")
        await alice.remember_on_device(True)
        await alice.close()
        ring.entries = {k: "00" * 32 for k in ring.entries}  # type: ignore[attr-defined]
        app = await ClientApp.open_with_keychain(profile_dir(tmp_path, "alice"), config=FAST_CONFIG)
        assert app is None
        assert not ring.entries  # type: ignore[attr-defined]


async def test_without_a_keychain_the_passcode_is_needed(
    relay: RunningRelay, tmp_path: Path
) -> None:
    with no_keyring():
        assert not ClientApp.keychain_available()
        alice = await ClientApp.open(
            profile_dir(tmp_path, "alice"), PASSCODE, relay.url, config=FAST_CONFIG, remember=True
        )
        assert not await alice.remembered_on_device()
        await alice.close()
        assert (
            await ClientApp.open_with_keychain(profile_dir(tmp_path, "alice"), config=FAST_CONFIG)
            is None
        )


async def test_revoked_session_forgets_the_token_and_keeps_history(
    relay: RunningRelay, tmp_path: Path
) -> None:
    alice = await signed_up_client(relay.url, tmp_path, "alice")
    bob = await signed_up_client(relay.url, tmp_path, "bob")
    laptop = await open_client(relay.url, tmp_path / "laptop", "alice")
    try:
        chat = await alice.chats.open_direct_chat("bob")
        await alice.chats.send_text(chat, "before the revoke")
        assert await alice.wait_idle(5)
        await laptop.account.sign_in("alice", PASSWORD)
        events = EventLog(alice)
        victim = next(s for s in await laptop.account.sessions() if not s.current)
        await laptop.account.revoke_session(victim.id)
        signed_out = await events.wait_for(SignedOut, within=10)
        assert signed_out.reason == "token_revoked"  # type: ignore[attr-defined]
        # SignedOut comes after the token is gone from the store and the connection
        assert alice.connection.token is None and not alice.account.signed_in
        account = await alice.astore.account()
        assert account is not None and account.session_token is None
        await alice.close()

        # Restart: no dead token offered; history is still there; sign in again works.
        alice = await open_client(None, tmp_path, "alice", start=False)
        log = EventLog(alice)
        alice.start()
        assert alice.connection.token is None
        assert [m.text for m in await alice.chats.history(chat)] == ["before the revoke"]
        user = await alice.account.sign_in("alice", PASSWORD)
        assert user.username == "alice" and await alice.wait_online(5)
        assert not log.of(SignedOut)
        await alice.chats.send_text(chat, "after signing in again")
        assert await alice.wait_idle(5)
    finally:
        await alice.close()
        await bob.close()
        await laptop.close()
