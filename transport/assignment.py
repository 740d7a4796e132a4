"""Assigning a driver and a vehicle to a trip, and suggesting drivers, with every check a
coordinator would make, each refusal a reason a coordinator can act on:

- the vehicle carries the trip: seats for the passenger and escorts, a wheelchair space and a lift
  or ramp for a wheelchair user who stays seated (or a scooter), counting the trips it already
  carries at the same time on the same run;
- the driver is available that day and time and not on leave;
- each compliance check the driver needs is in date on the day (licence check and DBS always,
  insurance in their own car, MiDAS for a minibus without D1 on their licence);
- the driver may drive the vehicle's kind, and is not to be kept apart from the passenger;
- the vehicle is not overdue (MOT, Section 19/22 permit, servicing by date or by mileage);
- neither the driver nor the vehicle is on another run at an overlapping time.

The checks are pure functions of a :class:`DayPlan` (everything about one day, read in a few
queries), so a day's suggestions cost the same few queries as one. Assigning locks the trip, the
driver and the vehicle (in that order) before reading the plan, so two coordinators assigning at
once are taken one after the other and the second sees the first's run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from common.errors import NotVisible, Refusal
from places.geo import Point, great_circle_miles
from places.models import Postcode

from .models import Availability, ComplianceCheck, Driver, Leave, Run, Trip, Vehicle, VehicleKind
from .permissions import may_coordinate_scheme
from .services import _drop_run_if_empty, record_trip_change

DRIVES = {
    VehicleKind.CAR: ("drives_cars", "a car"),
    VehicleKind.TUK_TUK: ("drives_tuk_tuks", "a tuk-tuk"),
    VehicleKind.MINIBUS: ("drives_minibuses", "a minibus"),
}


@dataclass
class DriverDay:
    """What the checks need to know about a driver on the day."""

    driver: Driver
    schemes: set[int]
    availability: list[Availability]  # the day's weekday only
    leave: Leave | None  # leave covering the day, if any
    checks: dict[str, list[ComplianceCheck]]  # by kind, newest expiry first
    excluded: set[int]  # passenger ids
    location: Point | None


@dataclass
class DayPlan:
    """Everything the checks read about one day: drivers, vehicles and the trips already on runs."""

    day: date
    drivers: dict[int, DriverDay]
    vehicles: dict[int, Vehicle]
    on_runs: list[Trip] = field(default_factory=list)
    places: dict[str, Point] = field(default_factory=dict)


def _point(postcode: Postcode | None) -> Point | None:
    if postcode is None or postcode.latitude is None or postcode.longitude is None:
        return None
    return Point(postcode.latitude, postcode.longitude)


def load_day_plan(
    day: date,
    *,
    drivers: QuerySet[Driver] | None = None,
    vehicles: QuerySet[Vehicle] | None = None,
    trips: Iterable[Trip] = (),
) -> DayPlan:
    """Read what the checks need for ``day``: the given drivers and vehicles (every active one by
    default), the trips already on runs that day, and where ``trips`` pick up."""
    drivers = (
        (drivers if drivers is not None else Driver.objects.filter(is_active=True))
        .select_related("user", "home_postcode")
        .prefetch_related(
            "schemes",
            Prefetch("availability", queryset=Availability.objects.filter(weekday=day.weekday())),
            Prefetch("leave", queryset=Leave.objects.filter(starts_on__lte=day, ends_on__gte=day)),
            Prefetch("checks", queryset=ComplianceCheck.objects.order_by("-expires_on")),
            "exclusions",
        )
    )
    found: dict[int, DriverDay] = {}
    for driver in drivers:
        checks: dict[str, list[ComplianceCheck]] = defaultdict(list)
        for check in driver.checks.all():
            checks[check.kind].append(check)
        leave = list(driver.leave.all())
        found[driver.pk] = DriverDay(
            driver=driver,
            schemes={scheme.pk for scheme in driver.schemes.all()},
            availability=list(driver.availability.all()),
            leave=leave[0] if leave else None,
            checks=checks,
            excluded={exclusion.passenger_id for exclusion in driver.exclusions.all()},
            location=_point(driver.home_postcode),
        )
    vehicles = vehicles if vehicles is not None else Vehicle.objects.all()
    on_runs = list(Trip.objects.filter(run__on=day).select_related("run").order_by("starts_at", "pk"))
    codes = {trip.pickup_postcode for trip in trips}
    places = {
        postcode.postcode: point
        for postcode in Postcode.objects.filter(postcode__in=codes)
        if (point := _point(postcode)) is not None
    }
    return DayPlan(
        day=day, drivers=found, vehicles={v.pk: v for v in vehicles}, on_runs=on_runs, places=places
    )


# --- The checks: each returns the reasons it refuses, as (field, sentence) -----------------------

Reasons = list[tuple[str, str]]


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _overlapping(trip: Trip, plan: DayPlan) -> list[Trip]:
    return [
        other
        for other in plan.on_runs
        if other.pk != trip.pk and other.starts_at < trip.ends_at and other.ends_at > trip.starts_at
    ]


def capacity_reasons(trip: Trip, vehicle: Vehicle, driver: Driver, plan: DayPlan) -> Reasons:
    """Seats and wheelchair spaces for this trip beside those the same run carries at the time,
    and a lift or ramp for a wheelchair user who stays seated or a scooter."""
    reasons: Reasons = []
    sharing = [
        other
        for other in _overlapping(trip, plan)
        if other.run is not None and other.run.vehicle_id == vehicle.pk and other.run.driver_id == driver.pk
    ]
    seats = trip.seats_needed + sum(other.seats_needed for other in sharing)
    spaces = trip.wheelchair_spaces_needed + sum(other.wheelchair_spaces_needed for other in sharing)
    taken = " with the other passengers on board then" if sharing else ""
    if seats > vehicle.seats:
        reasons.append(("vehicle", f"{vehicle} has {vehicle.seats} passenger seats; {seats} needed{taken}."))
    if spaces > vehicle.wheelchair_spaces:
        reasons.append(
            (
                "vehicle",
                f"{vehicle} has {vehicle.wheelchair_spaces} wheelchair spaces; {spaces} needed{taken}.",
            )
        )
    if trip.needs_lift_or_ramp and not vehicle.has_lift_or_ramp:
        aid = trip.get_mobility_aid_display().lower()
        reasons.append(("vehicle", f"{vehicle} has no lift or ramp, which their {aid} needs."))
    return reasons


def vehicle_reasons(trip: Trip, vehicle: Vehicle, day: date) -> Reasons:
    """The vehicle belongs to the trip's scheme, is on the road and nothing about it is overdue."""
    reasons: Reasons = []
    if vehicle.scheme_id != trip.scheme_id:
        reasons.append(("vehicle", f"{vehicle} is not one of this scheme's vehicles."))
    return reasons + vehicle_overdue_reasons(vehicle, day)


