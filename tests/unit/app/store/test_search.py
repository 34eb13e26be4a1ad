"""FTS5 search: English and Arabic, prefixes, hostile input, edits and deletes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.store import Store
from app.store.fts import match_query

from .conftest import group, msg

TEXTS = {
    1: "Meet me at the café tomorrow",
    2: "مرحبا بكم في رسالة",
    3: "مُحَمَّدٌ رَسُولُ اللَّهِ",  # fully vocalised
    4: "The quick brown fox jumps",
    5: "أهلاً وسهلاً يا صديقي",
    6: "Price: $5 (50% off!) — c++ & node.js",
    7: "quickly, quicker, quickest",
    8: "Mixed: hello مرحبا world",
}


@pytest.fixture
def searchable(store: Store) -> Store:
    store.upsert_chats([group(10), group(20)])
    store.save_messages([msg(i, 10 if i % 2 else 20, t) for i, t in TEXTS.items()])
    return store


def ids(messages: list) -> list[int]:  # type: ignore[type-arg]
    return [m.id for m in messages]


def test_english_prefix_and_diacritics(searchable: Store) -> None:
    assert ids(searchable.search("quick")) == [7, 4]  # newest first, prefix match
    assert ids(searchable.search("QUICK BROWN")) == [4]
    assert ids(searchable.search("cafe")) == [1]
    assert ids(searchable.search("café")) == [1]
    assert ids(searchable.search("hello world")) == [8]
    assert searchable.search("zebra") == []


def test_arabic(searchable: Store) -> None:
    assert ids(searchable.search("مرحبا")) == [8, 2]
    assert ids(searchable.search("رسال")) == [2]  # prefix
    assert ids(searchable.search("محمد")) == [3]  # harakat ignored in the text...
    assert ids(searchable.search("مُحَمَّد")) == [3]  # ...and in the query
    assert ids(searchable.search("اهلا")) == [5]  # hamza and tanween folded
    assert ids(searchable.search("صديق")) == [5]
    assert ids(searchable.search("hello مرحبا")) == [8]


def test_per_chat_limit_and_paging(searchable: Store) -> None:
    searchable.save_messages([msg(100 + i, 10, f"report number {i}") for i in range(30)])
    assert ids(searchable.search("مرحبا", chat_id=20)) == [8, 2]
    assert ids(searchable.search("مرحبا", chat_id=10)) == []
    page1 = searchable.search("report", limit=10)
    assert ids(page1) == list(range(129, 119, -1))
    page2 = searchable.search("report", limit=10, before_id=page1[-1].id)
    assert ids(page2) == list(range(119, 109, -1))
    assert len(searchable.search("report", chat_id=10, limit=100)) == 30


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"unbalanced',
        "*",
        "quick*",
        "-quick",
        "NOT quick",
        "quick OR fox",
        "quick AND",
        "AND",
        "NEAR(quick fox)",
        "text:quick",
        "^quick",
        "(quick",
        "quick)",
        "c++",
        "node.js",
        "$5",
        "50%",
        "{text}: quick",
        "'; DROP TABLE messages; --",
        "\x00",
        "a\x00b",
        "0\x00",
        "  ",
        "",
        "ـــ",
        "\u064e\u064f",
    ],
)
def test_any_typed_string_is_a_valid_query(searchable: Store, query: str) -> None:
    searchable.search(query)  # never raises


def test_punctuation_is_just_text(searchable: Store) -> None:
    assert ids(searchable.search("node.js")) == [6]
    assert ids(searchable.search("c++")) == [6, 1]  # "c" as a prefix also matches "café"
    assert ids(searchable.search("(50% off!)")) == [6]
    assert ids(searchable.search("-quick")) == [7, 4]  # not a NOT
    assert ids(searchable.search("quick OR zebra")) == []  # OR is a word, all must match
    assert searchable.search("***") == []
    assert match_query('say "hi"') == '"say"* """hi"""*'


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=40))
def test_fuzzed_queries_never_fail(searchable: Store, query: str) -> None:
    searchable.search(query)


def test_edits_and_deletes_are_reflected(searchable: Store) -> None:
    assert searchable.edit_message(4, "The slow green turtle", 10.0)
    assert ids(searchable.search("fox")) == []
    assert ids(searchable.search("turtle")) == [4]
    searchable.save_messages([msg(4, 20, "A fox again", edit_date=20.0)])
    assert ids(searchable.search("fox")) == [4] and searchable.search("turtle") == []
    searchable.delete_messages([2, 4])
    assert ids(searchable.search("مرحبا")) == [8]
    assert searchable.search("fox") == []
    searchable.delete_chat(20)
    assert searchable.search("مرحبا") == []  # 8 was in chat 20
    db = searchable._db
    db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")


def test_search_plan_walks_the_index_newest_first(searchable: Store) -> None:
    plan = str(
        searchable._db.execute(
            "EXPLAIN QUERY PLAN SELECT m.id FROM messages_fts f CROSS JOIN messages m "
            "ON m.id = f.rowid WHERE messages_fts MATCH 'x' AND f.rowid < 9 "
            "ORDER BY f.rowid DESC LIMIT 5"
        ).fetchall()
    )
    assert "VIRTUAL TABLE" in plan and "TEMP B-TREE" not in plan


def test_deferred_indexing_never_misses(store: Store) -> None:
    store.upsert_chats([group(10)])
    store.save_messages([msg(i, 10, f"backlog word{i}") for i in range(1, 11)])
    assert store.index_pending
    assert store.index_backlog(4) == 4 and store.index_pending
    store.edit_message(2, "edited after indexing", 5.0)  # indexed: leaves the index
    store.edit_message(9, "edited before indexing", 5.0)  # still waiting
    store.delete_messages([3, 10])
    assert ids(store.search("backlog")) == [8, 7, 6, 5, 4, 1]  # search flushes first
    assert not store.index_pending
    assert ids(store.search("edited")) == [9, 2]
    assert store.search("word2") == [] and store.search("word9") == []
    assert store.index_backlog() == 0
    store._db.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")


def test_search_inside_a_rolled_back_transaction(store: Store) -> None:
    store.upsert_chats([group(10)])
    store.save_messages([msg(1, 10, "kept")])
    with pytest.raises(RuntimeError), store.transaction():
        store.save_messages([msg(2, 10, "kept too, then rolled back")])
        assert ids(store.search("kept")) == [2, 1]
        raise RuntimeError
    assert ids(store.search("kept")) == [1]
