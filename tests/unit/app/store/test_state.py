"""Settings, account, sync state (seq, pts), sticker packs and the blob cache."""

from __future__ import annotations

from pathlib import Path

from app.store import Account, Blob, Sticker, StickerPack, Store, open_store

from .conftest import PASSCODE


def test_settings(store: Store) -> None:
    assert store.get_setting("theme", str, "light") == "light"
    store.set_setting("theme", "dark")
    store.set_setting("window", {"w": 800, "h": 600})
    store.set_setting("langs", ["ar", "en"])
    assert store.get_setting("theme", str, "light") == "dark"
    assert store.get_setting("window", dict[str, int], {}) == {"w": 800, "h": 600}
    assert store.get_setting("langs", list[str], []) == ["ar", "en"]
    assert store.get_setting("theme", int, 7) == 7  # wrong shape -> default
    assert store.delete_setting("theme") and not store.delete_setting("theme")


def test_account_persists(store: Store, db_path: Path) -> None:
    assert store.account() is None
    acc = Account(
        relay_url="wss://relay.example/v1/ws",
        user_id=7,
        username="layla",
        display_name="ليلى",
        session_token="s3cr3t",
    )
    store.set_account(acc)
    store.close()
    with open_store(db_path, PASSCODE) as s:
        assert s.account() == acc
        s.set_account(Account(relay_url=acc.relay_url, user_id=7, username="layla"))
        assert s.account().session_token is None  # type: ignore[union-attr]


def test_seq_and_pts(store: Store) -> None:
    assert store.get_seq() == 0 and store.get_pts(5) == 0 and store.all_pts() == {}
    store.set_seq(41)
    store.set_seq(42)
    store.set_pts(5, 100)
    store.set_pts(123456789, 7)
    assert store.get_seq() == 42
    assert store.get_pts(5) == 100
    assert store.all_pts() == {5: 100, 123456789: 7}


def test_sticker_packs(store: Store) -> None:
    pack = StickerPack(
        id=1,
        short_name="cats",
        title="Cats",
        stickers=(Sticker(sha256="aa" * 32, emoji="🐱", width=512, height=512),),
        position=2,
    )
    store.save_sticker_pack(pack)
    store.save_sticker_pack(StickerPack(id=2, short_name="dogs", title="Dogs", position=1))
    assert [p.id for p in store.sticker_packs()] == [2, 1]
    assert store.sticker_packs()[1] == pack
    assert store.remove_sticker_pack(2) and not store.remove_sticker_pack(2)


def test_blobs(store: Store) -> None:
    a = Blob(sha256="a" * 64, path="/cache/a", size=10, mime="image/png", last_used=1.0)
    b = Blob(sha256="b" * 64, path="/cache/b", size=20, last_used=2.0)
    store.put_blob(a)
    store.put_blob(b)
    assert store.blob(a.sha256) == a and store.blob("c" * 64) is None
    assert [x.sha256 for x in store.blobs_least_recently_used()] == [a.sha256, b.sha256]
    assert store.touch_blob(a.sha256, when=3.0) and not store.touch_blob("c" * 64)
    assert [x.sha256 for x in store.blobs_least_recently_used(1)] == [b.sha256]
    assert store.remove_blob(b.sha256) and store.blob(b.sha256) is None
