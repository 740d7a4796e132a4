"""Reads for the coordinators' registers: a scheme's passengers and their eligibility, a
passenger's schemes and trips, the drivers' compliance register, the vehicles' state and the
treasurer's claims. Who may see a passenger is decided by ``selectors.passengers_visible_to``;
every passenger listed is audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.permissions import Requester
from accounts.services import record_audit_events
from common.errors import NotVisible

from . import mileage, permissions
from .assignment import vehicle_overdue_reasons
from .models import (
    ComplianceCheck,
    Driver,
    MileageClaim,
    PairingExclusion,
    Passenger,
    Scheme,
    SchemeEligibility,
    Trip,
    Vehicle,
    VehicleKind,
)
from .selectors import passengers_visible_to, schemes_coordinated

PASSENGERS_SHOWN = 100
TRIPS_SHOWN = 20
EXPIRES_SOON_DAYS = 30


def coordinated_scheme(user: Requester, pk: int) -> Scheme:
    """A scheme the user coordinates; ``NotVisible`` for any other, as for one that does not exist."""
    scheme = Scheme.objects.filter(pk=pk).first()
    if scheme is None or not permissions.may_coordinate_scheme(user, scheme):
        raise NotVisible()
    return scheme


# --- Passengers ---------------------------------------------------------------------------------


def scheme_passengers(user: Requester, scheme: Scheme, words: str = "") -> list[SchemeEligibility]:
    """The passengers assessed for the scheme whom the user may see, each with their eligibility,
    by name (``words`` narrows to names containing them); the passengers listed are audited."""
    eligibilities = (
        SchemeEligibility.objects.filter(scheme=scheme, passenger__in=passengers_visible_to(user))
        .select_related("passenger__person", "passenger__account")
        .order_by("passenger__person__full_name", "passenger__account__full_name", "pk")
    )
    words = words.strip()
    if words:
        eligibilities = eligibilities.filter(
            Q(passenger__person__full_name__icontains=words)
            | Q(passenger__account__full_name__icontains=words)
        )
    found = list(eligibilities[:PASSENGERS_SHOWN])
    passengers: list[Model] = [e.passenger for e in found]
    record_audit_events(user, AuditEvent.Action.VIEW, passengers, note="Transport passengers register.")
    return found


def passenger_to_change(user: Requester, pk: int) -> Passenger:
    """A passenger the user may see, for an action whose service audits the change itself (so the
    finding is not also logged as a view); ``NotVisible`` otherwise."""
    passenger = passengers_visible_to(user).select_related("person", "account").filter(pk=pk).first()
    if passenger is None:
        raise NotVisible()
    return passenger


def passenger_name(passenger: Passenger) -> str:
    """The passenger's full name, from their person record or their sign-in."""
    if passenger.person is not None:
        return passenger.person.full_name
    return passenger.account.full_name if passenger.account else ""


@dataclass(frozen=True)
class SchemeStanding:
    scheme: Scheme
    eligibility: SchemeEligibility | None


def passenger_schemes(user: Requester, passenger: Passenger) -> list[SchemeStanding]:
    """Each scheme the user coordinates, with the passenger's eligibility for it (None: not yet
    assessed). Other teams' schemes and what they decided are not shown."""
    eligibilities = {
        e.scheme_id: e
        for e in SchemeEligibility.objects.filter(passenger=passenger).select_related("assessed_by")
    }
    return [SchemeStanding(s, eligibilities.get(s.pk)) for s in schemes_coordinated(user).order_by("name")]


def passenger_trips(user: Requester, passenger: Passenger) -> tuple[list[Trip], list[Trip]]:
    """The passenger's coming and past trips in the schemes the user coordinates (the latest
    ``TRIPS_SHOWN`` of each)."""
    trips = Trip.objects.filter(passenger=passenger, scheme__in=schemes_coordinated(user)).select_related(
        "scheme", "run__driver__user", "run__vehicle"
    )
    now = timezone.now()
    coming = list(trips.filter(ends_at__gte=now, status__in=Trip.OPEN).order_by("starts_at")[:TRIPS_SHOWN])
    past = list(
        trips.exclude(pk__in=[t.pk for t in coming])
        .filter(starts_at__lt=now)
        .order_by("-starts_at")[:TRIPS_SHOWN]
    )
    return coming, past


