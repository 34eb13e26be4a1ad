"""The in-process broker: a dict from user id to that user's live connections."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from relay.broker.base import Sink

_UPDATE_HEAD = b'{"type":"update","seq":'
_UPDATE_MID = b',"update":'


_CHAT_UPDATE_HEAD = b'{"type":"chat_update","chat_id":'
_PTS = b',"pts":'


def update_frame(seq: int, payload: bytes) -> bytes:
    """``update {seq, update}`` built around an already-encoded update (encoded once)."""
    return b"".join((_UPDATE_HEAD, str(seq).encode(), _UPDATE_MID, payload, b"}"))


def chat_update_frame(chat_id: int, pts: int, payload: bytes) -> bytes:
    """``chat_update {chat_id, pts, update}`` around an already-encoded update."""
    return b"".join(
        (
            _CHAT_UPDATE_HEAD,
            str(chat_id).encode(),
            _PTS,
            str(pts).encode(),
            _UPDATE_MID,
            payload,
            b"}",
        )
    )


class LocalBroker:
    """Single-node hub. All methods are synchronous and never wait on a slow client."""

    def __init__(self) -> None:
        self._by_user: dict[int, list[Sink]] = {}

    def register(self, sink: Sink) -> None:
        self._by_user.setdefault(sink.user_id, []).append(sink)

    def unregister(self, sink: Sink) -> None:
        sinks = self._by_user.get(sink.user_id)
        if sinks and sink in sinks:
            sinks.remove(sink)
            if not sinks:
                del self._by_user[sink.user_id]

    def is_online(self, user_id: int) -> bool:
        return user_id in self._by_user

    def connections(self, user_id: int) -> list[Sink]:
        return list(self._by_user.get(user_id, ()))

    def publish(self, user_ids: Iterable[int], data: bytes, *, skip: Sink | None = None) -> int:
        count = 0
        by_user = self._by_user
        for user_id in user_ids:
            sinks = by_user.get(user_id)
            if sinks:
                for sink in tuple(sinks):
                    if sink is not skip:
                        sink.send(data)
                        count += 1
        return count

    def publish_updates(self, items: Sequence[tuple[int, int, bytes]]) -> None:
        by_user = self._by_user
        for user_id, seq, payload in items:
            sinks = by_user.get(user_id)
            if sinks:
                data = update_frame(seq, payload)
                for sink in tuple(sinks):
                    sink.send(data)

    def close_session(self, user_id: int, session_id: str, data: bytes) -> None:
        for sink in tuple(self._by_user.get(user_id, ())):
            if sink.session_id == session_id:
                sink.close_with_error(data)

    async def close(self) -> None:
        self._by_user.clear()
