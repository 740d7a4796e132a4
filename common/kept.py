"""Values kept in the cache until what they are made from changes: one generation number per kind
of thing (the directory, What's on), which every change moves on, so nothing kept before a change is
read again. Keys name the generation, so forgetting is one increment, not a search for keys.

A change made without the saves that call :meth:`Kept.forget` (a bulk update straight to a table)
shows within ``kept_for`` seconds, which also bounds how stale another process's memory cache can
be when there is no shared cache (``REDIS_URL``; docs/operations.md).

With read replicas (common.replicas) a request that reads a replica a moment after a change may
read rows from before it (the replica has not replayed the change yet) and would keep them under
the new generation. So each change also records when it was made, and while the generation is
younger than ``DATABASE_REPLICA_PIN_SECONDS`` (longer than the replicas' usual lag) a request whose
reads go to a replica works its answer out without keeping it; requests reading the primary keep
theirs as usual, and what they keep is read by everyone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from common.replicas import reads_go_to_replicas

T = TypeVar("T")
_MISSING = object()


class Kept:
    """What is kept for one kind of thing, under the name ``name`` in the cache."""

    def __init__(self, name: str, kept_for: int = 300) -> None:
        self.name = name
        self.kept_for = kept_for
        self._generation = f"{name}:generation"
        self._changed_at = f"{name}:changed-at"

    def generation(self) -> int:
        return int(cache.get_or_set(self._generation, 0, None) or 0)

    def _bump(self) -> None:
        # When first: a request reading a replica must not keep rows from before the change under
        # the new generation (may_keep).
        cache.set(self._changed_at, timezone.now().timestamp(), None)
        try:
            cache.incr(self._generation)
        except ValueError:  # nothing kept yet (or the cache was emptied): nothing to forget
            cache.set(self._generation, 1, None)

    def may_keep(self) -> bool:
        """Whether what this request works out now may be kept: not when its reads go to a replica
        and the last change is younger than ``DATABASE_REPLICA_PIN_SECONDS`` (the replica may not
        have replayed it yet)."""
        if not reads_go_to_replicas():
            return True
        changed_at = cache.get(self._changed_at)
        if changed_at is None:  # no change since the cache was emptied
            return True
        return timezone.now().timestamp() - changed_at >= settings.DATABASE_REPLICA_PIN_SECONDS

    def forget(self, **_: object) -> None:
        """What is kept changed: forget everything, now and again when the change commits (so what
        was worked out meanwhile, from the data before the change, is not kept as current). Also a
        receiver for the models' save and delete signals."""
        self._bump()
        transaction.on_commit(self._bump)

    def key_in(self, known: int | None, kind: str, *parts: object) -> str:
        """The key of ``parts`` under the generation ``known`` (read once for a whole page), or the
        current one when it is not known."""
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
        return f"{self.name}:{self.generation() if known is None else known}:{kind}:{digest}"

    def key(self, kind: str, *parts: object) -> str:
        return self.key_in(None, kind, *parts)

    def kept(self, kind: str, parts: tuple[Any, ...], work: Callable[[], T]) -> T:
        """``work()``, kept under ``kind`` and ``parts`` until the next change."""
        key = self.key(kind, *parts)
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = work()
            if self.may_keep():
                cache.set(key, value, self.kept_for)
        return cast(T, value)

    def kept_each(
        self, kind: str, ids: Iterable[Any], load: Callable[[list[Any]], dict[Any, T]]
    ) -> dict[Any, T]:
        """One kept value for each id; those not kept are loaded together by ``load(missing ids)``."""
        prefix = f"{self.name}:{self.generation()}:{kind}:"
        wanted = {f"{prefix}{i}": i for i in ids}
        found = cache.get_many(list(wanted))
        values = {wanted[k]: v for k, v in found.items()}
        missing = [i for k, i in wanted.items() if k not in found]
        if missing:
            loaded = load(missing)
            if self.may_keep():
                cache.set_many({f"{prefix}{i}": v for i, v in loaded.items()}, self.kept_for)
            values.update(loaded)
        return values
