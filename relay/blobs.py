"""Content-addressed blobs over HTTP: ``PUT/GET /v1/blobs/<sha256>`` with a Bearer token.

Uploads stream to a temporary file while hashing, and are renamed into place only when
the SHA-256 of the body equals the path; nothing is stored otherwise.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import time
from pathlib import Path

from aiohttp import web
from sqlalchemy import insert, select

from app.protocol.limits import MAX_BLOB_BYTES, ErrorCode
from relay.connection import RELAY_KEY
from relay.core import Relay, Session
from relay.errors import RelayError
from relay.storage import Tx
from relay.storage.schema import blobs

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 256 * 1024


def _error(status: int, code: ErrorCode, message: str) -> web.Response:
    return web.json_response({"code": str(code), "message": message}, status=status)


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


async def _auth(relay: Relay, request: web.Request) -> Session | web.Response:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        return _error(401, ErrorCode.NOT_AUTHENTICATED, "Authorization: Bearer <token> required")
    try:
        return await relay.authenticate(header[7:].strip())
    except RelayError as exc:
        return _error(401, exc.code, exc.message)


def _check_hash(request: web.Request) -> str | web.Response:
    sha256 = request.match_info["sha256"]
    if not _SHA256.match(sha256):
        return _error(400, ErrorCode.INVALID_FIELD, "the path must be 64 lower-case hex digits")
    return sha256


TOO_LARGE = f"blobs are at most {MAX_BLOB_BYTES} bytes"
_CHECKED: web.RequestKey[tuple[str, Session]] = web.RequestKey("blob_checked", tuple)
"""Where ``expect_blob`` leaves what it checked, so ``put_blob`` does not check twice."""


async def _check_request(request: web.Request) -> tuple[str, Session] | web.Response:
    """The path's SHA-256 and the session of the Bearer token, or the error response."""
    sha256 = _check_hash(request)
    if isinstance(sha256, web.Response):
        return sha256
    session = await _auth(request.app[RELAY_KEY], request)
    if isinstance(session, web.Response):
        return session
    return sha256, session


async def _check_upload(request: web.Request) -> tuple[str, Session] | web.Response:
    """Path, token and declared size: everything that can be refused before the body."""
    checked = request.get(_CHECKED) or await _check_request(request)
    if isinstance(checked, web.Response):
        return checked
    if request.content_length is not None and request.content_length > MAX_BLOB_BYTES:
        return _error(413, ErrorCode.BLOB_TOO_LARGE, TOO_LARGE)
    return checked


async def expect_blob(request: web.Request) -> web.StreamResponse | None:
    """``Expect: 100-continue``: refuse a bad upload before the client sends its body.

    Without this a client uploading an oversized blob writes megabytes into a socket the
    relay is about to close, and may see a connection reset instead of the 413.
    """
    checked = await _check_upload(request)
    if isinstance(checked, web.Response):
        return checked
    if request.headers.get("Expect", "").lower() != "100-continue":
        raise web.HTTPExpectationFailed(text="only Expect: 100-continue is supported")
    request[_CHECKED] = checked
    await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    return None


async def put_blob(request: web.Request) -> web.StreamResponse:
    relay = request.app[RELAY_KEY]
    checked = await _check_upload(request)
    if isinstance(checked, web.Response):
        return checked
    sha256, session = checked
    final = blob_path(relay.config.blob_dir, sha256)
    if final.exists():
        return web.json_response({"sha256": sha256, "size": final.stat().st_size}, status=200)
    tmp = relay.config.blob_dir / "tmp" / f"{sha256}.{os.urandom(6).hex()}"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(tmp, "wb") as out:  # noqa: ASYNC230 - page-cache writes, fsync in a thread
            while True:
                chunk = await request.content.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BLOB_BYTES:
                    return _error(413, ErrorCode.BLOB_TOO_LARGE, TOO_LARGE)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            if digest.hexdigest() != sha256:
                return _error(
                    400, ErrorCode.BLOB_HASH_MISMATCH, "the body's SHA-256 differs from the path"
                )
            await asyncio.to_thread(os.fsync, out.fileno())
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)

    async def job(tx: Tx) -> None:
        query = select(blobs.c.sha256).where(blobs.c.sha256 == sha256)
        known = (await tx.conn.execute(query)).first()
        if known is None:
            await tx.conn.execute(
                insert(blobs).values(
                    sha256=sha256, size=size, created=time.time(), uploader_id=session.user.id
                )
            )

    await relay.db.write(job)
    return web.json_response({"sha256": sha256, "size": size}, status=201)


async def get_blob(request: web.Request) -> web.StreamResponse:
    relay = request.app[RELAY_KEY]
    checked = await _check_request(request)
    if isinstance(checked, web.Response):
        return checked
    sha256, _ = checked
    path = blob_path(relay.config.blob_dir, sha256)
    if not path.is_file():
        return _error(404, ErrorCode.BLOB_NOT_FOUND, "no such blob")
    return web.FileResponse(
        path,
        headers={
            "Content-Type": "application/octet-stream",
            "Cache-Control": "private, max-age=31536000, immutable",
        },
    )
