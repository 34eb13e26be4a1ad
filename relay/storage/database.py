"""Async engine, schema creation and the single batching writer.

Every change goes through ``Database.write(job)``: jobs are queued, and the writer runs
whatever is queued in ONE transaction and commits once (group commit). Only after the
commit do the jobs' ``after_commit`` callbacks run (pushing updates) and their callers
get the result (so every ack follows a commit). If any job in a batch fails, the batch is
rolled back and its jobs are re-run one per transaction, so one bad request never fails
another. Jobs must therefore have no side effects outside the transaction except through
``Tx.after_commit``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from relay.storage.schema import SCHEMA_VERSION, meta, metadata

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 256


class Tx:
    """A job's view of the writing transaction."""

    __slots__ = ("conn", "callbacks")

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.callbacks: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)


Job = Callable[[Tx], Awaitable[Any]]


class SchemaError(RuntimeError):
    """The database was written by a newer relay."""


class Database:
    """The relay's storage: ``read`` for queries, ``write`` for batched transactions."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.is_sqlite = dsn.startswith("sqlite")
        kwargs: dict[str, Any] = {"pool_size": 8, "max_overflow": 24, "pool_timeout": 60}
        self.engine: AsyncEngine = create_async_engine(dsn, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._queue: asyncio.Queue[tuple[Job, asyncio.Future[Any]] | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self.batches = 0
        self.jobs = 0

    async def open(self) -> None:
        """Create tables if needed, check the schema version, start the writer."""
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            row = (await conn.execute(select(meta.c.value).where(meta.c.key == "schema"))).first()
            if row is None:
                await conn.execute(insert(meta).values(key="schema", value=str(SCHEMA_VERSION)))
            elif int(row[0]) > SCHEMA_VERSION:
                raise SchemaError(f"database schema {row[0]} is newer than {SCHEMA_VERSION}")
        self._writer = asyncio.create_task(self._write_loop(), name="relay-db-writer")

    async def close(self) -> None:
        """Finish every queued job (commit), then stop the writer and dispose the engine."""
        if self._writer is not None:
            await self._queue.put(None)
            await self._writer
            self._writer = None
        await self.engine.dispose()

    async def read(self, fn: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        async with self.engine.connect() as conn:
            return await fn(conn)

    async def write(self, job: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``job`` in the next batch; returns once its transaction has committed."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((job, future))
        return await asyncio.shield(future)

    async def _write_loop(self) -> None:
        async with self.engine.connect() as conn:
            stop = False
            while not stop:
                item = await self._queue.get()
                if item is None:
                    break
                batch = [item]
                while len(batch) < MAX_BATCH and not self._queue.empty():
                    nxt = self._queue.get_nowait()
                    if nxt is None:
                        stop = True
                        break
                    batch.append(nxt)
                await self._run_batch(conn, batch)

    async def _run_batch(
        self, conn: AsyncConnection, batch: list[tuple[Job, asyncio.Future[Any]]]
    ) -> None:
        self.batches += 1
        self.jobs += len(batch)
        if len(batch) > 1:
            txs: list[Tx] = []
            values: list[Any] = []
            try:
                async with conn.begin():
                    for job, _ in batch:
                        tx = Tx(conn)
                        values.append(await job(tx))
                        txs.append(tx)
            except Exception:
                pass  # re-run one by one below, so each job gets its own outcome
            else:
                for (_, future), tx, value in zip(batch, txs, values, strict=True):
                    _finish(future, tx, value, None)
                return
        for job, future in batch:
            tx = Tx(conn)
            try:
                async with conn.begin():
                    value = await job(tx)
            except Exception as exc:
                _finish(future, tx, None, exc)
            else:
                _finish(future, tx, value, None)


def _finish(future: asyncio.Future[Any], tx: Tx, value: Any, exc: BaseException | None) -> None:
    if exc is None:
        for callback in tx.callbacks:
            try:
                callback()
            except Exception:
                log.exception("after-commit callback failed")
    if future.done():
        return
    if exc is None:
        future.set_result(value)
    else:
        future.set_exception(exc)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
