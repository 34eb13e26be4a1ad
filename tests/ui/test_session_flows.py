"""The app around the session: the keychain offer on the passcode screens, opening from the
keychain, pin/mute through the core, and the relay ending the session."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.client import PASSWORD, memory_keyring, no_keyring, signed_up_client
from tests.helpers.relay import start_relay
from tests.ui.util import SignalRecorder, _controller, sign_up, signal_wait, until


def test_no_keychain_hides_remember(tmp_path: Path, arun) -> None:
    relay = start_relay(tmp_path, fast_password_hashing=True)
    first = _controller(tmp_path, "dina", language="en")

    async def body() -> None:
        with no_keyring():
            first.start()
            assert first.auth_window.account_page.remember.isHidden()
            await sign_up(first, relay.url, "dina", "Dina")
            await first.aclose()
            again = _controller(tmp_path, "dina")
            try:
                again.start()  # no keychain: straight to the passcode
                page = again.auth_window.unlock_page
                assert again.auth_window.stack.currentWidget() is page
                assert page.remember.isHidden()
            finally:
                await again.aclose()

    try:
        arun(body())
    finally:
        relay.stop()


def test_remembered_key_opens_without_passcode(tmp_path: Path, arun) -> None:
    relay = start_relay(tmp_path, fast_password_hashing=True)
    first = _controller(tmp_path, "emad", language="en")

    async def body() -> None:
        with memory_keyring() as ring:
            first.start()
            account = first.auth_window.account_page
            assert not account.remember.isHidden()
            account.remember.setChecked(True)
            await sign_up(first, relay.url, "emad", "Emad")
            assert ring.entries  # type: ignore[attr-defined]
            await first.aclose()

            again = _controller(tmp_path, "emad")
            try:
                again.start()
                (w,) = await signal_wait(again.main_window_shown, 60)
                assert again.auth_window is None  # never asked for the passcode
                await until(lambda: again.client.connection.online, what="online")
                assert w.session.me_username == "emad"
            finally:
                await again.aclose()

            ring.entries.clear()  # type: ignore[attr-defined]
            third = _controller(tmp_path, "emad")
            try:
                third.start()
                (page,) = await signal_wait(third.auth_shown, 60)
                assert page == "unlock"
                assert not third.auth_window.unlock_page.remember.isHidden()
            finally:
                await third.aclose()

    try:
        arun(body())
    finally:
        relay.stop()


def test_pin_and_mute_from_the_chat_list(tmp_path: Path, arun) -> None:
    relay = start_relay(tmp_path, fast_password_hashing=True)
    a = _controller(tmp_path, "fadi", language="en")

    async def body() -> None:
        w = await sign_up(a, relay.url, "fadi", "Fadi")
        bob = await signed_up_client(relay.url, tmp_path / "others", "bob")
        try:
            await a.session.open_direct("bob")
            await a.session.create_group("Plans", [])
            await until(lambda: w.chat_model.rowCount() == 2, what="two chats")
            last = w.chat_model.rows()[-1].chat_id
            w.set_pinned(last, True)
            await until(
                lambda: [r.chat_id for r in w.chat_model.rows()][:1] == [last],
                what="pinned chat on top",
            )
            assert w.chat_model.get(last).pinned
            w.set_muted(last, True)
            await until(lambda: w.chat_model.get(last).muted, what="muted")
        finally:
            await bob.close()

    try:
        arun(body())
    finally:
        arun(a.aclose())
        relay.stop()


def test_revoked_session_returns_to_sign_in(tmp_path: Path, arun) -> None:
    relay = start_relay(tmp_path, fast_password_hashing=True)
    a = _controller(tmp_path, "ghada", language="en")

    async def body() -> None:
        w = await sign_up(a, relay.url, "ghada", "Ghada")
        chat = await a.session.create_group("Notes", [])
        w.select_chat(chat)
        w.composer.set_text("kept locally")
        w.composer.submit()
        assert await a.client.wait_idle(5)
        laptop = await signed_up_client_as_second_device(relay.url, tmp_path)
        try:
            victim = next(s for s in await laptop.account.sessions() if not s.current)
            # Listen first: the relay may end ghada's session, and the UI show the sign-in
            # page, before the laptop's revoke request even returns.
            auth_shown = SignalRecorder(a.auth_shown)
            try:
                await laptop.account.revoke_session(victim.id)
                (page,) = await auth_shown.next(60, "sign-in page after the revoke")
            finally:
                auth_shown.close()
            assert page == "account"
            account = a.auth_window.account_page
            assert account.mode == "sign_in"
            assert account.username.text() == "ghada"
            assert account.relay.isReadOnly() and account.passcode.isHidden()
            assert "signed out" in account.error.text()
            assert a.main_window is None
            stored = await a.client.astore.account()
            assert stored is not None and stored.session_token is None
            # sign in again: same profile, history kept
            account.password.setText(PASSWORD)
            account.button.click()
            assert account.relay.text() == relay.url
            (w2,) = await signal_wait(a.main_window_shown, 60)
            w2.select_chat(chat)
            await until(lambda: w2.message_model.rowCount() >= 1, what="history kept")
        finally:
            await laptop.close()

    try:
        arun(body())
    finally:
        arun(a.aclose())
        relay.stop()


async def signed_up_client_as_second_device(relay_url: str, tmp_path: Path):  # noqa: ANN201
    """ghada's account signed in on another computer (which then revokes the first)."""
    from tests.helpers.client import open_client

    laptop = await open_client(relay_url, tmp_path / "laptop", "ghada")
    try:
        await laptop.account.sign_in("ghada", PASSWORD)
    except BaseException:
        await laptop.close()
        raise
    return laptop
