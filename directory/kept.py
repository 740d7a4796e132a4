"""Search answers and result cards kept in the cache until the directory changes.

Listings are public and change far less often than they are searched, so a search's ordered
matches (ids and distances) and each listing's result-card details are kept in the cache under a
generation number. Any change to what they are made from (a listing, its sessions, venues,
categories, organisation or service areas, saved through the models or re-indexed by
``fulltext.index_services``) moves the generation on, so nothing kept before it is read again.
A change made without either (a bulk update straight to the table) shows within ``KEPT_FOR``
seconds, which also bounds how stale another process's memory cache can be when there is no
shared cache (``REDIS_URL``; docs/operations.md).

Kept: only public facts, the same for everyone (published listings). Never anything about a person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import transaction

KEPT_FOR = 300  # seconds
GENERATION = "directory:kept:generation"
T = TypeVar("T")


def generation() -> int:
    return int(cache.get_or_set(GENERATION, 0, None) or 0)


def _bump() -> None:
    try:
        cache.incr(GENERATION)
    except ValueError:  # nothing kept yet (or the cache was emptied): nothing to forget
        cache.set(GENERATION, 1, None)


def forget(**_: object) -> None:
    """The directory changed: everything kept is forgotten, now and again when the change commits
    (so a search that ran meanwhile, on the data before the change, is not kept as current)."""
    _bump()
    transaction.on_commit(_bump)


def key(kind: str, *parts: object) -> str:
    return key_in(None, kind, *parts)


def key_in(known: int | None, kind: str, *parts: object) -> str:
    """The key of ``parts`` under the generation ``known`` (read once for a whole page), or the
    current one when it is not known."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"directory:kept:{generation() if known is None else known}:{kind}:{digest}"


def kept(kind: str, parts: tuple[Any, ...], work: Callable[[], T]) -> T:
    """``work()``, kept under ``kind`` and ``parts`` until the directory next changes."""
    return cast(T, cache.get_or_set(key(kind, *parts), work, KEPT_FOR))


def kept_each(kind: str, ids: Iterable[Any], load: Callable[[list[Any]], dict[Any, T]]) -> dict[Any, T]:
    """One kept value for each id; those not kept are loaded together by ``load(missing ids)``."""
    prefix = f"directory:kept:{generation()}:{kind}:"
    wanted = {f"{prefix}{i}": i for i in ids}
    found = cache.get_many(list(wanted))
    values = {wanted[k]: v for k, v in found.items()}
    missing = [i for k, i in wanted.items() if k not in found]
    if missing:
        loaded = load(missing)
        cache.set_many({f"{prefix}{i}": v for i, v in loaded.items()}, KEPT_FOR)
        values.update(loaded)
    return values
