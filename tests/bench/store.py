"""Benchmark of the encrypted store: batched inserts, FTS search, unlock time.

Run: ``python tests/bench/store.py [--messages N]``. Prints one JSON line.
Builds a real SQLCipher store in a temporary directory with the production KDF.

Search indexing is deferred (docs/store.md): ``insert_*`` time ``save_messages`` alone,
``index_*`` the idle-time batches that ``AsyncStore`` runs right after (here called
directly, ``INDEX_BATCH`` at a time), and ``total_*`` both, i.e. until every message
is searchable.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from app.store import Account, Chat, Message, create_store, open_store
from app.store.aio import INDEX_BATCH

PASSCODE = "bench passcode"
CHATS = 50
BATCH = 500

EN = (
    "hello how are you today meeting tomorrow morning project deadline coffee later "
    "please send the report photos from the trip great idea thanks a lot see you soon "
    "call me when you are free weekend plans dinner tonight budget review flight tickets "
    "birthday party happy congratulations weather is nice traffic was terrible"
).split()
AR = (
    "مرحبا كيف حالك اليوم اجتماع غدا صباحا المشروع الموعد النهائي قهوة لاحقا أرسل "
    "التقرير من فضلك صور الرحلة فكرة رائعة شكرا جزيلا أراك قريبا اتصل بي عندما تكون "
    "متفرغا خطط نهاية الأسبوع عشاء الليلة مراجعة الميزانية تذاكر الطيران عيد ميلاد "
    "سعيد مبروك الطقس جميل الزحام كان شديدا إن شاء الله"
).split()


def sentence(rng: random.Random) -> str:
    words = AR if rng.random() < 0.4 else EN
    n = rng.randint(3, 18)
    text = " ".join(rng.choice(words) for _ in range(n))
    if rng.random() < 0.15:  # some mixed-language messages
        text += " " + " ".join(rng.choice(AR if words is EN else EN) for _ in range(3))
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.db"
        store = create_store(path, PASSCODE)
        store.set_account(Account(relay_url="wss://bench", user_id=1, username="me"))
        store.upsert_chats(
            [Chat(id=c, kind="group", title=f"chat {c}") for c in range(1, CHATS + 1)]
        )
        base = 1_700_000_000.0
        messages = [
            Message(
                id=i,
                chat_id=rng.randint(1, CHATS),
                sender_id=rng.choice((1, 2, 3, 4, 5)),
                date=base + i * 7.5,
                text=sentence(rng),
            )
            for i in range(1, args.messages + 1)
        ]
        start, cpu_start = time.perf_counter(), time.process_time()
        for i in range(0, len(messages), BATCH):
            store.save_messages(messages[i : i + BATCH])
        insert_s = time.perf_counter() - start
        insert_cpu_s = time.process_time() - cpu_start
        start, cpu_start = time.perf_counter(), time.process_time()
        while store.index_backlog(INDEX_BATCH):
            pass
        index_s = time.perf_counter() - start
        index_cpu_s = time.process_time() - cpu_start
        store.close()

        open_times = []
        for _ in range(3):
            t = time.perf_counter()
            store = open_store(path, PASSCODE)
            open_times.append((time.perf_counter() - t) * 1000)
            if len(open_times) < 3:
                store.close()

        queries = ["meeting", "التقرير", "coffee later", "الميزانية", "birth", "مبروك سعيد"]
        store.search("warm up")
        times = []
        for _ in range(5):
            for q in queries:
                t = time.perf_counter()
                found = store.search(q, limit=50)
                times.append((time.perf_counter() - t) * 1000)
                assert found, q
        short_times = []
        for q in ["me", "به", "co", "ال"]:
            t = time.perf_counter()
            store.search(q, limit=50)
            short_times.append((time.perf_counter() - t) * 1000)
        chat_t = time.perf_counter()
        store.chat_list()
        chat_list_ms = (time.perf_counter() - chat_t) * 1000
        page_t = time.perf_counter()
        store.messages(7, limit=50)
        page_ms = (time.perf_counter() - page_t) * 1000
        store.close()
        size_mb = path.stat().st_size / 1e6
    print(
        json.dumps(
            {
                "messages": args.messages,
                "insert_per_s": round(args.messages / insert_s),
                "insert_cpu_per_s": round(args.messages / insert_cpu_s),
                "index_per_s": round(args.messages / index_s),
                "index_cpu_per_s": round(args.messages / index_cpu_s),
                "total_per_s": round(args.messages / (insert_s + index_s)),
                "total_cpu_per_s": round(args.messages / (insert_cpu_s + index_cpu_s)),
                "search_ms": round(statistics.median(times), 2),
                "search_2char_ms": round(statistics.median(short_times), 2),
                "open_ms": round(statistics.median(open_times), 1),
                "chat_list_ms": round(chat_list_ms, 2),
                "history_page_ms": round(page_ms, 2),
                "db_mb": round(size_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
