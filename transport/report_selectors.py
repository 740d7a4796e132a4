"""Reads for transport's reports: a scheme's trips in a period by outcome, purpose, and the ward and
IMD decile of their pick-up postcode, its unmet requests and their reasons, the passengers carried;
its drivers' hours; and transport's figures for the evaluation report's reach.

Every figure about passengers is a count with small numbers suppressed as the evaluation report
does (``common.suppression``): no passenger is named, and no row leaves the database for one.
Each read is a fixed number of grouped queries, however many trips there are."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import AuditEvent, User
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import NotVisible
from common.suppression import SUPPRESSED, WHY_SUPPRESSED, shown
from places.models import Postcode

from . import permissions
from .models import Driver, Purpose, Run, Scheme, Trip

# The trips that took a driver's time: made, or the driver went and the passenger did not travel.
DONE = (Trip.Status.COMPLETED, Trip.Status.LATE_CANCEL, Trip.Status.NO_SHOW)
QUARTER_HOUR = Decimal("0.25")
NOT_KNOWN = "Not known"


@dataclass(frozen=True)
class ReportPeriod:
    """From ``since`` to ``until``, both included, in Europe/London days."""

    since: date
    until: date

    @property
    def starts(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.since, time.min))

    @property
    def ends(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.until + timedelta(days=1), time.min))


def last_full_quarter(today: date) -> ReportPeriod:
    """The last quarter (January to March, April to June, July to September, October to
    December) that has ended by ``today``."""
    this_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    until = this_quarter - timedelta(days=1)
    return ReportPeriod(date(until.year, 3 * ((until.month - 1) // 3) + 1, 1), until)


def trips_in(period: ReportPeriod, scheme: Scheme | None = None) -> QuerySet[Trip]:
    """Trips whose vehicle is taken in the period (of one scheme, or of every scheme)."""
    trips = Trip.objects.filter(starts_at__gte=period.starts, starts_at__lt=period.ends)
    return trips if scheme is None else trips.filter(scheme=scheme)


def _with_place(trips: QuerySet[Trip]) -> QuerySet[Any]:
    """Each trip with the ward (name) and IMD decile of its pick-up postcode, when known (typed
    loosely: the stubs cannot follow annotations through a helper)."""
    place = Postcode.objects.filter(postcode=OuterRef("pickup_postcode"))
    return trips.annotate(
        pickup_ward=Subquery(place.values("ward__name")[:1]),
        pickup_decile=Subquery(place.values("lsoa__imd_decile")[:1]),
    )


def _rows(counts: dict[Any, Counter[str]], labels: Iterable[tuple[Any, str]]) -> list[dict[str, Any]]:
    """Table rows of trips asked for and completed, each count suppressed under 5."""
    return [
        {
            "label": label,
            "asked": shown(sum(counts[key].values())),
            "completed": shown(counts[key][Trip.Status.COMPLETED]),
        }
        for key, label in labels
    ]


@dataclass
class SchemeReport:
    period: ReportPeriod
    totals: dict[str, int | None]
    outcomes: list[dict[str, Any]]
    purposes: list[dict[str, Any]]
    wards: list[dict[str, Any]]
    deciles: list[dict[str, Any]]
    unmet_reasons: list[dict[str, Any]]


def scheme_report(
    user: Requester, scheme: Scheme, period: ReportPeriod, *, exported: bool = False
) -> SchemeReport:
    """The scheme's trips in the period, for its coordinators: three grouped queries. When it is
    ``exported`` (the CSV), the export is audited against the scheme (no person is in it)."""
    if not permissions.may_see_scheme_reports(user, scheme):
        raise NotVisible()
    if exported:
        record_audit_event(
            user if isinstance(user, User) else None,
            AuditEvent.Action.EXPORT,
            scheme,
            note=f"Downloaded the trip report from {period.since} to {period.until}.",
        )
    trips = trips_in(period, scheme)
    groups = (
        _with_place(trips)
        .order_by()
        .values_list("status", "purpose", "pickup_ward", "pickup_decile")
        .annotate(n=Count("pk"))
    )
    by_status: Counter[str] = Counter()
    by_purpose: dict[Any, Counter[str]] = defaultdict(Counter)
    by_ward: dict[Any, Counter[str]] = defaultdict(Counter)
    by_decile: dict[Any, Counter[str]] = defaultdict(Counter)
    for status, purpose, ward, decile, n in groups:
        by_status[status] += n
        by_purpose[purpose][status] += n
        by_ward[ward][status] += n
        by_decile[decile][status] += n
    carried = trips.filter(status=Trip.Status.COMPLETED).values("passenger").distinct().count()
    reasons: Counter[str] = Counter()
    wordings: dict[str, Counter[str]] = defaultdict(Counter)
    for reason, n in (
        trips.filter(status=Trip.Status.UNMET)
        .order_by()
        .values_list("outcome_reason")
        .annotate(n=Count("pk"))
    ):
        words = " ".join(reason.split()) or NOT_KNOWN
        key = words.casefold().rstrip(".")
        wordings[key][words] += n
        reasons[key] += n
    # Each reason as most often written (the same words in any case or spacing count together).
    wording = {key: min(found, key=lambda words: (-found[words], words)) for key, found in wordings.items()}
    wards = sorted(
        (ward for ward in by_ward if ward is not None),
        key=lambda ward: (-sum(by_ward[ward].values()), ward),
    )
    return SchemeReport(
        period=period,
        totals={
            "asked": shown(sum(by_status.values())),
            "completed": shown(by_status[Trip.Status.COMPLETED]),
            "unmet": shown(by_status[Trip.Status.UNMET]),
            "passengers": shown(carried),
        },
        outcomes=[{"label": label, "count": shown(by_status[value])} for value, label in Trip.Status.choices],
        purposes=_rows(by_purpose, Purpose.choices),
        wards=_rows(by_ward, [(ward, ward) for ward in wards] + [(None, NOT_KNOWN)]),
        deciles=_rows(by_decile, [(d, f"Decile {d}") for d in range(1, 11)] + [(None, NOT_KNOWN)]),
        unmet_reasons=[
            {"label": wording[key], "count": shown(n)}
            for key, n in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
        ],
    )


def report_csv_rows(report: SchemeReport) -> list[list[str]]:
    """The report's tables as (table, row, column, value) rows; a withheld count is "fewer than 5"."""

    def value(count: int | None) -> str:
        return SUPPRESSED if count is None else str(count)

    period = report.period
    rows = [
        ["About these figures", "From", "", period.since.isoformat()],
        ["About these figures", "To", "", period.until.isoformat()],
        ["About these figures", SUPPRESSED.capitalize(), "", WHY_SUPPRESSED],
    ]
    rows += [["Totals", name, "", value(n)] for name, n in report.totals.items()]
    rows += [["Trips by outcome", r["label"], "trips", value(r["count"])] for r in report.outcomes]
    for table, key in (
        ("Trips by purpose", "purposes"),
        ("Trips by ward of pick-up", "wards"),
        ("Trips by IMD decile of pick-up", "deciles"),
    ):
        for r in getattr(report, key):
            rows.append([table, r["label"], "asked for", value(r["asked"])])
            rows.append([table, r["label"], "completed", value(r["completed"])])
    rows += [
        ["Unmet requests by reason", r["label"], "trips", value(r["count"])] for r in report.unmet_reasons
    ]
    return rows


