"""Stopping background tasks so that they really stop.

Python 3.11's ``asyncio.wait_for`` can swallow a cancellation: when the awaited future
completes in the same loop turn as ``task.cancel()``, it returns the result and the
task carries on. A worker loop (sync, outbox, connection) then waits on its queue for
ever and ``close()`` hangs. The workers therefore wait with ``asyncio.timeout``, which
has no such race, and :func:`stop_task` cancels again until the task is done, so a
cancellation lost anywhere else cannot hang shutdown either.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def stop_task(task: asyncio.Task[Any] | None, *, recancel_every: float = 0.5) -> None:
    """Cancel ``task`` and wait until it has finished; re-cancel if it swallowed one.

    Exceptions from the task are not raised here: it is being stopped, and what it
    failed with was logged by the task or is of no interest any more.
    """
    if task is None:
        return
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=recancel_every)
    with contextlib.suppress(asyncio.CancelledError, Exception):
        task.result()
