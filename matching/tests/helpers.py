"""What the suggestion page tests share: a person with things to match, a tiny listing source.

The listing source of the real app lives in ``matching/sources/listings.py``; these tests register
:func:`listing_source` in its place (``monkeypatch.setitem(SOURCES, "listing", ...)``), so they
test the pages, not that source's search: every published listing, as a candidate, with its venue.
"""

from __future__ import annotations

from datetime import date, time

from directory.models import Schedule, Service
from directory.selectors import public_listings
from directory.tests.factories import LocationFactory, ServiceFactory
from matching.ranking import Candidate, Cost, Profile, Slot
from matching.sources import Context, Found
from people.models import Consent, Person
from people.tests.factories import PersonFactory
from places.tests.factories import PostcodeFactory

# Sam lives here; the hall is 0.4 miles away, the library about 3 miles.
HOME = (53.4465, -2.3076)
NEAR = (53.4523, -2.3076)  # 0.40 miles north
FAR = (53.4900, -2.3076)  # 3.0 miles north


def listing_source(profile: Profile, context: Context) -> Found:
    candidates = []
    days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    for listing in public_listings().prefetch_related("locations", "schedules").order_by("name"):
        venue = next(iter(listing.locations.all()), None)
        sessions = tuple(
            Slot(days.index(day), schedule.opens_at, schedule.closes_at)
            for schedule in listing.schedules.all()
            if schedule.opens_at and schedule.closes_at
            for day in schedule.byday.split(",")
            if day in days
        )
        where = (venue.latitude, venue.longitude) if venue is not None else None
        candidates.append(
            Candidate(
                key=f"listing:{listing.pk}",
                kind="listing",
                title=listing.name,
                text=f"{listing.name}. {listing.description}",
                venue=venue.name if venue is not None else "",
                where=where,
                sessions=sessions,
                cost=Cost.FREE if listing.cost == Service.Cost.FREE else Cost.PAID,
            )
        )
    return Found(candidates=candidates)


def use_listing_source(monkeypatch) -> None:
    from matching import selectors

    monkeypatch.setitem(selectors.SOURCES, "listing", listing_source)


def listing(
    name: str, description: str, where: tuple[float, float], venue: str = "", wednesday_mornings: bool = False
) -> Service:
    hall = LocationFactory(name=venue or f"{name} hall", latitude=where[0], longitude=where[1])
    made = ServiceFactory(name=name, description=description, at=[hall])
    if wednesday_mornings:
        Schedule.objects.create(service=made, byday="WE", opens_at=time(10), closes_at=time(12))
    return made


def sam(team, coordinator=None, **fields) -> Person:
    details = {
        "full_name": "Samuel Okafor",
        "preferred_name": "Sam",
        "what_matters": "Gardening, meeting people",
        "free_times": ["wed_am"],
        "postcode": PostcodeFactory(latitude=HOME[0], longitude=HOME[1]),
        **fields,
    }
    return PersonFactory(team=team, coordinator=coordinator, **details)


def agrees_to_be_introduced(person: Person, **fields) -> Consent:
    return Consent.objects.create(
        person=person,
        purpose=Consent.Purpose.INTRODUCE_TO_PEOPLE,
        method=Consent.Method.SPOKEN,
        given_on=fields.pop("given_on", date(2026, 2, 1)),
        **fields,
    )
