"""Relay configuration: one frozen object built by the CLI or by an embedding process."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.protocol.limits import (
    AUTH_RATE_LIMIT_PER_MINUTE,
    CALL_RING_TIMEOUT_SECONDS,
    RATE_LIMIT_BURST,
    RATE_LIMIT_PER_SECOND,
    SESSION_TTL_SECONDS,
)


@dataclass(frozen=True, kw_only=True)
class RelayConfig:
    """Everything the relay needs to run. ``port=0`` picks a free port (see ``run_relay``)."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8765
    database: str | None = None
    """SQLAlchemy async DSN; default ``sqlite+aiosqlite:///<data_dir>/relay.db``."""
    stun_urls: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()
    turn_secret: str | None = None
    turn_ttl_seconds: int = 24 * 3600
    ring_timeout: float = CALL_RING_TIMEOUT_SECONDS
    call_grace: float = 5.0
    """Seconds a call survives its party's last connection dropping."""
    rate_per_second: float = RATE_LIMIT_PER_SECOND
    rate_burst: int = RATE_LIMIT_BURST
    auth_rate_per_minute: int = AUTH_RATE_LIMIT_PER_MINUTE
    session_ttl_seconds: float = SESSION_TTL_SECONDS
    send_queue_frames: int = 4096
    """Frames queued for one connection before it is closed as too slow."""
    fast_password_hashing: bool = False
    """Cheap Argon2id parameters, for tests and benchmarks only."""
    heartbeat: float = 30.0
    trusted_proxies: tuple[str, ...] = ()
    """Reverse proxies (addresses or CIDR networks) whose ``X-Forwarded-For`` is believed."""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def dsn(self) -> str:
        return self.database or f"sqlite+aiosqlite:///{self.data_dir / 'relay.db'}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"
