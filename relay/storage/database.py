"""Async engine, schema creation and the single batching writer.

Every change goes through ``Database.write(job)``: jobs are queued, and the writer runs
whatever is queued in ONE transaction and commits once (group commit). Only after the
commit do the jobs' ``after_commit`` callbacks run (pushing updates) and their callers
get the result (so every ack follows a commit). If any job in a batch fails, the batch is
rolled back and its jobs are re-run one per transaction, so one bad request never fails
another. Jobs must therefore have no side effects outside the transaction except through
``Tx.after_commit``.

Two engines run the same job code. PostgreSQL uses SQLAlchemy's async engine (asyncpg).
SQLite uses SQLAlchemy Core on the stdlib driver: through SQLAlchemy's aiosqlite adapter
every cursor operation is a thread hop and a simple query measured ~2 ms. Reads run in a
few reader threads. The writer's jobs run inline on the event loop (a batch of sends takes
well under a millisecond of CPU: hot paths use the raw sqlite3 connection, see
``relay.storage.hot``), in raw BEGIN/COMMIT (see ``_run_batch_sqlite`` for why the
COMMIT is not handed to a thread). WAL checkpoints run in a reader thread, then the
writer's own thread catches up (``_catch_up_checkpoint``, the loop keeps serving) so the
WAL restarts instead of growing forever under steady load. Jobs and reads are written as
coroutines that only await ``conn.execute``; on SQLite they are driven to completion
synchronously.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from relay.storage.schema import SCHEMA_VERSION, meta, metadata, user_seqs, users

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 256
SLOW_BATCH_MS = 5.0
CHECKPOINT_INTERVAL = 1.0
"""Seconds between SQLite WAL checkpoints (run off the writer; see ``_checkpoint_loop``)."""
WAL_SIZE_LIMIT = 64 * 1024 * 1024
"""Bytes the SQLite WAL file is truncated to when it restarts (``journal_size_limit``)."""


class Tx:
    """A job's view of the writing transaction.

    ``raw`` is the writer's sqlite3 connection on SQLite (None on PostgreSQL): hot paths
    run cached SQL strings on it directly (see ``relay.storage.hot``), skipping
    SQLAlchemy's per-execute overhead, inside the same transaction as ``conn``.
    """

    __slots__ = ("conn", "callbacks", "raw", "_pg")

    def __init__(
        self, conn: AsyncConnection, raw: sqlite3.Connection | None = None, pg: _PgRaw | None = None
    ) -> None:
        self.conn = conn
        self.raw = raw
        self._pg = pg
        self.callbacks: list[Callable[[], None]] = []

    async def pg(self) -> Any | None:
        """PostgreSQL: the asyncpg connection inside this transaction (None on SQLite).

        Hot paths run prepared SQL on it directly (one round trip, no SQLAlchemy
        per-execute work), in the same transaction as ``conn``.
        """
        return None if self._pg is None else await self._pg.in_transaction()

    @property
    def has_pg(self) -> bool:
        return self._pg is not None

    def after_commit(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)


Job = Callable[[Tx], Awaitable[Any]]


class _PgRaw:
    """The asyncpg connection under the writer's SQLAlchemy ``AsyncConnection``."""

    __slots__ = ("adapted", "driver")

    def __init__(self, adapted: Any) -> None:
        self.adapted = adapted  # SQLAlchemy's AsyncAdapt_asyncpg_connection
        self.driver = adapted.driver_connection

    async def in_transaction(self) -> Any:
        # SQLAlchemy opens the asyncpg transaction lazily, at its first statement: open it
        # now, or a raw statement run before any SQLAlchemy one would autocommit
        if self.adapted._transaction is None:
            await self.adapted._start_transaction()
        return self.driver


class SchemaError(RuntimeError):
    """The database was written by a newer relay."""


