"""Saving batches, history paging, id lists for lazy models, edits and deletes."""

from __future__ import annotations

import pytest

from app.store import Attachment, Forward, Store

from .conftest import group, msg


@pytest.fixture
def chat_store(store: Store) -> Store:
    store.upsert_chats([group(10), group(20)])
    return store


def test_save_batch_and_reapply_is_harmless(chat_store: Store) -> None:
    batch = [msg(i, chat_id=10 if i % 2 else 20) for i in range(1, 501)]
    assert chat_store.save_messages(batch) == 500
    assert chat_store.save_messages(batch) == 0
    assert chat_store.save_messages(batch[:10] + batch[:10]) == 0
    assert chat_store.message_count(10) == chat_store.message_count(20) == 250
    assert chat_store.save_messages([]) == 0
    # duplicates inside one new batch count once
    assert chat_store.save_messages([msg(1000), msg(1000)]) == 1


def test_round_trip_all_fields(chat_store: Store) -> None:
    m = msg(
        5,
        text="look",
        reply_to_id=3,
        forward=Forward(from_user_id=7, from_name="Amina", from_chat_id=99, date=1.5),
        attachment=Attachment(
            sha256="ab" * 32, size=1234, mime="image/jpeg", kind="photo", width=640, height=480
        ),
        random_id=2**62,
        date=1700000000.25,
    )
    chat_store.save_messages([m])
    assert chat_store.message(5) == m


def test_batch_mixing_optional_fields(chat_store: Store) -> None:
    """Rows are written by one statement per set of non-NULL columns; every shape,
    repeated ids and upserts that clear a field must still land as given."""
    photo = Attachment(sha256="cd" * 32, size=9, mime="image/png", kind="photo")
    fwd = Forward(from_user_id=7, from_name="Amina")
    first = [
        msg(1),
        msg(2, reply_to_id=1),
        msg(3, attachment=photo, random_id=-5),
        msg(4, forward=fwd, edit_date=2.0),
        msg(5, deleted=True, random_id=6),
        msg(6, text="first copy", reply_to_id=2, attachment=photo),
        msg(6, text="second copy", edit_date=3.0),  # same id later in the batch wins
        msg(7),
    ]
    assert chat_store.save_messages(first) == 6  # 5 is a tombstone, 6 counted once
    got = chat_store.messages_by_ids(range(1, 8))
    for m in first[:4] + first[7:]:
        assert got[m.id] == m
    assert (got[5].deleted, got[5].text, got[5].random_id) == (True, "", 6)
    assert got[6] == msg(6, text="second copy", edit_date=3.0)
    # A newer edit drops the attachment and reply; the random id is kept once set.
    chat_store.save_messages([msg(3, text="caption gone", edit_date=4.0), msg(2)])
    assert chat_store.message(3) == msg(3, text="caption gone", edit_date=4.0, random_id=-5)
    assert chat_store.message(2) == msg(2)  # same edit date (none): re-applied as given
    assert [m.text for m in chat_store.search("caption")] == ["caption gone"]
    assert [m.id for m in chat_store.search("second")] == [6]
    assert chat_store.search("first") == []


def test_history_pages_newest_first(chat_store: Store) -> None:
    chat_store.save_messages([msg(i, chat_id=10 if i % 3 else 20) for i in range(1, 301)])
    ids_10 = [i for i in range(1, 301) if i % 3]
    seen: list[int] = []
    before = None
    while page := chat_store.messages(10, before_id=before, limit=50):
        assert [m.id for m in page] == sorted((m.id for m in page), reverse=True)
        seen.extend(m.id for m in page)
        before = page[-1].id
    assert seen == sorted(ids_10, reverse=True)
    assert chat_store.message_ids(10) == ids_10
    assert chat_store.message_count(10) == len(ids_10)
    got = chat_store.messages_by_ids([3, 4, 5, 999_999])
    assert sorted(got) == [3, 4, 5] and got[4].text == "message 4"


def test_history_uses_the_index(chat_store: Store) -> None:
    plan = chat_store._db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM messages WHERE chat_id = 1 AND deleted = 0 "
        "AND id < 5 ORDER BY id DESC LIMIT 50"
    ).fetchall()
    assert "messages_history" in str(plan) and "TEMP B-TREE" not in str(plan)


