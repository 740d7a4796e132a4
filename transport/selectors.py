"""Reads for transport, and who may see which passenger.

A passenger's record is person data. It is seen by those who work with people (the same roles as
``people``) and either may see the passenger's person record, or are on the team of a scheme the
passenger has been assessed for; administrators see every passenger. A record whose person has
been erased is seen by no one. A driver sees none of this: their manifest gives, for each trip of
their day, only the passenger's first name, the pick-up and destination, the times, the mobility
aid, the escorts and the notes for the driver. Every read of a passenger is audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.permissions import Requester, is_administrator, is_signed_in
from accounts.services import record_audit_event, record_audit_events
from common.errors import NotVisible
from directory.models import Location
from people.models import Introduction
from people.permissions import may_work_with_people
from people.selectors import people_visible_to

from . import permissions
from .models import (
    Driver,
    MileageClaim,
    Passenger,
    Run,
    Scheme,
    SchemeEligibility,
    Trip,
    Vehicle,
    VehicleKind,
)


def passengers_visible_to(user: Requester) -> QuerySet[Passenger]:
    """The passengers this user may see (see the module's docstring)."""
    if not may_work_with_people(user):
        return Passenger.objects.none()
    passengers = Passenger.objects.exclude(person__erased_at__isnull=False)
    if is_administrator(user):
        return passengers
    return passengers.filter(
        Q(person__in=people_visible_to(user)) | Q(eligibilities__scheme__team__memberships__user=user)
    ).distinct()


def passenger_for_viewer(user: Requester, pk: int | str) -> Passenger:
    """One passenger for someone who may see them, the read audited; else ``NotVisible``, the same
    for a passenger who does not exist."""
    try:
        passenger = passengers_visible_to(user).select_related("person", "account").get(pk=pk)
    except (Passenger.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None
    record_audit_event(user, AuditEvent.Action.VIEW, passenger, note="Viewed a transport passenger.")
    return passenger


def own_passenger_record(user: Requester) -> Passenger | None:
    """The signed-in resident's own passenger record, by their sign-in or the person record they
    confirmed is theirs."""
    if not isinstance(user, User) or not is_signed_in(user):
        return None
    return (
        Passenger.objects.filter(
            Q(account=user)
            | Q(
                person__account=user,
                person__account_confirmed_at__isnull=False,
                person__erased_at__isnull=True,
            )
        )
        .select_related("person", "account")
        .first()
    )


def schemes_coordinated(user: Requester) -> QuerySet[Scheme]:
    """The schemes this user coordinates (every one, for administrators)."""
    if not may_work_with_people(user):
        return Scheme.objects.none()
    if is_administrator(user):
        return Scheme.objects.all()
    return Scheme.objects.filter(team__memberships__user=user).distinct()


# What the day board shows of each trip and what the checks read of it; no other column is read (a
# page showing more would read each trip again: test_the_boards_queries_do_not_grow_with_its_trips).
BOARD_COLUMNS = (
    "scheme", "passenger", "pickup_address", "pickup_postcode", "destination",
    "destination_postcode", "pickup_at", "appointment_at", "starts_at", "ends_at", "outward",
    "escorts", "mobility_aid", "run", "status", "outcome_reason",
    "passenger__person__full_name", "passenger__account__full_name", "passenger__account__email",
)  # fmt: skip


def day_board(
    user: Requester,
    scheme: Scheme,
    day: date,
    *,
    drivers: Mapping[int, Driver] | None = None,
    vehicles: Mapping[int, Vehicle] | None = None,
) -> list[Trip]:
    """The scheme's trips on ``day`` for its coordinators, each with its passenger, run, driver and
    vehicle; the passengers shown are audited. Anyone else is answered as if the scheme did not exist.

    Only what the board shows is read (``BOARD_COLUMNS``). Given the day's ``drivers`` and
    ``vehicles`` by id (a day plan's), the runs take theirs from them, any other read once."""
    if not permissions.may_coordinate_scheme(user, scheme):
        raise NotVisible()
    starts = timezone.make_aware(datetime.combine(day, time()))
    ends = timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))
    trips = Trip.objects.filter(scheme=scheme, starts_at__gte=starts, starts_at__lt=ends).only(*BOARD_COLUMNS)
    if drivers is None or vehicles is None:
        trips = trips.select_related(
            "passenger__person", "passenger__account", "run__driver__user", "run__vehicle"
        )
    else:
        trips = trips.select_related("passenger__person", "passenger__account", "run")
    found = list(trips.order_by("starts_at", "pk"))
    if drivers is not None and vehicles is not None:
        _take_drivers_and_vehicles([trip.run for trip in found if trip.run is not None], drivers, vehicles)
    passengers: list[Model] = list({trip.passenger_id: trip.passenger for trip in found}.values())
    record_audit_events(user, AuditEvent.Action.VIEW, passengers, note="Transport day board.")
    return found