class Database:
    """The relay's storage: ``read`` for queries, ``write`` for batched transactions."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.is_sqlite = dsn.startswith("sqlite")
        kwargs: dict[str, Any] = {"pool_size": 8, "max_overflow": 24, "pool_timeout": 60}
        self.engine: AsyncEngine | None = None
        self.sync_engine: Engine | None = None
        if self.is_sqlite:
            url = dsn.replace("sqlite+aiosqlite:", "sqlite:", 1)
            self.sync_engine = create_engine(
                url, connect_args={"check_same_thread": False}, **kwargs
            )
            event.listen(self.sync_engine, "connect", _sqlite_pragmas)
            self._io = _WriterThread()
            self._read_threads = ThreadPoolExecutor(4, thread_name_prefix="relay-db-reader")
        else:
            self.engine = create_async_engine(dsn, **kwargs)
        self._queue: asyncio.Queue[tuple[Job, asyncio.Future[Any]] | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pg: _PgRaw | None = None
        self._catch_up = False
        self.catch_ups: list[float] = []
        """SQLite: ms the writer spent in recent catch-up checkpoints."""
        self.batches = 0
        self.jobs = 0
        self.slow_batches: list[tuple[int, float, float]] = []
        """(jobs, ms, ms on a CPU) of recent batches that held the writer > SLOW_BATCH_MS."""
        self.on_rollback: list[Callable[[], None]] = []
        self.before_commit: list[Callable[[Tx], Awaitable[None]]] = []
        """PostgreSQL: awaited at the end of every transaction, before COMMIT (writes
        that jobs deferred to do once per batch, e.g. seq heads and update rows)."""
        """Called (in the writer) after any rolled-back transaction: in-memory state that
        jobs built inside it (seq counters, caches) must be dropped."""

    @property
    def url(self) -> str:
        engine = self.sync_engine if self.sync_engine is not None else self.engine
        assert engine is not None
        return engine.url.render_as_string(hide_password=True)

    async def open(self) -> None:
        """Create tables if needed, check the schema version, start the writer."""

        def create(conn: Connection) -> None:
            metadata.create_all(conn)
            row = conn.execute(select(meta.c.value).where(meta.c.key == "schema")).first()
            if row is None:
                conn.execute(insert(meta).values(key="schema", value=str(SCHEMA_VERSION)))
                return
            version = int(row[0])
            if version > SCHEMA_VERSION:
                raise SchemaError(f"database schema {version} is newer than {SCHEMA_VERSION}")
            if version < 2:  # seq heads move from users.seq to user_seqs
                conn.execute(
                    insert(user_seqs).from_select(
                        ["user_id", "seq"],
                        select(users.c.id, users.c.seq).where(
                            users.c.id.not_in(select(user_seqs.c.user_id))
                        ),
                    )
                )
            if version < 3:  # groups get their own update log (chat_updates is created above)
                columns = {c["name"] for c in inspect(conn).get_columns("chats")}
                if "pts" not in columns:
                    conn.execute(text("ALTER TABLE chats ADD COLUMN pts BIGINT NOT NULL DEFAULT 0"))
            if version < SCHEMA_VERSION:
                conn.execute(
                    update(meta).where(meta.c.key == "schema").values(value=str(SCHEMA_VERSION))
                )
                log.info("database schema migrated from %s to %s", version, SCHEMA_VERSION)

        if self.sync_engine is not None:
            engine = self.sync_engine

            def create_sync() -> None:
                with engine.begin() as conn:
                    create(conn)

            self._io.start()
            await self._io.run(create_sync)
        else:
            assert self.engine is not None
            async with self.engine.begin() as aconn:
                await aconn.run_sync(create)
        self._loop = asyncio.get_running_loop()
        self._writer = asyncio.create_task(self._write_loop(), name="relay-db-writer")

    async def close(self) -> None:
        """Finish every queued job (commit), then stop the writer and dispose the engine."""
        if self._writer is not None:
            await self._queue.put(None)
            await self._writer
            self._writer = None
        if self.sync_engine is not None:
            self._io.stop()
            self._read_threads.shutdown()
            self.sync_engine.dispose()
        if self.engine is not None:
            await self.engine.dispose()

    async def read(self, fn: Callable[[AsyncConnection], Coroutine[Any, Any, T]]) -> T:
        """Run a query function (it only awaits ``conn.execute``) outside the writer."""
        if self.sync_engine is not None:
            engine = self.sync_engine

            def run() -> T:
                with engine.connect() as conn:
                    return _drive(fn(_sync_conn(conn)))

            return await asyncio.get_running_loop().run_in_executor(self._read_threads, run)
        assert self.engine is not None
        async with self.engine.connect() as aconn:
            return await fn(aconn)

    async def write(self, job: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``job`` in the next batch; returns once its transaction has committed."""
        loop = self._loop
        if self._writer is None or loop is None:
            raise RuntimeError("database is not open")
        # the loop is cached: on Python 3.11 ``get_running_loop`` costs a getpid() syscall.
        # No ``asyncio.shield``: a cancelled caller cancels only this future; the queued
        # job still runs and commits (``_finish`` skips a future that is already done).
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put_nowait((job, future))
        return await future

    async def _write_loop(self) -> None:
        stop = False
        sync_conn: Connection | None = None
        aconn: AsyncConnection | None = None
        checkpointer: asyncio.Task[None] | None = None
        if self.sync_engine is not None:
            sync_conn = await self._io.run(self.sync_engine.connect)
            checkpointer = asyncio.create_task(self._checkpoint_loop(), name="relay-db-wal")
        else:
            assert self.engine is not None
            aconn = await self.engine.connect()
            fairy = await aconn.get_raw_connection()
            self._pg = _PgRaw(fairy.dbapi_connection)
        try:
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
                self.batches += 1
                self.jobs += len(batch)
                started = time.perf_counter()
                tcpu = time.thread_time()
                if sync_conn is not None:
                    await self._run_batch_sqlite(sync_conn, batch)
                else:
                    assert aconn is not None
                    await self._run_batch(aconn, batch)
                took = (time.perf_counter() - started) * 1000
                if took > SLOW_BATCH_MS:
                    del self.slow_batches[:-100]
                    self.slow_batches.append(
                        (len(batch), round(took, 2), round((time.thread_time() - tcpu) * 1000, 2))
                    )
                if self._catch_up and sync_conn is not None:
                    self._catch_up = False
                    started = time.perf_counter()
                    await self._catch_up_checkpoint(sync_conn)
                    self.catch_ups.append(round((time.perf_counter() - started) * 1000, 2))
                    del self.catch_ups[:-100]
        finally:
            if checkpointer is not None:
                checkpointer.cancel()
                try:
                    await checkpointer
                except asyncio.CancelledError:
                    pass
            if sync_conn is not None:
                await self._io.run(sync_conn.close)
            if aconn is not None:
                await aconn.close()

    async def _run_batch_sqlite(
        self, conn: Connection, batch: list[tuple[Job, asyncio.Future[Any]]]
    ) -> None:
        """The batch and its COMMIT inline on the loop (raw BEGIN/COMMIT).

        Handing the COMMIT to the writer thread (one hop per batch) was measured: on the
        2-core bench box it raised p50, p99 and CPU (GIL hand-offs, wake-ups), and the
        acks wait for the commit either way. The disk stalls are fought at their cause
        instead: the WAL restarts after each checkpoint (``_catch_up_checkpoint``), so
        commits overwrite allocated blocks instead of extending the file.
        """
        raw = cast(sqlite3.Connection, conn.connection.dbapi_connection)
        try:
            outcomes, commit = _run_batch_sync(
                raw, _sync_conn(conn), [j for j, _ in batch], self._rolled_back
            )
        except Exception as exc:  # BEGIN/SAVEPOINT failed: the batch fails, the writer lives
            log.exception("write batch failed")
            if raw.in_transaction:
                raw.rollback()
            self._rolled_back()
            for _, future in batch:
                _set_exception(future, exc)
            return
        if commit:
            try:
                raw.commit()
            except Exception as commit_error:  # disk full, I/O error: nothing is stored
                log.exception("commit of a write batch failed")
                if raw.in_transaction:
                    raw.rollback()
                self._rolled_back()
                outcomes = [(tx, None, commit_error) for tx, _, _ in outcomes]
        _finish([future for _, future in batch], outcomes)

    async def _catch_up_checkpoint(self, conn: Connection) -> None:
        """Checkpoint, in the writer thread, the few frames written since the last one.

        A checkpoint from another connection never catches up with a busy writer, so the
        WAL would never restart and only grow (every append extending the file). Right
        after ``_checkpoint_loop`` copied the bulk, the writer copies the rest (~1 ms):
        its next transaction then restarts the WAL at its start, reusing its blocks.
        """
        raw = cast(sqlite3.Connection, conn.connection.dbapi_connection)

        def checkpoint() -> None:
            raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

        try:
            await self._io.run(checkpoint)
        except Exception:
            log.exception("WAL checkpoint failed")

    async def _run_batch(
        self, conn: AsyncConnection, batch: list[tuple[Job, asyncio.Future[Any]]]
    ) -> None:
        if len(batch) > 1:
            txs: list[Tx] = []
            values: list[Any] = []
            try:
                async with conn.begin():
                    for job, _ in batch:
                        tx = Tx(conn, pg=self._pg)
                        values.append(await job(tx))
                        txs.append(tx)
                    for hook in self.before_commit:
                        await hook(tx)
            except Exception:
                self._rolled_back()  # re-run one by one below: each job gets its own outcome
            else:
                outcomes: list[Outcome] = [(tx, v, None) for tx, v in zip(txs, values, strict=True)]
                _finish([future for _, future in batch], outcomes)
                return
        for job, future in batch:
            tx = Tx(conn, pg=self._pg)
            try:
                async with conn.begin():
                    value = await job(tx)
                    for hook in self.before_commit:
                        await hook(tx)
            except Exception as exc:
                self._rolled_back()
                _finish([future], [(tx, None, exc)])
            else:
                _finish([future], [(tx, value, None)])

    async def _checkpoint_loop(self) -> None:
        """SQLite: copy the WAL into the database off the writer (see ``_sqlite_pragmas``).

        A PASSIVE checkpoint never blocks the writer; its fsyncs run in a reader thread.
        Then the writer copies what was committed meanwhile (``_catch_up_checkpoint``).
        """
        engine = self.sync_engine
        assert engine is not None

        def checkpoint() -> bool:
            with engine.connect() as conn:
                raw = cast(sqlite3.Connection, conn.connection.dbapi_connection)
                row = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                return row is not None and int(row[1]) > 0  # frames in the WAL

        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(CHECKPOINT_INTERVAL)
            try:
                if await loop.run_in_executor(self._read_threads, checkpoint):
                    self._catch_up = True
            except Exception:
                log.exception("WAL checkpoint failed")

    def _rolled_back(self) -> None:
        for hook in self.on_rollback:
            try:
                hook()
            except Exception:
                log.exception("rollback hook failed")


