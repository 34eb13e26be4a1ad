"""``risala-relay serve ...``: command-line entry point of the relay."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from relay.config import RelayConfig
from relay.datadir import DataDirInUse
from relay.proxy import parse_networks
from relay.server import serve

EXIT_DATA_DIR_IN_USE = 3
"""Exit code of ``serve`` when another relay holds the data directory."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="risala-relay", description="The Risala relay server.")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the relay")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--data", type=Path, required=True, help="data directory (db, blobs)")
    s.add_argument("--database", help="SQLAlchemy DSN, e.g. postgresql+asyncpg://u:p@h/db")
    s.add_argument("--stun-url", action="append", default=[], help="repeatable")
    s.add_argument("--turn-url", action="append", default=[], help="repeatable")
    secret = s.add_mutually_exclusive_group()
    secret.add_argument("--turn-secret", help="coturn static-auth-secret (use-auth-secret)")
    secret.add_argument(
        "--turn-secret-file",
        type=Path,
        help="read the TURN secret from this file (keeps it out of the process list)",
    )
    s.add_argument("--turn-ttl", type=int, default=24 * 3600, help="TURN credential lifetime (s)")
    s.add_argument("--ring-timeout", type=float, help="seconds before a call is missed")
    s.add_argument(
        "--call-grace",
        type=float,
        default=5.0,
        help="seconds a call survives a party's connection loss",
    )
    s.add_argument("--session-ttl", type=float, help="seconds an unused session lives")
    s.add_argument("--auth-rate-per-minute", type=int, help="sign-in/up attempts per address")
    s.add_argument("--rate-per-second", type=float, help="requests per second per connection")
    s.add_argument("--rate-burst", type=int, help="request burst per connection")
    s.add_argument(
        "--send-queue",
        type=int,
        default=4096,
        help="frames queued per connection before it is closed as too slow",
    )
    s.add_argument(
        "--fast-password-hashing",
        action="store_true",
        help="weak Argon2id parameters: for tests and benchmarks ONLY",
    )
    s.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        help="address or CIDR of a reverse proxy whose X-Forwarded-For is believed; repeatable",
    )
    s.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


class ConfigError(Exception):
    """A setting given on the command line cannot be used; the message says why."""


def read_secret_file(path: Path) -> str:
    """The secret in ``path``: its text without surrounding whitespace (a trailing
    newline from ``echo`` or an editor is not part of the secret)."""
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read --turn-secret-file {path}: {exc}") from exc
    if not secret:
        raise ConfigError(f"--turn-secret-file {path} is empty")
    return secret


def _networks(values: list[str]) -> tuple[str, ...]:
    try:
        parse_networks(values)
    except ValueError as exc:
        raise ConfigError(f"--trusted-proxy: {exc}") from exc
    return tuple(values)


def config_from_args(args: argparse.Namespace) -> RelayConfig:
    optional = {
        "ring_timeout": args.ring_timeout,
        "auth_rate_per_minute": args.auth_rate_per_minute,
        "rate_per_second": args.rate_per_second,
        "rate_burst": args.rate_burst,
        "session_ttl_seconds": args.session_ttl,
    }
    return RelayConfig(
        data_dir=args.data,
        host=args.host,
        port=args.port,
        database=args.database,
        stun_urls=tuple(args.stun_url),
        turn_urls=tuple(args.turn_url),
        turn_secret=(
            read_secret_file(args.turn_secret_file)
            if args.turn_secret_file is not None
            else args.turn_secret
        ),
        turn_ttl_seconds=args.turn_ttl,
        call_grace=args.call_grace,
        send_queue_frames=args.send_queue,
        fast_password_hashing=args.fast_password_hashing,
        trusted_proxies=_networks(args.trusted_proxy),
        **{k: v for k, v in optional.items() if v is not None},
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        print(f"risala-relay: error: {exc}", file=sys.stderr)
        sys.exit(2)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        import uvloop
    except ImportError:
        run = asyncio.run
    else:
        run = uvloop.run
    try:
        run(serve(config))
    except DataDirInUse as exc:
        print(f"risala-relay: error: {exc}", file=sys.stderr)
        sys.exit(EXIT_DATA_DIR_IN_USE)


if __name__ == "__main__":
    main()
