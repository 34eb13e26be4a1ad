"""The blobs HTTP API: upload, download, hash mismatch, too large, unknown, unauthenticated."""

from __future__ import annotations

import hashlib
import secrets

from app.protocol.limits import MAX_BLOB_BYTES
from tests.integration.relay.relay_testkit import Clients


async def test_blob_round_trip_and_errors(clients: Clients) -> None:
    alice = await clients.user()
    base = clients.relay.url + "/v1/blobs/"
    auth = {"Authorization": f"Bearer {alice.token}"}
    data = secrets.token_bytes(3 * 1024 * 1024 + 17)
    digest = hashlib.sha256(data).hexdigest()
    http = clients.http

    async with http.put(base + digest, data=data) as resp:
        assert resp.status == 401
        assert (await resp.json())["code"] == "not_authenticated"
    async with http.put(base + digest, data=data, headers={"Authorization": "Bearer nope"}) as resp:
        assert resp.status == 401
        assert (await resp.json())["code"] == "token_invalid"
    wrong = hashlib.sha256(b"other").hexdigest()
    async with http.put(base + wrong, data=data, headers=auth) as resp:
        assert resp.status == 400
        assert (await resp.json())["code"] == "blob_hash_mismatch"
    async with http.get(base + wrong, headers=auth) as resp:
        assert resp.status == 404
        assert (await resp.json())["code"] == "blob_not_found"
    async with http.put(base + "XYZ", data=data, headers=auth) as resp:
        assert resp.status == 400
    async with http.put(base + digest, data=data, headers=auth) as resp:
        assert resp.status == 201
        assert await resp.json() == {"sha256": digest, "size": len(data)}
    async with http.put(base + digest, data=data, headers=auth) as resp:
        assert resp.status == 200  # already stored
    async with http.get(base + digest) as resp:
        assert resp.status == 401
    async with http.get(base + digest, headers=auth) as resp:
        assert resp.status == 200
        assert await resp.read() == data
    leftovers = list((clients.relay.data_dir / "blobs" / "tmp").iterdir())
    assert leftovers == []


async def test_blob_too_large(clients: Clients) -> None:
    alice = await clients.user()
    auth = {"Authorization": f"Bearer {alice.token}"}
    url = clients.relay.url + "/v1/blobs/" + "a" * 64
    body = b"x" * (MAX_BLOB_BYTES + 1)
    async with clients.http.put(url, data=body, headers=auth, expect100=True) as resp:
        assert resp.status == 413  # refused before the body is sent
        assert (await resp.json())["code"] == "blob_too_large"
    async with clients.http.put(url, data=b"z", headers={}, expect100=True) as resp:
        assert resp.status == 401

    async def chunks():  # no Content-Length: the limit is enforced while streaming
        block = b"y" * (1024 * 1024)
        for _ in range(MAX_BLOB_BYTES // len(block) + 2):
            yield block

    try:
        async with clients.http.put(url, data=chunks(), headers=auth) as resp:
            assert resp.status == 413
    except Exception:  # the relay may close the connection before the body is sent
        pass
    assert not (clients.relay.data_dir / "blobs" / "aa" / ("a" * 64)).exists()
    assert list((clients.relay.data_dir / "blobs" / "tmp").iterdir()) == []
