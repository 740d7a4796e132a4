"""A demo of community transport in the demo district: "Nellie the tuk-tuk", run by volunteers with
a volunteer's own car beside it, and a community minibus with a ramp. Drivers (demo residents who
volunteer) with their week, compliance (one DBS check running out soon, one driver on leave),
passengers from the demo coordinator's caseload and a demo resident, a week of trips (a weekly
lunch club with its returns, appointments), most assigned through the same checks a coordinator's
are, and the past weeks' runs with their mileage claims. All invented and marked as demo."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.demo import demo_email, demo_residents
from accounts.models import TeamMembership, User
from common.errors import Refusal
from timebank.models import CreditScheme

from . import assignment, mileage, services
from .models import (
    Availability,
    ComplianceCheck,
    Driver,
    Leave,
    MileageRate,
    MobilityAid,
    Passenger,
    Purpose,
    Run,
    Scheme,
    Trip,
    Vehicle,
    VehicleKind,
)


def _street(passenger: Passenger) -> str:
    """An invented street address for the passenger (Faker en_GB, the same each time for them): a
    driver needs the house, not "Home"."""
    fake = Faker("en_GB")
    fake.seed_instance(passenger.pk)
    return fake.street_address()


LUNCH_CLUB = services.Journey(
    pickup_address="",
    pickup_postcode="",
    destination="Friendship lunch club, Sale Moor Community Centre",
    destination_postcode="",
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _driver(user: User, schemes: list[Scheme], **fields) -> Driver:
    """A demo resident who drives, free on weekdays from 8:00 to 17:30."""
    driver = Driver.objects.create(user=user, home_postcode=user.home_postcode, **fields)
    driver.schemes.set(schemes)
    for weekday in range(5):
        Availability.objects.create(driver=driver, weekday=weekday, starts_at=time(8), ends_at=time(17, 30))
    return driver


def _checks(driver: Driver, today: date, kinds: list[str], dbs_until: date | None = None) -> None:
    for kind in kinds:
        expires = (
            dbs_until if (kind == ComplianceCheck.Kind.DBS and dbs_until) else today + timedelta(days=600)
        )
        ComplianceCheck.objects.create(
            driver=driver, kind=kind, checked_on=today - timedelta(days=200), expires_on=expires
        )


def _past_runs(
    driver: Driver, car: Vehicle, passengers: list[Passenger], today: date, rng: random.Random
) -> list[Run]:
    """Eight weeks of Tuesday runs to the lunch club and home again, made, with their readings and
    claims, and two afternoon rides that were unmet."""
    odometer = car.odometer_miles
    runs: list[Run] = []
    for week in range(8, 0, -1):
        day = today - timedelta(weeks=week)
        day -= timedelta(days=(day.weekday() - 1) % 7)
        run = Run.objects.create(driver=driver, vehicle=car, on=day)
        runs.append(run)
        passenger = passengers[week % len(passengers)]
        outward = Trip.objects.create(
            scheme=car.scheme,
            passenger=passenger,
            pickup_address=_street(passenger),
            pickup_postcode=passenger.postcode.postcode if passenger.postcode else "M33 2AA",
            destination=LUNCH_CLUB.destination,
            destination_postcode="M33 2AA",
            pickup_at=_at(day, 11),
            starts_at=_at(day, 11),
            ends_at=_at(day, 11, 45),
            requested_via=Trip.RequestedVia.COORDINATOR,
            purpose=Purpose.GROUP,
            run=run,
            status=Trip.Status.COMPLETED,
            donation=Decimal("2.00"),
        )
        Trip.objects.create(
            scheme=car.scheme,
            passenger=passenger,
            pickup_address=LUNCH_CLUB.destination,
            pickup_postcode="M33 2AA",
            destination=_street(passenger),
            destination_postcode=passenger.postcode.postcode if passenger.postcode else "M33 2AA",
            pickup_at=_at(day, 14),
            starts_at=_at(day, 14),
            ends_at=_at(day, 14, 45),
            requested_via=Trip.RequestedVia.COORDINATOR,
            purpose=Purpose.GROUP,
            outward=outward,
            run=run,
            status=Trip.Status.COMPLETED,
        )
        miles = rng.randrange(8, 30)
        mileage.record_odometer(
            driver.user, run, start=odometer, end=odometer + miles, parking="0.00", passenger_miles=miles
        )
        odometer += miles
        if week in (3, 6):  # an afternoon ride asked for that no one could take
            Trip.objects.create(
                scheme=car.scheme,
                passenger=passenger,
                pickup_address=_street(passenger),
                pickup_postcode=passenger.postcode.postcode if passenger.postcode else "M33 2AA",
                destination="Sale Moor surgery",
                destination_postcode="M33 2AA",
                appointment_at=_at(day, 16),
                starts_at=_at(day, 15, 15),
                ends_at=_at(day, 16),
                requested_via=Trip.RequestedVia.COORDINATOR,
                purpose=Purpose.HEALTH,
                status=Trip.Status.UNMET,
                outcome_reason="No driver free that afternoon",
            )
    return runs


def _time_credits(coordinator: User, scheme: Scheme, runs: list[Run]) -> None:
    """The tuk-tuk's volunteers earn the demo's time credits for their hours: the scheme is linked
    to them (its team's organisation taking part), and the first four runs have been awarded."""
    credits = CreditScheme.objects.filter(is_demo=True).order_by("pk").first()
    if credits is None:
        return
    credits.awarding_organisations.add(scheme.team.organisation)
    scheme.credit_scheme = credits
    scheme.save(update_fields=["credit_scheme"])
    for run in runs[:4]:
        services.award_run_credits(coordinator, run)


@transaction.atomic
def create_demo_transport(seed: int = 18) -> int:
    """Returns the number of trips coming up in the demo week."""
    rng = random.Random(seed)
    coordinator = User.objects.filter(is_demo=True, email=demo_email("coordinator")).first()
    membership = TeamMembership.objects.filter(user=coordinator).select_related("team__organisation").first()
    if coordinator is None or membership is None:
        return 0
    team, today = membership.team, timezone.localdate()
    MileageRate.objects.get_or_create(
        applies_from=date(2011, 4, 6), defaults={"first_rate": Decimal("0.45"), "later_rate": Decimal("0.25")}
    )
    tuk_tuk = Scheme.objects.create(
        name="Nellie the tuk-tuk",
        team=team,
        who_can_use="Anyone in the district who finds it hard to get out, to groups, clubs and appointments.",
        needs_isolation=True,
        passenger_supplement_per_mile=Decimal("0.05"),
        is_demo=True,
    )
    minibus_scheme = Scheme.objects.create(
        name="Sale Moor community minibus",
        team=team,
        who_can_use="People aged 60 or over who cannot use buses because of their mobility.",
        minimum_age=60,
        needs_mobility_need=True,
        is_demo=True,
    )
    Vehicle.objects.create(
        scheme=tuk_tuk, name="Nellie the tuk-tuk", kind=VehicleKind.TUK_TUK, seats=2, is_demo=True,
        mot_expires_on=today + timedelta(days=150), service_due_on=today + timedelta(days=40),
    )  # fmt: skip
    Vehicle.objects.create(
        scheme=minibus_scheme, name="The minibus", registration="DEMO 19", kind=VehicleKind.MINIBUS,
        seats=12, wheelchair_spaces=2, has_lift_or_ramp=True, permit=Vehicle.Permit.SECTION_19,
        permit_number="PH1234567", permit_expires_on=today + timedelta(days=700),
        mot_expires_on=today + timedelta(days=90), service_due_at_miles=48000, odometer_miles=46210,
        is_demo=True,
    )  # fmt: skip
    kinds = [ComplianceCheck.Kind.LICENCE, ComplianceCheck.Kind.DBS, ComplianceCheck.Kind.INSURANCE]
    residents = demo_residents()
    # Demo residents who volunteer to drive (resident1 is a passenger): fewer in a smaller demo.
    volunteers = residents[1:5]
    drivers: list[Driver] = []
    setups = [
        ([tuk_tuk], {"drives_tuk_tuks": True}, kinds, None),
        ([tuk_tuk, minibus_scheme], {"drives_minibuses": True}, [*kinds, ComplianceCheck.Kind.MIDAS], 20),
        ([minibus_scheme], {"kind": Driver.Kind.PAID, "drives_minibuses": True, "has_d1_entitlement": True},
         kinds[:2], None),
        ([tuk_tuk], {"drives_tuk_tuks": True}, kinds, None),
    ]  # fmt: skip
    for user, (schemes, fields, checks, dbs_days) in zip(volunteers, setups, strict=False):
        driver = _driver(user, schemes, **fields)
        _checks(driver, today, checks, today + timedelta(days=dbs_days) if dbs_days else None)
        drivers.append(driver)
    if len(drivers) == 4:
        Leave.objects.create(driver=drivers[3], starts_on=today, ends_on=today + timedelta(days=10))
    car = None
    if drivers:
        car = Vehicle.objects.create(
            scheme=tuk_tuk, name=f"{drivers[0].user.full_name.split()[0]}'s Corsa", kind=VehicleKind.CAR,
            seats=3, owner=drivers[0], odometer_miles=31200, is_demo=True,
        )  # fmt: skip

    people = list(team.people.filter(is_demo=True, erased_at__isnull=True).order_by("created_at", "pk")[:6])
    aids = [MobilityAid.WALKER, MobilityAid.NONE, MobilityAid.WHEELCHAIR_SEATED, MobilityAid.NONE,
            MobilityAid.WHEELCHAIR_FOLDED, MobilityAid.SCOOTER]  # fmt: skip
    passengers = [
        services.register_passenger(
            coordinator,
            tuk_tuk,
            person=person,
            mobility_aid=aid,
            is_isolated=True,
            has_mobility_need=aid != MobilityAid.NONE,
            escort_allowed=n == 0,
            date_of_birth=date(1938 + 3 * n, 1 + n, 10),
            notes_for_driver=[
                "Ring twice; it takes her a minute to reach the door.",
                "",
                "Ramp needed at home.",
                "Likes the front seat.",
                "",
                "Scooter goes in the back.",
            ][n],  # fmt: skip
            usual_places="Friendship lunch club\nSale Moor surgery",
        )
        for n, (person, aid) in enumerate(zip(people, aids, strict=False))
    ]
    for passenger in passengers:
        services.assess_eligibility(coordinator, passenger, minibus_scheme)
    if residents:
        passengers.append(
            services.register_passenger(coordinator, tuk_tuk, account=residents[0], is_isolated=True)
        )
    if car is not None and passengers:
        _time_credits(coordinator, tuk_tuk, _past_runs(drivers[0], car, passengers[:2], today, rng))

    made: list[Trip] = []
    next_week = today + timedelta(days=1)
    lunch_day = next_week + timedelta(days=(1 - next_week.weekday()) % 7)  # the coming Tuesday
    for n, passenger in enumerate(passengers[:3]):
        scheme = minibus_scheme if passenger.mobility_aid == MobilityAid.WHEELCHAIR_SEATED else tuk_tuk
        pickup = passenger.postcode.postcode if passenger.postcode else "M33 2AA"
        journey = services.Journey(_street(passenger), pickup, LUNCH_CLUB.destination, "M33 2AA")
        try:
            made += services.request_trip(
                coordinator, passenger, scheme, journey, pickup_at=_at(lunch_day, 11, 10 * n),
                return_pickup_at=_at(lunch_day, 14, 10 * n),
                repeats_weekly_until=lunch_day + timedelta(weeks=3), purpose=Purpose.GROUP,
            )  # fmt: skip
        except Refusal:
            continue  # not eligible for that scheme: the coordinator's board shows it unmet
    for n, passenger in enumerate(passengers[3:]):
        day = next_week + timedelta(days=n % 5)
        pickup = passenger.postcode.postcode if passenger.postcode else "M33 2AA"
        journey = services.Journey(_street(passenger), pickup, "Sale Moor surgery", "M33 2AA")
        made += services.request_trip(
            coordinator, passenger, tuk_tuk, journey, appointment_at=_at(day, 10 + n),
            return_pickup_at=_at(day, 12 + n), purpose=Purpose.HEALTH,
        )  # fmt: skip
    week_end = today + timedelta(days=8)
    for trip in sorted(made, key=lambda t: t.starts_at):
        if timezone.localdate(trip.starts_at) > week_end:
            continue
        suggestions = assignment.suggest_drivers(coordinator, trip).suggested
        if suggestions and rng.random() < 0.8:
            choice = suggestions[0]
            assignment.assign_trip(coordinator, trip, choice.driver, choice.vehicle)
    return sum(1 for trip in made if timezone.localdate(trip.starts_at) <= week_end)