def vehicle_overdue_reasons(vehicle: Vehicle, day: date) -> Reasons:
    """Why the vehicle cannot be used on ``day`` by anyone: off the road, MOT or permit run out,
    service due by date or by mileage (the vehicles' register shows these)."""
    reasons: Reasons = []
    if vehicle.is_off_road:
        reasons.append(("vehicle", f"{vehicle} is off the road."))
    if vehicle.mot_expires_on is not None and vehicle.mot_expires_on < day:
        reasons.append(("vehicle", f"{vehicle}'s MOT ran out on {vehicle.mot_expires_on:%-d %B %Y}."))
    if vehicle.permit and vehicle.permit_expires_on is not None and vehicle.permit_expires_on < day:
        permit = f"{vehicle}'s {vehicle.get_permit_display()} permit"
        reasons.append(("vehicle", f"{permit} ran out on {vehicle.permit_expires_on:%-d %B %Y}."))
    if vehicle.service_due_on is not None and vehicle.service_due_on <= day:
        reasons.append(("vehicle", f"{vehicle} is due a service (since {vehicle.service_due_on:%-d %B %Y})."))
    if vehicle.service_due_at_miles is not None and vehicle.odometer_miles >= vehicle.service_due_at_miles:
        reasons.append(
            ("vehicle", f"{vehicle} is due a service (at {vehicle.service_due_at_miles:,} miles).")
        )
    return reasons


def _in_date(facts: DriverDay, kind: str, day: date) -> ComplianceCheck | None:
    return next((c for c in facts.checks.get(kind, []) if c.checked_on <= day <= c.expires_on), None)


def _check_missing(facts: DriverDay, kind: str, day: date) -> str | None:
    if _in_date(facts, kind, day) is not None:
        return None
    label = ComplianceCheck.Kind(kind).label
    latest = next(iter(facts.checks.get(kind, [])), None)
    if latest is None:
        return f"{facts.driver} has no {label} on record."
    if latest.checked_on > day:
        return f"{facts.driver}'s {label} only starts on {latest.checked_on:%-d %B %Y}."
    return f"{facts.driver}'s {label} ran out on {latest.expires_on:%-d %B %Y}."


