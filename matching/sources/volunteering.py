"""Volunteering opportunities as candidates: what anyone may see (``volunteering.selectors``), one
candidate per opportunity, with its coming shifts that still have a place as its sessions.

An opportunity is suggested only while it has a shift to come with a place left: a past or full
shift is never a session, and an opportunity with none is not suggested. Its sessions are weekly
slots (the weekday and times of each such shift, in local time), so they meet the person's usual
free times; its title says when the next one is. Giving time costs nothing, so every one is free.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from directory.models import Location
from matching.ranking import Candidate, Cost, Profile, Slot
from matching.sources import Context, Found
from volunteering.models import Opportunity, Shift
from volunteering.selectors import shifts_with_places_between

HORIZON = timedelta(weeks=8)  # how far ahead shifts are looked for
SHIFTS_PER_CANDIDATE = 20  # enough shifts to know an opportunity's week; more says nothing new

STEP_FREE_WORDS = ("step-free", "step free", "level access", "wheelchair accessible", "ramp")
HEARING_LOOP_WORDS = ("hearing loop", "induction loop", "loop system")


def find(profile: Profile, context: Context) -> Found:
    """The published opportunities with a shift to come that has a place left, soonest first, at
    most ``context.limit``. Public: the same for anyone asking (``context.viewer`` is not needed)."""
    today = timezone.localdate()
    shifts = shifts_with_places_between(today, today + HORIZON, context.limit * SHIFTS_PER_CANDIDATE)
    by_opportunity: dict[int, list[Shift]] = defaultdict(list)
    for shift in shifts:
        if len(by_opportunity) >= context.limit and shift.opportunity_id not in by_opportunity:
            continue
        by_opportunity[shift.opportunity_id].append(shift)
    venues = [group[0].opportunity.venue for group in by_opportunity.values() if group[0].opportunity.venue]
    prefetch_related_objects(venues, "accessibility_entries")
    return Found(candidates=[_candidate(group[0].opportunity, group) for group in by_opportunity.values()])


def _candidate(opportunity: Opportunity, shifts: list[Shift]) -> Candidate:
    venue = opportunity.venue
    online = _is_online(opportunity, venue)
    step_free, hearing_loop = access_of(venue, opportunity.accessibility)
    where = None
    if venue is not None and venue.latitude is not None and venue.longitude is not None and not online:
        where = (venue.latitude, venue.longitude)
    text = ". ".join(
        part.strip()
        for part in (opportunity.title, opportunity.description, opportunity.skills_wanted)
        if part and part.strip()
    )
    return Candidate(
        key=f"opportunity:{opportunity.pk}",
        kind="opportunity",
        title=f"{opportunity.title}, next on {_when(shifts[0].starts_at)}",
        text=text,
        url=reverse("volunteering:opportunity", args=[opportunity.pk]),
        venue=opportunity.where,
        where=where,
        online=online,
        sessions=weekly_slots(shifts),
        cost=Cost.FREE,
        step_free=None if online else step_free,
        hearing_loop=None if online else hearing_loop,
    )


def weekly_slots(shifts: list[Shift]) -> tuple[Slot, ...]:
    """Each shift as its weekday and times in local time, once each, in week order. A shift that
    runs past midnight counts until the end of the day it starts."""
    slots = set()
    for shift in shifts:
        starts, ends = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        end = ends.time() if ends.date() == starts.date() else time(23, 59)
        if end > starts.time():
            slots.add(Slot(starts.weekday(), starts.time().replace(second=0, microsecond=0), end))
    return tuple(sorted(slots, key=lambda s: (s.weekday, s.start, s.end)))


def _when(moment: datetime) -> str:
    """'Wed 10 Dec, 10:00'."""
    return f"{timezone.localtime(moment):%a %-d %b, %H:%M}"


def _is_online(opportunity: Opportunity, venue: Location | None) -> bool:
    if venue is not None:
        return venue.location_type == Location.Type.VIRTUAL
    return opportunity.place.strip().lower().startswith(("online", "from home"))


def access_of(venue: Location | None, more: str = "") -> tuple[bool | None, bool | None]:
    """Whether a venue is step-free and has a hearing loop, as far as what is written says: True
    when it is said, False when it is said not to be, None when nothing is said (the venue's
    wheelchair flag counts only when set: left unset, it cannot tell "no" from "not said")."""
    words = [more]
    if venue is not None:
        words.append(venue.accessibility)
        words += [f"{a.description} {a.details}" for a in venue.accessibility_entries.all()]
    said = " ".join(words).lower()
    step_free = _said(said, STEP_FREE_WORDS)
    if venue is not None and venue.wheelchair_accessible:
        step_free = True
    return step_free, _said(said, HEARING_LOOP_WORDS)


def _said(text: str, words: tuple[str, ...]) -> bool | None:
    if any(f"no {word}" in text or f"not {word}" in text for word in words):
        return False
    if any(word in text for word in words):
        return True
    return None
