"""Outgoing messages: written to the store first, delivered exactly once.

``Outbox.send()`` stores the message in the outbox table with a fresh random 63-bit
``random_id`` and returns at once, so the UI shows it as pending before any network I/O.
A single delivery task then sends pending entries in order whenever the connection is
online. The relay deduplicates on (sender, ``random_id``), so resending after a lost
reply, a dropped socket or an app crash never creates a second message; the store's
``outbox_complete`` is idempotent, so completing twice (by the reply and by sync) is
harmless. Permanent errors mark the entry failed with the reason; the user may retry
or discard it. Transient errors are retried with backoff.

Events: ``OutboxChanged``, ``MessagesChanged``, ``ChatsChanged``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import secrets
import time
from pathlib import Path
from typing import Any

import msgspec

from app.client.blobs import BlobError, BlobStore, sha256_hex
from app.client.connection import (
    Backoff,
    ClientError,
    Connection,
    NotConnected,
    RequestError,
    RequestTimeout,
)
from app.client.events import EventBus, OutboxChanged, OutboxStatus
from app.client.local import AppliedChanges, LocalStore, OutgoingMessage
from app.client.sync import publish_changes
from app.client.tasks import stop_task
from app.protocol.frames import SendMessage, Welcome
from app.protocol.limits import MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS, ErrorCode
from app.protocol.types import Attachment, ForwardRef, Message

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = frozenset(
    {
        ErrorCode.RATE_LIMITED,
        ErrorCode.INTERNAL,
        ErrorCode.NOT_AUTHENTICATED,
        ErrorCode.HELLO_REQUIRED,
    }
)
"""Error codes worth retrying: the same request may succeed later."""


class OutboxError(ClientError):
    """A message was refused before it reached the outbox (empty, too long…)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def new_random_id() -> int:
    """A random positive 63-bit id (fits a signed 64-bit column on both sides)."""
    return secrets.randbits(63) or 1


