"""Volunteering opportunities as suggestions: open and published only, one per opportunity with its
coming shifts that have places as sessions, never a past or full shift, free, at the venue."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import OrganisationFactory
from directory.models import Accessibility, Location
from directory.tests.factories import LocationFactory
from matching.ranking import Cost, Profile, Slot
from matching.selectors import suggest
from matching.sources import Context
from matching.sources.volunteering import access_of, find
from volunteering.models import Shift, SignUp
from volunteering.tests.factories import make_opportunity

pytestmark = pytest.mark.django_db

ANYONE = Context(viewer=None)
PROFILE = Profile(name="you", phrases=("gardening",))


def next_weekday(weekday: int, at: time) -> datetime:
    """The next ``weekday`` (0 = Monday) at least two days away, at ``at`` local time."""
    day = timezone.localdate() + timedelta(days=2)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, at))


def shift_on(opportunity, weekday: int, start: time, end: time, places: int = 3, weeks: int = 0) -> Shift:
    starts = next_weekday(weekday, start) + timedelta(weeks=weeks)
    return Shift.objects.create(
        opportunity=opportunity,
        starts_at=starts,
        ends_at=starts.replace(hour=end.hour, minute=end.minute),
        places=places,
    )


def fill(shift: Shift) -> None:
    for n in range(shift.places):
        SignUp.objects.create(shift=shift, name=f"Volunteer {n}", email=f"v{n}@example.org")


def role(**fields):
    """An opportunity of its own organisation."""
    opportunity, _ = make_opportunity(organisation=OrganisationFactory(), **fields)
    return opportunity, None


def keys(found) -> list[str]:
    return [c.key for c in found.candidates]


def test_one_candidate_per_opportunity_with_its_shifts_as_weekly_sessions():
    garden, _ = role(
        title="Community garden helper", description="Weeding and planting beds.", skills_wanted="Gardening"
    )
    shift_on(garden, 2, time(10), time(12))
    shift_on(garden, 2, time(10), time(12), weeks=1)  # the same weekly time: one session
    shift_on(garden, 5, time(9, 30), time(12, 30))

    [candidate] = find(PROFILE, ANYONE).candidates

    assert candidate.key == f"opportunity:{garden.pk}"
    assert candidate.kind == "opportunity"
    assert candidate.sessions == (
        Slot(2, time(10), time(12)),
        Slot(5, time(9, 30), time(12, 30)),
    )
    assert [s.label() for s in candidate.sessions] == ["Wednesdays 10–12", "Saturdays 9:30–12:30"]
    assert candidate.cost == Cost.FREE
    assert candidate.url == f"/volunteering/opportunities/{garden.pk}/"
    assert "Weeding and planting beds" in candidate.text and "Gardening" in candidate.text
    first = timezone.localtime(Shift.objects.filter(opportunity=garden).order_by("starts_at")[0].starts_at)
    assert candidate.title == f"Community garden helper, next on {first:%a %-d %b, %H:%M}"


def test_unpublished_past_and_full_are_never_suggested():
    draft, _ = role(title="Draft role", is_published=False)
    shift_on(draft, 1, time(10), time(12))
    over, _ = role(title="Over already")
    Shift.objects.create(
        opportunity=over,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=2),
        places=3,
    )
    full, _ = role(title="Full up")
    fill(shift_on(full, 3, time(10), time(12), places=2))
    half, _ = role(title="One full shift, one open")
    fill(shift_on(half, 0, time(18), time(20), places=1))
    open_shift = shift_on(half, 4, time(14), time(16))

    [candidate] = find(PROFILE, ANYONE).candidates

    assert candidate.key == f"opportunity:{half.pk}"
    assert candidate.sessions == (Slot(4, time(14), time(16)),)  # never the full Monday shift
    assert f"{timezone.localtime(open_shift.starts_at):%a %-d %b}" in candidate.title


def test_a_cancelled_or_waiting_sign_up_leaves_the_place_open():
    marshal, _ = role(title="Marshal")
    shift = shift_on(marshal, 5, time(9), time(10), places=1)
    SignUp.objects.create(
        shift=shift, name="Cancelled", email="c@example.org", status=SignUp.Status.CANCELLED
    )
    SignUp.objects.create(shift=shift, name="Waiting", email="w@example.org", status=SignUp.Status.WAITING)

    assert keys(find(PROFILE, ANYONE)) == [f"opportunity:{marshal.pk}"]


def test_venue_gives_where_and_access():
    hall = LocationFactory(
        name="St Hilda's Hall", latitude=53.45, longitude=-2.30, wheelchair_accessible=True, accessibility=""
    )
    Accessibility.objects.create(location=hall, description="Hearing loop in the main room.")
    urn, _ = role(title="Tea urn", venue=hall, place="")
    shift_on(urn, 1, time(10), time(12))

    [candidate] = find(PROFILE, ANYONE).candidates

    assert candidate.where == (53.45, -2.30)
    assert candidate.venue == "St Hilda's Hall"
    assert (candidate.step_free, candidate.hearing_loop) == (True, True)
    assert not candidate.online


def test_access_not_said_is_unknown_and_said_not_is_no():
    plain = LocationFactory(wheelchair_accessible=False, accessibility="")
    assert access_of(plain) == (None, None)
    steps = LocationFactory(wheelchair_accessible=False, accessibility="Three steps up; no hearing loop.")
    assert access_of(steps, "Step-free entrance at the back.") == (True, False)


def test_online_opportunity_has_no_distance():
    online = LocationFactory(location_type=Location.Type.VIRTUAL, latitude=53.0, longitude=-2.0)
    befriender, _ = role(title="Phone befriender", venue=online, place="")
    shift_on(befriender, 0, time(18), time(19))

    [candidate] = find(PROFILE, ANYONE).candidates

    assert candidate.online and candidate.where is None


def test_a_shift_past_midnight_counts_to_the_end_of_its_day():
    night, _ = role(title="Night shelter")
    starts = next_weekday(4, time(22))
    Shift.objects.create(opportunity=night, starts_at=starts, ends_at=starts + timedelta(hours=8), places=2)

    [candidate] = find(PROFILE, ANYONE).candidates

    assert candidate.sessions == (Slot(4, time(22), time(23, 59)),)


def test_at_most_the_limit_soonest_first():
    for n in range(5):
        numbered, _ = role(title=f"Role {n}")
        Shift.objects.create(
            opportunity=numbered,
            starts_at=timezone.now() + timedelta(days=n + 1),
            ends_at=timezone.now() + timedelta(days=n + 1, hours=1),
            places=2,
        )

    found = find(PROFILE, Context(viewer=None, limit=3))

    assert [c.title.split(",")[0] for c in found.candidates] == ["Role 0", "Role 1", "Role 2"]


def test_suggested_with_reasons_when_it_fits_and_the_person_is_free():
    garden, _ = role(
        title="Community garden volunteer",
        description="Growing vegetables and flowers in raised beds with neighbours.",
        skills_wanted="Gardening",
    )
    shift_on(garden, 2, time(10), time(12))
    choir, _ = role(title="Choir librarian", description="Sort sheet music for the choir.")
    shift_on(choir, 2, time(19), time(21))
    profile = Profile(
        name="Sam",
        phrases=("gardening and growing vegetables",),
        free=(Slot(2, time(9), time(12)),),
    )

    best, *_ = suggest(profile, ANYONE, kinds=["opportunity"])

    assert best.candidate.key == f"opportunity:{garden.pk}"
    assert "Wednesdays 10–12, when Sam is free" in best.reasons
    assert "free" in best.reasons
