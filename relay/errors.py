"""The one exception a request handler raises to answer with an ``error`` frame."""

from __future__ import annotations

from app.protocol.limits import ErrorCode


class RelayError(Exception):
    """A known failure of a request, sent to the client as ``error {code, message}``."""

    def __init__(self, code: ErrorCode, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retry_after = retry_after
