"""The one exception a request handler raises to answer with an ``error`` frame."""

from __future__ import annotations

from typing import Any

import msgspec

from app.protocol.frames import Error, encode
from app.protocol.limits import ErrorCode


class RelayError(Exception):
    """A known failure of a request, sent to the client as ``error {code, message}``."""

    def __init__(self, code: ErrorCode, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retry_after = retry_after


_RESULT_HEAD = b'{"type":"result","id":'
_enc = msgspec.json.Encoder()


def error_frame(
    code: ErrorCode,
    message: str,
    request_id: int | None = None,
    retry_after: float | None = None,
) -> bytes:
    return encode(Error(id=request_id, code=code, message=message, retry_after=retry_after))


def result_frame(request_id: int, data: Any) -> bytes:
    if data is None:
        return b"".join((_RESULT_HEAD, str(request_id).encode(), b"}"))
    return b"".join((_RESULT_HEAD, str(request_id).encode(), b',"data":', _enc.encode(data), b"}"))
