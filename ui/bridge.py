"""The one adapter between the core's event bus and Qt (Electrum's ``QtEventListener``).

The core publishes plain event objects on its ``EventBus`` (``app/client/events.py``);
:class:`Bridge` subscribes once and re-emits each as a Qt signal, so widgets connect to
signals and the core never holds a widget.

Signals:
    connection_state_changed(str state, str detail, object retry_in)
    signed_in(int user_id, str username)
    signed_out(str reason)
    sync_state_changed(bool syncing, int seq)
    chats_changed(list chat_ids)
    chat_removed(int chat_id)
    messages_changed(int chat_id, list message_ids)
    message_deleted(int chat_id, int message_id)
    read_state_changed(int chat_id, int read_max_id, int others_read_max_id)
    typing_changed(int chat_id, list user_ids)
    users_changed(list user_ids)
    outbox_changed(int chat_id, object random_id, str status, object message_id, str error)
    call_event(object frame)
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.client import events as ev

log = logging.getLogger(__name__)


class Bridge(QObject):
    connection_state_changed = Signal(str, str, object)
    signed_in = Signal(int, str)
    signed_out = Signal(str)
    sync_state_changed = Signal(bool, int)
    chats_changed = Signal(list)
    chat_removed = Signal(int)
    messages_changed = Signal(int, list)
    message_deleted = Signal(int, int)
    read_state_changed = Signal(int, int, int)
    typing_changed = Signal(int, list)
    users_changed = Signal(list)
    outbox_changed = Signal(int, object, str, object, str)
    call_event = Signal(object)

    def __init__(self, bus: ev.EventBus | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = None
        self.last_connection_state = ""
        if bus is not None:
            self.attach(bus)

    def attach(self, bus: ev.EventBus) -> None:
        """Listen to ``bus``. Attach before the client starts (``ClientApp.open(...,
        start=False)``, then ``start()``) so no event is missed."""
        self.detach()
        self.last_connection_state = ""
        self._unsubscribe = bus.subscribe(self._on_event)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _on_event(self, event: ev.Event) -> None:  # noqa: C901 - one dispatch table
        match event:
            case ev.ConnectionStateChanged(state=state, detail=detail, retry_in=retry_in):
                self.last_connection_state = str(state)
                self.connection_state_changed.emit(str(state), detail, retry_in)
            case ev.SignedIn(user_id=uid, username=name):
                self.signed_in.emit(uid, name)
            case ev.SignedOut(reason=reason):
                self.signed_out.emit(reason)
            case ev.SyncStateChanged(syncing=syncing, seq=seq):
                self.sync_state_changed.emit(syncing, seq)
            case ev.ChatsChanged(chat_ids=ids):
                self.chats_changed.emit(list(ids))
            case ev.ChatRemoved(chat_id=cid):
                self.chat_removed.emit(cid)
            case ev.MessagesChanged(chat_id=cid, message_ids=ids):
                self.messages_changed.emit(cid, list(ids))
            case ev.MessageDeleted(chat_id=cid, message_id=mid):
                self.message_deleted.emit(cid, mid)
            case ev.ReadStateChanged(chat_id=cid, read_max_id=r, others_read_max_id=o):
                self.read_state_changed.emit(cid, r, o)
            case ev.TypingChanged(chat_id=cid, user_ids=uids):
                self.typing_changed.emit(cid, list(uids))
            case ev.UsersChanged(user_ids=uids):
                self.users_changed.emit(list(uids))
            case ev.OutboxChanged(chat_id=cid, random_id=rid, status=st, message_id=mid, error=err):
                self.outbox_changed.emit(cid, rid, str(st), mid, err)
            case ev.CallEvent(frame=frame):
                self.call_event.emit(frame)
            case _:
                log.debug("unhandled event %r", event)
