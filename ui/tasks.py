"""Owned asyncio tasks for the UI: every operation has a success and a failure path.

Like Anki's ``CollectionOp``: a widget starts an async operation with :meth:`TaskOwner.run`,
passes what to do with the result and with an error, and the owner keeps the task so it can
be cancelled and awaited on shutdown. No fire-and-forget tasks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class TaskOwner:
    """Keeps the tasks it started; :meth:`aclose` cancels and awaits them all."""

    def __init__(self, name: str = "ui") -> None:
        self._name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    def run(
        self,
        coro: Coroutine[Any, Any, T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> asyncio.Task[T] | None:
        """Start ``coro``; call ``on_done(result)`` or ``on_error(exc)`` on the loop."""
        if self._closed:
            coro.close()
            return None
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def finished(t: asyncio.Task[T]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            exc = t.exception()
            if exc is not None:
                if on_error is not None:
                    try:
                        on_error(exc)
                    except Exception:
                        log.exception("error handler failed")
                else:
                    log.error("%s task failed", self._name, exc_info=exc)
                return
            if on_done is not None:
                try:
                    on_done(t.result())
                except Exception:
                    log.exception("result handler failed")

        task.add_done_callback(finished)
        return task

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def aclose(self) -> None:
        """Cancel every task and wait for them to finish."""
        self._closed = True
        tasks = list(self._tasks)
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()


async def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run blocking ``fn(*args)`` on a worker thread (image decoding, key derivation)."""
    return await asyncio.to_thread(fn, *args)


def awaitable(value: Awaitable[T]) -> Awaitable[T]:
    return value
