"""The outbox: written before the network, completed exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import Store, StoreBug, new_random_id, open_store

from .conftest import ME, PASSCODE, group, msg


@pytest.fixture
def signed_in(store: Store) -> Store:
    from app.store import Account

    store.set_account(Account(relay_url="wss://r", user_id=ME, username="me"))
    store.upsert_chats([group(10), group(20)])
    return store


def test_add_list_fail_remove(signed_in: Store) -> None:
    a = signed_in.outbox_add(10, {"text": "one"}, created=1.0)
    b = signed_in.outbox_add(20, {"text": "two", "reply_to": 5}, created=2.0)
    c = signed_in.outbox_add(10, {"text": "three"}, random_id=42, created=3.0)
    assert c.random_id == 42 and a.random_id != b.random_id
    assert [i.random_id for i in signed_in.outbox()] == [a.random_id, b.random_id, 42]
    assert [i.payload["text"] for i in signed_in.outbox(10)] == ["one", "three"]
    assert signed_in.outbox_fail(42, "timeout") and signed_in.outbox_fail(42, "offline")
    item = signed_in.outbox(10)[1]
    assert item.attempts == 2 and item.last_error == "offline"
    assert signed_in.outbox_remove(42) and not signed_in.outbox_remove(42)
    with pytest.raises(ValueError):
        signed_in.outbox_add(10, {}, random_id=2**64 - 1)


def test_outbox_survives_restart(signed_in: Store, db_path: Path) -> None:
    item = signed_in.outbox_add(10, {"text": "sent while offline"})
    signed_in.close()
    with open_store(db_path, PASSCODE) as s:
        assert s.outbox() == [item]


def test_complete_swaps_outbox_row_for_message(signed_in: Store) -> None:
    item = signed_in.outbox_add(10, {"text": "hi"})
    real = msg(500, text="hi", sender_id=ME, random_id=item.random_id)
    assert signed_in.outbox_complete(item.random_id, real) is True
    assert signed_in.outbox() == []
    assert signed_in.message(500) == real
    assert signed_in.message_count(10) == 1
    chat = signed_in.chat(10)
    assert chat is not None and chat.last_message_id == 500 and chat.unread_count == 0


def test_complete_twice_never_duplicates(signed_in: Store) -> None:
    item = signed_in.outbox_add(10, {"text": "hi"})
    real = msg(500, text="hi", sender_id=ME)
    assert signed_in.outbox_complete(item.random_id, real) is True
    assert signed_in.outbox_complete(item.random_id, real) is False
    assert signed_in.message_ids(10) == [500]
    assert signed_in.message(500).random_id == item.random_id  # type: ignore[union-attr]
    assert [m.id for m in signed_in.search("hi")] == [500]


def test_complete_after_sync_already_saved_it(signed_in: Store) -> None:
    item = signed_in.outbox_add(10, {"text": "hello"})
    real = msg(500, text="hello", sender_id=ME, random_id=item.random_id)
    # The ack was lost, but sync delivered the message (with our random_id) first:
    signed_in.save_messages([real])
    assert signed_in.outbox() == []  # sync retired the outbox row
    assert signed_in.outbox_complete(item.random_id, real) is False
    assert signed_in.message_ids(10) == [500]


def test_sync_ignores_other_senders_random_ids(signed_in: Store) -> None:
    rid = new_random_id()
    signed_in.outbox_add(10, {"text": "mine"}, random_id=rid)
    signed_in.save_messages([msg(600, text="theirs", sender_id=2, random_id=rid)])
    assert len(signed_in.outbox()) == 1


def test_complete_is_atomic(signed_in: Store) -> None:
    item = signed_in.outbox_add(10, {"text": "hi"})
    bad = msg(500, sender_id=ME, date=float("nan"))  # NaN is stored as NULL -> NOT NULL fails
    with pytest.raises(StoreBug):  # a bug in the caller; the point is the rollback
        signed_in.outbox_complete(item.random_id, bad)
    assert [i.random_id for i in signed_in.outbox()] == [item.random_id]
    assert signed_in.message(500) is None


def test_status_failed_reset_and_lookup(signed_in: Store) -> None:
    item = signed_in.outbox_add(10, {"text": "hi"}, created=1.0)
    other = signed_in.outbox_add(10, {"text": "later"}, created=2.0)
    assert signed_in.outbox_item(item.random_id) == item and item.status == "pending"
    assert signed_in.outbox_item(12345) is None
    assert signed_in.outbox_fail(item.random_id, "rate_limited")  # transient: still pending
    assert signed_in.outbox_item(item.random_id).status == "pending"  # type: ignore[union-attr]
    assert signed_in.outbox_fail(item.random_id, "forbidden", permanent=True)
    failed = signed_in.outbox_item(item.random_id)
    assert failed is not None and failed.status == "failed"
    assert (failed.attempts, failed.last_error) == (2, "forbidden")
    assert [i.random_id for i in signed_in.outbox(status="pending")] == [other.random_id]
    assert [i.random_id for i in signed_in.outbox(10, status="failed")] == [item.random_id]
    again = signed_in.outbox_reset(item.random_id)
    assert again is not None and again.status == "pending" and again.attempts == 2
    assert len(signed_in.outbox(status="pending")) == 2
    assert signed_in.outbox_reset(12345) is None
    assert not signed_in.outbox_fail(12345, "x", permanent=True)
