"""What's on: the week's events, volunteering shifts with places and groups meeting, composed from
the apps that hold them (each read bounded in its own selector), for the home and the What's on page.

Public facts only. The lists are the same for everyone, so they are kept in the cache and forgotten
whenever one of the things they are made from is saved or deleted (``CloseknitConfig.ready``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from common.kept import Kept
from directory.selectors import occurrences_between
from volunteering.selectors import public_events_between, shifts_with_places_between

WEEK = timedelta(days=7)
HANDFUL = 5  # what's on, on the home page
EVENTS_A_WEEK = 30  # What's on's caps: each has a "see all" link when reached
SHIFTS_A_WEEK = 30
GROUPS_A_DAY = 8
# What's on is the same for everyone, so it is kept in the cache rather than worked out on every
# visit: the home stays nearly as quick as a page with no reads at all. A change to an event, a
# shift, a sign-up, a listing or its sessions forgets it (``forget``, CloseknitConfig.ready).
WHATS_ON = Kept("closeknit:whats-on")
forget = WHATS_ON.forget


@dataclass(frozen=True)
class WhatsOn:
    """One thing on: an event, a volunteering shift with places, or a group's session. Public
    facts only (what, where, when, who runs it): never a person's name."""

    kind: str
    title: str
    starts: datetime
    url: str
    detail: str = ""

    @property
    def day(self) -> date:
        return timezone.localtime(self.starts).date()


def _places_left(organisation, left: int) -> str:
    return f"{organisation}: {left} place{'s' if left != 1 else ''} left"


def _whats_on(start: date, end: date, *, events: int, shifts: int, groups: int, per_day: int | None = None):
    """Events, shifts with places left and groups meeting from ``start`` to ``end``, soonest first,
    each app's read bounded by its own cap."""
    found = [
        WhatsOn("Event", e.title, e.starts_at, reverse("volunteering:event", args=[e.pk]), e.where)
        for e in public_events_between(start, end, events)
    ]
    found += [
        WhatsOn(
            "Volunteering",
            s.opportunity.title,
            s.starts_at,
            reverse("volunteering:opportunity", args=[s.opportunity_id]),
            _places_left(s.opportunity.organisation, s.places - s.taken),
        )
        for s in shifts_with_places_between(start, end, shifts)
    ]
    found += [
        WhatsOn(
            "Group",
            session.schedule.service.name,
            session.starts,
            reverse("directory:listing", args=[session.schedule.service_id]),
            session.schedule.description,
        )
        for session in occurrences_between(start, end, groups, per_day=per_day)
    ]
    return sorted(found, key=lambda item: item.starts)


def week_from(first: date) -> list[WhatsOn]:
    """Seven days of what's on from ``first``, each app's read bounded by its cap."""
    last = first + WEEK - timedelta(days=1)
    return WHATS_ON.kept(
        "week",
        (first.isoformat(),),
        lambda: _whats_on(
            first,
            last,
            events=EVENTS_A_WEEK,
            shifts=SHIFTS_A_WEEK,
            groups=GROUPS_A_DAY * 7,
            per_day=GROUPS_A_DAY,
        ),
    )


def handful_on(today: date) -> list[WhatsOn]:
    """A handful of what's on this week for the home, of every kind there is: up to two events and
    two shifts, the rest groups meeting (there are many more of those), soonest first."""

    def handful() -> list[WhatsOn]:
        found = _whats_on(today, today + WEEK - timedelta(days=1), events=2, shifts=2, groups=HANDFUL)
        others = [item for item in found if item.kind != "Group"]
        groups = [item for item in found if item.kind == "Group"][: HANDFUL - len(others)]
        return sorted(others + groups, key=lambda item: item.starts)

    return WHATS_ON.kept("handful", (today.isoformat(),), handful)
