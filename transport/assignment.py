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

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Requester
from common.errors import NotVisible, Refusal
from places.geo import Point, great_circle_miles
from places.models import Postcode

from . import selectors
from .models import (
    Availability,
    ComplianceCheck,
    Driver,
    Leave,
    PairingExclusion,
    Run,
    Scheme,
    Trip,
    Vehicle,
    VehicleKind,
)
from .permissions import may_coordinate_scheme
from .services import _drop_run_if_empty, record_trip_change

DRIVES: dict[str, tuple[str, str]] = {  # by kind of vehicle: the driver's flag, and what they drive
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
    """Everything the checks read about one day: drivers, vehicles and the trips already on runs.

    What does not depend on the trip (a vehicle's state, a driver's compliance for a kind of
    vehicle, the vehicles a driver would try, distances) is worked out once per plan and kept."""

    day: date
    drivers: dict[int, DriverDay]
    vehicles: dict[int, Vehicle]
    on_runs: list[Trip] = field(default_factory=list)
    places: dict[str, Point] = field(default_factory=dict)
    _kept: dict[tuple, object] = field(default_factory=dict, init=False, repr=False, compare=False)
    _miles: dict[int, dict[str, float | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def _keep(self, key: tuple, work: Callable[[], Any]) -> Any:
        if key not in self._kept:
            self._kept[key] = work()
        return self._kept[key]

    def vehicle_state(self, vehicle: Vehicle) -> Reasons:
        """The reasons against the vehicle whatever the trip (off the road, anything overdue)."""
        return self._keep(("vehicle", vehicle.pk), lambda: vehicle_overdue_reasons(vehicle, self.day))

    def compliance(self, facts: DriverDay, vehicle: Vehicle) -> Reasons:
        """``compliance_reasons``, which depend on the vehicle only by whose it is and its kind."""
        own, minibus = vehicle.owner_id == facts.driver.pk, vehicle.kind == VehicleKind.MINIBUS
        return self._keep(
            ("compliance", facts.driver.pk, own, minibus),
            lambda: compliance_reasons(facts, vehicle, self.day),
        )

    @cached_property
    def weekday(self) -> str:
        return f"{self.day:%A}"

    def name(self, facts: DriverDay) -> str:
        return self.name_of(facts.driver)

    def name_of(self, driver: Driver) -> str:
        return self._keep(("name", driver.pk), lambda: str(driver))

    def miles(self, facts: DriverDay, postcode: str) -> float | None:
        """From the driver's home to a pick-up postcode, when both are known."""
        known = self._miles.setdefault(facts.driver.pk, {})
        if postcode not in known:
            home, pickup = facts.location, self.places.get(postcode)
            known[postcode] = None if home is None or pickup is None else great_circle_miles(home, pickup)
        return known[postcode]


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
    read = list(
        (drivers if drivers is not None else Driver.objects.filter(is_active=True)).select_related(
            "user", "home_postcode"
        )
    )
    # What the checks read about them, each in one query (as ``prefetch_related`` would, without a
    # query set kept for each driver and each relation).
    pks = [driver.pk for driver in read]
    schemes: dict[int, set[int]] = defaultdict(set)
    for driver_pk, scheme_pk in Driver.schemes.through.objects.filter(driver_id__in=pks).values_list(
        "driver_id", "scheme_id"
    ):
        schemes[driver_pk].add(scheme_pk)
    availability: dict[int, list[Availability]] = defaultdict(list)
    for slot in Availability.objects.filter(driver_id__in=pks, weekday=day.weekday()):
        availability[slot.driver_id].append(slot)
    leave: dict[int, Leave] = {}
    for away in Leave.objects.filter(driver_id__in=pks, starts_on__lte=day, ends_on__gte=day):
        leave.setdefault(away.driver_id, away)
    checks: dict[int, dict[str, list[ComplianceCheck]]] = defaultdict(lambda: defaultdict(list))
    for check in ComplianceCheck.objects.filter(driver_id__in=pks).order_by("-expires_on"):
        checks[check.driver_id][check.kind].append(check)
    excluded: dict[int, set[int]] = defaultdict(set)
    for driver_pk, passenger_pk in PairingExclusion.objects.filter(driver_id__in=pks).values_list(
        "driver_id", "passenger_id"
    ):
        excluded[driver_pk].add(passenger_pk)
    found: dict[int, DriverDay] = {
        driver.pk: DriverDay(
            driver=driver,
            schemes=schemes[driver.pk],
            availability=availability[driver.pk],
            leave=leave.get(driver.pk),
            checks=checks[driver.pk],
            excluded=excluded[driver.pk],
            location=_point(driver.home_postcode),
        )
        for driver in read
    }
    vehicles = vehicles if vehicles is not None else Vehicle.objects.all()
    on_runs = list(Trip.objects.filter(run__on=day).select_related("run").order_by("starts_at", "pk"))
    return DayPlan(
        day=day, drivers=found, vehicles={v.pk: v for v in vehicles}, on_runs=on_runs, places=_places(trips)
    )


def _places(trips: Iterable[Trip]) -> dict[str, Point]:
    """Where the trips pick up, by postcode (those with no place known left out)."""
    codes = {trip.pickup_postcode for trip in trips}
    if not codes:
        return {}
    rows = Postcode.objects.filter(postcode__in=codes).values_list("postcode", "latitude", "longitude")
    return {code: Point(lat, lon) for code, lat, lon in rows if lat is not None and lon is not None}


def plan_board(user: Requester, scheme: Scheme, day: date) -> tuple[list[Trip], DayPlan]:
    """A scheme's day board for its coordinators (``selectors.day_board``) with the plan for
    suggesting drivers for its trips (``load_day_plan`` of the scheme's drivers still driving and
    its vehicles): the board's runs take their drivers and vehicles from the plan, not read twice."""
    if not may_coordinate_scheme(user, scheme):
        raise NotVisible()
    plan = load_day_plan(
        day,
        drivers=Driver.objects.filter(is_active=True, schemes=scheme),
        vehicles=Vehicle.objects.filter(scheme=scheme),
    )
    drivers = {pk: facts.driver for pk, facts in plan.drivers.items()}
    trips = selectors.day_board(user, scheme, day, drivers=drivers, vehicles=plan.vehicles)
    plan.places.update(_places(trips))
    return trips, plan


# --- The checks: each returns the reasons it refuses, as (field, sentence) -----------------------

Reasons = list[tuple[str, str]]


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


@dataclass(frozen=True)
class _OnRun:
    """A trip already on a run, with what the checks read of it taken out once."""

    trip: Trip
    pk: int
    starts_at: datetime
    ends_at: datetime
    driver_pk: int
    vehicle_pk: int
    seats: int
    spaces: int


def _on_runs(plan: DayPlan) -> list[_OnRun]:
    def work() -> list[_OnRun]:
        return [
            _OnRun(
                trip,
                trip.pk,
                trip.starts_at,
                trip.ends_at,
                trip.run.driver_id,
                trip.run.vehicle_id,
                trip.seats_needed,
                trip.wheelchair_spaces_needed,
            )
            for trip in plan.on_runs
            if trip.run is not None
        ]

    return plan._keep(("on runs", len(plan.on_runs)), work)


def _starts(plan: DayPlan) -> list[datetime] | None:
    """When each trip on a run starts, when they are in time order (as read), else None."""

    def work() -> list[datetime] | None:
        starts = [other.starts_at for other in _on_runs(plan)]
        return starts if all(a <= b for a, b in zip(starts, starts[1:], strict=False)) else None

    return plan._keep(("starts", len(plan.on_runs)), work)


def _overlapping(trip: Trip, plan: DayPlan) -> list[_OnRun]:
    """The trips on runs at overlapping times, in the order of ``plan.on_runs`` (in time order,
    those starting after the trip ends are not looked at)."""
    pk, starts, ends = trip.pk, trip.starts_at, trip.ends_at
    on_runs, starting = _on_runs(plan), _starts(plan)
    if starting is not None:
        on_runs = on_runs[: bisect_left(starting, ends)]
    return [
        other for other in on_runs if other.pk != pk and other.starts_at < ends and other.ends_at > starts
    ]


@dataclass(frozen=True)
class TripView:
    """What the checks ask of one trip against the day, worked out once per trip: its times in
    local time, the trips on runs at overlapping times, and how many of those each driver, each
    vehicle and each driver-and-vehicle pair carries.

    Kept by plain numbers where it can (a day's suggestions make one for each trip, and every
    object they keep is one more for Python's garbage collector to walk); the pairs, and the
    vehicles each driver drives then, are counted only when asked for."""

    starts: time
    ends: time
    times: str  # "10:00 to 10:45"
    overlapping: list[_OnRun]
    drivers: dict[int, int]  # by driver: how many of their trips then
    vehicles: dict[int, int]  # by vehicle: how many trips it carries then
    sole: dict[int, int]  # by driver: the vehicle of their runs then, 0 when there are two or more
    seats: dict[int, int]  # by driver: the seats their trips then take
    spaces: dict[int, int]  # by driver: the wheelchair spaces their trips then take

    @classmethod
    def of(cls, trip: Trip, plan: DayPlan) -> TripView:
        overlapping = _overlapping(trip, plan)
        starts, ends = _local(trip.starts_at).time(), _local(trip.ends_at).time()
        drivers: dict[int, int] = {}
        vehicles: dict[int, int] = {}
        sole: dict[int, int] = {}
        seats: dict[int, int] = {}
        spaces: dict[int, int] = {}
        for other in overlapping:
            driver_pk, vehicle_pk = other.driver_pk, other.vehicle_pk
            vehicles[vehicle_pk] = vehicles.get(vehicle_pk, 0) + 1
            if driver_pk in drivers:
                drivers[driver_pk] += 1
                seats[driver_pk] += other.seats
                spaces[driver_pk] += other.spaces
                if sole[driver_pk] != vehicle_pk:
                    sole[driver_pk] = 0
            else:
                drivers[driver_pk], seats[driver_pk], spaces[driver_pk] = 1, other.seats, other.spaces
                sole[driver_pk] = vehicle_pk
        return cls(
            starts=starts,
            ends=ends,
            times=f"{starts:%H:%M} to {ends:%H:%M}",
            overlapping=overlapping,
            drivers=drivers,
            vehicles=vehicles,
            sole=sole,
            seats=seats,
            spaces=spaces,
        )

    @cached_property
    def pairs(self) -> Counter[tuple[int, int]]:
        """By driver and vehicle: how many trips then."""
        return Counter((other.driver_pk, other.vehicle_pk) for other in self.overlapping)

    @cached_property
    def driving(self) -> dict[int, frozenset[int]]:
        """By driver: the vehicles of their runs then."""
        driving: dict[int, set[int]] = defaultdict(set)
        for driver_pk, vehicle_pk in self.pairs:
            driving[driver_pk].add(vehicle_pk)
        return {driver_pk: frozenset(pks) for driver_pk, pks in driving.items()}


@dataclass(frozen=True)
class _Room:
    """Room for a trip in a vehicle, beside the trips sharing the run at the time."""

    seats: int
    spaces: int
    shared: bool
    short_of_seats: bool
    short_of_spaces: bool
    short_of_lift: bool

    @property
    def count(self) -> int:
        return self.short_of_seats + self.short_of_spaces + self.short_of_lift


def _room(trip: Trip, vehicle: Vehicle, sharing: list[_OnRun]) -> _Room:
    seats = trip.seats_needed + sum(other.seats for other in sharing)
    spaces = trip.wheelchair_spaces_needed + sum(other.spaces for other in sharing)
    return _Room(
        seats,
        spaces,
        bool(sharing),
        seats > vehicle.seats,
        spaces > vehicle.wheelchair_spaces,
        trip.needs_lift_or_ramp and not vehicle.has_lift_or_ramp,
    )


def _sharing(driver_pk: int, vehicle_pk: int, view: TripView) -> list[_OnRun]:
    if not view.pairs.get((driver_pk, vehicle_pk)):
        return []
    return [o for o in view.overlapping if o.vehicle_pk == vehicle_pk and o.driver_pk == driver_pk]


def _capacity(trip: Trip, vehicle: Vehicle, room: _Room) -> Reasons:
    reasons: Reasons = []
    taken = " with the other passengers on board then" if room.shared else ""
    if room.short_of_seats:
        reasons.append(
            ("vehicle", f"{vehicle} has {vehicle.seats} passenger seats; {room.seats} needed{taken}.")
        )
    if room.short_of_spaces:
        reasons.append(
            (
                "vehicle",
                f"{vehicle} has {vehicle.wheelchair_spaces} wheelchair spaces; {room.spaces} needed{taken}.",
            )
        )
    if room.short_of_lift:
        aid = trip.get_mobility_aid_display().lower()
        reasons.append(("vehicle", f"{vehicle} has no lift or ramp, which their {aid} needs."))
    return reasons


def capacity_reasons(trip: Trip, vehicle: Vehicle, driver: Driver, plan: DayPlan) -> Reasons:
    """Seats and wheelchair spaces for this trip beside those the same run carries at the time,
    and a lift or ramp for a wheelchair user who stays seated or a scooter."""
    sharing = _sharing(driver.pk, vehicle.pk, TripView.of(trip, plan))
    return _capacity(trip, vehicle, _room(trip, vehicle, sharing))


def _other_scheme(trip: Trip, vehicle: Vehicle) -> Reasons:
    if vehicle.scheme_id != trip.scheme_id:
        return [("vehicle", f"{vehicle} is not one of this scheme's vehicles.")]
    return []


def vehicle_overdue_reasons(vehicle: Vehicle, day: date) -> Reasons:
    """Why the vehicle cannot be used on ``day`` by anyone: off the road, MOT or permit run out,
    service due by date or by mileage (the same for every trip of the day; the vehicles' register
    shows these)."""
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


def vehicle_reasons(trip: Trip, vehicle: Vehicle, day: date) -> Reasons:
    """The vehicle belongs to the trip's scheme, is on the road and nothing about it is overdue."""
    return [*_other_scheme(trip, vehicle), *vehicle_overdue_reasons(vehicle, day)]


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


def _may_drive_kind(driver: Driver, vehicle: Vehicle) -> bool:
    return bool(getattr(driver, DRIVES[vehicle.kind][0]))


def _someone_elses_own(driver: Driver, vehicle: Vehicle) -> bool:
    """A volunteer's own car is insured for them and claimed for by them: no one else drives it."""
    return vehicle.owner_id is not None and vehicle.owner_id != driver.pk


def _available(facts: DriverDay, view: TripView) -> bool:
    return any(slot.starts_at <= view.starts and view.ends <= slot.ends_at for slot in facts.availability)


def _first_driver_reasons(trip: Trip, facts: DriverDay, vehicle: Vehicle, plan: DayPlan) -> Reasons:
    """The reasons against the driver that come before their hours: whatever the trip's time."""
    driver, reasons = facts.driver, []
    name = plan.name(facts)
    if not driver.is_active:
        reasons.append(("driver", f"{name} no longer drives."))
    if trip.scheme_id not in facts.schemes:
        reasons.append(("driver", f"{name} does not drive for {trip.scheme}."))
    if not _may_drive_kind(driver, vehicle):
        reasons.append(("driver", f"{name} is not cleared to drive {DRIVES[vehicle.kind][1]}."))
    if _someone_elses_own(driver, vehicle):
        reasons.append(("vehicle", f"{vehicle} is a volunteer's own car: only its owner drives it."))
    if facts.leave is not None:
        leave = facts.leave
        reasons.append(
            ("driver", f"{name} is on leave from {leave.starts_on:%-d %B} to {leave.ends_on:%-d %B}.")
        )
    return reasons


def _driver_reasons(
    trip: Trip, facts: DriverDay, plan: DayPlan, view: TripView, first: Reasons, compliance: Reasons
) -> Reasons:
    reasons = list(first)
    if not _available(facts, view):
        reasons.append(
            ("driver", f"{plan.name(facts)} is not available on {plan.weekday}s from {view.times}.")
        )
    reasons.extend(compliance)
    if trip.passenger_id in facts.excluded:
        reasons.append(("driver", f"{plan.name(facts)} is not to be paired with this passenger."))
    return reasons


def driver_reasons(trip: Trip, facts: DriverDay, vehicle: Vehicle, plan: DayPlan) -> Reasons:
    """The driver drives for the scheme, may drive this kind of vehicle, is free then, is not on
    leave, is compliant, and is not to be kept apart from the passenger."""
    first = _first_driver_reasons(trip, facts, vehicle, plan)
    compliance = compliance_reasons(facts, vehicle, plan.day)
    return _driver_reasons(trip, facts, plan, TripView.of(trip, plan), first, compliance)


def _times(other: _OnRun, plan: DayPlan) -> str:
    return plan._keep(
        ("times", other.pk), lambda: f"{_local(other.starts_at):%H:%M} to {_local(other.ends_at):%H:%M}"
    )


def _clashing(driver_pk: int, vehicle_pk: int, view: TripView) -> list[tuple[_OnRun, bool, bool]]:
    """The trips on other runs at overlapping times that take the driver or the vehicle (in time
    order), each with whether it is the driver or the vehicle (or both) that is taken."""
    if not view.drivers.get(driver_pk) and not view.vehicles.get(vehicle_pk):
        return []
    return [
        (other, other.driver_pk == driver_pk, other.vehicle_pk == vehicle_pk)
        for other in view.overlapping
        if (other.driver_pk == driver_pk) != (other.vehicle_pk == vehicle_pk)
    ]


def _clashes(driver: Driver, vehicle: Vehicle, view: TripView, plan: DayPlan) -> Reasons:
    reasons: Reasons = []
    for other, takes_driver, takes_vehicle in _clashing(driver.pk, vehicle.pk, view):
        at = _times(other, plan)
        if takes_driver:
            reasons.append(("driver", f"{plan.name_of(driver)} is already driving another trip from {at}."))
        if takes_vehicle:
            reasons.append(("vehicle", f"{vehicle} is already booked for another trip from {at}."))
    return reasons


def clash_reasons(trip: Trip, driver: Driver, vehicle: Vehicle, plan: DayPlan) -> Reasons:
    """Neither is on another run at an overlapping time (trips on the same run share the vehicle)."""
    return _clashes(driver, vehicle, TripView.of(trip, plan), plan)


def _steady_reasons(trip: Trip, facts: DriverDay, vehicle: Vehicle, plan: DayPlan) -> tuple[Reasons, ...]:
    """The reasons against the driver in the vehicle whatever the trip's time and passenger, in the
    three places they come among the others: before the driver's hours, their compliance, and
    those about the vehicle before its room."""
    return (
        _first_driver_reasons(trip, facts, vehicle, plan),
        plan.compliance(facts, vehicle),
        [*_other_scheme(trip, vehicle), *plan.vehicle_state(vehicle)],
    )


def _reasons(trip: Trip, facts: DriverDay, vehicle: Vehicle, plan: DayPlan, view: TripView) -> Reasons:
    driver_pk, vehicle_pk = facts.driver.pk, vehicle.pk
    first, compliance, about_vehicle = plan._keep(
        ("steady", trip.scheme_id, driver_pk, vehicle_pk), lambda: _steady_reasons(trip, facts, vehicle, plan)
    )
    room = _room(trip, vehicle, _sharing(driver_pk, vehicle_pk, view))
    return [
        *_driver_reasons(trip, facts, plan, view, first, compliance),
        *about_vehicle,
        *_capacity(trip, vehicle, room),
        *_clashes(facts.driver, vehicle, view, plan),
    ]


def _sentences(trip: Trip, facts: DriverDay, vehicle: Vehicle, plan: DayPlan, view: TripView) -> list[str]:
    return [sentence for _, sentence in _reasons(trip, facts, vehicle, plan, view)]


def reasons_against(trip: Trip, facts: DriverDay, vehicle: Vehicle, plan: DayPlan) -> Reasons:
    """Every reason this driver in this vehicle cannot take this trip (empty: they can)."""
    return _reasons(trip, facts, vehicle, plan, TripView.of(trip, plan))


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


class LeftOut:
    """A driver who cannot take the trip, with the reasons for the vehicle that came closest. A
    day's suggestions leave out thousands of drivers and a page shows few of them, so which vehicle
    came closest, and its reasons, are worked out when the reasons are first read."""

    __slots__ = ("_driving", "_plan", "_reasons", "_trip", "_view", "driver")

    def __init__(self, trip: Trip, driving: _Driving, view: TripView, plan: DayPlan) -> None:
        self.driver = driving.driver
        self._reasons: list[str] | None = None
        self._trip, self._driving, self._view, self._plan = trip, driving, view, plan

    @property
    def reasons(self) -> list[str]:
        if self._reasons is None:
            _, closest = _first_fitting(self._trip, self._driving, self._view)
            if closest is None:
                self._reasons = [f"{self._trip.scheme} has no vehicles."]
            else:
                self._reasons = _sentences(self._trip, self._driving.facts, closest, self._plan, self._view)
        return self._reasons

    def __repr__(self) -> str:
        return f"LeftOut({self.driver!r}, {self.reasons!r})"


class Suggestions:
    """The drivers suggested for a trip, and those left out (``LeftOut``, made when first read:
    a day's suggestions leave out thousands of drivers, and a page shows those of one trip)."""

    def __init__(
        self,
        suggested: list[DriverSuggestion],
        trip: Trip,
        leaving: list[_Driving],
        view: TripView,
        plan: DayPlan,
    ) -> None:
        self.suggested = suggested
        self._trip, self._leaving, self._view, self._plan = trip, leaving, view, plan

    @cached_property
    def left_out(self) -> list[LeftOut]:
        return [LeftOut(self._trip, driving, self._view, self._plan) for driving in self._leaving]


def _vehicles_to_try(trip: Trip, facts: DriverDay, plan: DayPlan) -> list[Vehicle]:
    """The scheme's vehicles the driver might take: their own first, then the smallest first."""

    def work() -> list[Vehicle]:
        mine = [v for v in plan.vehicles.values() if v.scheme_id == trip.scheme_id]
        return sorted(
            mine, key=lambda v: (v.owner_id != facts.driver.pk, v.owner_id is not None, v.seats, v.pk)
        )

    return plan._keep(("try", trip.scheme_id, facts.driver.pk), work)


@dataclass(frozen=True)
class _Candidate:
    """A vehicle a driver might take, with how many reasons against it do not depend on the trip
    (the kind of vehicle they may drive, their compliance for it, the vehicle's state)."""

    vehicle: Vehicle
    pk: int
    steady: int
    place: int  # in the order the driver's vehicles are tried


def _place(candidate: _Candidate) -> int:
    return candidate.place


def _candidates(trip: Trip, facts: DriverDay, plan: DayPlan) -> list[_Candidate]:
    """The vehicles to try, in order (``_vehicles_to_try``)."""

    def work() -> list[_Candidate]:
        counted: dict[tuple[bool, bool, str], int] = {}  # by whose it is and kind: the driver's reasons
        found: list[_Candidate] = []
        for vehicle in _vehicles_to_try(trip, facts, plan):
            whose = (vehicle.owner_id == facts.driver.pk, _someone_elses_own(facts.driver, vehicle))
            key = (*whose, vehicle.kind)
            if key not in counted:
                counted[key] = (
                    (not _may_drive_kind(facts.driver, vehicle))
                    + whose[1]
                    + len(plan.compliance(facts, vehicle))
                )
            steady = counted[key] + len(plan.vehicle_state(vehicle))
            found.append(_Candidate(vehicle, vehicle.pk, steady, len(found)))
        return found

    return plan._keep(("candidates", trip.scheme_id, facts.driver.pk), work)


def _rooms(trip: Trip, plan: DayPlan) -> dict[int, int]:
    """By vehicle, how many reasons its room gives for this trip carrying no one else then (the
    same for every trip with as many escorts and the same mobility aid)."""

    def work() -> dict[int, int]:
        return {pk: _room(trip, vehicle, []).count for pk, vehicle in plan.vehicles.items()}

    return plan._keep(("rooms", trip.escorts, trip.mobility_aid), work)


def _by_steady_count(trip: Trip, facts: DriverDay, plan: DayPlan) -> list[tuple[int, list[_Candidate]]]:
    """The vehicles to try for trips like this one (as many escorts, the same mobility aid),
    grouped by how many reasons they have whatever the time (steady and room), fewest first; each
    in the order they are tried."""

    def work() -> list[tuple[int, list[_Candidate]]]:
        rooms = _rooms(trip, plan)
        groups: dict[int, list[_Candidate]] = defaultdict(list)
        for candidate in _candidates(trip, facts, plan):
            groups[candidate.steady + rooms[candidate.pk]].append(candidate)
        return sorted(groups.items())

    return plan._keep(("groups", trip.scheme_id, facts.driver.pk, trip.escorts, trip.mobility_aid), work)


class _Driving:
    """A driver of the scheme as the suggestions for trips needing the same room see them: what
    does not depend on the trip, worked out once for the plan. The vehicles grouped by how many
    reasons they have are worked out only when a trip needs them (most drivers, for most trips,
    are left out or take the first vehicle ready)."""

    def __init__(self, like: Trip, facts: DriverDay, plan: DayPlan, window: int) -> None:
        self._like, self._plan = like, plan
        self.facts, self.driver, self.pk = facts, facts.driver, facts.driver.pk
        self.name = plan.name(facts)
        self.excluded = facts.excluded  # passenger ids
        # reasons against them whatever the trip: no longer driving, on leave
        self.always = (not facts.driver.is_active) + (facts.leave is not None)
        self.slots = tuple((slot.starts_at, slot.ends_at) for slot in facts.availability)
        self.window = window  # which of the day's sets of hours is theirs: ``_windows``
        rooms = _rooms(like, plan)
        # the vehicles with no reason against them whatever the time, in the order tried
        self.ready = tuple(c for c in _candidates(like, facts, plan) if c.steady + rooms[c.pk] == 0)
        self.ready_by_pk = {c.pk: c for c in self.ready}

    @cached_property
    def groups(self) -> list[tuple[int, list[_Candidate]]]:
        """The vehicles to try, grouped: ``_by_steady_count``."""
        return _by_steady_count(self._like, self.facts, self._plan)

    @cached_property
    def places(self) -> dict[int, _Candidate]:
        """By vehicle: the vehicle to try (with its place in the order tried)."""
        return {c.pk: c for c in _candidates(self._like, self.facts, self._plan)}


Hours = tuple[tuple[time, time], ...]


def _windows(plan: DayPlan) -> dict[Hours, int]:
    """The different sets of hours the plan's drivers are available that day, numbered: a day's
    drivers have few between them, so each trip's time is held against each set once."""

    def work() -> dict[Hours, int]:
        found: dict[Hours, int] = {}
        for facts in plan.drivers.values():
            found.setdefault(tuple((slot.starts_at, slot.ends_at) for slot in facts.availability), len(found))
        return found

    return plan._keep(("windows",), work)


def _drivers_for(trip: Trip, plan: DayPlan) -> list[_Driving]:
    """The plan's drivers of the trip's scheme, prepared for trips like this one, by name (in the
    plan's order for the same name)."""

    def work() -> list[_Driving]:
        windows = _windows(plan)
        found = [
            _Driving(trip, facts, plan, windows[tuple((s.starts_at, s.ends_at) for s in facts.availability)])
            for facts in plan.drivers.values()
            if trip.scheme_id in facts.schemes
        ]
        return sorted(found, key=lambda driving: driving.name)

    return plan._keep(("drivers", trip.scheme_id, trip.escorts, trip.mobility_aid), work)


def _first_fitting(trip: Trip, driving: _Driving, view: TripView) -> tuple[Vehicle | None, Vehicle | None]:
    """The first vehicle to try with no reason against it; else the first with the fewest reasons.

    The reasons ``reasons_against`` would give are counted here, not written: those that do not
    depend on the trip's time were counted once for the plan, by vehicle (``_by_steady_count``);
    the clashes come from the trip's counts of runs at the time. A vehicle the driver already
    drives then (its room shared, its clashes fewer) is counted in full first; every other one
    clashes with each of the driver's trips then, so the groups of the others are looked at fewest
    reasons first, and no further once none could have fewer than the best found."""
    driver_pk, starts, ends = driving.pk, view.starts, view.ends
    fixed = (
        driving.always
        + (not any(free_from <= starts and ends <= free_to for free_from, free_to in driving.slots))
        + (trip.passenger_id in driving.excluded)
    )
    busy = view.drivers.get(driver_pk, 0)
    vehicles = view.vehicles
    best: tuple[int, int, Vehicle] | None = None  # (reasons, place in the order tried, vehicle)
    mine = view.driving.get(driver_pk, ())
    if mine:
        places = driving.places
        for candidate in sorted((places[pk] for pk in mine if pk in places), key=_place):
            place = candidate.place
            pk, shared = candidate.pk, view.pairs[(driver_pk, candidate.pk)]
            room = _room(trip, candidate.vehicle, _sharing(driver_pk, pk, view))
            count = fixed + candidate.steady + room.count + busy + vehicles.get(pk, 0) - 2 * shared
            if count == 0:  # any other vehicle clashes with the driver's trips then
                return candidate.vehicle, None
            if best is None or count < best[0]:
                best = (count, place, candidate.vehicle)
    for steady, group in driving.groups:
        fewest = fixed + steady + busy  # no vehicle from this group on has fewer
        if best is not None and fewest > best[0]:
            break
        for candidate in group:
            place = candidate.place
            if mine and candidate.pk in mine:
                continue
            count = fewest + vehicles.get(candidate.pk, 0)
            if count == 0:  # only in the first group, whose places are in the order tried
                return candidate.vehicle, None
            if best is None or (count, place) < best[:2]:
                best = (count, place, candidate.vehicle)
                if count == fewest:  # the rest come later in the order, with no fewer
                    break
    return None, (best[2] if best is not None else None)


def _fitting_beside(trip: Trip, driving: _Driving, view: TripView) -> Vehicle | None:
    """For a driver with no reason against them whatever the vehicle who is driving at the time:
    the vehicle they drive then, when it is the only one, carries no one else's trips then, has no
    reason against it whatever the time and has room beside the trips it carries then (else any
    vehicle has a clash: ``_first_fitting``)."""
    driver_pk = driving.pk
    pk = view.sole[driver_pk]
    candidate = driving.ready_by_pk.get(pk)
    if candidate is None or view.vehicles[pk] != view.drivers[driver_pk]:
        return None
    # Ready: its lift or ramp, if needed, is there. The trips it carries then are all the driver's.
    vehicle = candidate.vehicle
    if trip.seats_needed + view.seats[driver_pk] > vehicle.seats:
        return None
    if trip.wheelchair_spaces_needed + view.spaces[driver_pk] > vehicle.wheelchair_spaces:
        return None
    return vehicle


def _free(view: TripView, plan: DayPlan) -> list[bool]:
    """By number (``_windows``): whether each of the day's sets of hours covers the trip."""
    starts, ends = view.starts, view.ends
    return [any(a <= starts and ends <= b for a, b in hours) for hours in _windows(plan)]


def suggest_for(trip: Trip, plan: DayPlan) -> Suggestions:
    """The drivers of the trip's scheme who can take it, each with the vehicle they would take,
    nearest home to the pick-up first (those whose distance is unknown last); and those left out,
    each with the reasons for the vehicle that came closest.

    The vehicles are chosen by counting reasons, not writing them, from what was worked out once
    for the day (``DayPlan``) and once for the trip (``TripView``). A driver with a reason against
    them whatever the vehicle (away, not available then, kept apart from the passenger) is left out
    at once; one not driving at the time takes the first vehicle ready for trips like this one that
    no one else has then; one driving then can take only the vehicle of their run
    (``_fitting_beside``). The vehicle that came closest for a driver left out, and its reasons,
    are worked out when the reasons are first read (``_first_fitting``)."""
    view = TripView.of(trip, plan)
    free = _free(view, plan)
    busy, taken = view.drivers, view.vehicles
    passenger, postcode = trip.passenger_id, trip.pickup_postcode
    suggested: list[tuple[bool, float, str, DriverSuggestion]] = []
    left_out: list[_Driving] = []  # by name already
    for driving in _drivers_for(trip, plan):
        fitting = None
        if not driving.always and free[driving.window] and passenger not in driving.excluded:
            if driving.pk in busy:
                fitting = _fitting_beside(trip, driving, view)
            else:
                for candidate in driving.ready:
                    if candidate.pk not in taken:
                        fitting = candidate.vehicle
                        break
        if fitting is None:
            left_out.append(driving)
        else:
            miles = plan.miles(driving.facts, postcode)
            suggestion = DriverSuggestion(driving.driver, fitting, miles)
            suggested.append((miles is None, miles or 0.0, driving.name, suggestion))
    suggested.sort(key=lambda row: row[:3])
    return Suggestions([row[3] for row in suggested], trip, left_out, view, plan)


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
