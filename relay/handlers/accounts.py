"""Accounts and sessions: sign up/in/out, sessions, profiles, user lookup."""

from __future__ import annotations

import re
import secrets
import time
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from app.protocol.frames import (
    GetMe,
    GetUsers,
    ListSessions,
    LookupUser,
    Ping,
    RevokeSession,
    SignIn,
    SignOut,
    SignUp,
    UpdateProfile,
)
from app.protocol.limits import (
    MAX_BIO_CHARS,
    MAX_DISPLAY_NAME_CHARS,
    MAX_PAGE,
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    USERNAME_PATTERN,
    ErrorCode,
)
from app.protocol.types import AuthResult, Session, User, UserUpdated
from relay.errors import RelayError, error_frame
from relay.handlers import handles
from relay.storage import Tx
from relay.storage.queries import USER_COLS, encode_update, get_user, get_users, user_from_row
from relay.storage.schema import members, sessions, user_seqs, users

if TYPE_CHECKING:
    from relay.connection import Connection
    from relay.core import Relay

_USERNAME = re.compile(USERNAME_PATTERN)


def check_display_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_DISPLAY_NAME_CHARS:
        raise RelayError(
            ErrorCode.INVALID_FIELD, f"display_name must be 1..{MAX_DISPLAY_NAME_CHARS} characters"
        )
    return name


def _auth_rate(relay: Relay, conn: Connection) -> None:
    wait = relay.auth_limiter.take(conn.address)
    if wait:
        raise RelayError(ErrorCode.RATE_LIMITED, "too many sign-in attempts", round(wait, 3))


async def _new_session(tx: Tx, user_id: int, device: str) -> tuple[str, str]:
    from relay.core import hash_token, new_token

    token = new_token()
    session_id = secrets.token_urlsafe(12)
    now = time.time()
    await tx.conn.execute(
        insert(sessions).values(
            id=session_id,
            user_id=user_id,
            token_hash=hash_token(token),
            device=device[:128],
            created=now,
            last_seen=now,
            revoked=False,
        )
    )
    return token, session_id


@handles(Ping)
async def ping(relay: Relay, conn: Connection, frame: Ping) -> None:
    return None


@handles(SignUp)
async def sign_up(relay: Relay, conn: Connection, frame: SignUp) -> AuthResult:
    _auth_rate(relay, conn)
    if not _USERNAME.match(frame.username):
        raise RelayError(
            ErrorCode.INVALID_USERNAME, "usernames are 3-32 of a-z, 0-9 and _ (lower case)"
        )
    display_name = check_display_name(frame.display_name)
    if not MIN_PASSWORD_CHARS <= len(frame.password) <= MAX_PASSWORD_CHARS:
        raise RelayError(
            ErrorCode.WEAK_PASSWORD,
            f"passwords are {MIN_PASSWORD_CHARS}..{MAX_PASSWORD_CHARS} characters",
        )
    password_hash = await relay.hash_password(frame.password)

    async def job(tx: Tx) -> AuthResult:
        taken = (
            await tx.conn.execute(select(users.c.id).where(users.c.username == frame.username))
        ).first()
        if taken is not None:
            raise RelayError(ErrorCode.USERNAME_TAKEN, "that username is taken")
        result = await tx.conn.execute(
            insert(users).values(
                username=frame.username,
                display_name=display_name,
                bio="",
                password_hash=password_hash,
                created=time.time(),
                seq=0,
            )
        )
        user_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        await tx.conn.execute(insert(user_seqs).values(user_id=user_id, seq=0))
        token, session_id = await _new_session(tx, user_id, frame.device)
        user = User(id=user_id, username=frame.username, display_name=display_name)
        return AuthResult(token=token, session_id=session_id, user=user)

    try:
        auth = await relay.db.write(job)
    except IntegrityError:
        raise RelayError(ErrorCode.USERNAME_TAKEN, "that username is taken") from None
    conn.attach(auth.user, auth.session_id)
    return auth


@handles(SignIn)
async def sign_in(relay: Relay, conn: Connection, frame: SignIn) -> AuthResult:
    _auth_rate(relay, conn)

    async def find(db: object) -> tuple[int, str] | None:
        row = (
            await db.execute(  # type: ignore[attr-defined]
                select(users.c.id, users.c.password_hash).where(users.c.username == frame.username)
            )
        ).first()
        return (int(row[0]), str(row[1])) if row else None

    found = await relay.db.read(find)
    if found is None or len(frame.password) > MAX_PASSWORD_CHARS:
        raise RelayError(ErrorCode.WRONG_CREDENTIALS, "wrong username or password")
    if not await relay.verify_password(found[1], frame.password):
        raise RelayError(ErrorCode.WRONG_CREDENTIALS, "wrong username or password")
    user_id = found[0]

    async def job(tx: Tx) -> AuthResult:
        token, session_id = await _new_session(tx, user_id, frame.device)
        user = await get_user(tx.conn, user_id)
        assert user is not None
        return AuthResult(token=token, session_id=session_id, user=user)

    auth = await relay.db.write(job)
    conn.attach(auth.user, auth.session_id)
    return auth


