"""Request handlers: ``HANDLERS[frame type](relay, connection, frame) -> result data``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from app.protocol.frames import Request

if TYPE_CHECKING:
    from relay.connection import Connection
    from relay.core import Relay

Handler = Callable[["Relay", "Connection", Any], Awaitable[Any]]
HANDLERS: dict[type[Request], Handler] = {}


def handles(kind: type[Request]) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the handler of ``kind``."""

    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


from relay.handlers import accounts, calls, chats, messages  # noqa: E402, F401