def passengers_to_keep_apart(user: Requester, driver: Driver) -> QuerySet[Passenger]:
    """The passengers a driver may be kept apart from: those the user may see, assessed for a scheme
    the driver drives for, and not already kept apart from them."""
    return (
        passengers_visible_to(user)
        .filter(eligibilities__scheme__in=driver.schemes.all())
        .exclude(pk__in=PairingExclusion.objects.filter(driver=driver).values("passenger"))
        .select_related("person", "account")
        .distinct()
    )


# --- Drivers and their compliance ---------------------------------------------------------------


@dataclass(frozen=True)
class CheckStanding:
    """A check a driver needs (or has), and where it stands today."""

    kind: str
    label: str
    check: ComplianceCheck | None
    status: str  # "expired", "soon", "in_date", "missing" or "not_started"
    days_left: int | None = None

    @property
    def blocks(self) -> bool:
        return self.status in ("expired", "missing", "not_started")


def kinds_needed(driver: Driver) -> list[str]:
    """The checks a driver needs for what they drive: a licence check and DBS always; insurance
    when they drive their own car; MiDAS for a minibus without D1 on their licence."""
    kinds = [ComplianceCheck.Kind.LICENCE.value, ComplianceCheck.Kind.DBS.value]
    if driver.own_vehicles.exists():
        kinds.append(ComplianceCheck.Kind.INSURANCE.value)
    if driver.drives_minibuses and not driver.has_d1_entitlement:
        kinds.append(ComplianceCheck.Kind.MIDAS.value)
    return kinds


def check_standing(kind: str, checks: list[ComplianceCheck], today: date) -> CheckStanding:
    """The newest check of ``kind`` (by expiry) and whether it is in date today, runs out within
    ``EXPIRES_SOON_DAYS``, has run out, has not started, or is missing."""
    label = ComplianceCheck.Kind(kind).label
    latest = max((c for c in checks if c.kind == kind), key=lambda c: c.expires_on, default=None)
    if latest is None:
        return CheckStanding(kind, label, None, "missing")
    if latest.expires_on < today:
        return CheckStanding(kind, label, latest, "expired")
    if latest.checked_on > today:
        return CheckStanding(kind, label, latest, "not_started")
    days = (latest.expires_on - today).days
    return CheckStanding(kind, label, latest, "soon" if days <= EXPIRES_SOON_DAYS else "in_date", days)


@dataclass
class DriverStanding:
    driver: Driver
    drives: list[str]
    checks: list[CheckStanding] = field(default_factory=list)
    needed: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """A check they need is missing, not started or run out: they cannot be assigned."""
        return any(c.blocks for c in self.checks if c.kind in self.needed)


def what_they_drive(driver: Driver) -> list[str]:
    drives = []
    if driver.drives_cars:
        drives.append(VehicleKind.CAR.label)
    if driver.drives_tuk_tuks:
        drives.append(VehicleKind.TUK_TUK.label)
    if driver.drives_minibuses:
        drives.append(f"{VehicleKind.MINIBUS.label} ({'D1' if driver.has_d1_entitlement else 'needs MiDAS'})")
    return drives


def driver_standing(driver: Driver, today: date) -> DriverStanding:
    """What the driver drives and each check's standing: the ones they need, then any other kind
    on record."""
    checks = list(driver.checks.all())
    needed = kinds_needed(driver)
    kinds = needed + [
        k for k in ComplianceCheck.Kind.values if k not in needed and any(c.kind == k for c in checks)
    ]
    return DriverStanding(
        driver=driver,
        drives=what_they_drive(driver),
        checks=[check_standing(k, checks, today) for k in kinds],
        needed=needed,
    )


