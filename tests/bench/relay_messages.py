"""Benchmark: 1:1 messages through a relay subprocess at a fixed aggregate rate.

200 client pairs (spread over several load-generator processes) send at an aggregate
2,000 msg/s for 10 s. Latency is send → the recipient's ``update``, measured within one
generator process. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

import _relay_bench as rb
import aiohttp


async def _worker(ws_url: str, first: int, count: int, rate_per_pair: float, duration: float,
                  ready: Any, starts: Any, results: Any, tag: str) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        pairs = []
        for i in range(first, first + count):
            a, _ = await rb.connect(http, ws_url, f"s_{tag}_{i}")
            b, b_id = await rb.connect(http, ws_url, f"r_{tag}_{i}")
            chat = await a.request("open_direct_chat", user_id=b_id)
            pairs.append((a, b, int(chat["id"])))
        sent: dict[int, float] = {}
        latencies: list[float] = []
        seen: dict[int, int] = {}
        acks = [0]
        errors: list[str] = []

        def on_push(frame: Any) -> None:
            if frame.type == "update" and frame.update.get("kind") == "new_message":
                random_id = frame.update["message"]["random_id"]
                t = sent.get(random_id)
                if t is not None and frame.update["message"]["sender_id"] != 0:
                    seen[random_id] = seen.get(random_id, 0) + 1
                    if seen[random_id] == 1:
                        latencies.append((time.perf_counter() - t) * 1000)

        def on_result(frame: Any) -> None:
            if frame.type == "result":
                acks[0] += 1
            else:
                errors.append(str(frame.code))

        for a, b, _ in pairs:
            b.on_push = on_push
            a.on_result = on_result
        ready.put(count)
        start_at = await asyncio.to_thread(starts.get)
        interval = 1.0 / rate_per_pair
        n = int(duration * rate_per_pair)

        async def sender(index: int, a: rb.BenchClient, chat: int) -> None:
            offset = start_at + (index / len(pairs)) * interval
            for k in range(n):
                delay = offset + k * interval - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                random_id = secrets.randbits(62) + 1
                sent[random_id] = time.perf_counter()
                await a.send_nowait("send_message", chat_id=chat, random_id=random_id,
                                    text="benchmark message")

        await asyncio.gather(*(sender(i, a, c) for i, (a, _, c) in enumerate(pairs)))
        deadline = time.time() + 10
        while (len(seen) < len(sent) or acks[0] < len(sent)) and time.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # noqa: ASYNC110 - polling counters
        await asyncio.sleep(0.2)
        dupes = sum(1 for v in seen.values() if v > 1)
        results.put({"sent": len(sent), "delivered": len(seen), "acks": acks[0],
                     "dupes": dupes, "errors": errors[:5], "latencies": latencies})
        for a, b, _ in pairs:
            await a.ws.close()
            await b.ws.close()


def _run_worker(*args: Any) -> None:
    try:
        import uvloop
        uvloop.run(_worker(*args))
    except ImportError:
        asyncio.run(_worker(*args))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--rate", type=float, default=2000.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    from tests.helpers.relay import start_relay

    with tempfile.TemporaryDirectory() as tmp:
        relay = start_relay(Path(tmp), fast_password_hashing=True, auth_rate_per_minute=10**6,
                            database=args.database, log_level="WARNING")
        try:
            ctx = mp.get_context("spawn")
            ready, results = ctx.Queue(), ctx.Queue()
            starts = [ctx.Queue() for _ in range(args.procs)]
            per = args.pairs // args.procs
            tag = secrets.token_hex(3)
            procs = []
            for p in range(args.procs):
                count = per if p < args.procs - 1 else args.pairs - per * (args.procs - 1)
                proc = ctx.Process(target=_run_worker, args=(
                    relay.ws_url, p * per, count, args.rate / args.pairs, args.duration,
                    ready, starts[p], results, tag))
                proc.start()
                procs.append(proc)
            for _ in procs:
                ready.get(timeout=600)
            start_at = time.time() + 1.0
            for q in starts:
                q.put(start_at)
            time.sleep(max(0.0, start_at - time.time()))
            cpu0, wall0 = rb.cpu_seconds(relay.pid), time.time()
            time.sleep(args.duration)
            cpu1, wall1 = rb.cpu_seconds(relay.pid), time.time()
            outs = [results.get(timeout=60) for _ in procs]
            for proc in procs:
                proc.join(10)
        finally:
            relay.stop()
    latencies = [x for o in outs for x in o["latencies"]]
    sent = sum(o["sent"] for o in outs)
    delivered = sum(o["delivered"] for o in outs)
    print(json.dumps({
        "pairs": args.pairs,
        "rate": args.rate,
        "sent": sent,
        "delivered": delivered,
        "acked": sum(o["acks"] for o in outs),
        "duplicates": sum(o["dupes"] for o in outs),
        "exactly_once": delivered == sent and all(o["dupes"] == 0 for o in outs),
        "errors": [e for o in outs for e in o["errors"]][:5],
        "msgs_per_s": round(delivered / args.duration, 1),
        "p50_ms": round(rb.percentile(latencies, 0.50), 3),
        "p99_ms": round(rb.percentile(latencies, 0.99), 3),
        "relay_cpu_percent": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 1),
        "backend": "postgresql" if args.database else "sqlite",
    }))


if __name__ == "__main__":
    main()
