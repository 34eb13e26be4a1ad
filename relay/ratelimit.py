"""Token buckets: per connection for requests, per client address for sign-in/sign-up."""

from __future__ import annotations

import time


class TokenBucket:
    """``rate`` tokens per second up to ``burst``; ``take`` returns 0 or seconds to wait."""

    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def take(self, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class AddressLimiter:
    """One bucket per client address (``per_minute`` attempts, burst of the same size)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, TokenBucket] = {}

    def take(self, address: str) -> float:
        now = time.monotonic()
        if len(self._buckets) > 10_000:
            self._prune(now)
        bucket = self._buckets.get(address)
        if bucket is None:
            bucket = self._buckets[address] = TokenBucket(self.per_minute / 60.0, self.per_minute)
        return bucket.take(now)

    def _prune(self, now: float) -> None:
        full = [
            a for a, b in self._buckets.items() if (now - b.stamp) * b.rate + b.tokens >= b.burst
        ]
        for address in full:
            del self._buckets[address]
