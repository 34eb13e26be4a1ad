"""Photo and file transfer: content-addressed blobs over HTTP, with a local cache.

Blobs are named by their SHA-256, so an upload is idempotent (re-sending after a crash
is harmless) and a download can be verified before anyone reads it: a file in the cache
directory always has the content its name promises.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
from pathlib import Path

import aiohttp

from app.client.connection import ClientError, Connection, NotConnected
from app.protocol.limits import MAX_BLOB_BYTES, ErrorCode

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 256 * 1024


class BlobError(ClientError):
    """An upload or download failed; ``code`` is a protocol ``ErrorCode`` or ``http_<n>``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def transient(self) -> bool:
        """Worth retrying later (server trouble or rate limiting), not a property of the file."""
        return self.code in (ErrorCode.RATE_LIMITED, ErrorCode.INTERNAL) or self.code.startswith(
            "http_5"
        )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Uploads to and downloads from ``<relay>/v1/blobs/<sha256>``; caches in ``cache_dir``."""

    def __init__(self, conn: Connection, cache_dir: Path, timeout: float = 120.0) -> None:
        self._conn = conn
        self.cache_dir = cache_dir
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    def _url(self, sha256: str) -> str:
        if not _SHA256.match(sha256):
            raise BlobError(ErrorCode.INVALID_FIELD, f"not a sha256: {sha256!r}")
        return f"{self._conn.base_url}/v1/blobs/{sha256}"

    def _headers(self) -> dict[str, str]:
        token = self._conn.token
        if token is None:
            raise NotConnected("not signed in")
        return {"Authorization": f"Bearer {token}"}

    def cached_path(self, sha256: str) -> Path | None:
        """The cached file for ``sha256`` if it was downloaded or uploaded before."""
        path = self.cache_dir / sha256
        return path if path.is_file() else None

    async def upload(self, data: bytes) -> str:
        """Upload ``data`` (idempotent) and return its sha256; keeps a copy in the cache."""
        if len(data) > MAX_BLOB_BYTES:
            raise BlobError(ErrorCode.BLOB_TOO_LARGE, f"{len(data)} bytes > {MAX_BLOB_BYTES}")
        sha = await asyncio.to_thread(sha256_hex, data)
        headers = {**self._headers(), "Content-Type": "application/octet-stream"}
        try:
            async with self._conn.http.put(
                self._url(sha),
                data=data,
                headers=headers,
                timeout=self._timeout,
                expect100=True,  # a refused upload is refused before the body is sent
            ) as resp:
                if resp.status >= 400:
                    raise await _error_from(resp)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise BlobError("network", str(exc) or type(exc).__name__) from exc
        await asyncio.to_thread(self.write_cache, sha, data)
        return sha

    async def upload_file(self, path: Path) -> tuple[str, int]:
        """Upload a file from disk; returns (sha256, size)."""
        data = await asyncio.to_thread(path.read_bytes)
        return await self.upload(data), len(data)

    async def download(self, sha256: str) -> Path:
        """The local path of blob ``sha256``, fetched and verified if not cached yet."""
        cached = self.cached_path(sha256)
        if cached is not None:
            return cached
        url = self._url(sha256)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        body = bytearray()
        try:
            async with self._conn.http.get(
                url, headers=self._headers(), timeout=self._timeout
            ) as resp:
                if resp.status >= 400:
                    raise await _error_from(resp)
                async for chunk in resp.content.iter_chunked(_CHUNK):
                    if len(body) + len(chunk) > MAX_BLOB_BYTES:
                        raise BlobError(ErrorCode.BLOB_TOO_LARGE, "download too large")
                    digest.update(chunk)
                    body += chunk
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise BlobError("network", str(exc) or type(exc).__name__) from exc
        if digest.hexdigest() != sha256:
            raise BlobError(ErrorCode.BLOB_HASH_MISMATCH, "downloaded bytes don't match")
        await asyncio.to_thread(self.write_cache, sha256, bytes(body))
        return self.cache_dir / sha256

    def write_cache(self, sha: str, data: bytes) -> None:
        """Put ``data`` (whose hash is ``sha``) in the cache; blocking, call from a thread."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        final = self.cache_dir / sha
        if final.exists():
            return
        tmp = self.cache_dir / f".{sha}.{secrets.token_hex(4)}.part"
        tmp.write_bytes(data)
        os.replace(tmp, final)


async def _error_from(resp: aiohttp.ClientResponse) -> BlobError:
    code = f"http_{resp.status}"
    message = resp.reason or ""
    try:
        body = await resp.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        body = None
    if isinstance(body, dict):
        code = str(body.get("code") or code)
        message = str(body.get("message") or message)
    elif resp.status == 404:
        code = ErrorCode.BLOB_NOT_FOUND
    elif resp.status == 413:
        code = ErrorCode.BLOB_TOO_LARGE
    return BlobError(code, message)
