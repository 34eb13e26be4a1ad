"""Call signalling requests (see relay/calls.py for the state machine)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.protocol.frames import (
    CallAccept,
    CallDecline,
    CallHangup,
    CallSignal,
    CallStart,
    GetIceServers,
)
from app.protocol.types import CallInfo, IceServer
from relay.handlers import handles

if TYPE_CHECKING:
    from relay.connection import Connection
    from relay.core import Relay


@handles(GetIceServers)
async def get_ice_servers(relay: Relay, conn: Connection, frame: GetIceServers) -> list[IceServer]:
    return relay.calls.ice_servers(conn.user_id)


@handles(CallStart)
async def call_start(relay: Relay, conn: Connection, frame: CallStart) -> CallInfo:
    return await relay.calls.start(conn, frame.callee_id, frame.video)


@handles(CallAccept)
async def call_accept(relay: Relay, conn: Connection, frame: CallAccept) -> CallInfo:
    return await relay.calls.accept(conn, frame.call_id)


@handles(CallDecline)
async def call_decline(relay: Relay, conn: Connection, frame: CallDecline) -> None:
    await relay.calls.decline(conn, frame.call_id)


@handles(CallHangup)
async def call_hangup(relay: Relay, conn: Connection, frame: CallHangup) -> None:
    await relay.calls.hangup(conn, frame.call_id)


@handles(CallSignal)
async def call_signal(relay: Relay, conn: Connection, frame: CallSignal) -> None:
    await relay.calls.signal(conn, frame.call_id, frame.sdp_type, frame.sdp)
