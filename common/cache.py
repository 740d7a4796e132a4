"""The shared cache (``REDIS_URL``): Django's own Redis backend, which goes on without Redis when
Redis cannot be reached.

Nothing Closeknit keeps in the cache is the only copy of anything (common.kept: pages and listings
worked out from the database; common.limits: counts of public form sends), so a Redis that is down,
restarting or out of reach is an empty cache, not a broken site: reads miss, writes are dropped, a
warning is logged, and for ``REDIS_PAUSE_SECONDS`` (10) no request in that process waits on Redis
again before it is tried afresh. Its sockets time out after ``REDIS_TIMEOUT_MS`` (500; Redis answers
in well under a millisecond on the same network), so a Redis that has gone quiet, rather than
refusing, costs one request half a second, not every request a minute.

While Redis is unreachable the things it does do not happen: a change's "forget what was kept"
(common.kept) is lost, so what Redis still holds when it comes back may be up to ``kept_for``
seconds (five minutes) out of date; a public form's hourly limit is not counted (forms stay open
rather than closed to everyone). docs/operations.md, "Redis".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
T = TypeVar("T")

# When each Redis (by its location) may next be tried, shared by the threads of a process.
_quiet_until: dict[str, float] = {}


class ForgivingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        timeout = int(params.get("SOCKET_TIMEOUT_MS", 500)) / 1000
        options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)
        self.pause = int(params.get("PAUSE_SECONDS", 10))

    def reachable(self) -> bool:
        """Whether Redis is being asked (false for ``pause`` seconds after it could not be reached)."""
        return time.monotonic() >= _quiet_until.get(self._location, 0.0)

    def _or(self, fallback: T, call: Callable[[], T]) -> T:
        if not self.reachable():
            return fallback
        try:
            return call()
        except RedisError as error:
            _quiet_until[self._location] = time.monotonic() + self.pause
            logger.warning(
                "The cache (Redis) cannot be reached, so pages are worked out afresh for %s seconds: %s",
                self.pause,
                error,
            )
            return fallback

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._or(False, lambda: RedisCache.add(self, key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._or(default, lambda: RedisCache.get(self, key, default, version))

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._or(None, lambda: RedisCache.set(self, key, value, timeout, version))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._or(False, lambda: RedisCache.touch(self, key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._or(False, lambda: RedisCache.delete(self, key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._or({}, lambda: RedisCache.get_many(self, keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._or(False, lambda: RedisCache.has_key(self, key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # Unreachable: as if nothing were counted yet, which callers already allow for (ValueError
        # is what Django raises for a key that is not there).
        counted: int | None = self._or(None, lambda: RedisCache.incr(self, key, delta, version))
        if counted is None:
            raise ValueError(f"Key {key!r} not found: the cache cannot be reached.")
        return counted

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._or(list(data), lambda: RedisCache.set_many(self, data, timeout, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._or(None, lambda: RedisCache.delete_many(self, keys, version))

    def clear(self) -> None:
        self._or(None, lambda: RedisCache.clear(self))