def test_edits(chat_store: Store) -> None:
    chat_store.save_messages([msg(1, text="first")])
    assert chat_store.edit_message(1, "second", 100.0)
    assert not chat_store.edit_message(1, "stale", 50.0)  # older edit arrives late
    m = chat_store.message(1)
    assert m is not None and m.text == "second" and m.edit_date == 100.0
    # re-applying the original (unedited) copy from a sync page doesn't revert the edit
    chat_store.save_messages([msg(1, text="first")])
    assert chat_store.message(1).text == "second"  # type: ignore[union-attr]
    # a newer edited copy does apply
    chat_store.save_messages([msg(1, text="third", edit_date=200.0)])
    assert chat_store.message(1).text == "third"  # type: ignore[union-attr]


def test_delete_for_everyone_keeps_a_tombstone(chat_store: Store) -> None:
    att = Attachment(sha256="cd" * 32, size=1, mime="text/plain")
    chat_store.save_messages([msg(1), msg(2, text="secret", attachment=att), msg(3)])
    assert chat_store.delete_messages([2, 404]) == 1
    assert chat_store.delete_messages([2]) == 0
    assert chat_store.message_ids(10) == [1, 3]
    assert [m.id for m in chat_store.messages(10)] == [3, 1]
    tomb = chat_store.message(2)
    assert tomb is not None and tomb.deleted and tomb.text == "" and tomb.attachment is None
    assert chat_store.messages_by_ids([2])[2].deleted
    # a late copy of the message can't resurrect it, nor can an edit
    chat_store.save_messages([msg(2, text="secret", attachment=att)])
    assert not chat_store.edit_message(2, "edited", 999.0)
    assert chat_store.message_ids(10) == [1, 3]
    assert chat_store.message(2).text == ""  # type: ignore[union-attr]


def test_deleted_copy_from_sync(chat_store: Store) -> None:
    chat_store.save_messages([msg(1), msg(2)])
    chat_store.save_messages([msg(2, deleted=True)])
    assert chat_store.message_ids(10) == [1]
    chat = chat_store.chat(10)
    assert chat is not None and chat.last_message_id == 1 and chat.unread_count == 1


def test_unknown_ids_give_empty_results(store: Store) -> None:
    assert store.message(123) is None
    assert store.chat(123) is None
    assert store.user(123) is None
    assert store.messages(123) == []
    assert store.message_ids(123) == []
    assert store.message_count(123) == 0
    assert store.messages_by_ids([1, 2, 3]) == {}
    assert store.edit_message(123, "x", 1.0) is False
    assert store.delete_messages([123]) == 0
    assert store.mark_read(123, 5) is False
    assert store.set_peer_read(123, 5) is False
    assert store.set_draft(123, "hi") is False
    assert store.set_chat_flags(123, pinned=True) is False
    assert store.delete_chat(123) is False
    assert store.members(123) == []
    assert store.remove_member(123, 1) is False
    assert store.outbox_fail(123, "x") is False
    assert store.outbox_remove(123) is False


def test_messages_before_their_chat(store: Store) -> None:
    # Sync may deliver messages before the chat's metadata; counts catch up on upsert.
    store.save_messages([msg(1, chat_id=30), msg(2, chat_id=30)])
    store.upsert_chats([group(30)])
    chat = store.chat(30)
    assert chat is not None and chat.last_message_id == 2 and chat.unread_count == 2


def test_delete_chat_removes_everything(chat_store: Store) -> None:
    chat_store.save_messages([msg(1, text="gone soon"), msg(2, chat_id=20, text="gone soon")])
    chat_store.outbox_add(10, {"text": "pending"})
    assert chat_store.delete_chat(10)
    assert chat_store.chat(10) is None and chat_store.message(1) is None
    assert chat_store.outbox() == []
    assert [m.id for m in chat_store.search("gone")] == [2]


def test_call_records_and_bio_round_trip(store: Store) -> None:
    from app.store import CallRecord, User

    store.upsert_chats([group(10)])
    call = CallRecord(call_id="c1", caller_id=2, video=True, outcome="missed", duration=0.0)
    store.save_messages([msg(1, text="", call=call), msg(2, text="after")])
    assert store.message(1).call == call  # type: ignore[union-attr]
    assert [m.call for m in store.messages(10)] == [None, call]
    ended = CallRecord(call_id="c1", caller_id=2, video=True, outcome="ended", duration=192.5)
    store.save_messages([msg(1, text="", call=ended, edit_date=5.0)])
    assert store.message(1).call == ended  # type: ignore[union-attr]
    store.delete_messages([1])
    assert store.message(1).call is None  # type: ignore[union-attr]
    store.upsert_users([User(id=5, username="sara", bio="Hello there", updated=1.0)])
    assert store.user(5).bio == "Hello there"  # type: ignore[union-attr]
    store.upsert_users([User(id=5, username="sara", bio="", updated=2.0)])
    assert store.user(5).bio == ""  # type: ignore[union-attr]