# --- Driver hours ---------------------------------------------------------------------------------


@dataclass
class RunHours:
    run: Run
    hours: Decimal  # first start to last end of its done trips, to the minute
    trips: int
    credited: Decimal | None  # the hours credited, once awarded


@dataclass
class DriverHours:
    driver: Driver
    runs: list[RunHours] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((r.hours for r in self.runs), Decimal(0))


def _hours(first: datetime, last: datetime) -> Decimal:
    minutes = int((last - first).total_seconds() // 60)
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def hours_to_credit(hours: Decimal) -> Decimal:
    """The hours a run's credits are awarded for: its hours down to the quarter hour (the
    timebank's unit); the credit scheme then gives one credit for each whole hour."""
    return (hours / QUARTER_HOUR).to_integral_value(rounding=ROUND_FLOOR) * QUARTER_HOUR


def run_hours(run: Run) -> tuple[Decimal, int] | None:
    """A run's hours (from the first start to the last end of its completed, late-cancelled and
    no-show trips) and how many such trips; None when it has none."""
    span = run.trips.filter(status__in=DONE).aggregate(
        first=Min("starts_at"), last=Max("ends_at"), n=Count("pk")
    )
    if not span["n"]:
        return None
    return _hours(span["first"], span["last"]), span["n"]


def driver_hours(user: Requester, scheme: Scheme, period: ReportPeriod) -> list[DriverHours]:
    """Each driver's runs in the scheme's vehicles on the period's days with trips done, with their
    hours and any credits awarded: two queries."""
    if not permissions.may_coordinate_scheme(user, scheme):
        raise NotVisible()
    spans = {
        row["run"]: row
        for row in Trip.objects.filter(
            run__vehicle__scheme=scheme, run__on__range=(period.since, period.until), status__in=DONE
        )
        .order_by()
        .values("run")
        .annotate(first=Min("starts_at"), last=Max("ends_at"), n=Count("pk"))
    }
    runs = (
        Run.objects.filter(pk__in=spans)
        .select_related("driver__user", "vehicle", "credit")
        .order_by("driver__user__full_name", "driver_id", "on", "pk")
    )
    drivers: dict[int, DriverHours] = {}
    for run in runs:
        span = spans[run.pk]
        credit = getattr(run, "credit", None)
        drivers.setdefault(run.driver_id, DriverHours(run.driver)).runs.append(
            RunHours(run, _hours(span["first"], span["last"]), span["n"], credit.hours if credit else None)
        )
    return list(drivers.values())


# --- For the evaluation report --------------------------------------------------------------------


def transport_reach(
    since: date, until: date, wards: list[str] | None = None, lsoas: list[str] | None = None
) -> dict:
    """Community transport in the evaluation report's period and area (the wards and LSOAs of a
    neighbourhood, or the whole district when both are None): trips completed, passengers carried
    and unmet requests, and the trips completed by ward and IMD decile of their pick-up; every
    count under 5 suppressed. Three queries."""
    trips = trips_in(ReportPeriod(since, until))
    if wards is not None or lsoas is not None:
        inside = Postcode.objects.filter(postcode=OuterRef("pickup_postcode")).filter(
            Q(ward__in=wards or []) | Q(lsoa__in=lsoas or [])
        )
        trips = trips.filter(Exists(inside))
    done = trips.filter(status=Trip.Status.COMPLETED)
    by_ward: Counter[Any] = Counter()
    by_decile: Counter[Any] = Counter()
    for ward, decile, n in (
        _with_place(done).order_by().values_list("pickup_ward", "pickup_decile").annotate(n=Count("pk"))
    ):
        by_ward[ward] += n
        by_decile[decile] += n
    completed = sum(by_ward.values())
    known_wards = sorted((w for w in by_ward if w is not None), key=lambda w: (-by_ward[w], w))
    return {
        "completed": shown(completed),
        "passengers": shown(done.values("passenger").distinct().count()),
        "unmet": shown(trips.filter(status=Trip.Status.UNMET).count()),
        "wards": [{"label": w, "count": shown(by_ward[w])} for w in known_wards],
        "unknown_ward": shown(by_ward[None]),
        "deciles": [{"label": f"Decile {d}", "count": shown(by_decile[d])} for d in range(1, 11)],
        "unknown_decile": shown(by_decile[None]),
    }
