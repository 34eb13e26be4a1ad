"""Pure pieces of the relay: token buckets, TURN credentials, update framing."""

from __future__ import annotations

import base64
import hashlib
import hmac

import msgspec

from app.protocol.frames import UpdateFrame, decode_server_frame
from app.protocol.types import ReadUpdate
from relay.broker.local import update_frame
from relay.calls import turn_credentials
from relay.ratelimit import AddressLimiter, TokenBucket


def test_token_bucket() -> None:
    bucket = TokenBucket(rate=10, burst=3)
    now = bucket.stamp
    assert [bucket.take(now) for _ in range(3)] == [0, 0, 0]
    wait = bucket.take(now)
    assert 0.09 < wait <= 0.1
    assert bucket.take(now + 0.11) == 0


def test_address_limiter_is_per_address() -> None:
    limiter = AddressLimiter(per_minute=2)
    assert limiter.take("a") == 0 and limiter.take("a") == 0
    assert limiter.take("a") > 0
    assert limiter.take("b") == 0


def test_turn_credentials_match_coturn() -> None:
    username, credential = turn_credentials("secret", 42, ttl=600, now=1_000_000)
    assert username == "1000600:42"
    digest = hmac.new(b"secret", b"1000600:42", hashlib.sha1).digest()
    assert credential == base64.b64encode(digest).decode()


def test_update_frame_is_a_valid_server_frame() -> None:
    update = ReadUpdate(chat_id=1, user_id=2, max_id=3)
    frame = decode_server_frame(update_frame(17, msgspec.json.encode(update)))
    assert frame == UpdateFrame(seq=17, update=update)