def compliance_reasons(facts: DriverDay, vehicle: Vehicle, day: date) -> Reasons:
    """Each check the driver needs for this vehicle, in date on the day."""
    kinds = [ComplianceCheck.Kind.LICENCE, ComplianceCheck.Kind.DBS]
    if vehicle.owner_id == facts.driver.pk:
        kinds.append(ComplianceCheck.Kind.INSURANCE)
    reasons: Reasons = [("driver", why) for kind in kinds if (why := _check_missing(facts, kind, day))]
    if vehicle.kind == VehicleKind.MINIBUS and not facts.driver.has_d1_entitlement:
        why = _check_missing(facts, ComplianceCheck.Kind.MIDAS, day)
        if why:
            reasons.append(
                ("driver", f"A minibus needs D1 on their licence or an in-date MiDAS assessment: {why}")
            )
    return reasons


def driver_reasons(trip: Trip, facts: DriverDay, vehicle: Vehicle, plan: DayPlan) -> Reasons:
    """The driver drives for the scheme, may drive this kind of vehicle, is free then, is not on
    leave, is compliant, and is not to be kept apart from the passenger."""
    driver, reasons = facts.driver, []
    if not driver.is_active:
        reasons.append(("driver", f"{driver} no longer drives."))
    if trip.scheme_id not in facts.schemes:
        reasons.append(("driver", f"{driver} does not drive for {trip.scheme}."))
    attribute, kind = DRIVES[VehicleKind(vehicle.kind)]
    if not getattr(driver, attribute):
        reasons.append(("driver", f"{driver} is not cleared to drive {kind}."))
    if facts.leave is not None:
        reasons.append(
            (
                "driver",
                f"{driver} is on leave from {facts.leave.starts_on:%-d %B} to {facts.leave.ends_on:%-d %B}.",
            )
        )
    starts, ends = _local(trip.starts_at).time(), _local(trip.ends_at).time()
    if not any(slot.starts_at <= starts and ends <= slot.ends_at for slot in facts.availability):
        reasons.append(
            ("driver", f"{driver} is not available on {plan.day:%A}s from {starts:%H:%M} to {ends:%H:%M}.")
        )
    reasons.extend(compliance_reasons(facts, vehicle, plan.day))
    if trip.passenger_id in facts.excluded:
        reasons.append(("driver", f"{driver} is not to be paired with this passenger."))
    return reasons


def clash_reasons(trip: Trip, driver: Driver, vehicle: Vehicle, plan: DayPlan) -> Reasons:
    """Neither is on another run at an overlapping time (trips on the same run share the vehicle)."""
    reasons: Reasons = []
    for other in _overlapping(trip, plan):
        run = other.run
        if run is None or (run.driver_id == driver.pk and run.vehicle_id == vehicle.pk):
            continue
        at = f"{_local(other.starts_at):%H:%M} to {_local(other.ends_at):%H:%M}"
        if run.driver_id == driver.pk:
            reasons.append(("driver", f"{driver} is already driving another trip from {at}."))
        if run.vehicle_id == vehicle.pk:
            reasons.append(("vehicle", f"{vehicle} is already booked for another trip from {at}."))
    return reasons


def reasons_against(trip: Trip, facts: DriverDay, vehicle: Vehicle, plan: DayPlan) -> Reasons:
    """Every reason this driver in this vehicle cannot take this trip (empty: they can)."""
    return [
        *driver_reasons(trip, facts, vehicle, plan),
        *vehicle_reasons(trip, vehicle, plan.day),
        *capacity_reasons(trip, vehicle, facts.driver, plan),
        *clash_reasons(trip, facts.driver, vehicle, plan),
    ]


def _as_refusal(reasons: Reasons) -> Refusal:
    by_field: dict[str, list[str]] = defaultdict(list)
    for name, sentence in reasons:
        by_field[name].append(sentence)
    return Refusal(dict(by_field))


# --- Assigning ----------------------------------------------------------------------------------