def _take_drivers_and_vehicles(
    runs: list[Run], drivers: Mapping[int, Driver], vehicles: Mapping[int, Vehicle]
) -> None:
    """Give each run its driver and vehicle from those given, reading any other (one query each)."""
    drivers, vehicles = dict(drivers), dict(vehicles)
    if missing := {run.driver_id for run in runs} - drivers.keys():
        drivers.update(Driver.objects.select_related("user").in_bulk(missing))
    if missing := {run.vehicle_id for run in runs} - vehicles.keys():
        vehicles.update(Vehicle.objects.in_bulk(missing))
    for run in runs:
        run.driver, run.vehicle = drivers[run.driver_id], vehicles[run.vehicle_id]


@dataclass(frozen=True)
class ManifestStop:
    """One trip on a driver's manifest: what the journey needs, nothing more."""

    trip_id: int
    first_name: str
    pickup_address: str
    pickup_postcode: str
    destination: str
    destination_postcode: str
    starts_at: datetime
    pickup_at: datetime | None
    appointment_at: datetime | None
    mobility_aid: str
    escorts: int
    notes_for_driver: str
    vehicle: str
    status: str


def manifest_for(driver: Driver, day: date) -> list[ManifestStop]:
    """The driver's trips on ``day`` in time order, with only what the driver needs. The driver's
    reading of each passenger is audited. (A view asks ``may_drive`` first.)"""
    trips = list(
        Trip.objects.filter(run__driver=driver, run__on=day)
        .select_related("passenger__person", "passenger__account", "run__vehicle")
        .order_by("starts_at", "pk")
    )
    passengers: list[Model] = [trip.passenger for trip in trips]
    record_audit_events(driver.user, AuditEvent.Action.VIEW, passengers, note="Driver's manifest.")
    return [
        ManifestStop(
            trip_id=trip.pk,
            first_name=trip.passenger.first_name,
            pickup_address=trip.pickup_address,
            pickup_postcode=trip.pickup_postcode,
            destination=trip.destination,
            destination_postcode=trip.destination_postcode,
            starts_at=trip.starts_at,
            pickup_at=trip.pickup_at,
            appointment_at=trip.appointment_at,
            mobility_aid=trip.get_mobility_aid_display(),
            escorts=trip.escorts,
            notes_for_driver=trip.passenger.notes_for_driver,
            vehicle=str(trip.run.vehicle) if trip.run else "",
            status=trip.get_status_display(),
        )
        for trip in trips
    ]


def manifest_for_user(user: Requester, day: date) -> list[ManifestStop]:
    """The signed-in driver's own manifest; ``NotVisible`` for anyone who does not drive."""
    return manifest_for(own_driver(user), day)


# --- A resident's own rides, a driver's runs and claims, a scheme's open slots -------------------


def rides_of(user: Requester) -> QuerySet[Trip]:
    """The signed-in resident's own trips (none for anyone without a passenger record), each with
    its scheme, run, driver and vehicle. Their own data: no audit event is needed to read it."""
    passenger = own_passenger_record(user)
    if passenger is None:
        return Trip.objects.none()
    return Trip.objects.filter(passenger=passenger).select_related(
        "scheme", "run__driver__user", "run__vehicle", "outward"
    )


