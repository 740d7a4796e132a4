"""Odometer readings and volunteer mileage claims at HMRC's approved rates.

A volunteer driving their own car claims for each run: the miles at the rate in force on the run's
day, the first ``threshold_miles`` business miles of their tax year (6 April to 5 April) at the
first rate and the rest at the later one (45p and 25p after 10,000), a claim that crosses the
threshold split between the two; plus parking, and the scheme's passenger supplement if it pays
one. The miles already claimed count in the order claims are made: the driver's row is locked
while a claim is worked out, so two claims made at once are counted one after the other."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.services import record_audit_event
from common.errors import NotPermitted, NotVisible, Refusal
from common.spreadsheet import spreadsheet_safe

from .models import Driver, MileageClaim, MileageRate, Run, Scheme, Vehicle
from .permissions import may_export_claims, may_record_odometer
from .services import _money

PENNY = Decimal("0.01")
MOST_MILES_A_RUN = 1000  # more in a day is a mistyped reading


def tax_year_of(day: date) -> int:
    """The year the UK tax year holding ``day`` starts in (it runs from 6 April to 5 April)."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


def tax_year_bounds(tax_year: int) -> tuple[date, date]:
    return date(tax_year, 4, 6), date(tax_year + 1, 4, 5)


def rate_on(day: date) -> MileageRate:
    """The approved rates in force on ``day``."""
    rate = MileageRate.objects.filter(applies_from__lte=day).order_by("-applies_from").first()
    if rate is None:
        raise Refusal(
            f"No mileage rate applies on {day:%-d %B %Y}: an administrator adds the rates.",
            field="end_odometer",
        )
    return rate


def miles_claimed(driver: Driver, tax_year: int) -> int:
    """The business miles the driver has claimed in the tax year (rejected claims not counted)."""
    claims = MileageClaim.objects.filter(driver=driver, tax_year=tax_year).exclude(
        status=MileageClaim.Status.REJECTED
    )
    return int(claims.aggregate(miles=Sum("miles"))["miles"] or 0)


def split_miles(miles: int, already: int, threshold: int) -> tuple[int, int]:
    """How many of ``miles`` fall under the threshold, given ``already`` claimed, and how many after."""
    first = max(0, min(miles, threshold - already))
    return first, miles - first


def _claim(run: Run, driver: Driver, miles: int, parking: Decimal, passenger_miles: int) -> MileageClaim:
    tax_year = tax_year_of(run.on)
    rate = rate_on(run.on)
    first, later = split_miles(miles, miles_claimed(driver, tax_year), rate.threshold_miles)
    mileage = (first * rate.first_rate + later * rate.later_rate).quantize(PENNY, ROUND_HALF_UP)
    supplement = (passenger_miles * run.vehicle.scheme.passenger_supplement_per_mile).quantize(
        PENNY, ROUND_HALF_UP
    )
    return MileageClaim.objects.create(
        driver=driver,
        run=run,
        tax_year=tax_year,
        miles=miles,
        miles_at_first_rate=first,
        miles_at_later_rate=later,
        rate=rate,
        mileage_amount=mileage,
        parking=parking,
        passenger_miles=passenger_miles,
        passenger_supplement=supplement,
        total=mileage + parking + supplement,
    )


