"""The audit trail of a request: which people's records a response showed, written in one place.

``AuditTrailMiddleware`` opens a trail for each request. Every ``Person`` read from the database
while it is open is on it (``Person.from_db`` calls ``loaded``), so a page, an API response or a
form's list of names cannot show someone without it being known. When the response is a
success (2xx), one VIEW event per person shown is written, in one insert, unless an event of
this request already names them: a change writes its own CREATE/UPDATE/... event in its
service, and that is the event that counts, so a change is never also logged as a view.

Redirects, refusals (403/404) and errors write no VIEW events: nothing was shown.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models
from django.http import HttpRequest


@dataclass
class Trail:
    request: HttpRequest
    shown: dict = field(default_factory=dict)  # key -> (record, note), in the order first seen
    named: set = field(default_factory=set)  # keys of records an event of this request names


_current: ContextVar[Trail | None] = ContextVar("audit_trail", default=None)


def _key(record: models.Model) -> tuple[str, str]:
    return (record._meta.label_lower, str(record.pk))


def current_request() -> HttpRequest | None:
    """The request being answered, when there is one (for the address and path of an event)."""
    trail = _current.get()
    return trail.request if trail else None


def loaded(record: models.Model) -> None:
    """A record of someone was read while answering a request: if the response succeeds, it
    was shown."""
    shown([record])


def shown(records, *, note: str = "") -> None:
    """Mark records as shown by this response (``note`` says how, e.g. "listed"; never personal
    data). Outside a request it does nothing: callers there write their own events."""
    trail = _current.get()
    if trail is None:
        return
    for record in records:
        if record is None or record.pk is None:
            continue
        key = _key(record)
        if key not in trail.shown or (note and not trail.shown[key][1]):
            trail.shown[key] = (record, note)


def named(record: models.Model | None) -> None:
    """An event of this request names ``record`` (called by the audit writer)."""
    trail = _current.get()
    if trail is not None and record is not None:
        trail.named.add(_key(record))


class AuditTrailMiddleware:
    """Writes one VIEW event per person a successful response showed. Must come after the
    authentication middleware (the actor is ``request.user``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trail = Trail(request)
        token = _current.set(trail)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        if 200 <= response.status_code < 300:
            self._write(trail)
        return response

    @staticmethod
    def _write(trail: Trail) -> None:
        from .models import AuditEvent
        from .services import record_audit_events

        unseen = [(r, note) for key, (r, note) in trail.shown.items() if key not in trail.named]
        if not unseen:
            return
        user = getattr(trail.request, "user", None)
        by_note: dict[str, list] = {}
        for record, note in unseen:
            by_note.setdefault(note, []).append(record)
        for note, records in by_note.items():
            record_audit_events(user, AuditEvent.Action.VIEW, records, request=trail.request, note=note)
