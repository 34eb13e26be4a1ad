"""``stop_task``: a worker that loses a cancellation still stops."""

from __future__ import annotations

import asyncio

from app.client.tasks import stop_task


async def test_a_task_that_swallows_a_cancellation_is_cancelled_again() -> None:
    swallowed = 0
    never = asyncio.Event()

    async def worker() -> None:
        nonlocal swallowed
        while True:
            try:
                await never.wait()
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed += 1  # what wait_for's race does to a worker loop on 3.11

    task = asyncio.get_running_loop().create_task(worker())
    await asyncio.sleep(0)
    async with asyncio.timeout(5):
        await stop_task(task, recancel_every=0.01)
    assert task.cancelled() and swallowed == 1


async def test_finished_failed_and_missing_tasks_are_fine() -> None:
    async def fail() -> None:
        raise RuntimeError("boom")

    async def done() -> int:
        return 1

    failing = asyncio.get_running_loop().create_task(fail())
    finished = asyncio.get_running_loop().create_task(done())
    await asyncio.sleep(0)
    await stop_task(failing)
    await stop_task(finished)
    await stop_task(None)
    assert finished.result() == 1
