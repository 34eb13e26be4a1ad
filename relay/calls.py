"""Call signalling: the 1:1 call state machine, ring timeout, ICE servers, call records.

Calls live in memory only (a relay restart ends them); what persists is the call record
message written into the direct chat when a call finishes.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from app.protocol.frames import CallIncoming, CallSignalEvent, CallStateChanged, encode
from app.protocol.limits import ErrorCode
from app.protocol.types import CallEndReason, CallInfo, CallOutcome, CallRecord, IceServer
from relay.errors import RelayError
from relay.storage import Tx

if TYPE_CHECKING:
    from relay.connection import Connection
    from relay.core import Relay

log = logging.getLogger(__name__)


def turn_credentials(
    secret: str, user_id: int, ttl: int, now: float | None = None
) -> tuple[str, str]:
    """coturn ``use-auth-secret`` REST credentials: ``<expiry>:<user>``, base64(HMAC-SHA1)."""
    expiry = int(time.time() if now is None else now) + ttl
    username = f"{expiry}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


@dataclass(eq=False)
class Call:
    id: str
    caller_id: int
    callee_id: int
    chat_id: int
    video: bool
    started: float
    caller_conn: Connection | None
    state: str = "ringing"
    accepted_at: float = 0.0
    callee_conn: Connection | None = None
    timer: asyncio.Task[None] | None = None
    grace: dict[int, asyncio.Task[None]] = field(default_factory=dict)

    def info(self, ice: list[IceServer]) -> CallInfo:
        return CallInfo(
            call_id=self.id,
            caller_id=self.caller_id,
            callee_id=self.callee_id,
            chat_id=self.chat_id,
            video=self.video,
            state=self.state,  # type: ignore[arg-type]
            started=self.started,
            ice_servers=ice,
        )

    def other(self, user_id: int) -> int:
        return self.callee_id if user_id == self.caller_id else self.caller_id


class CallManager:
    """All live calls of this relay node; one call at a time per user."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self.calls: dict[str, Call] = {}
        self.by_user: dict[int, Call] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.calls.clear()
        self.by_user.clear()

    def ice_servers(self, user_id: int) -> list[IceServer]:
        cfg = self.relay.config
        servers: list[IceServer] = []
        if cfg.stun_urls:
            servers.append(IceServer(urls=list(cfg.stun_urls)))
        if cfg.turn_secret and cfg.turn_urls:
            username, credential = turn_credentials(cfg.turn_secret, user_id, cfg.turn_ttl_seconds)
            servers.append(
                IceServer(urls=list(cfg.turn_urls), username=username, credential=credential)
            )
        return servers

    def _get(self, call_id: str, user_id: int) -> Call:
        call = self.calls.get(call_id)
        if call is None:
            raise RelayError(ErrorCode.UNKNOWN_CALL, "no such call")
        if user_id not in (call.caller_id, call.callee_id):
            raise RelayError(ErrorCode.UNKNOWN_CALL, "no such call")
        return call

    @staticmethod
    def _send(
        conns: Iterable[Connection | None], frame: Any, skip: Connection | None = None
    ) -> None:
        data = encode(frame)
        for conn in conns:
            if conn is not None and conn is not skip:
                conn.send(data)

    def _callee_side(self, call: Call) -> list[Connection]:
        if call.state == "accepted":
            return [call.callee_conn] if call.callee_conn else []
        return self.relay.broker.connections(call.callee_id)  # type: ignore[return-value]

    # --- requests -----------------------------------------------------------------------

    async def start(self, conn: Connection, callee_id: int, video: bool) -> CallInfo:
        from relay.handlers.chats import ensure_direct_chat

        me = conn.user_id
        relay = self.relay
        if callee_id == me:
            raise RelayError(ErrorCode.INVALID_FIELD, "cannot call yourself")
        if me in self.by_user or callee_id in self.by_user:
            raise RelayError(ErrorCode.CALL_BUSY, "already in a call")

        async def chat_job(tx: Tx) -> int:
            return (await ensure_direct_chat(relay, tx, me, callee_id))[0].id

        chat_id = await relay.db.write(chat_job)
        call = Call(
            id=secrets.token_hex(12),
            caller_id=me,
            callee_id=callee_id,
            chat_id=chat_id,
            video=video,
            started=time.time(),
            caller_conn=conn,
        )
        if not relay.broker.is_online(callee_id):
            await self._record(call, "missed")
            raise RelayError(ErrorCode.PEER_OFFLINE, "the callee is offline (missed call left)")
        if me in self.by_user or callee_id in self.by_user:
            raise RelayError(ErrorCode.CALL_BUSY, "already in a call")
        self.calls[call.id] = call
        self.by_user[me] = call
        self.by_user[callee_id] = call
        call.timer = self._spawn(self._ring_timeout(call))
        self._send(
            self._callee_side(call), CallIncoming(call=call.info(self.ice_servers(callee_id)))
        )
        return call.info(self.ice_servers(me))

    async def accept(self, conn: Connection, call_id: str) -> CallInfo:
        call = self._get(call_id, conn.user_id)
        if conn.user_id != call.callee_id:
            raise RelayError(ErrorCode.FORBIDDEN, "only the callee accepts")
        if call.state != "ringing":
            raise RelayError(ErrorCode.CALL_STATE, f"the call is {call.state}")
        others = self._callee_side(call)
        call.state = "accepted"
        call.accepted_at = time.time()
        call.callee_conn = conn
        if call.timer:
            call.timer.cancel()
            call.timer = None
        self._send(
            [call.caller_conn],
            CallStateChanged(call_id=call.id, state="accepted", by_user_id=conn.user_id),
        )
        self._send(
            others,
            CallStateChanged(call_id=call.id, state="ended", reason="answered_elsewhere"),
            skip=conn,
        )
        return call.info(self.ice_servers(conn.user_id))

    async def decline(self, conn: Connection, call_id: str) -> None:
        call = self._get(call_id, conn.user_id)
        if conn.user_id != call.callee_id:
            raise RelayError(ErrorCode.FORBIDDEN, "only the callee declines")
        if call.state != "ringing":
            raise RelayError(ErrorCode.CALL_STATE, f"the call is {call.state}")
        await self._finish(call, "declined", "declined", conn.user_id, skip=conn)

    async def hangup(self, conn: Connection, call_id: str) -> None:
        call = self._get(call_id, conn.user_id)
        if call.state == "ringing":
            if conn.user_id == call.caller_id:
                await self._finish(call, "cancelled", "cancelled", conn.user_id, skip=conn)
            else:
                await self._finish(call, "declined", "declined", conn.user_id, skip=conn)
        else:
            await self._finish(call, "ended", "hangup", conn.user_id, skip=conn)

    async def signal(
        self, conn: Connection, call_id: str, sdp_type: Literal["offer", "answer"], sdp: str
    ) -> None:
        call = self._get(call_id, conn.user_id)
        if call.state != "accepted":
            raise RelayError(ErrorCode.CALL_STATE, "signal after the call is accepted")
        mine = call.caller_conn if conn.user_id == call.caller_id else call.callee_conn
        if conn is not mine:
            raise RelayError(ErrorCode.FORBIDDEN, "this device is not in the call")
        target = call.callee_conn if conn.user_id == call.caller_id else call.caller_conn
        if target is None:
            raise RelayError(ErrorCode.PEER_OFFLINE, "the other party is reconnecting")
        self._send(
            [target],
            CallSignalEvent(call_id=call.id, from_user_id=conn.user_id, sdp_type=sdp_type, sdp=sdp),
        )

    # --- endings ------------------------------------------------------------------------

    async def _finish(
        self,
        call: Call,
        outcome: CallOutcome,
        reason: CallEndReason,
        by: int | None,
        skip: Connection | None = None,
    ) -> None:
        if self.calls.pop(call.id, None) is None:
            return
        for user_id in (call.caller_id, call.callee_id):
            if self.by_user.get(user_id) is call:
                del self.by_user[user_id]
        current = asyncio.current_task()
        for task in [call.timer, *call.grace.values()]:
            if task is not None and task is not current:
                task.cancel()
        frame = CallStateChanged(call_id=call.id, state="ended", reason=reason, by_user_id=by)
        self._send([call.caller_conn, *self._callee_side(call)], frame, skip=skip)
        await self._record(call, outcome)

    async def _record(self, call: Call, outcome: CallOutcome) -> None:
        from relay.handlers.messages import message_values, store_message

        duration = round(time.time() - call.accepted_at, 3) if call.accepted_at else 0.0
        record = CallRecord(
            call_id=call.id,
            caller_id=call.caller_id,
            video=call.video,
            outcome=outcome,
            duration=duration if outcome == "ended" else 0.0,
        )
        relay = self.relay

        async def job(tx: Tx) -> None:
            await store_message(
                relay,
                tx,
                call.chat_id,
                call.caller_id,
                [call.caller_id, call.callee_id],
                message_values("", None, call=record),
            )

        await relay.db.write(job)

    async def _ring_timeout(self, call: Call) -> None:
        await asyncio.sleep(self.relay.config.ring_timeout)
        if call.state == "ringing":
            call.timer = None
            await self._finish(call, "missed", "missed", None)

    def connection_lost(self, conn: Connection) -> None:
        """A connection went away: a party's device gets a grace period to come back."""
        call = self.by_user.get(conn.user_id)
        if call is None or conn.user_id in call.grace:
            return
        if conn is call.caller_conn or conn is call.callee_conn:
            call.grace[conn.user_id] = self._spawn(self._grace(call, conn.user_id))

    async def _grace(self, call: Call, user_id: int) -> None:
        await asyncio.sleep(self.relay.config.call_grace)
        call.grace.pop(user_id, None)
        if call.id not in self.calls:
            return
        live = self.relay.broker.connections(user_id)
        if live:
            conn: Connection = live[-1]  # type: ignore[assignment]
            if user_id == call.caller_id:
                call.caller_conn = conn
            else:
                call.callee_conn = conn
            return
        if user_id == call.caller_id:
            call.caller_conn = None
        else:
            call.callee_conn = None
        outcome: CallOutcome = "ended" if call.state == "accepted" else "cancelled"
        await self._finish(call, outcome, "peer_offline", user_id)
