"""Benchmark: 1:1 messages through a relay subprocess at a fixed aggregate rate.

200 client pairs (spread over several light load-generator processes) send at an
aggregate 2,000 msg/s for 10 s on a paced schedule. Each message's text carries its send
time; latency is send → the recipient's read of the ``update``. After sending, the bench
waits until every message is acked and delivered (or a deadline), then a little longer to
catch duplicates. Relay CPU is read from /proc/<pid>/stat of the relay process only.

The same generator then drives a bare aiohttp reference relay (no storage, see
``_relay_bench``): its figures, printed as ``reference_*``, are this machine's floor.
Then the durable reference (the same plus SQLite rows and a group commit before each ack),
printed as ``durable_reference_*``: the floor of any relay that stores before it acks.
Prints one JSON line.
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


async def _worker(
    ws_url: str,
    first: int,
    count: int,
    total_pairs: int,
    rate_per_pair: float,
    duration: float,
    ready: Any,
    starts: Any,
    results: Any,
    tag: str,
) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:

        async def make_pair(i: int) -> tuple[rb.RawClient, rb.RawClient, int]:
            a, _ = await rb.connect(http, ws_url, f"s_{tag}_{i}")
            b, b_id = await rb.connect(http, ws_url, f"r_{tag}_{i}")
            chat = await a.request("open_direct_chat", user_id=b_id)
            return a, b, int(chat["id"])

        pairs = []
        for start in range(first, first + count, 10):
            pairs += await asyncio.gather(
                *(make_pair(i) for i in range(start, min(start + 10, first + count)))
            )
        seen: dict[int, int] = {}
        latencies: list[float] = []
        acks = [0]
        errors: list[str] = []
        decode = rb._decode

        def on_delivery(data: bytes) -> None:
            if not data.startswith(rb.UPDATE_PREFIX):
                return
            now = time.time_ns()
            update = decode(data).update
            if update is None or update.kind != "new_message" or update.message is None:
                return
            rid = update.message.random_id
            n = seen.get(rid, 0) + 1
            seen[rid] = n
            if n == 1:
                latencies.append((now - int(update.message.text[1:])) / 1e6)

        def on_ack(data: bytes) -> None:
            if data.startswith(rb.RESULT_PREFIX):
                acks[0] += 1
            elif data.startswith(b'{"type":"error"'):
                errors.append(str(decode(data).code))

        for a, b, _ in pairs:
            b.on_frame = on_delivery
            a.on_frame = on_ack
        heads = [
            b'{"type":"send_message","id":%d,"chat_id":%d,"random_id":' % (index, chat)
            for index, (_, _, chat) in enumerate(pairs)
        ]
        ready.put(count)
        start_at = await asyncio.to_thread(starts.get)
        interval = 1.0 / rate_per_pair
        n = int(duration * rate_per_pair)
        sent = 0
        base = (first + 1) * 10_000_000
        for k in range(n):
            for index, (a, _, _) in enumerate(pairs):
                due = start_at + (k + (first + index) / total_pairs) * interval
                delay = due - time.time()
                if delay > 0.0002:
                    await asyncio.sleep(delay)
                random_id = base + index * 100_000 + k + 1
                frame = heads[index] + b'%d,"text":"t%d"}' % (random_id, time.time_ns())
                await a.ws.send_bytes(frame)
                sent += 1
        deadline = time.time() + 60
        while (len(seen) < sent or acks[0] < sent) and time.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # noqa: ASYNC110 - polling counters
        await asyncio.sleep(0.5)  # duplicates would arrive after the originals
        dupes = sum(1 for v in seen.values() if v > 1)
        results.put(
            {
                "sent": sent,
                "delivered": len(seen),
                "acks": acks[0],
                "dupes": dupes,
                "errors": errors[:5],
                "latencies": latencies,
            }
        )
        for a, b, _ in pairs:
            await a.ws.close()
            await b.ws.close()


def _run_worker(*args: Any) -> None:
    rb.run_loop(_worker(*args))


def _drive(ws_url: str, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run the load against one relay; the summary figures."""
    ctx = mp.get_context("spawn")
    ready, results = ctx.Queue(), ctx.Queue()
    starts = [ctx.Queue() for _ in range(args.procs)]
    per = args.pairs // args.procs
    tag = secrets.token_hex(3)
    procs = []
    for p in range(args.procs):
        count = per if p < args.procs - 1 else args.pairs - per * (args.procs - 1)
        proc = ctx.Process(
            target=_run_worker,
            args=(
                ws_url,
                p * per,
                count,
                args.pairs,
                args.rate / args.pairs,
                args.duration,
                ready,
                starts[p],
                results,
                tag,
            ),
        )
        proc.start()
        procs.append(proc)
    for _ in procs:
        ready.get(timeout=600)
    time.sleep(1.0)  # let the relay settle after the set-up burst
    start_at = time.time() + 0.5
    for q in starts:
        q.put(start_at)
    time.sleep(max(0.0, start_at - time.time()))
    cpu0, wall0 = rb.cpu_seconds(pid), time.time()
    time.sleep(args.duration)
    cpu1, wall1 = rb.cpu_seconds(pid), time.time()
    outs = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(10)
    latencies = [x for o in outs for x in o["latencies"]]
    sent = sum(o["sent"] for o in outs)
    delivered = sum(o["delivered"] for o in outs)
    acked = sum(o["acks"] for o in outs)
    return {
        "sent": sent,
        "delivered": delivered,
        "acked": acked,
        "duplicates": sum(o["dupes"] for o in outs),
        "exactly_once": delivered == sent and acked == sent and all(o["dupes"] == 0 for o in outs),
        "errors": [e for o in outs for e in o["errors"]][:5],
        "msgs_per_s": round(delivered / args.duration, 1),
        "p50_ms": round(rb.percentile(latencies, 0.50), 3),
        "p99_ms": round(rb.percentile(latencies, 0.99), 3),
        "relay_cpu_percent": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--rate", type=float, default=2000.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--database", default=None)
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the bare aiohttp reference run"
    )
    args = parser.parse_args()
    from tests.helpers.relay import start_relay

    with tempfile.TemporaryDirectory() as tmp:
        relay = start_relay(
            Path(tmp),
            fast_password_hashing=True,
            auth_rate_per_minute=10**6,
            database=args.database,
            log_level="WARNING",
        )
        try:
            out = _drive(relay.ws_url, relay.pid, args)
        finally:
            relay.stop()
    line: dict[str, Any] = {
        "pairs": args.pairs,
        "rate": args.rate,
        **out,
        "backend": "postgresql" if args.database else "sqlite",
    }
    if not args.no_reference:
        ref_out = rb.against_reference(lambda url, pid: _drive(url, pid, args))
        for key in ("exactly_once", "p50_ms", "p99_ms", "relay_cpu_percent"):
            line[f"reference_{key}"] = ref_out[key]
        with tempfile.TemporaryDirectory() as tmp:
            durable_out = rb.against_reference(lambda url, pid: _drive(url, pid, args), tmp)
        for key in ("exactly_once", "p50_ms", "p99_ms", "relay_cpu_percent"):
            line[f"durable_reference_{key}"] = durable_out[key]
    print(json.dumps(line))


if __name__ == "__main__":
    main()