def compliance_register(scheme: Scheme, today: date) -> list[DriverStanding]:
    """The scheme's drivers (active first, by name), each with their checks' standing today."""
    drivers = (
        scheme.drivers.select_related("user")
        .prefetch_related("checks", "own_vehicles")
        .order_by("-is_active", "user__full_name", "pk")
    )
    return [driver_standing(d, today) for d in drivers]


def driver_for_coordinator(user: Requester, pk: int) -> Driver:
    """A driver of a scheme the user coordinates; ``NotVisible`` otherwise, as for no driver."""
    driver = Driver.objects.select_related("user").filter(pk=pk).first()
    if driver is None or not permissions.may_coordinate_driver(user, driver):
        raise NotVisible()
    return driver


def driver_schemes(user: Requester, driver: Driver) -> list[Scheme]:
    """The schemes the driver drives for that the user coordinates."""
    return list(driver.schemes.filter(pk__in=schemes_coordinated(user).values("pk")).order_by("name"))


def driver_exclusions(user: Requester, driver: Driver) -> list[PairingExclusion]:
    """The passengers the driver is kept apart from, those the user may see (audited)."""
    exclusions = list(
        PairingExclusion.objects.filter(driver=driver, passenger__in=passengers_visible_to(user))
        .select_related("passenger__person", "passenger__account")
        .order_by("pk")
    )
    passengers: list[Model] = [e.passenger for e in exclusions]
    if isinstance(user, User):
        record_audit_events(user, AuditEvent.Action.VIEW, passengers, note="Driver's pairing exclusions.")
    return exclusions


# --- Vehicles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VehicleStanding:
    vehicle: Vehicle
    reasons: list[str]  # why it cannot be used today (empty: it can)


def vehicles_register(scheme: Scheme, today: date) -> list[VehicleStanding]:
    """The scheme's vehicles, each with why it cannot be used today (``assignment``'s own rules)."""
    return [
        VehicleStanding(v, [why for _, why in vehicle_overdue_reasons(v, today)])
        for v in scheme.vehicles.select_related("owner__user").order_by("name")
    ]


def coordinated_vehicle(user: Requester, pk: int) -> Vehicle:
    vehicle = Vehicle.objects.select_related("scheme").filter(pk=pk).first()
    if vehicle is None or not permissions.may_coordinate_scheme(user, vehicle.scheme):
        raise NotVisible()
    return vehicle


# --- Claims -------------------------------------------------------------------------------------


def claim_years(scheme: Scheme, today: date) -> list[int]:
    """The tax years with claims for the scheme's vehicles, and the current one, newest first."""
    years = set(MileageClaim.objects.filter(run__vehicle__scheme=scheme).values_list("tax_year", flat=True))
    years.add(mileage.tax_year_of(today))
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class DriverClaims:
    driver: Driver
    claims: list[MileageClaim]
    year: mileage.YearTotal  # all their claims that tax year, other schemes' too


def claims_register(scheme: Scheme, tax_year: int) -> list[DriverClaims]:
    """The claims for runs in the scheme's vehicles in the tax year, by driver, each driver with
    their running total for the year (``mileage.running_total``)."""
    claims = (
        MileageClaim.objects.filter(run__vehicle__scheme=scheme, tax_year=tax_year)
        .select_related("driver__user", "run__vehicle")
        .order_by("driver__user__full_name", "driver_id", "run__on", "pk")
    )
    by_driver: dict[int, list[MileageClaim]] = {}
    drivers: dict[int, Driver] = {}
    for claim in claims:
        by_driver.setdefault(claim.driver_id, []).append(claim)
        drivers[claim.driver_id] = claim.driver
    return [
        DriverClaims(drivers[pk], made, mileage.running_total(drivers[pk], tax_year))
        for pk, made in by_driver.items()
    ]