class Outbox:
    """Stores and delivers outgoing messages; see the module docstring.

    Events: ``OutboxChanged`` (pending / sent / failed), ``MessagesChanged`` and
    ``ChatsChanged`` when a sent message lands in the store.
    """

    def __init__(
        self,
        conn: Connection,
        store: LocalStore,
        bus: EventBus,
        blobs: BlobStore | None = None,
        *,
        backoff: Backoff | None = None,
    ) -> None:
        self._conn = conn
        self._store = store
        self._bus = bus
        self._blobs = blobs
        self._backoff = backoff or Backoff(base=0.5, cap=15.0)
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Any = None

    def start(self) -> None:
        self._unsubscribe = self._conn.on_welcome(self._on_welcome)
        self._wake.set()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="risala-outbox")

    async def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        task, self._task = self._task, None
        await stop_task(task)

    # --- what the services call -------------------------------------------------------

    async def send(
        self,
        chat_id: int,
        text: str = "",
        *,
        reply_to: int | None = None,
        attachment: Attachment | None = None,
        forward: ForwardRef | None = None,
    ) -> OutgoingMessage:
        """Queue a message; returns the pending entry (its ``random_id`` names it)."""
        limit = MAX_CAPTION_CHARS if attachment is not None else MAX_MESSAGE_CHARS
        if len(text) > limit:
            raise OutboxError(ErrorCode.MESSAGE_TOO_LONG, f"{len(text)} characters > {limit}")
        if not text.strip() and attachment is None and forward is None:
            raise OutboxError(ErrorCode.EMPTY_MESSAGE, "nothing to send")
        item = OutgoingMessage(
            random_id=new_random_id(),
            chat_id=chat_id,
            created=time.time(),
            text=text,
            reply_to=reply_to,
            attachment=msgspec.to_builtins(attachment) if attachment is not None else None,
            forward={"chat_id": forward.chat_id, "message_id": forward.message_id}
            if forward is not None
            else None,
        )
        await self._store.outbox_add(item)
        self._bus.publish(OutboxChanged(chat_id, item.random_id, OutboxStatus.PENDING))
        self._kick()
        return item

    async def send_file(
        self, chat_id: int, path: Path, caption: str = "", *, reply_to: int | None = None
    ) -> OutgoingMessage:
        """Queue a photo or file: its bytes go to the blob cache now, upload on delivery."""
        if self._blobs is None:
            raise OutboxError(ErrorCode.INVALID_FIELD, "attachments need a blob store")
        data = await asyncio.to_thread(path.read_bytes)
        sha = await asyncio.to_thread(_cache_blob, self._blobs, data)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        attachment = Attachment(
            sha256=sha,
            size=len(data),
            mime=mime,
            name=path.name,
            kind="photo" if mime.startswith("image/") else "file",
        )
        return await self.send(chat_id, caption, reply_to=reply_to, attachment=attachment)

    async def retry(self, random_id: int) -> None:
        """Send a failed entry again (same ``random_id``)."""
        item = await self._store.outbox_retry(random_id)
        if item is None:
            raise OutboxError("unknown_outbox_entry", f"no outgoing message {random_id}")
        self._bus.publish(OutboxChanged(item.chat_id, random_id, OutboxStatus.PENDING))
        self._kick()

    async def discard(self, random_id: int) -> None:
        """Drop a failed (or still pending) entry; a pending one may still have reached
        the relay, in which case it shows up through sync."""
        item = await self._store.outbox_remove(random_id)
        if item is not None:
            self._bus.publish(
                OutboxChanged(item.chat_id, random_id, OutboxStatus.FAILED, error="discarded")
            )

    async def wait_idle(self, within: float = 10.0) -> bool:
        """Wait until every pending entry was delivered or failed (tests, shutdown)."""
        try:
            async with asyncio.timeout(within):
                await self._until_empty()
        except TimeoutError:
            return False
        return True

    # --- delivery ---------------------------------------------------------------------

    async def _until_empty(self) -> None:
        while await self._store.outbox_pending():
            self._idle.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.2):
                    await self._idle.wait()

    def _kick(self) -> None:
        self._wake.set()

    def _on_welcome(self, welcome: Welcome) -> None:
        if welcome.user is not None:
            self._backoff.reset()
            self._kick()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            delay = await self._deliver_pending()
            self._idle.set()
            if delay is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
                self._wake.set()

    async def _deliver_pending(self) -> float | None:
        """Send what is pending, in order. Returns a retry delay after a transient error,
        None when done or when offline (the next welcome wakes us)."""
        if not self._conn.online or self._conn.user is None:
            return None
        for item in await self._store.outbox_pending():
            try:
                await self._deliver(item)
            except NotConnected:
                # Offline: the next welcome wakes us. Online again already: retry soon.
                return 0.05 if self._conn.online else None
            except RequestTimeout as exc:
                await self._store.outbox_attempt(item.random_id, "timeout")
                log.info("send %d timed out: %s", item.random_id, exc)
                return self._backoff.next()
            except (RequestError, BlobError) as exc:
                transient = (
                    exc.transient if isinstance(exc, BlobError) else exc.code in TRANSIENT_ERRORS
                )
                if transient:
                    await self._store.outbox_attempt(item.random_id, exc.code)
                    retry_after = exc.retry_after if isinstance(exc, RequestError) else None
                    return max(self._backoff.next(), retry_after or 0.0)
                await self._store.outbox_fail(item.random_id, exc.code)
                self._bus.publish(
                    OutboxChanged(item.chat_id, item.random_id, OutboxStatus.FAILED, error=exc.code)
                )
        self._backoff.reset()
        return None

    async def _deliver(self, item: OutgoingMessage) -> None:
        attachment = None
        if item.attachment is not None:
            attachment = msgspec.convert(item.attachment, Attachment)
            await self._upload(attachment)
        forward = ForwardRef(**item.forward) if item.forward is not None else None
        message: Message = await self._conn.request(
            SendMessage(
                id=0,
                chat_id=item.chat_id,
                random_id=item.random_id,
                text=item.text,
                reply_to=item.reply_to,
                attachment=attachment,
                forward=forward,
            )
        )
        user = self._conn.user
        me = user.id if user is not None else message.sender_id
        await self._store.outbox_complete(me, item.random_id, message)
        changes = AppliedChanges(chats={item.chat_id})
        changes.message(item.chat_id, message.id)
        changes.completed_outbox.append((item.chat_id, item.random_id, message.id))
        publish_changes(self._bus, changes)

    async def _upload(self, attachment: Attachment) -> None:
        if self._blobs is None:
            raise BlobError(ErrorCode.INVALID_FIELD, "attachments need a blob store")
        path = self._blobs.cached_path(attachment.sha256)
        if path is None:
            raise BlobError(ErrorCode.BLOB_NOT_FOUND, "the file to send is gone from the cache")
        data = await asyncio.to_thread(path.read_bytes)
        await self._blobs.upload(data)


def _cache_blob(blobs: BlobStore, data: bytes) -> str:
    sha = sha256_hex(data)
    blobs.write_cache(sha, data)
    return sha
