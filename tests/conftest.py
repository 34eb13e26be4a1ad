"""Suite-wide diagnostics: a test about to hit pytest-timeout prints where every asyncio task
is waiting, so a hang in CI says which ``await`` never returned (pytest-timeout itself only
shows thread stacks, and an idle event loop looks the same whatever it waits for)."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
from collections.abc import Iterator

import pytest

_BEFORE_TIMEOUT = 8.0
"""Seconds before pytest-timeout fires that the task dump is printed."""


def _test_timeout(item: pytest.Item) -> float:
    marker = item.get_closest_marker("timeout")
    if marker is not None and marker.args:
        return float(marker.args[0])
    try:
        return float(item.config.getini("timeout") or 0)
    except (ValueError, TypeError):
        return 0.0


def _dump_pending_tasks(name: str) -> None:
    tasks = [o for o in gc.get_objects() if isinstance(o, asyncio.Task) and not o.done()]
    out = sys.__stderr__ or sys.stderr
    print(f"\n=== {name}: {len(tasks)} pending asyncio tasks near the timeout ===", file=out)
    for task in tasks:
        print(f"--- {task!r}", file=out)
        task.print_stack(limit=12, file=out)
    out.flush()


@pytest.fixture(autouse=True)
def _dump_tasks_before_timeout(request: pytest.FixtureRequest) -> Iterator[None]:
    timeout = _test_timeout(request.node)
    if timeout <= _BEFORE_TIMEOUT * 2:
        yield
        return
    timer = threading.Timer(
        timeout - _BEFORE_TIMEOUT, _dump_pending_tasks, args=(request.node.nodeid,)
    )
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