class _SyncConn:
    """An ``AsyncConnection`` look-alike over a sync connection (never really suspends)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        if parameters is None:
            return self._conn.execute(statement)
        return self._conn.execute(statement, parameters)


def _sync_conn(conn: Connection) -> AsyncConnection:
    return cast(AsyncConnection, _SyncConn(conn))


def _drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (it only awaits ``_SyncConn``) to completion."""
    try:
        coro.send(None)
    except StopIteration as done:
        return cast(T, done.value)
    coro.close()
    raise RuntimeError("a database job awaited something other than the database")


Outcome = tuple[Tx, Any, BaseException | None]


def _run_batch_sync(
    raw: sqlite3.Connection,
    conn: AsyncConnection,
    jobs: list[Job],
    rolled_back: Callable[[], None],
) -> tuple[list[Outcome], bool]:
    """On the loop: BEGIN and the jobs; True if the caller must COMMIT.

    Transactions are raw BEGIN/COMMIT/ROLLBACK on the sqlite3 connection, skipping
    SQLAlchemy's transaction API (``conn.begin()``, its events and bookkeeping).
    The batch runs in one transaction; if a job fails, it is rolled back and the jobs run
    again, each in a SAVEPOINT of one new transaction, so one bad request never fails
    another and the batch still commits once.
    """
    raw.execute("BEGIN")
    if len(jobs) == 1:
        tx = Tx(conn, raw)
        try:
            value: Any = _drive(jobs[0](tx))  # type: ignore[arg-type]
        except Exception as exc:
            raw.rollback()
            rolled_back()
            return [(tx, None, exc)], False
        return [(tx, value, None)], True
    txs: list[Tx] = []
    values: list[Any] = []
    try:
        for job in jobs:
            tx = Tx(conn, raw)
            values.append(_drive(job(tx)))  # type: ignore[arg-type]
            txs.append(tx)
    except Exception:
        raw.rollback()
        rolled_back()
    else:
        return [(tx, value, None) for tx, value in zip(txs, values, strict=True)], True
    raw.execute("BEGIN")
    outcomes: list[Outcome] = []
    for job in jobs:
        tx = Tx(conn, raw)
        raw.execute("SAVEPOINT job")
        try:
            value = _drive(job(tx))  # type: ignore[arg-type]
        except Exception as exc:
            if raw.in_transaction:
                raw.execute("ROLLBACK TO job")
                raw.execute("RELEASE job")
            else:  # the error ended the whole transaction (e.g. disk full)
                outcomes = [(done, None, exc) for done, _, _ in outcomes]
                raw.execute("BEGIN")
            rolled_back()
            outcomes.append((tx, None, exc))
        else:
            raw.execute("RELEASE job")
            outcomes.append((tx, value, None))
    return outcomes, True


