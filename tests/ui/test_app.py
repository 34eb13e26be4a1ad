"""The app end to end against a real relay subprocess and real encrypted stores."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.helpers.client import PASSCODE
from tests.helpers.relay import start_relay
from tests.ui.util import _controller, _item, _texts, sign_up, signal_wait, until
from ui.models.messages import MessageRoles


def test_two_clients_chat(tmp_path: Path, arun) -> None:
    relay = start_relay(tmp_path, fast_password_hashing=True)
    a = _controller(tmp_path, "alice", language="en")
    b = _controller(tmp_path, "bob")

    async def body() -> None:
        wa = await sign_up(a, relay.url, "alice", "Alice Adams")
        wb = await sign_up(b, relay.url, "bob", "Bob Brown")
        # Alice starts a chat with @bob from the new-chat dialog
        wa.new_chat()
        from ui.dialogs.new_chat import NewChatDialog

        dlg = wa.findChild(NewChatDialog)
        dlg.username.setText("bob")
        dlg.ok.click()
        await until(lambda: wa.current_chat is not None, what="chat opened")
        assert wa.header.title.text() == "Bob Brown"
        assert wa.header.video_button.isVisibleTo(wa) and wa.header.audio_button.isVisibleTo(wa)
        calls = []
        wa.call_requested.connect(lambda cid, video: calls.append((cid, video)))
        wa.header.video_button.click()
        assert calls == [(wa.current_chat, True)]
        chat_id = wa.current_chat

        wa.composer.set_text("Hello Bob! مرحبا")
        wa.composer.submit()
        await until(lambda: "Hello Bob! مرحبا" in _texts(wa), what="own message shown")
        # Bob gets the chat and the message
        await until(lambda: wb.chat_model.get(chat_id) is not None, what="bob has chat")
        row = wb.chat_model.get(chat_id)
        await until(
            lambda: wb.chat_model.get(chat_id).preview == "Hello Bob! مرحبا", what="preview"
        )
        await until(lambda: wb.chat_model.get(chat_id).title == "Alice Adams", what="peer name")
        _ = row
        wb.select_chat(chat_id)
        await until(lambda: "Hello Bob! مرحبا" in _texts(wb), what="bob sees message")
        # Bob replies; Alice sees it and her message becomes "read"
        mid = _item(wb, "Hello Bob! مرحبا").key
        wb._reply(mid)
        wb.composer.set_text("Hi Alice")
        wb.composer.submit()
        await until(lambda: "Hi Alice" in _texts(wa), what="alice sees reply")
        assert _item(wa, "Hi Alice").reply_text == "Hello Bob! مرحبا"
        await until(
            lambda: getattr(_item(wa, "Hello Bob! مرحبا"), "delivery", "") == "read",
            what="read tick",
        )
        # edit and delete are reflected on the other side
        wa._edit(mid, "Hello Bob (edited)")
        await until(lambda: _item(wb, "Hello Bob (edited)") is not None, what="edit")
        assert _item(wb, "Hello Bob (edited)").edited
        reply_key = _item(wa, "Hi Alice").key
        await b.session.delete(chat_id, reply_key, None)
        await until(lambda: "Hi Alice" not in _texts(wa), what="delete reflected")

        # group
        wa.new_group()
        from ui.dialogs.new_chat import NewGroupDialog

        g = wa.findChild(NewGroupDialog)
        g.title.setText("Weekend plans")
        g.members.setText("bob")
        g.ok.click()
        await until(lambda: wa.current_chat not in (None, chat_id), what="group opened")
        group_id = wa.current_chat
        assert not wa.header.video_button.isVisibleTo(wa)
        wa.composer.set_text("Group hello")
        wa.composer.submit()
        await until(
            lambda: (
                wb.chat_model.get(group_id) is not None
                and wb.chat_model.get(group_id).preview == "Group hello"
            ),
            what="group msg",
        )
        wb.select_chat(group_id)
        await until(lambda: "Group hello" in _texts(wb), what="group in view")
        m = wb.message_model
        assert m.data(m.index(m.row_of(_item(wb, "Group hello").key), 0), MessageRoles.SHOW_SENDER)

        # offline send, then reconnect delivers
        relay.stop()
        await until(lambda: not a.client.connection.online, what="offline")
        await until(lambda: wa.banner.isVisibleTo(wa), what="banner")
        wa.composer.set_text("sent while offline")
        wa.composer.submit()
        await until(lambda: _item(wa, "sent while offline") is not None, what="pending row")
        assert _item(wa, "sent while offline").delivery == "pending"
        relay.start()
        try:
            await until(
                lambda: "sent while offline" in _texts(wb),
                within=30,
                what="delivered after reconnect",
            )
        except TimeoutError:
            print(
                "DEBUG2",
                _texts(wa),
                _texts(wb),
                a.client.connection.online,
                b.client.connection.online,
                wb.current_chat,
                group_id,
                await a.session.pending(group_id),
                [m.text for m in await b.client.chats.history(group_id)],
            )
            raise
        try:
            await until(
                lambda: (
                    getattr(_item(wa, "sent while offline"), "delivery", "") in ("sent", "read")
                ),
                what="sent tick",
            )
        except TimeoutError:
            hist = await a.client.chats.history(group_id)
            print(
                "DEBUGY", await a.client.store.call(lambda s: s.messages_by_ids([1, 2, 3, 4, 5, 6]))
            )
            print(
                "DEBUGX",
                await a.client.store.call(lambda s: s.message_ids(group_id)),
                await a.client.store.call(lambda s: s.outbox()),
                [(m.id, m.text) for m in await b.client.chats.history(group_id)],
            )
            print(
                "DEBUG0",
                [(m.id, m.text, m.random_id) for m in hist],
                await a.session.items(group_id, [m.id for m in hist]),
            )
            print(
                "DEBUG",
                _texts(wa),
                wa.message_model._ids,
                wa.message_model._pending,
                await a.session.pending(group_id),
            )
            raise

    try:
        arun(body())  # its 90 s leave the per-test 120 s room to close clients and relay
    finally:
        arun(a.aclose())
        arun(b.aclose())
        relay.stop()


def test_unlock_and_arabic(tmp_path: Path, arun) -> None:
    relay = start_relay(tmp_path, fast_password_hashing=True)
    first = _controller(tmp_path, "carol", language="en")

    async def body() -> None:
        await sign_up(first, relay.url, "carol", "Carol")
        await first.aclose()
        again = _controller(tmp_path, "carol")
        try:
            again.start()
            page = again.auth_window.unlock_page
            assert again.auth_window.stack.currentWidget() is page
            page.passcode.setText("wrong passcode")
            page.button.click()
            await until(lambda: page.error.isVisibleTo(page), what="wrong passcode error")
            assert "Wrong passcode" in page.error.text()
            assert page.button.isEnabled()
            page.passcode.setText(PASSCODE)
            page.button.click()
            (w,) = await signal_wait(again.main_window_shown, 60)
            assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
            again.preferences.set_language("ar")
            (w2,) = await signal_wait(again.main_window_shown, 60)
            assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
            assert w2.layoutDirection() == Qt.LayoutDirection.RightToLeft
            assert w2.composer.layoutDirection() == Qt.LayoutDirection.RightToLeft
            assert w2.filter_box.placeholderText() != "Search chats"  # translated
            again.preferences.set_language("en")
            await signal_wait(again.main_window_shown, 60)
            assert QGuiApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        finally:
            await again.aclose()

    try:
        arun(body(), timeout=90)
    finally:
        relay.stop()