@transaction.atomic
def assign_trip(user: User, trip: Trip, driver: Driver, vehicle: Vehicle, *, reassign: bool = False) -> Trip:
    """Put a trip on the driver's run in the vehicle that day (made if it is the first), when every
    check passes; otherwise refuse with every reason, by field (``driver``, ``vehicle``, ``trip``).
    A trip already assigned is moved only when ``reassign`` is asked for."""
    trip = Trip.objects.select_for_update(of=("self",)).select_related("scheme", "run").get(pk=trip.pk)
    if not may_coordinate_scheme(user, trip.scheme):
        raise NotVisible()
    if trip.status not in Trip.OPEN:
        raise Refusal(f"This trip is {trip.get_status_display().lower()}.", field="trip")
    if trip.status == Trip.Status.SCHEDULED and not reassign and trip.run is not None:
        raise Refusal(
            f"This trip is already assigned to {trip.run.driver} in {trip.run.vehicle}.", field="trip"
        )
    if trip.ends_at < timezone.now():
        raise Refusal("This trip is over: record its outcome instead.", field="trip")
    # Locked in this order everywhere (trip, driver, vehicle): no two assignments wait on each other.
    driver = Driver.objects.select_for_update().get(pk=driver.pk)
    vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
    day = timezone.localdate(trip.starts_at)
    plan = load_day_plan(
        day, drivers=Driver.objects.filter(pk=driver.pk), vehicles=Vehicle.objects.filter(pk=vehicle.pk)
    )
    reasons = reasons_against(trip, plan.drivers[driver.pk], plan.vehicles[vehicle.pk], plan)
    if reasons:
        raise _as_refusal(reasons)
    run, _ = Run.objects.get_or_create(driver=driver, vehicle=vehicle, on=day)
    old_run = trip.run
    trip.run, trip.status = run, Trip.Status.SCHEDULED
    trip.save(update_fields=["run", "status"])
    if old_run is not None and old_run.pk != run.pk:
        _drop_run_if_empty(old_run)
    record_trip_change(user, trip, "Assigned a driver and vehicle to a trip.")
    return trip


@transaction.atomic
def unassign_trip(user: User, trip: Trip) -> Trip:
    """Take a trip off its run (it is requested again); an empty run goes."""
    trip = Trip.objects.select_for_update(of=("self",)).select_related("scheme", "run").get(pk=trip.pk)
    if not may_coordinate_scheme(user, trip.scheme):
        raise NotVisible()
    if trip.status != Trip.Status.SCHEDULED:
        raise Refusal("Only an assigned trip not yet made can be taken off its run.", field="trip")
    old_run = trip.run
    trip.run, trip.status = None, Trip.Status.REQUESTED
    trip.save(update_fields=["run", "status"])
    _drop_run_if_empty(old_run)
    record_trip_change(user, trip, "Took a trip off its run.")
    return trip


# --- Suggesting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DriverSuggestion:
    driver: Driver
    vehicle: Vehicle
    miles: float | None  # from their home to the pick-up, when both are known


@dataclass(frozen=True)
class LeftOut:
    driver: Driver
    reasons: list[str]


@dataclass(frozen=True)
class Suggestions:
    suggested: list[DriverSuggestion]
    left_out: list[LeftOut]


def _vehicles_to_try(trip: Trip, facts: DriverDay, plan: DayPlan) -> list[Vehicle]:
    """The scheme's vehicles the driver might take: their own first, then the smallest first."""
    mine = [v for v in plan.vehicles.values() if v.scheme_id == trip.scheme_id]
    return sorted(mine, key=lambda v: (v.owner_id != facts.driver.pk, v.owner_id is not None, v.seats, v.pk))


def suggest_for(trip: Trip, plan: DayPlan) -> Suggestions:
    """The drivers of the trip's scheme who can take it, each with the vehicle they would take,
    nearest home to the pick-up first (those whose distance is unknown last); and those left out,
    each with the reasons for the vehicle that came closest."""
    pickup = plan.places.get(trip.pickup_postcode)
    suggested: list[DriverSuggestion] = []
    left_out: list[LeftOut] = []
    for facts in plan.drivers.values():
        if trip.scheme_id not in facts.schemes:
            continue
        best: Reasons | None = None
        for vehicle in _vehicles_to_try(trip, facts, plan):
            reasons = reasons_against(trip, facts, vehicle, plan)
            if not reasons:
                miles = great_circle_miles(facts.location, pickup) if facts.location and pickup else None
                suggested.append(DriverSuggestion(facts.driver, vehicle, miles))
                break
            if best is None or len(reasons) < len(best):
                best = reasons
        else:
            why = [sentence for _, sentence in best] if best else [f"{trip.scheme} has no vehicles."]
            left_out.append(LeftOut(facts.driver, why))
    suggested.sort(key=lambda s: (s.miles is None, s.miles or 0.0, str(s.driver)))
    return Suggestions(suggested, sorted(left_out, key=lambda left: str(left.driver)))


def suggest_drivers(user: User, trip: Trip) -> Suggestions:
    """Suggestions for one trip, for its scheme's coordinators (a read: nothing is written)."""
    if not may_coordinate_scheme(user, trip.scheme):
        raise NotVisible()
    day = timezone.localdate(trip.starts_at)
    plan = load_day_plan(
        day,
        drivers=Driver.objects.filter(is_active=True, schemes=trip.scheme),
        vehicles=Vehicle.objects.filter(scheme=trip.scheme),
        trips=[trip],
    )
    return suggest_for(trip, plan)
