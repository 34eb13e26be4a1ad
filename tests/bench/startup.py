"""Startup benchmark: cold start of the desktop client on a big profile.

Builds a profile (50 chats, 100,000 messages) with the store API in fast batches, then
starts ``python -m ui.main`` as a subprocess (offscreen, no relay reachable) with
``RISALA_TIMING=1 RISALA_BENCH=1`` so it prints timing marks, opens the largest chat and
reports its idle RSS. Prints one JSON line:
``{"start_to_chat_list_ms", "open_chat_ms", "idle_rss_mb", ...}``.

Run: ``.venv/bin/python tests/bench/startup.py [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.protocol.types import User as WireUser  # noqa: E402
from app.store import Account, Chat, Message, User, create_store  # noqa: E402

PASSCODE = "bench passcode"
CHATS = 50
MESSAGES = 100_000
BIG_CHAT = 1


def build_profile(profile: Path) -> None:
    profile.mkdir(parents=True, exist_ok=True)
    store = create_store(profile / "store.db", PASSCODE)
    try:
        me = WireUser(id=1, username="bench", display_name="Bench User")
        store.set_account(
            Account(
                relay_url="http://127.0.0.1:9",
                user_id=1,
                username="bench",
                display_name="Bench User",
                session_token="x" * 43,
            )
        )
        store.set_setting("me", me)
        store.upsert_users(
            [User(id=i, username=f"user{i}", display_name=f"User {i}") for i in range(2, CHATS + 2)]
        )
        now = time.time()
        chats = [
            Chat(id=c, kind="direct", peer_id=c + 1, updated=now - c * 60)
            for c in range(1, CHATS + 1)
        ]
        store.upsert_chats(chats)
        rnd = random.Random(1)
        words = (
            "hello world مرحبا بكم this is a message about the weekend plans and the meeting"
        ).split()
        # half of the messages in the largest chat, the rest spread over the others
        mid = 1
        batch: list[Message] = []
        for i in range(MESSAGES):
            chat = BIG_CHAT if i % 2 == 0 else 2 + (i % (CHATS - 1))
            sender = 1 if rnd.random() < 0.5 else chat + 1
            text = " ".join(rnd.choice(words) for _ in range(rnd.randint(2, 30)))
            batch.append(
                Message(
                    id=mid,
                    chat_id=chat,
                    sender_id=sender,
                    date=now - (MESSAGES - i) * 30,
                    text=text,
                    random_id=rnd.getrandbits(62),
                )
            )
            mid += 1
            if len(batch) >= 5000:
                store.save_messages(batch)
                batch = []
        if batch:
            store.save_messages(batch)
    finally:
        store.close()


def run_client(profile: Path) -> dict[str, float]:
    env = dict(os.environ)
    env.update(
        {
            "RISALA_TIMING": "1",
            "RISALA_BENCH": "1",
            "RISALA_BENCH_CHAT": str(BIG_CHAT),
            "RISALA_BENCH_PASSCODE": PASSCODE,
            "QT_QPA_PLATFORM": env.get("QT_QPA_PLATFORM", "offscreen"),
            "PYTHONPATH": str(ROOT),
        }
    )
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "ui.main", "--profile", str(profile)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    marks: dict[str, float] = {}
    rss = 0.0
    for line in out.stdout.splitlines():
        if line.startswith("RISALA_MARK "):
            _, name, value = line.split()
            marks.setdefault(name, float(value))
        elif line.startswith("RISALA_RSS_MB "):
            rss = float(line.split()[1])
    if "chat_list_shown" not in marks or "open_chat_done" not in marks:
        raise RuntimeError(f"client did not finish:\n{out.stdout}\n{out.stderr}")
    return {
        "start_to_chat_list_ms": round((marks["chat_list_shown"] - t0) * 1000, 1),
        "open_chat_ms": round((marks["open_chat_done"] - marks["open_chat_start"]) * 1000, 1),
        "idle_rss_mb": round(rss, 1),
        "unlock_ms": round((marks.get("unlocked", t0) - t0) * 1000, 1),
        "python_import_ms": round((marks.get("process_start", t0) - t0) * 1000, 1),
    }


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--keep", type=Path, help="build (or reuse) the profile here")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        profile = args.keep or Path(tmp) / "profile"
        if not (profile / "store.db").exists():
            build_profile(profile)
        run_client(profile)  # warm the OS page cache once; the measured run is the second
        result = run_client(profile)
        result.update({"chats": CHATS, "messages": MESSAGES})
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
