"""Schemes, passengers, drivers, vehicles and trips for transport's tests: made through the services
where there is one (registering a passenger, requesting a trip), else as the admin would."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from people.tests.factories import PersonFactory
from transport import services
from transport.models import Availability, ComplianceCheck, Driver, Passenger, Scheme, Vehicle, VehicleKind

LONDON = ZoneInfo("Europe/London")
CHECKED = date(2025, 1, 6)
FAR_OFF = date(2030, 1, 6)


def coming(weekday: int = 0, weeks: int = 1) -> date:
    """A ``weekday`` (Monday 0) at least ``weeks`` weeks from today."""
    day = timezone.localdate() + timedelta(weeks=weeks)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def make_scheme(name: str = "Nellie the tuk-tuk", **fields) -> tuple[Scheme, object]:
    """A scheme, and a coordinator on its team."""
    team = TeamFactory()
    coordinator = UserFactory(role=Role.COORDINATOR, teams=[team])
    return Scheme.objects.create(name=name, team=team, **fields), coordinator


def make_passenger(scheme: Scheme, coordinator, name: str = "Edna Marsh", **fields) -> Passenger:
    """A person on the scheme team's records, registered (and so assessed) as a passenger."""
    person = PersonFactory(team=scheme.team, full_name=name)
    return services.register_passenger(coordinator, scheme, person=person, **fields)


def make_driver(
    scheme: Scheme,
    *,
    name: str = "Dev Patel",
    checks: tuple[str, ...] = ("licence", "dbs", "insurance"),
    expires_on: date = FAR_OFF,
    hours: tuple[int, int] = (7, 20),
    **fields,
) -> Driver:
    """A driver of the scheme, free every day from ``hours``, with the ``checks`` in date."""
    user = UserFactory(role=Role.RESIDENT, full_name=name)
    driver = Driver.objects.create(user=user, **fields)
    driver.schemes.add(scheme)
    for weekday in range(7):
        Availability.objects.create(
            driver=driver, weekday=weekday, starts_at=time(hours[0]), ends_at=time(hours[1])
        )
    for kind in checks:
        ComplianceCheck.objects.create(driver=driver, kind=kind, checked_on=CHECKED, expires_on=expires_on)
    return driver


def make_vehicle(scheme: Scheme, kind: str = VehicleKind.CAR, name: str = "", **fields) -> Vehicle:
    defaults = {"seats": 3, "wheelchair_spaces": 0, "has_lift_or_ramp": False}
    return Vehicle.objects.create(scheme=scheme, kind=kind, name=name or f"The {kind}", **(defaults | fields))


def journey(**fields) -> services.Journey:
    defaults = {
        "pickup_address": "12 Moss Lane, Sale",
        "pickup_postcode": "M33 5AB",
        "destination": "Friendship lunch club, Sale Methodist Church",
        "destination_postcode": "M33 7XZ",
    }
    return services.Journey(**(defaults | fields))


def make_trip(coordinator, passenger: Passenger, scheme: Scheme, day: date, hour: int = 10, **fields):
    """One outward trip picking up at ``hour`` on ``day`` (45 minutes)."""
    trip_journey = fields.pop("journey", journey())
    made = services.request_trip(
        coordinator, passenger, scheme, trip_journey, pickup_at=at(day, hour), **fields
    )
    return made[0]
