"""Latency diagnostics for benchmarks: event-loop lag and cyclic-GC pauses.

Off unless ``RISALA_RELAY_DIAG=<path>`` is set; then ``serve`` runs a ``LoopMonitor``
and writes its summary as JSON to that path on shutdown. A 1 ms ticker measures how late
the loop wakes it up (anything that holds the loop — a long write batch, a GC pass, a
burst of sends — shows up as oversleep), and ``gc.callbacks`` time every collection.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import time
from typing import Any

ENV = "RISALA_RELAY_DIAG"
TICK = 0.001


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


class LoopMonitor:
    """Collects loop lag (ms over the 1 ms tick) and GC pause times (ms) per generation."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lags: list[float] = []
        self.spikes: list[tuple[float, float]] = []
        """(lag, of which the loop thread was on a CPU) for every tick late by > 5 ms."""
        self.gc_pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._gc_started = 0.0
        self._task: asyncio.Task[None] | None = None

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            pauses = self.gc_pauses.setdefault(int(info["generation"]), [])
            pauses.append((time.perf_counter() - self._gc_started) * 1000)

    async def _tick(self) -> None:
        lags = self.lags
        while True:
            before, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(TICK)
            lag = (time.perf_counter() - before - TICK) * 1000
            lags.append(lag)
            if lag > 5:
                self.spikes.append((lag, (time.thread_time() - cpu) * 1000))

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._task = asyncio.create_task(self._tick(), name="relay-diag-ticker")

    async def stop(self, extra: dict[str, Any] | None = None) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        lags = self.lags
        summary: dict[str, Any] = {
            "ticks": len(lags),
            "lag_p50_ms": _pct(lags, 0.5),
            "lag_p99_ms": _pct(lags, 0.99),
            "lag_p999_ms": _pct(lags, 0.999),
            "lag_max_ms": round(max(lags, default=0.0), 3),
            "lags_over_5ms": sum(1 for x in lags if x > 5),
            "lags_over_10ms": sum(1 for x in lags if x > 10),
            "gc": {
                str(g): {
                    "count": len(p),
                    "total_ms": round(sum(p), 1),
                    "max_ms": round(max(p, default=0.0), 3),
                }
                for g, p in self.gc_pauses.items()
            },
            "spikes_on_cpu_ms": round(sum(c for _, c in self.spikes), 1),
            "spikes_total_ms": round(sum(x for x, _ in self.spikes), 1),
            "involuntary_switches": resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw,
            "gc_threshold": gc.get_threshold(),
            "gc_frozen": gc.get_freeze_count(),
            **(extra or {}),
        }
        await asyncio.to_thread(self._write, summary)

    def _write(self, summary: dict[str, Any]) -> None:
        with open(self.path, "w") as f:
            json.dump(summary, f)


def monitor_from_env() -> LoopMonitor | None:
    path = os.environ.get(ENV)
    return LoopMonitor(path) if path else None
