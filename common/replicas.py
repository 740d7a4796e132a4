"""Read replicas: reads that may be a moment stale go to a replica, everything else to the primary.

``DATABASE_REPLICA_URLS`` (docs/operations.md) names PostgreSQL hot standbys; settings turn them
into the database aliases ``replica1``, ``replica2``… listed in ``DATABASE_REPLICAS``. Without any,
every query goes to ``default`` as before.

A read goes to a replica only when all of these hold:

- the view said its reads may be a moment stale (:func:`stale_reads_ok`: the public directory's
  pages, the Open Referral UK API, reports) and the request is a GET or HEAD;
- nothing in this request has written yet, and no transaction is open on the primary;
- the browser did not write within the last ``DATABASE_REPLICA_PIN_SECONDS``: a request that writes
  gets a short-lived cookie, so the page after a change (a redirect after a form) reads the primary
  and shows the change, whatever the replica's lag;
- the model is not one that signing in depends on (sessions, accounts, second factors, lock-outs).

Everything that writes goes to the primary, and so do management commands and tasks (no request).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

COOKIE = "closeknit_wrote"

# Apps whose rows decide who someone is and what they may do: always read from the primary, so a
# password changed or an account locked a moment ago counts at once.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "auth", "accounts", "axes", "django_otp", "otp_totp", "otp_static", "admin"}
)


@dataclass
class _Request:
    """What the router knows about the request being answered."""

    may_be_stale: bool = False
    wrote: bool = False
    wrote_recently: bool = False


_current: ContextVar[_Request | None] = ContextVar("closeknit_replica_request", default=None)


def reads_go_to_replicas() -> bool:
    """Whether this request's reads (of models not in ``PRIMARY_ONLY_APPS``) go to a replica now,
    so may miss a write made a moment ago elsewhere (common.kept keeps nothing they make then)."""
    request = _current.get()
    if not getattr(settings, "DATABASE_REPLICAS", []) or request is None or not request.may_be_stale:
        return False
    return not (request.wrote or request.wrote_recently or connections[DEFAULT_DB_ALIAS].in_atomic_block)


def _replica_for_read() -> str | None:
    if not reads_go_to_replicas():
        return None
    return random.choice(settings.DATABASE_REPLICAS)  # noqa: S311 - spreading load, not a secret


class ReplicaRouter:
    """Django database router (``DATABASE_ROUTERS``)."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        if model._meta.app_label in PRIMARY_ONLY_APPS:  # type: ignore[attr-defined]
            return DEFAULT_DB_ALIAS
        # Never None: Django would then read a related row from the database its instance came
        # from, a replica, even after this request wrote.
        return _replica_for_read() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        request = _current.get()
        if request is not None:
            request.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # A replica holds the primary's rows: an object read from either may point at the other's.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Keeps the request's state for the router, and pins a browser that just wrote to the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _Request(wrote_recently=COOKIE in request.COOKIES)
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if state.wrote and getattr(settings, "DATABASE_REPLICAS", []):
            response.set_cookie(
                COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def stale_reads_ok(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose reads may be a moment stale: they may go to a replica (see above)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state = _current.get()
        if state is not None and request.method in ("GET", "HEAD"):
            state.may_be_stale = True
        return view(request, *args, **kwargs)

    return wrapped
