"""The relay's shared state: storage, broker, password hasher, calls, rate limits."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from app.protocol.limits import ErrorCode
from app.protocol.types import User
from relay.broker import Broker, LocalBroker
from relay.broker.local import chat_update_frame
from relay.config import RelayConfig
from relay.datadir import DataDirLock
from relay.errors import RelayError
from relay.proxy import parse_networks
from relay.ratelimit import AddressLimiter
from relay.storage import Database, Tx
from relay.storage.hot import WriterState
from relay.storage.queries import seq_head, user_from_row
from relay.storage.schema import sessions, users

if TYPE_CHECKING:
    from relay.calls import CallManager
    from relay.connection import Connection


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def new_token() -> str:
    """A 256-bit random session token, URL-safe base64."""
    return secrets.token_urlsafe(32)


class Session:
    """An authenticated session as resolved from a token."""

    __slots__ = ("id", "user", "seq")

    def __init__(self, session_id: str, user: User, seq: int) -> None:
        self.id = session_id
        self.user = user
        self.seq = seq


class Relay:
    """Owns everything a request handler needs. Created and closed by the aiohttp app."""

    def __init__(self, config: RelayConfig, broker: Broker | None = None) -> None:
        self.config = config
        self.db = Database(config.dsn)
        self.state = WriterState()
        """Caches and seq heads owned by the writer (only touched inside write jobs)."""
        self.db.on_rollback.append(self.state.clear)
        self.db.before_commit.append(self.state.flush)
        self.broker: Broker = broker or LocalBroker()
        if config.fast_password_hashing:
            self.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        else:
            self.hasher = PasswordHasher()
        self.auth_limiter = AddressLimiter(config.auth_rate_per_minute)
        self.trusted_proxies = parse_networks(config.trusted_proxies)
        self.connections: set[Connection] = set()
        self.lock = DataDirLock(config.data_dir)
        from relay.calls import CallManager

        self.calls: CallManager = CallManager(self)

    async def open(self) -> None:
        """Lock the data directory (``DataDirInUse`` if another relay has it), open storage."""
        self.lock.acquire()
        try:
            self.config.blob_dir.mkdir(parents=True, exist_ok=True)
            (self.config.blob_dir / "tmp").mkdir(exist_ok=True)
            await self.db.open()
        except BaseException:
            self.lock.release()
            raise

    async def close(self) -> None:
        try:
            await self.calls.close()
            await self.db.close()
            await self.broker.close()
        finally:
            self.lock.release()

    # --- passwords and tokens -----------------------------------------------------------

    async def hash_password(self, password: str) -> str:
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify_password(self, stored: str, password: str) -> bool:
        def check() -> bool:
            try:
                return self.hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return False

        return await asyncio.to_thread(check)

    async def authenticate(self, token: str) -> Session:
        """Resolve a session token, refreshing its ``last_seen``; RelayError when not valid."""
        token_hash = hash_token(token)
        ttl = self.config.session_ttl_seconds

        async def job(tx: Tx) -> Session:
            row = (
                await tx.conn.execute(
                    select(
                        sessions.c.id, sessions.c.user_id, sessions.c.last_seen, sessions.c.revoked
                    ).where(sessions.c.token_hash == token_hash)
                )
            ).first()
            if row is None:
                raise RelayError(ErrorCode.TOKEN_INVALID, "unknown session token")
            if row.revoked:
                raise RelayError(ErrorCode.TOKEN_REVOKED, "the session was revoked")
            now = time.time()
            if now - row.last_seen > ttl:
                raise RelayError(ErrorCode.TOKEN_EXPIRED, "the session expired; sign in again")
            await tx.conn.execute(
                update(sessions).where(sessions.c.id == row.id).values(last_seen=now)
            )
            user_row = (
                await tx.conn.execute(
                    select(
                        users.c.id,
                        users.c.username,
                        users.c.display_name,
                        users.c.bio,
                    ).where(users.c.id == row.user_id)
                )
            ).one()
            if self.state.pending:  # PostgreSQL: seqs of this batch not yet assigned
                await self.state.flush(tx)
            seq = await seq_head(tx.conn, row.user_id)
            return Session(row.id, user_from_row(user_row), seq)

        return await self.db.write(job)

    # --- chats ---------------------------------------------------------------------------

    async def roles_for(self, tx: Tx, chat_id: int, user_id: int) -> tuple[str, dict[int, str]]:
        """In a write job: the chat's kind and roles, checking ``user_id`` is a member.

        Served from the writer's cache; jobs that change membership call
        ``self.state.forget_chat``. Callers must not mutate the returned dict.
        """
        found = await self.state.chat_roles(tx, chat_id)
        if found is None:
            raise RelayError(ErrorCode.UNKNOWN_CHAT, f"no chat {chat_id}")
        if user_id not in found[1]:
            raise RelayError(ErrorCode.FORBIDDEN, "you are not a member of this chat")
        return found

    # --- updates ------------------------------------------------------------------------

    async def emit(self, tx: Tx, items: Sequence[tuple[int, bytes]]) -> None:
        """Append updates in this transaction; push them to live connections after commit."""
        # on PostgreSQL ``pushed`` is filled in just before the commit (``state.flush``)
        pushed = await self.state.emit(tx, items)
        if items:
            broker = self.broker

            def push() -> None:
                broker.publish_updates(pushed)

            tx.after_commit(push)

    async def emit_to_chat(
        self, tx: Tx, chat_id: int, kind: str, member_ids: Iterable[int], payload: bytes
    ) -> None:
        """An update about a chat's content (message, edit, delete, read mark) for its members.

        A direct chat's go into each member's ``seq``. A group's go once into the group's
        own log (``pts``) and one ``chat_update`` frame, encoded once, is pushed to every
        member after commit: storing and encoding it per member made a message to a
        1,000-member group cost 1,000 rows and 1,000 encodings (the design's "fan-out on
        read", as for channels).
        """
        if kind != "group":
            await self.emit(tx, [(uid, payload) for uid in member_ids])
            return
        pts = await self.state.emit_chat(tx, chat_id, payload)
        frame = chat_update_frame(chat_id, pts, payload)
        audience = tuple(member_ids)
        broker = self.broker

        def push() -> None:
            broker.publish(audience, frame)

        tx.after_commit(push)
