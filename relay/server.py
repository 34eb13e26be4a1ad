"""The aiohttp application, an embeddable runner, and the CLI's serve loop.

``create_app(config)`` builds the app (its cleanup context opens and closes storage);
``run_relay(config)`` runs it in the current event loop, e.g. inside the desktop client's
``--demo`` mode; ``serve(config)`` runs until SIGTERM/SIGINT. Both raise
``relay.datadir.DataDirInUse`` when another relay holds the data directory.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import WSCloseCode, web

from relay.blobs import expect_blob, get_blob, put_blob
from relay.config import RelayConfig
from relay.connection import RELAY_KEY, websocket_handler
from relay.core import Relay
from relay.diagnostics import monitor_from_env

log = logging.getLogger(__name__)
GC_THRESHOLD = 50_000
"""Allocations between young-generation collections while serving (default 700)."""


async def healthz(request: web.Request) -> web.Response:
    relay = request.app[RELAY_KEY]
    return web.json_response({"status": "ok", "connections": len(relay.connections)})


def create_app(config: RelayConfig) -> web.Application:
    """The relay as an aiohttp application (storage opens on startup, closes on cleanup)."""
    app = web.Application(client_max_size=1024**2)
    relay = Relay(config)
    app[RELAY_KEY] = relay

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        await relay.open()
        log.info("relay storage open (%s)", relay.db.url)
        yield
        await relay.close()
        log.info("relay storage closed")

    async def close_connections(app: web.Application) -> None:
        for conn in list(relay.connections):
            await conn.ws.close(code=WSCloseCode.GOING_AWAY, message=b"relay shutting down")

    app.cleanup_ctx.append(lifecycle)
    app.on_shutdown.append(close_connections)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/v1/ws", websocket_handler)
    app.router.add_put("/v1/blobs/{sha256}", put_blob, expect_handler=expect_blob)
    app.router.add_get("/v1/blobs/{sha256}", get_blob)
    return app


@dataclass(frozen=True)
class RelayHandle:
    """A relay running in this process: ``url`` (http base), ``ws_url``, ``app``."""

    app: web.Application
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/v1/ws"


@asynccontextmanager
async def run_relay(config: RelayConfig) -> AsyncIterator[RelayHandle]:
    """Serve ``config`` in the running loop until the block exits (``port=0``: any free).

    Raises ``DataDirInUse`` (before listening) if another relay uses ``config.data_dir``.
    """
    app = create_app(config)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=5.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.host, config.port, reuse_address=True)
        await site.start()
        server = site._server
        port = config.port
        if server is not None and getattr(server, "sockets", None):
            port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        log.info("relay listening on %s:%s", config.host, port)
        yield RelayHandle(app=app, host=config.host, port=port)
    finally:
        await runner.cleanup()


async def serve(config: RelayConfig) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly (queued writes are committed)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with run_relay(config) as handle:
        # Everything allocated while starting (SQLAlchemy's compiled caches, aiohttp,
        # protocol types) is long-lived: move it out of the cyclic GC's view, so full
        # collections stay short and do not show up as latency spikes.
        gc.collect()
        gc.freeze()
        # Requests allocate many short-lived container objects; with the default
        # threshold (700) the cyclic GC ran hundreds of times a second and was ~18% of
        # the relay's CPU under load (py-spy). Garbage cycles are rare here: collect
        # young objects far less often.
        gc.set_threshold(GC_THRESHOLD, 50, 100)
        monitor = monitor_from_env()
        if monitor is not None:
            monitor.start()
        await stop.wait()
        if monitor is not None:
            db = handle.app[RELAY_KEY].db
            await monitor.stop(
                {
                    "batches": db.batches,
                    "jobs": db.jobs,
                    "slow_batches": db.slow_batches[-20:],
                    "catch_up_ms": db.catch_ups[-20:],
                }
            )
        log.info("relay stopping")
    log.info("relay stopped")
