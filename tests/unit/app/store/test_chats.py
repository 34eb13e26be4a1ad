"""Chat list order, unread counts, read marks, drafts, flags, members and users."""

from __future__ import annotations

from app.store import Account, Chat, ChatMember, Store, User

from .conftest import ME, group, msg


def sign_in(store: Store) -> None:
    store.set_account(
        Account(relay_url="wss://relay.example", user_id=ME, username="me", session_token="t")
    )


def test_chat_list_order_and_preview(store: Store) -> None:
    sign_in(store)
    store.upsert_chats([group(10), group(20), group(30), group(40)])
    store.save_messages([msg(1, 10, date=100.0), msg(2, 20, date=300.0), msg(3, 30, date=200.0)])
    items = store.chat_list()
    assert [i.chat.id for i in items] == [20, 30, 10, 40]
    assert items[0].last_message is not None and items[0].last_message.id == 2
    assert items[-1].last_message is None
    assert store.set_chat_flags(10, pinned=True)
    assert [i.chat.id for i in store.chat_list()] == [10, 20, 30, 40]
    store.save_messages([msg(4, 30, date=400.0)])
    assert [i.chat.id for i in store.chat_list()] == [10, 30, 20, 40]
    assert [i.chat.id for i in store.chat_list(limit=2)] == [10, 30]


def test_unread_counts_and_mark_read(store: Store) -> None:
    sign_in(store)
    store.upsert_chats([group(10)])
    store.save_messages([msg(i) for i in range(1, 6)])
    store.save_messages([msg(6, sender_id=ME)])  # my own message is never unread
    chat = store.chat(10)
    assert chat is not None and chat.unread_count == 5 and chat.last_message_id == 6
    assert store.mark_read(10, 3)
    assert store.chat(10).unread_count == 2  # type: ignore[union-attr]
    assert store.mark_read(10, 1)  # never moves back
    chat = store.chat(10)
    assert chat is not None and chat.read_inbox_max_id == 3 and chat.unread_count == 2
    store.save_messages([msg(2), msg(7)])  # 2 is old and already read; 7 is new
    assert store.chat(10).unread_count == 3  # type: ignore[union-attr]
    store.delete_messages([7])
    chat = store.chat(10)
    assert chat is not None and chat.unread_count == 2 and chat.last_message_id == 6
    assert store.mark_read(10, 6)
    assert store.chat(10).unread_count == 0  # type: ignore[union-attr]
    assert store.chat_list()[0].chat.unread_count == 0


def test_peer_read_tick(store: Store) -> None:
    store.upsert_chats([Chat(id=10, kind="direct", peer_id=2)])
    assert store.set_peer_read(10, 5) and store.set_peer_read(10, 4)
    assert store.chat(10).read_outbox_max_id == 5  # type: ignore[union-attr]


def test_upsert_chat_keeps_local_state(store: Store) -> None:
    store.upsert_chats([group(10, title="Old", updated=10.0)])
    store.save_messages([msg(1, date=50.0)])
    store.set_draft(10, "half-written")
    store.set_chat_flags(10, pinned=True, muted=True)
    store.upsert_chats([group(10, title="New", updated=5.0, my_role="admin")])
    chat = store.chat(10)
    assert chat is not None
    assert (chat.title, chat.my_role, chat.draft, chat.pinned, chat.muted) == (
        "New",
        "admin",
        "half-written",
        True,
        True,
    )
    assert chat.updated == 50.0 and chat.last_message_id == 1 and chat.unread_count == 1
    store.set_chat_flags(10, muted=False)
    chat = store.chat(10)
    assert chat is not None and chat.pinned and not chat.muted
    store.set_draft(10, "")
    assert store.chat(10).draft == ""  # type: ignore[union-attr]


def test_members(store: Store) -> None:
    store.upsert_chats([group(10)])
    store.upsert_members([ChatMember(chat_id=10, user_id=u) for u in (3, 1, 2)])
    store.upsert_members([ChatMember(chat_id=10, user_id=2, role="admin")])
    assert [(m.user_id, m.role) for m in store.members(10)] == [
        (1, "member"),
        (2, "admin"),
        (3, "member"),
    ]
    assert store.remove_member(10, 3) and not store.remove_member(10, 3)
    store.set_members(10, [ChatMember(chat_id=10, user_id=9, role="owner")])
    assert [(m.user_id, m.role) for m in store.members(10)] == [(9, "owner")]


def test_users(store: Store) -> None:
    store.upsert_users([User(id=2, username="amina", display_name="Amina", updated=10.0)])
    store.upsert_users([User(id=2, username="stale", updated=5.0), User(id=3, username="omar")])
    assert store.user(2) == User(id=2, username="amina", display_name="Amina", updated=10.0)
    assert set(store.users([2, 3, 4])) == {2, 3}


def test_relay_unread_count_for_a_new_device(store: Store) -> None:
    from app.store import UnreadCount

    store.set_account(Account(relay_url="wss://r", user_id=ME, username="me"))
    # The relay counts 120 unread (ids 881..1000); this device fetched only 981..1000.
    store.save_messages([msg(i) for i in range(981, 1001)])
    chat = group(10, read_inbox_max_id=880)
    store.upsert_chats([chat], unread={10: UnreadCount(count=120, up_to_id=1000)})
    assert store.chat(10).unread_count == 120  # type: ignore[union-attr]
    store.save_messages([msg(1001), msg(1002, sender_id=ME)])
    assert store.chat(10).unread_count == 121  # type: ignore[union-attr]
    store.save_messages([msg(i) for i in range(900, 981)])  # history: already counted
    assert store.chat(10).unread_count == 121  # type: ignore[union-attr]
    store.delete_messages([1001])
    assert store.chat(10).unread_count == 120  # type: ignore[union-attr]
    store.upsert_chats([chat])  # a plain update keeps the relay's count
    assert store.chat(10).unread_count == 120  # type: ignore[union-attr]
    store.mark_read(10, 885)  # below what is stored here: shrink by what I can see
    assert store.chat(10).unread_count == 120  # type: ignore[union-attr]
    store.mark_read(10, 990)  # everything after 900 is stored: count locally
    assert store.chat(10).unread_count == 10  # type: ignore[union-attr]
    store.mark_read(10, 1002)
    assert store.chat(10).unread_count == 0  # type: ignore[union-attr]


def test_relay_unread_count_used_up_by_reading(store: Store) -> None:
    from app.store import UnreadCount

    store.set_account(Account(relay_url="wss://r", user_id=ME, username="me"))
    store.save_messages([msg(i) for i in range(95, 101)])
    store.upsert_chats(
        [group(10, read_inbox_max_id=40)], unread={10: UnreadCount(count=60, up_to_id=100)}
    )
    assert store.chat(10).unread_count == 60  # type: ignore[union-attr]
    store.delete_messages([96, 97])
    assert store.chat(10).unread_count == 58  # type: ignore[union-attr]
    store.mark_read(10, 100)
    store.save_messages([msg(101)])
    assert store.chat(10).unread_count == 1  # type: ignore[union-attr]
