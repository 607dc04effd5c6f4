"""Request rate limits per key (e.g. tenant and client address) over a one-minute window.

Two backends with one interface:

- :class:`MemoryRateLimiter` keeps a sliding window of timestamps in the process. It holds for one
  server process only: behind several ``rathaus serve`` processes each counts on its own, so a
  client may get ``per_minute`` requests from each of them.
- :class:`RedisRateLimiter` counts in Redis (``INCR`` + ``EXPIRE`` on a key per minute) and so holds
  across all processes and machines that share ``RATHAUS_REDIS_URL``. It estimates a sliding window
  from the current and the previous minute's counts, so a burst at a minute's turn is not let through
  twice. When Redis cannot be reached, requests are allowed (logged): a limiter must not take the
  service down.

:func:`rate_limiter` picks Redis when ``settings.redis_url`` is set, memory otherwise.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from rathaus.core.config import PlatformSettings

log = logging.getLogger(__name__)
WINDOW_S = 60
PREFIX = "rathaus:rate:"


class RateLimiter(Protocol):
    """Counts requests per key and says whether one more is allowed."""

    def allow(self, key: str, per_minute: int) -> bool:
        """Count a request of ``key``; False when it exceeds ``per_minute``."""
        ...


class MemoryRateLimiter:
    """A sliding one-minute window of request times per key, in this process only."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, per_minute: int) -> bool:
        """Count a request of ``key``; False when it exceeds ``per_minute``."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= WINDOW_S:
                hits.popleft()
            if len(hits) >= per_minute:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle clients now and then
                self._forget_idle(now)
            return True

    def _forget_idle(self, now: float) -> None:
        for idle in [key for key, hits in self._hits.items() if not hits or now - hits[-1] >= WINDOW_S]:
            del self._hits[idle]


class RedisRateLimiter:
    """Counts in Redis, shared by every process; a sliding window estimated from two fixed minutes."""

    def __init__(self, client: Any, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._clock = clock

    @classmethod
    def from_url(cls, url: str) -> RedisRateLimiter:
        """A limiter on the Redis server at ``url``."""
        import redis  # noqa: PLC0415 - only needed with a Redis URL

        return cls(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2))

    def allow(self, key: str, per_minute: int) -> bool:
        """Count a request of ``key``; False when it exceeds ``per_minute``."""
        now = self._clock()
        minute = int(now // WINDOW_S)
        current, previous = f"{PREFIX}{key}:{minute}", f"{PREFIX}{key}:{minute - 1}"
        try:
            pipe = self._client.pipeline(transaction=True)
            pipe.incr(current)
            pipe.expire(current, 2 * WINDOW_S)
            pipe.get(previous)
            count, _expired, before = pipe.execute()
        except Exception:  # any Redis failure: allow rather than refuse everyone
            log.warning("rate limit: Redis not reachable, request allowed", exc_info=True)
            return True
        share_of_previous = 1 - (now - minute * WINDOW_S) / WINDOW_S
        estimate = int(before or 0) * share_of_previous + int(count)
        return estimate <= per_minute


def rate_limiter(settings: PlatformSettings) -> RateLimiter:
    """Redis-backed when ``settings.redis_url`` is set, else in this process's memory."""
    if settings.redis_url:
        return RedisRateLimiter.from_url(settings.redis_url)
    return MemoryRateLimiter()
