"""Benchmark: one group of 1,000 connected members, 200 messages sent to it.

Each message becomes one entry of the group's log (``pts``) and 1,000 pushes of the same
``chat_update`` frame, encoded once (protocol.md, "Group logs"). Latency is send → each
member's ``update``, measured inside one generator process. The same load then runs
against the bare aiohttp reference relay of ``_relay_bench`` (no storage, one
``send_bytes`` per member), printed as ``reference_*``: this machine's floor.
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

NEW_MESSAGE = b'"kind":"new_message"'
TEXT_FIELD = b'"text":"t'


async def _members(
    ws_url: str, first: int, count: int, tag: str, ids: Any, go: Any, results: Any, expected: int
) -> None:
    """A generator process holding ``count`` member connections."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        clients = []
        for i in range(first, first + count):
            client, user_id = await rb.connect(http, ws_url, f"m_{tag}_{i}")
            clients.append(client)
            ids.put(user_id)
        got = [0]
        last = [0.0]
        lat: list[float] = []
        update_prefixes = (rb.UPDATE_PREFIX, rb.CHAT_UPDATE_PREFIX)

        def on_frame(data: bytes) -> None:
            # 1,000 connections in two processes read ~200,000 frames: a full JSON decode
            # of each made the generator, not the relay, the bottleneck (a bare aiohttp
            # relay measured ~40k deliveries/s with it); find the two fields by bytes
            if not data.startswith(update_prefixes) or NEW_MESSAGE not in data:
                return
            now = time.time_ns()
            start = data.index(TEXT_FIELD) + len(TEXT_FIELD)
            got[0] += 1
            last[0] = now / 1e9
            lat.append((now - int(data[start : data.index(b'"', start)])) / 1e6)

        for c in clients:
            c.on_frame = on_frame
        await asyncio.to_thread(go.get)
        deadline = time.time() + 120
        while got[0] < expected * count and time.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.005)  # noqa: ASYNC110 - polling counters
        results.put({"got": got[0], "lat": lat, "last": last[0]})
        for c in clients:
            await c.ws.close()


def _run(*args: Any) -> None:
    rb.run_loop(_members(*args))


async def _sender(
    ws_url: str,
    user_ids: list[int],
    messages: int,
    tag: str,
    go_queues: list[Any],
    results: Any,
    procs: int,
) -> dict[str, Any]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        owner, _ = await rb.connect(http, ws_url, f"owner_{tag}")
        group = await owner.request("create_group", title="fanout", member_ids=user_ids)
        await asyncio.sleep(1.0)  # let chat_updated pushes settle
        for q in go_queues:
            q.put(True)
        await asyncio.sleep(0.5)
        start = time.time()
        for _ in range(messages):
            await owner.request(
                "send_message",
                chat_id=group["id"],
                random_id=secrets.randbits(62) + 1,
                text=f"t{time.time_ns()}",
            )
        outs = [await asyncio.to_thread(results.get, True, 180) for _ in range(procs)]
        await owner.ws.close()
    got = sum(o["got"] for o in outs)
    end = max(o["last"] for o in outs)
    lat = [x for o in outs for x in o["lat"]]
    return {"got": got, "expected": len(user_ids) * messages, "elapsed": end - start, "lat": lat}


def _measure(ws_url: str, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    """Connect the members to one relay, send the messages; the summary figures."""
    ctx = mp.get_context("spawn")
    ids, results = ctx.Queue(), ctx.Queue()
    gos = [ctx.Queue() for _ in range(args.procs)]
    tag = secrets.token_hex(3)
    others = args.members - 1  # the sender is a member too
    per = others // args.procs
    procs = []
    for p in range(args.procs):
        count = per if p < args.procs - 1 else others - per * (args.procs - 1)
        proc = ctx.Process(
            target=_run,
            args=(ws_url, p * per, count, tag, ids, gos[p], results, args.messages),
        )
        proc.start()
        procs.append(proc)
    user_ids = [ids.get(timeout=600) for _ in range(others)]
    cpu0 = rb.cpu_seconds(pid)
    out = rb.run_loop(_sender(ws_url, user_ids, args.messages, tag, gos, results, args.procs))
    cpu1 = rb.cpu_seconds(pid)
    for proc in procs:
        proc.join(10)
    return {
        "deliveries": out["got"],
        "expected_deliveries": out["expected"],
        "deliveries_per_s": round(out["got"] / out["elapsed"], 1),
        "p50_ms": round(rb.percentile(out["lat"], 0.50), 2),
        "p99_ms": round(rb.percentile(out["lat"], 0.99), 2),
        "relay_cpu_s": round(cpu1 - cpu0, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--procs", type=int, default=2)
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
            auth_rate_per_minute=10**7,
            database=args.database,
            log_level="WARNING",
            send_queue=100_000,
        )
        try:
            figures = _measure(relay.ws_url, relay.pid, args)
        finally:
            relay.stop()
    result: dict[str, Any] = {"members": args.members, "messages": args.messages, **figures}
    result["backend"] = "postgresql" if args.database else "sqlite"
    if not args.no_reference:
        # the same load against a bare aiohttp broadcast (no storage): this machine's floor
        ref = rb.against_reference(lambda url, pid: _measure(url, pid, args))
        result.update({f"reference_{k}": v for k, v in ref.items() if k != "expected_deliveries"})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