class _WriterThread:
    """The SQLite writer's own thread: opens/closes its connection, catch-up checkpoints.

    One ``SimpleQueue`` put and one ``call_soon_threadsafe`` per call: cheaper than an
    executor's future chaining. Calls run one at a time, in order.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[
            tuple[Callable[[], Any], asyncio.AbstractEventLoop, asyncio.Future[Any]] | None
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="relay-db-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def run(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put((fn, loop, future))
        return future

    def _serve(self) -> None:
        get = self._queue.get
        while (item := get()) is not None:
            fn, loop, future = item
            try:
                value = fn()
            except BaseException as exc:  # handed to the awaiting coroutine
                loop.call_soon_threadsafe(_set_exception, future, exc)
            else:
                loop.call_soon_threadsafe(_set_result, future, value)


def _set_result(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


def _set_exception(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


def _finish(futures: list[asyncio.Future[Any]], outcomes: list[Outcome]) -> None:
    """Resolve a committed (or failed) batch's futures, then run its after-commit callbacks.

    Futures first: resolving one only schedules its caller's wake-up, and the pushes the
    callbacks queue on connections schedule their flush after those wake-ups. So a
    sender's ack, written when its handler resumes, goes out in the same socket write as
    its own update: one write and one wake-up of the client instead of two.
    """
    for future, (_, value, exc) in zip(futures, outcomes, strict=True):
        if future.done():
            continue
        if exc is None:
            future.set_result(value)
        else:
            future.set_exception(exc)
    for tx, _, exc in outcomes:
        if exc is None:
            for callback in tx.callbacks:
                try:
                    callback()
                except Exception:
                    log.exception("after-commit callback failed")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    # no checkpoint inside a commit (its fsyncs stalled the writer for ~6 ms every
    # 1000 pages); Database._checkpoint_loop checkpoints from another connection instead
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    # a WAL grown by a burst is cut back to this when it restarts
    cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
    cursor.close()
