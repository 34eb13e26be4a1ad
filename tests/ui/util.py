"""Async waiting helpers for GUI tests (poll a condition while the loop runs; no sleeps)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


async def until(cond: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
    """Wait until ``cond()`` is truthy (the Qt and asyncio loop keep running meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met: {what or cond}")
        await asyncio.sleep(0.02)


async def signal_wait(signal: Any, timeout: float = 15.0) -> tuple:
    """Wait for a Qt signal; returns its arguments."""
    fut: asyncio.Future[tuple] = asyncio.get_running_loop().create_future()

    def handler(*args: Any) -> None:
        if not fut.done():
            fut.set_result(args)

    signal.connect(handler)
    try:
        return await asyncio.wait_for(fut, timeout)
    finally:
        try:
            signal.disconnect(handler)
        except (RuntimeError, TypeError):
            pass
