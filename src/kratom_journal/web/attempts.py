"""Wrong access tokens are rate-limited per client address (no guessing at network speed).

A token bucket per address (Tanenbaum, *Computer Networks*, 5th ed., §5.4.2):
``RATE`` checks a second with a burst of ``BURST``. An attempt beyond it is
answered 429 without comparing the token, so no more than ``RATE`` guesses a
second (after the burst) are ever checked. Requests that carry the right token
never reach the limiter.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

RATE = 10.0
"""Token checks allowed per second and address."""
BURST = 10.0
MAX_ADDRESSES = 4096
"""Addresses remembered at once (the oldest are forgotten: memory stays bounded)."""


class AttemptLimiter:
    """Per-address token buckets for failed or unchecked access-token attempts."""

    def __init__(
        self, rate: float = RATE, burst: float = BURST, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Whether an attempt from ``address`` may be checked now (spends one token)."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(address, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[address] = (tokens - 1.0 if allowed else tokens, now)
            while len(self._buckets) > MAX_ADDRESSES:
                self._buckets.pop(next(iter(self._buckets)))
            return allowed

    def retry_after(self) -> int:
        return max(1, round(1 / self.rate))