def schemes_for_passenger(passenger: Passenger) -> tuple[list[Scheme], list[SchemeEligibility]]:
    """The schemes the passenger may ask for rides from, and the assessments that said they may
    not (each with its reason), the schemes' listings read with them."""
    eligibilities = list(
        SchemeEligibility.objects.filter(passenger=passenger)
        .select_related("scheme__listing", "scheme__team__organisation")
        .order_by("scheme__name")
    )
    eligible = [e.scheme for e in eligibilities if e.is_eligible]
    return eligible, [e for e in eligibilities if not e.is_eligible]


def schemes_listed() -> QuerySet[Scheme]:
    """Every scheme, with its directory listing: what a resident without a passenger record reads
    to find out who can use each one and how to book."""
    return Scheme.objects.select_related("listing", "team__organisation").order_by("name")


def own_run(user: Requester, pk: int | str) -> Run:
    """One of the signed-in driver's own runs; ``NotVisible`` for anyone else's (or none)."""
    driver = own_driver(user)
    try:
        return Run.objects.select_related("vehicle__scheme", "driver__user").get(pk=pk, driver=driver)
    except (Run.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None


def own_driver(user: Requester) -> Driver:
    """The signed-in user's driver record, while they drive; ``NotVisible`` for anyone else."""
    if not isinstance(user, User):
        raise NotVisible()
    driver = Driver.objects.filter(user=user).select_related("user").first()
    if driver is None or not permissions.may_drive(user, driver):
        raise NotVisible()
    return driver


# --- Coordinators' pages: a trip, its run, choices for assigning and asking for a ride -----------


def trip_for_coordinator(user: Requester, pk: int | str, *, audited: bool = True) -> Trip:
    """One trip for its scheme's coordinators, its passenger's read audited (``audited=False`` for a
    change, whose own event names the passenger: :func:`record_trip_read` when its page is drawn
    after all); anyone else (and a trip that does not exist) gets ``NotVisible``."""
    try:
        trip = Trip.objects.select_related(
            "scheme", "passenger__person", "passenger__account", "run__driver__user", "run__vehicle",
            "outward", "introduction__listing",
        ).get(pk=pk)  # fmt: skip
    except (Trip.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None
    if not permissions.may_coordinate_scheme(user, trip.scheme):
        raise NotVisible()
    if audited:
        record_trip_read(user, trip)
    return trip


def record_trip_read(user: Requester, trip: Trip) -> None:
    """Audit a read of the trip's passenger (a trip page drawn)."""
    record_audit_event(user, AuditEvent.Action.VIEW, trip.passenger, note="Viewed a transport trip.")


def trip_for_outcome(user: Requester, pk: int | str, *, audited: bool = True) -> Trip:
    """One trip for whoever may record its outcome (its scheme's coordinators, its driver);
    ``NotVisible`` for anyone else. The passenger's read is audited (not when ``audited`` is false:
    a change, whose own event names the passenger)."""
    try:
        trip = Trip.objects.select_related(
            "scheme", "passenger__person", "passenger__account", "run__driver__user", "run__vehicle"
        ).get(pk=pk)
    except (Trip.DoesNotExist, ValueError, TypeError):
        raise NotVisible() from None
    if not permissions.may_record_outcome(user, trip):
        raise NotVisible()
    if audited:
        note = "Viewed a trip for its outcome."
        record_audit_event(user, AuditEvent.Action.VIEW, trip.passenger, note=note)
    return trip


def run_companions(user: Requester, trip: Trip) -> list[Trip]:
    """The other trips on the trip's run (grouped with it: the same driver and vehicle that day),
    for the scheme's coordinators; their passengers' reads are audited."""
    if trip.run_id is None or not permissions.may_coordinate_scheme(user, trip.scheme):
        return []
    others = list(
        Trip.objects.filter(run_id=trip.run_id)
        .exclude(pk=trip.pk)
        .select_related("passenger__person", "passenger__account")
        .order_by("starts_at", "pk")
    )
    passengers: list[Model] = list({other.passenger_id: other.passenger for other in others}.values())
    record_audit_events(user, AuditEvent.Action.VIEW, passengers, note="Trips on the same run.")
    return others


def drivers_to_assign(user: Requester, scheme: Scheme) -> QuerySet[Driver]:
    """The scheme's drivers still driving, for its coordinators' assign form."""
    if not permissions.may_coordinate_scheme(user, scheme):
        return Driver.objects.none()
    return (
        Driver.objects.filter(schemes=scheme, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


def vehicles_to_assign(user: Requester, scheme: Scheme) -> QuerySet[Vehicle]:
    """The scheme's vehicles, for its coordinators' assign form."""
    if not permissions.may_coordinate_scheme(user, scheme):
        return Vehicle.objects.none()
    return Vehicle.objects.filter(scheme=scheme).order_by("name", "pk")


def schemes_to_request(user: Requester) -> QuerySet[Scheme]:
    """The schemes someone may ask a ride of for the passengers they see: those any of them may
    use (the service then checks the passenger chosen may use the scheme chosen)."""
    return Scheme.objects.filter(
        eligibilities__passenger__in=passengers_visible_to(user), eligibilities__is_eligible=True
    ).distinct().order_by("name")  # fmt: skip


def open_introductions(user: Requester, passenger: Passenger) -> QuerySet[Introduction]:
    """The passenger's introductions not ended, for someone who may see their person record: what
    "a ride to this introduction" can take them to."""
    if passenger.person_id is None:
        return Introduction.objects.none()
    return (
        Introduction.objects.filter(person__in=people_visible_to(user), person_id=passenger.person_id)
        .exclude(status=Introduction.Status.DID_NOT_WORK_OUT)
        .select_related("listing", "other_person")
        .order_by("-made_on", "pk")
    )


def coming_rides(user: Requester, passenger: Passenger, limit: int = 10) -> list[Trip]:
    """The passenger's rides not yet made, soonest first, for someone who may see them (else
    none). Their read is audited."""
    if not passengers_visible_to(user).filter(pk=passenger.pk).exists():
        return []
    rides = list(
        passenger.trips.filter(status__in=Trip.OPEN, ends_at__gte=timezone.now())
        .select_related("scheme", "run__driver__user", "run__vehicle")
        .order_by("starts_at", "pk")[:limit]
    )
    if rides:
        record_audit_event(user, AuditEvent.Action.VIEW, passenger, note="Coming transport rides.")
    return rides


def venue_of(introduction: Introduction) -> Location | None:
    """Where an introduction's listing meets (its first venue with an address), if anywhere."""
    if introduction.listing_id is None:
        return None
    return (
        Location.objects.filter(service_at_locations__service_id=introduction.listing_id)
        .exclude(address_1="")
        .order_by("name", "pk")
        .first()
    )


def open_introductions_for(user: Requester) -> QuerySet[Introduction]:
    """Every introduction not ended of the people this user may see: those a ride may be asked to
    (the service checks it is the passenger's own)."""
    return Introduction.objects.filter(person__in=people_visible_to(user)).exclude(
        status=Introduction.Status.DID_NOT_WORK_OUT
    )


def runs_of_driver(driver: Driver, on: date) -> list[Run]:
    """The driver's runs on a day, with their vehicles and any claim (for the odometer links)."""
    return list(Run.objects.filter(driver=driver, on=on).select_related("vehicle", "claim").order_by("pk"))


def runs_to_record(driver: Driver, today: date, days: int = 14) -> list[Run]:
    """The driver's runs of the last ``days`` days (today included) still without readings."""
    return list(
        Run.objects.filter(
            driver=driver, on__lte=today, on__gt=today - timedelta(days=days), end_odometer__isnull=True
        )
        .select_related("vehicle")
        .order_by("on", "pk")
    )


def claims_of_driver(driver: Driver, tax_year: int) -> QuerySet[MileageClaim]:
    """The driver's own mileage claims in a tax year, newest run first."""
    return (
        MileageClaim.objects.filter(driver=driver, tax_year=tax_year)
        .select_related("run__vehicle", "rate")
        .order_by("-run__on", "-pk")
    )


@dataclass(frozen=True)
class OpenSlot:
    """A time a scheme could take someone: a driver free in a vehicle free. Never who."""

    starts_at: datetime
    ends_at: datetime
    seats: int
    wheelchair_spaces: int
    has_lift_or_ramp: bool
    vehicle_kind: str


SLOT_DAYS = 14
SHORTEST_SLOT = timedelta(minutes=30)


def _free_windows(
    day: date, windows: list[tuple[time, time]], busy: list[tuple[datetime, datetime]], now: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of the day's ``windows`` (local times) not ``busy``, not before ``now``, each at
    least ``SHORTEST_SLOT`` long."""
    free: list[tuple[datetime, datetime]] = []
    for starts, ends in windows:
        pieces = [
            (
                max(timezone.make_aware(datetime.combine(day, starts)), now),
                timezone.make_aware(datetime.combine(day, ends)),
            )
        ]
        for b_start, b_end in busy:
            pieces = [
                part
                for s, e in pieces
                for part in ((s, min(e, b_start)), (max(s, b_end), e))
                if part[1] > part[0]
            ]
        free.extend((s, e) for s, e in pieces if e - s >= SHORTEST_SLOT)
    return free


def open_slots(scheme: Scheme, today: date, days: int = SLOT_DAYS) -> list[OpenSlot]:
    """The scheme's open slots from ``today`` for ``days`` days: for each driver who drives for it,
    the times they are available and not on leave, in a vehicle of the scheme they may drive, both
    free of runs, the driver in date with their checks and the vehicle not overdue. Only times and
    room are given: never a driver's or a passenger's name, nor where anyone goes. Read for anyone."""
    # Imported here: ``assignment`` imports ``permissions``, which imports this module.
    from .assignment import DRIVES, compliance_reasons, load_day_plan, vehicle_reasons

    slots: set[OpenSlot] = set()
    now = timezone.now()
    placeholder = Trip(scheme=scheme)  # what the vehicle checks ask of a trip: its scheme
    for offset in range(days):
        day = today + timedelta(days=offset)
        plan = load_day_plan(
            day,
            drivers=Driver.objects.filter(is_active=True, schemes=scheme),
            vehicles=Vehicle.objects.filter(scheme=scheme),
        )
        for facts in plan.drivers.values():
            if facts.leave is not None or not facts.availability:
                continue
            for vehicle in plan.vehicles.values():
                attribute, _ = DRIVES[VehicleKind(vehicle.kind)]
                if vehicle.owner_id not in (None, facts.driver.pk) or not getattr(facts.driver, attribute):
                    continue
                if compliance_reasons(facts, vehicle, day) or vehicle_reasons(placeholder, vehicle, day):
                    continue
                busy = [
                    (trip.starts_at, trip.ends_at)
                    for trip in plan.on_runs
                    if trip.run is not None
                    and (trip.run.driver_id == facts.driver.pk or trip.run.vehicle_id == vehicle.pk)
                ]
                windows = [(slot.starts_at, slot.ends_at) for slot in facts.availability]
                for starts, ends in _free_windows(day, windows, busy, now):
                    slots.add(
                        OpenSlot(
                            starts,
                            ends,
                            vehicle.seats,
                            vehicle.wheelchair_spaces,
                            vehicle.has_lift_or_ramp,
                            vehicle.get_kind_display(),
                        )  # fmt: skip
                    )
    return sorted(slots, key=lambda s: (s.starts_at, s.ends_at, -s.wheelchair_spaces, -s.seats))
