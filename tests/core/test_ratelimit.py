"""Rate limits in memory (one process) and in Redis (shared by all processes), on a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from rathaus.core.ratelimit import MemoryRateLimiter, RedisRateLimiter, rate_limiter
from rathaus.modules import Settings
from tests import servers


class Clock:
    """A clock the test moves by hand (no sleeping, no timed assertions)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_memory_limiter_slides_over_one_minute() -> None:
    clock = Clock(1000.0)
    limiter = MemoryRateLimiter(clock)
    assert [limiter.allow("a", 3) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b", 3), "keys are counted separately"
    clock.now += 59
    assert not limiter.allow("a", 3)
    clock.now += 1
    assert limiter.allow("a", 3), "a minute after the first requests they no longer count"


def test_without_redis_url_the_limiter_is_per_process(settings: Settings) -> None:
    assert isinstance(rate_limiter(settings), MemoryRateLimiter)
    with_redis = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    assert isinstance(rate_limiter(with_redis), RedisRateLimiter)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with servers.redis_server(Path(tmp_path_factory.mktemp("redis"))) as url:
        yield url


@pytest.mark.redis
@pytest.mark.slow
def test_redis_limiter_is_shared_by_processes(redis_url: str) -> None:
    clock = Clock(1_800_000_000.0)  # the start of a minute
    first = RedisRateLimiter(redis.Redis.from_url(redis_url), clock)
    second = RedisRateLimiter(redis.Redis.from_url(redis_url), clock)  # another server process
    assert [first.allow("t1:10.0.0.1", 4) for _ in range(2)] == [True, True]
    assert [second.allow("t1:10.0.0.1", 4) for _ in range(2)] == [True, True]
    assert not first.allow("t1:10.0.0.1", 4)
    assert not second.allow("t1:10.0.0.1", 4)
    assert second.allow("t1:10.0.0.2", 4), "another client has its own count"
    keys = redis.Redis.from_url(redis_url).keys("rathaus:rate:t1:10.0.0.1:*")
    assert len(keys) == 1
    assert 0 < redis.Redis.from_url(redis_url).ttl(keys[0]) <= 120, "counters expire"


@pytest.mark.redis
@pytest.mark.slow
def test_redis_window_slides_into_the_next_minute(redis_url: str) -> None:
    clock = Clock(1_800_000_600.0)
    limiter = RedisRateLimiter(redis.Redis.from_url(redis_url), clock)
    assert all(limiter.allow("slide", 6) for _ in range(6))
    assert not limiter.allow("slide", 6)
    # 10 s into the next minute the previous minute still weighs 5/6: no new burst at the turn
    clock.now += 70
    assert not limiter.allow("slide", 6)
    # half-way through, half of the previous minute's 7 counts: 3.5 + this minute's (refused) 1 + 1 fit
    clock.now += 20
    assert limiter.allow("slide", 6)
    assert not limiter.allow("slide", 6)
    # two minutes later nothing of it is left
    clock.now += 120
    assert all(limiter.allow("slide", 6) for _ in range(6))


def test_unreachable_redis_lets_requests_through() -> None:
    port = servers.free_port()  # nothing listens there
    limiter = RedisRateLimiter.from_url(f"redis://127.0.0.1:{port}/0")
    assert limiter.allow("x", 1)
    assert limiter.allow("x", 1)
