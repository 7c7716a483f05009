"""Django's Redis cache, made to degrade rather than fail when Redis is unreachable.

Nothing in the cache is the only copy of anything: it holds rendered pack bodies, PDFs, an
import's progress and dashboards' "rebuild queued" marks, all of which the app can do
without for a while. So while Redis is down a read misses, a write is dropped, and the page
goes on; the first failure is logged, and the return, not every call. After a failure the
cache is not tried again for `PAUSE_SECONDS`: each try against a server that is down costs
the request most of a second. Why a subclass rather than django-redis: docs/0020.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

Result = TypeVar("Result")

# What Redis being down or unreachable raises (a refused or timed-out connection, a server
# restarting); anything else, a bug, still raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
PAUSE_SECONDS = 10


class DegradingRedisCache(RedisCache):
    """A Redis cache whose reads miss and whose writes are dropped while Redis is down.

    `add` answers True when Redis cannot be reached: its one caller claims a dashboard
    rebuild with it (indicators/dashboards/rebuilds.py), and a rebuild queued twice is
    harmless where one never queued is lost."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # Django keeps one cache object per thread, so these need no lock.
        self._down_until = 0.0
        self._down_logged = False

    def reachable(self) -> bool:
        """Whether Redis answers a ping now (the health check): tries even while paused."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE:
            return False
        return True

    def _try(self, operation: Callable[[], Result], fallback: Result) -> Result:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            result = operation()
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + PAUSE_SECONDS
            if not self._down_logged:
                self._down_logged = True
                logger.warning(
                    "The cache (Redis) is unreachable: reads miss and writes are dropped until "
                    "it is back (%s)",
                    error,
                )
            return fallback
        if self._down_logged:
            self._down_logged = False
            logger.warning("The cache (Redis) is reachable again")
        return result

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._try(lambda: RedisCache.add(self, key, value, timeout, version), True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._try(lambda: RedisCache.get(self, key, default, version), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._try(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._try(lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._try(lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._try(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._try(lambda: RedisCache.has_key(self, key, version), False)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._try(lambda: RedisCache.set_many(self, data, timeout, version), [])

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._try(lambda: RedisCache.delete_many(self, keys, version), None)
