"""Qt models: qtmodeltester, lazy loading and ordering."""

from __future__ import annotations

from tests.helpers.ui_fakes import FakeMessageSource
from tests.ui.util import until
from ui.models.chat_list import ChatFilterModel, ChatListModel, ChatRow
from ui.models.messages import MessageListModel, MessageRoles


def _rows() -> list[ChatRow]:
    return [
        ChatRow(
            chat_id=1, kind="direct", title="Amira", avatar_key=5, preview="hi", date=100, unread=2
        ),
        ChatRow(
            chat_id=2,
            kind="group",
            title="Team",
            avatar_key=2,
            preview="ok",
            date=300,
            muted=True,
            unread=4,
        ),
        ChatRow(
            chat_id=3,
            kind="direct",
            title="سارة",
            avatar_key=7,
            preview="مرحبا",
            date=50,
            pinned=True,
        ),
    ]


def test_chat_list_model(qtmodeltester) -> None:
    model = ChatListModel()
    model.set_rows(_rows())
    qtmodeltester.check(model)
    assert [r.chat_id for r in model.rows()] == [3, 2, 1]  # pinned first, then newest
    model.upsert(
        ChatRow(chat_id=1, kind="direct", title="Amira", avatar_key=5, preview="new", date=400)
    )
    assert [r.chat_id for r in model.rows()] == [3, 1, 2]
    assert model.total_unread() == 0 + 0  # chat 1 now read, chat 2 muted
    model.patch(2, typing="x is typing…")
    assert model.get(2).typing
    model.remove(3)
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_chat_filter(qtmodeltester) -> None:
    model = ChatListModel()
    model.set_rows(_rows())
    proxy = ChatFilterModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_filter("team")
    assert proxy.rowCount() == 1
    proxy.set_filter("سارة")
    assert proxy.rowCount() == 1
    proxy.set_filter("")
    assert proxy.rowCount() == 3


def test_message_model_lazy_100k(qtmodeltester, arun) -> None:
    source = FakeMessageSource(100_000)
    model = MessageListModel(source)

    async def body() -> None:
        await model.open(1, is_group=True)
        assert model.rowCount() == 200  # only the newest page
        assert model.key_at(model.rowCount() - 1) == 100_000
        qtmodeltester.check(model)
        model.load_older()
        await until(lambda: model.rowCount() == 400, what="older page")
        assert model.key_at(0) == 99_601
        # rows not in the cache are fetched in a batch on first access
        await until(
            lambda: model.data(model.index(0, 0), MessageRoles.ITEM) is not None, what="lazy batch"
        )
        assert model.data(model.index(0, 0), MessageRoles.SHOW_SENDER) is True
        await model.aclose()

    arun(body())
