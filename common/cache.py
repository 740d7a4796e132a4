"""The shared cache (``REDIS_URL``): Django's own Redis backend, which goes on without Redis when
Redis cannot be reached.

Nothing Closeknit keeps in the cache is the only copy of anything (common.kept: pages and listings
worked out from the database; common.limits: counts of sends of public forms and emails), so a Redis
that is down, restarting or out of reach is no reason for a page to fail. While it cannot be reached
each web process uses a cache in its own memory instead, as a Closeknit without ``REDIS_URL`` does:
pages are worked out afresh and kept per process, a change is forgotten at once in the process that
made it (elsewhere within ``kept_for``, five minutes), and the hourly limits still count, per
process. A warning is logged, and for ``REDIS_PAUSE_SECONDS`` (10) that process does not ask Redis
again. Its sockets time out after ``REDIS_TIMEOUT_MS`` (500; Redis answers in well under a
millisecond on the same network), so a Redis that has gone quiet, rather than refusing, costs one
request half a second, not every request a minute.

Only a connection that fails or times out counts as unreachable: any other error from Redis (out of
memory, a wrong type) is a fault to see, and is raised.

What Redis still holds when it comes back may be up to five minutes out of date: a change made
meanwhile was forgotten only in the process's own memory. docs/operations.md, "Redis".
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

# When each Redis (by its location) may next be tried, shared by the threads of a process.
_quiet_until: dict[str, float] = {}


class ForgivingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        timeout = int(params.get("SOCKET_TIMEOUT_MS", 500)) / 1000
        options = {"socket_connect_timeout": timeout, "socket_timeout": timeout, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)
        self.pause = int(params.get("PAUSE_SECONDS", 10))
        # This process's own memory, while Redis cannot be reached (one per Redis, shared by threads).
        local = {k: v for k, v in params.items() if k in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")}
        self.local = LocMemCache(
            f"closeknit-without-{self._location}", {**local, "OPTIONS": {"MAX_ENTRIES": 5000}}
        )

    def reachable(self) -> bool:
        """Whether Redis is being asked (false for ``pause`` seconds after it could not be reached)."""
        return time.monotonic() >= _quiet_until.get(self._location, 0.0)

    def _either(self, method: str, *args: Any) -> Any:
        """``method`` on Redis, or on this process's memory while Redis cannot be reached."""
        if self.reachable():
            try:
                return getattr(RedisCache, method)(self, *args)
            except UNREACHABLE as error:
                _quiet_until[self._location] = time.monotonic() + self.pause
                logger.warning(
                    "The cache (Redis) cannot be reached, so each process keeps its own for %s seconds: %s",
                    self.pause,
                    error,
                )
        return getattr(self.local, method)(*args)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._either("add", key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._either("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._either("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._either("touch", key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._either("delete", key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return dict(self._either("get_many", keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._either("has_key", key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A key that is not there raises ValueError from either, as callers expect.
        return int(self._either("incr", key, delta, version))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return list(self._either("set_many", data, timeout, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._either("delete_many", keys, version)

    def clear(self) -> None:
        self._either("clear")
