"""Limits on how often something may be done, counted in the cache: for public forms and APIs
that anyone can send to (a referral link, a problem report), so no one can bury a team in
automated submissions."""

from __future__ import annotations

from django.core.cache import cache

HOUR = 3600


def used_up(key: str, per_hour: int) -> bool:
    """Whether ``key`` has already been counted ``per_hour`` times in its current hour."""
    return int(cache.get(key, 0)) >= per_hour


def count_one(key: str) -> None:
    """Count one more use of ``key``; the count starts its hour at its first use."""
    cache.add(key, 0, timeout=HOUR)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls: start a new hour
        cache.set(key, 1, timeout=HOUR)