def _whole_miles(value: int | str | None, field: str, what: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise Refusal(f"Enter {what} as a whole number of miles.", field=field) from None
    if number < 0:
        raise Refusal(f"Enter {what} as a whole number of miles.", field=field)
    return number


@transaction.atomic
def record_odometer(
    user: User,
    run: Run,
    *,
    start: int | str,
    end: int | str,
    parking: Decimal | str | int | None = None,
    passenger_miles: int | str = 0,
) -> Run:
    """The driver (or a coordinator) records a run's odometer readings, once. The vehicle's
    odometer moves on (so servicing by mileage falls due), and a volunteer in their own car gets a
    mileage claim at the rates in force. Returns the run; its claim, if one is made, is ``run.claim``."""
    run = Run.objects.select_for_update().get(pk=run.pk)
    run = Run.objects.select_related("driver__user", "vehicle__scheme").get(pk=run.pk)
    if not may_record_odometer(user, run):
        raise NotVisible()
    if run.on > timezone.localdate():
        raise Refusal("Record the readings on the day of the run or after.", field="end_odometer")
    if run.end_odometer is not None:
        raise Refusal("This run's readings are already recorded.", field="start_odometer")
    first, last = (
        _whole_miles(start, "start_odometer", "the start reading"),
        _whole_miles(end, "end_odometer", "the end reading"),
    )
    if last < first:
        raise Refusal("The end reading must not be below the start reading.", field="end_odometer")
    miles = last - first
    if miles > MOST_MILES_A_RUN:
        raise Refusal(f"That is {miles:,} miles in a day: check the readings.", field="end_odometer")
    vehicle = Vehicle.objects.select_for_update().get(pk=run.vehicle_id)
    if first < vehicle.odometer_miles:
        raise Refusal(
            f"{vehicle}'s odometer last read {vehicle.odometer_miles:,}: the start cannot be below it.",
            field="start_odometer",
        )
    driver = Driver.objects.select_for_update().get(pk=run.driver_id)
    claims = driver.kind == Driver.Kind.VOLUNTEER and vehicle.owner_id == driver.pk
    parking_amount = _money(parking, "parking", "the parking paid")
    carried = _whole_miles(passenger_miles, "passenger_miles", "the passenger miles")
    if not claims and (parking_amount or carried):
        raise Refusal("Only a volunteer driving their own car claims expenses here.", field="parking")
    if carried > miles * max(vehicle.seats, 1):
        raise Refusal("More passenger miles than the seats could carry: check them.", field="passenger_miles")
    run.start_odometer, run.end_odometer = first, last
    run.save(update_fields=["start_odometer", "end_odometer"])
    vehicle.odometer_miles = max(vehicle.odometer_miles, last)
    vehicle.save(update_fields=["odometer_miles"])
    if claims:
        _claim(run, driver, miles, parking_amount, carried)
    return run


@dataclass(frozen=True)
class YearTotal:
    tax_year: int
    miles: int
    miles_at_first_rate: int
    miles_at_later_rate: int
    mileage_amount: Decimal
    parking: Decimal
    passenger_supplement: Decimal
    total: Decimal


def running_total(driver: Driver, tax_year: int) -> YearTotal:
    """A driver's claims in a tax year, added up (rejected claims not counted)."""
    sums = (
        MileageClaim.objects.filter(driver=driver, tax_year=tax_year)
        .exclude(status=MileageClaim.Status.REJECTED)
        .aggregate(
            miles=Sum("miles"),
            first=Sum("miles_at_first_rate"),
            later=Sum("miles_at_later_rate"),
            mileage=Sum("mileage_amount"),
            parking=Sum("parking"),
            supplement=Sum("passenger_supplement"),
            total=Sum("total"),
        )
    )
    zero = Decimal("0.00")
    return YearTotal(
        tax_year=tax_year,
        miles=int(sums["miles"] or 0),
        miles_at_first_rate=int(sums["first"] or 0),
        miles_at_later_rate=int(sums["later"] or 0),
        mileage_amount=sums["mileage"] or zero,
        parking=sums["parking"] or zero,
        passenger_supplement=sums["supplement"] or zero,
        total=sums["total"] or zero,
    )


CLAIM_COLUMNS = [
    "claim",
    "driver",
    "date",
    "vehicle",
    "miles",
    "miles at first rate",
    "first rate",
    "miles at later rate",
    "later rate",
    "mileage",
    "parking",
    "passenger supplement",
    "total",
    "status",
    "driver's miles this tax year",
]


def _cell(value: object) -> str:
    """A spreadsheet never runs a cell as a formula: text starting =, +, - or @ is quoted."""
    return spreadsheet_safe(value)


def claims_csv(user: User, scheme: Scheme, tax_year: int) -> str:
    """The mileage claims for runs in the scheme's vehicles in a tax year, as CSV for the treasurer,
    with each driver's running miles. The export is audited."""
    if not may_export_claims(user, scheme):
        raise NotPermitted(f"Only {scheme}'s coordinators export its claims.")
    claims = (
        MileageClaim.objects.filter(run__vehicle__scheme=scheme, tax_year=tax_year)
        .select_related("driver__user", "run__vehicle", "rate")
        .order_by("run__on", "pk")
    )
    # Each driver's running miles across all their claims that year (other schemes' too), in the
    # order the claims were made, as the split between the rates counted them.
    running: dict[int, int] = {}
    totals: dict[int, int] = {}
    everyone = MileageClaim.objects.filter(driver__in={c.driver_id for c in claims}, tax_year=tax_year)
    for pk, driver_id, miles, status in everyone.order_by("pk").values_list(
        "pk", "driver_id", "miles", "status"
    ):
        if status != MileageClaim.Status.REJECTED:
            totals[driver_id] = totals.get(driver_id, 0) + miles
        running[pk] = totals.get(driver_id, 0)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CLAIM_COLUMNS)
    for claim in claims:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    claim.pk,
                    claim.driver,
                    claim.run.on.isoformat(),
                    claim.run.vehicle,
                    claim.miles,
                    claim.miles_at_first_rate,
                    claim.rate.first_rate,
                    claim.miles_at_later_rate,
                    claim.rate.later_rate,
                    claim.mileage_amount,
                    claim.parking,
                    claim.passenger_supplement,
                    claim.total,
                    claim.get_status_display(),
                    running[claim.pk],
                )
            ]
        )
    record_audit_event(
        user, AuditEvent.Action.EXPORT, scheme, note=f"Exported mileage claims for {tax_year}."
    )
    return out.getvalue()