async def _revoke(relay: Relay, user_id: int, session_id: str) -> None:
    async def job(tx: Tx) -> None:
        result = await tx.conn.execute(
            update(sessions)
            .where(
                sessions.c.id == session_id,
                sessions.c.user_id == user_id,
                sessions.c.revoked.is_(False),
            )
            .values(revoked=True)
        )
        if result.rowcount == 0:
            raise RelayError(ErrorCode.UNKNOWN_SESSION, "no such active session")

    await relay.db.write(job)
    relay.broker.close_session(
        user_id, session_id, error_frame(ErrorCode.TOKEN_REVOKED, "this session was revoked")
    )


@handles(SignOut)
async def sign_out(relay: Relay, conn: Connection, frame: SignOut) -> None:
    user_id, session_id = conn.user_id, conn.session_id
    conn.detach()
    await _revoke(relay, user_id, session_id)


@handles(ListSessions)
async def list_sessions(relay: Relay, conn: Connection, frame: ListSessions) -> list[Session]:
    async def query(db: object) -> list[Session]:
        rows = await db.execute(  # type: ignore[attr-defined]
            select(sessions)
            .where(sessions.c.user_id == conn.user_id, sessions.c.revoked.is_(False))
            .order_by(sessions.c.created)
        )
        ttl = relay.config.session_ttl_seconds
        now = time.time()
        return [
            Session(
                id=r.id,
                device=r.device,
                created=r.created,
                last_seen=r.last_seen,
                current=r.id == conn.session_id,
            )
            for r in rows
            if now - r.last_seen <= ttl
        ]

    return await relay.db.read(query)


@handles(RevokeSession)
async def revoke_session(relay: Relay, conn: Connection, frame: RevokeSession) -> None:
    if frame.session_id == conn.session_id:
        user_id = conn.user_id
        conn.detach()
        await _revoke(relay, user_id, frame.session_id)
        return
    await _revoke(relay, conn.user_id, frame.session_id)


@handles(GetMe)
async def get_me(relay: Relay, conn: Connection, frame: GetMe) -> User:
    user = await relay.db.read(lambda db: get_user(db, conn.user_id))
    assert user is not None
    return user


@handles(LookupUser)
async def lookup_user(relay: Relay, conn: Connection, frame: LookupUser) -> User:
    async def query(db: object) -> User | None:
        row = (
            await db.execute(  # type: ignore[attr-defined]
                select(*USER_COLS).where(users.c.username == frame.username.lower())
            )
        ).first()
        return user_from_row(row) if row else None

    user = await relay.db.read(query)
    if user is None:
        raise RelayError(ErrorCode.UNKNOWN_USER, f"no user {frame.username!r}")
    return user


@handles(GetUsers)
async def get_users_handler(relay: Relay, conn: Connection, frame: GetUsers) -> list[User]:
    if len(frame.user_ids) > MAX_PAGE:
        raise RelayError(ErrorCode.INVALID_FIELD, f"at most {MAX_PAGE} user ids")
    return await relay.db.read(lambda db: get_users(db, frame.user_ids))


@handles(UpdateProfile)
async def update_profile(relay: Relay, conn: Connection, frame: UpdateProfile) -> User:
    values: dict[str, str] = {}
    if frame.display_name is not None:
        values["display_name"] = check_display_name(frame.display_name)
    if frame.bio is not None:
        if len(frame.bio) > MAX_BIO_CHARS:
            raise RelayError(ErrorCode.INVALID_FIELD, f"bio is at most {MAX_BIO_CHARS} characters")
        values["bio"] = frame.bio
    user_id = conn.user_id

    async def job(tx: Tx) -> User:
        if values:
            await tx.conn.execute(update(users).where(users.c.id == user_id).values(**values))
        user = await get_user(tx.conn, user_id)
        assert user is not None
        if values:
            my_chats = select(members.c.chat_id).where(members.c.user_id == user_id)
            rows = await tx.conn.execute(
                select(members.c.user_id).where(members.c.chat_id.in_(my_chats)).distinct()
            )
            audience = {int(r[0]) for r in rows} | {user_id}
            payload = encode_update(UserUpdated(user=user))
            await relay.emit(tx, [(uid, payload) for uid in sorted(audience)])
        return user

    return await relay.db.write(job)
