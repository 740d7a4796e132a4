"""Benchmark: a community transport scheme's day of 500 trips and 60 drivers (issue 18, target: the
day board and a driver suggestion for every trip together under 1 s).

Builds, in a scratch database with the demo district's real postcodes: a scheme; 60 drivers (each
with a home postcode, weekly availability, a compliance register with some checks run out, some on
leave that day, some kept apart from a passenger); 45 vehicles (volunteers' own cars, minibuses
with ramps, tuk-tuks, one off the road, one due a service); 300 passengers and 500 trips on one
day at real Trafford postcodes, about 150 of them already on runs (assigned with the real checks,
so no run breaks a rule). Then times, over rounds:

- the board: ``assignment.plan_board``, which reads the day's plan (``load_day_plan``: the scheme's
  drivers and vehicles and everything the checks read) and the board (``selectors.day_board``: the
  trips, their passengers and runs, each passenger read audited), the runs taking their drivers
  and vehicles from the plan;
- suggestions: ``assignment.suggest_for`` for every one of the 500 trips over that one plan;
- then every left-out driver's reasons: the vehicle that came closest for each, and its reasons,
  written out (worked out only when read: a trip's page reads those of its own drivers);
- the floor: the same rows read with raw SQL (the day's trips joined as the board joins them, and
  the drivers' availability, leave, checks, exclusions and schemes, the vehicles, the runs' trips
  and the pick-up postcodes), fetched and nothing else done.

    .venv/bin/python bench/transport.py                          # SQLite, in a scratch file
    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/transport.py   # an EMPTY database
    BENCH_TRIPS=100 BENCH_DRIVERS=20 .venv/bin/python bench/transport.py     # smaller
"""

from __future__ import annotations

import csv
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from _setup import ROOT, django_with_scratch_database, machine

TRIPS = int(os.environ.get("BENCH_TRIPS", "500"))
DRIVERS = int(os.environ.get("BENCH_DRIVERS", "60"))
PASSENGERS = max(1, TRIPS * 3 // 5)
ASSIGNED_SHARE = 0.3
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
TARGET_MS = 1000

django_with_scratch_database()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organisation, Role, Team, TeamMembership, User  # noqa: E402
from people.models import Person  # noqa: E402
from places.models import Postcode  # noqa: E402
from places.services import import_postcodes  # noqa: E402
from transport.assignment import load_day_plan, plan_board, suggest_for  # noqa: E402
from transport.models import (  # noqa: E402
    Availability,
    ComplianceCheck,
    Driver,
    Leave,
    MobilityAid,
    PairingExclusion,
    Passenger,
    Run,
    Scheme,
    SchemeEligibility,
    Trip,
    Vehicle,
    VehicleKind,
)

FIRST = ["Ada", "Bill", "Cath", "Dev", "Edna", "Fay", "Gus", "Hal", "Iris", "Jo", "Kit", "Lal", "Mo", "Nell"]
LAST = ["Marsh", "Patel", "Okoro", "Byrne", "Shah", "Wood", "Nolan", "Reid", "Kaur", "Lowe", "Ahmed"]
AIDS = [MobilityAid.NONE] * 6 + [
    MobilityAid.WALKER,
    MobilityAid.WHEELCHAIR_FOLDED,
    MobilityAid.WHEELCHAIR_SEATED,
    MobilityAid.SCOOTER,
]


def trafford_postcodes() -> list[str]:
    with (ROOT / "data" / "postcodes" / "trafford_postcodes.csv").open(encoding="utf-8") as handle:
        return [row["postcode"] for row in csv.DictReader(handle)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour, minute)))


def build(rng: random.Random, day: date) -> tuple[User, Scheme]:
    """The scheme, its drivers, vehicles, passengers and the day's trips, in bulk."""
    import_postcodes(ROOT / "data" / "postcodes" / "trafford_postcodes.csv")
    codes = trafford_postcodes()
    postcodes = {p.postcode: p for p in Postcode.objects.filter(postcode__in=rng.sample(codes, 2000))}
    chosen = list(postcodes)
    organisation = Organisation.objects.create(name="Bench community transport", kind="vcse")
    team = Team.objects.create(name="Bench transport team", organisation=organisation)
    coordinator = User.objects.create_user(
        "coordinator@bench.example", full_name="Bench Coordinator", role=Role.COORDINATOR
    )
    TeamMembership.objects.create(team=team, user=coordinator)
    scheme = Scheme.objects.create(name="Bench community transport", team=team)
    other = Scheme.objects.create(name="Another scheme", team=team)

    users = User.objects.bulk_create(
        [
            User(email=f"driver{n}@bench.example", full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}")
            for n in range(DRIVERS)
        ]
    )
    drivers = Driver.objects.bulk_create(
        [
            Driver(
                user=user,
                kind=rng.choice([Driver.Kind.VOLUNTEER] * 4 + [Driver.Kind.PAID]),
                drives_cars=True,
                drives_tuk_tuks=rng.random() < 0.3,
                drives_minibuses=rng.random() < 0.4,
                has_d1_entitlement=rng.random() < 0.3,
                home_postcode=postcodes[rng.choice(chosen)] if rng.random() < 0.95 else None,
            )
            for user in users
        ]
    )
    through = Driver.schemes.through
    through.objects.bulk_create(
        [through(driver=d, scheme=scheme) for d in drivers]
        + [through(driver=d, scheme=other) for d in drivers if rng.random() < 0.2]
    )
    availability, checks, leave = [], [], []
    for driver in drivers:
        for weekday in range(7):
            if rng.random() < 0.8:
                starts = rng.choice([7, 8, 9, 12])
                availability.append(
                    Availability(
                        driver=driver,
                        weekday=weekday,
                        starts_at=clock(starts),
                        ends_at=clock(min(23, starts + rng.choice([4, 6, 9, 11]))),
                    )
                )
        for kind in ("licence", "dbs", "insurance", "midas"):
            if rng.random() < 0.97:
                # about one check in 20 has run out; an older one, run out, behind each
                runs_out = day + timedelta(days=-40 if rng.random() < 0.05 else rng.choice([200, 400, 700]))
                checks.append(
                    ComplianceCheck(
                        driver=driver,
                        kind=kind,
                        checked_on=runs_out - timedelta(days=1095),
                        expires_on=runs_out - timedelta(days=365),
                    )
                )
                checks.append(
                    ComplianceCheck(
                        driver=driver,
                        kind=kind,
                        checked_on=runs_out - timedelta(days=365),
                        expires_on=runs_out,
                    )
                )
        if rng.random() < 0.1:
            leave.append(
                Leave(driver=driver, starts_on=day - timedelta(days=2), ends_on=day + timedelta(days=5))
            )
        if rng.random() < 0.2:
            leave.append(
                Leave(driver=driver, starts_on=day + timedelta(days=20), ends_on=day + timedelta(days=30))
            )
    Availability.objects.bulk_create(availability)
    ComplianceCheck.objects.bulk_create(checks)
    Leave.objects.bulk_create(leave)

    volunteers = [d for d in drivers if d.kind == Driver.Kind.VOLUNTEER]
    vehicles = [
        Vehicle(scheme=scheme, kind=VehicleKind.CAR, name=f"Car {n}", owner=owner, seats=3)
        for n, owner in enumerate(volunteers[:30])
    ]
    vehicles += [
        Vehicle(
            scheme=scheme,
            kind=VehicleKind.MINIBUS,
            name=f"Minibus {n}",
            seats=12,
            wheelchair_spaces=2,
            has_lift_or_ramp=True,
            permit=Vehicle.Permit.SECTION_19,
            permit_number=f"S19/{n}",
            permit_expires_on=day + timedelta(days=300),
            mot_expires_on=day + timedelta(days=100),
            service_due_on=day + timedelta(days=50),
        )
        for n in range(8)
    ]
    vehicles += [
        Vehicle(scheme=scheme, kind=VehicleKind.TUK_TUK, name=f"Tuk-tuk {n}", seats=2) for n in range(5)
    ]
    vehicles += [
        Vehicle(scheme=scheme, kind=VehicleKind.CAR, name="Off-road car", seats=3, is_off_road=True),
        Vehicle(
            scheme=scheme,
            kind=VehicleKind.CAR,
            name="Service-due car",
            seats=3,
            odometer_miles=12000,
            service_due_at_miles=12000,
        ),
        Vehicle(scheme=other, kind=VehicleKind.CAR, name="Other scheme's car", seats=3),
    ]
    Vehicle.objects.bulk_create(vehicles)

    people = Person.objects.bulk_create(
        [
            Person(
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                team=team,
                postcode=postcodes[rng.choice(chosen)],
            )
            for _ in range(PASSENGERS)
        ]
    )
    passengers = Passenger.objects.bulk_create(
        [Passenger(person=person, notes_for_driver="Ring the bell twice.") for person in people]
    )
    SchemeEligibility.objects.bulk_create(
        [SchemeEligibility(passenger=p, scheme=scheme, is_eligible=True, assessed_on=day) for p in passengers]
    )
    PairingExclusion.objects.bulk_create(
        [
            PairingExclusion(driver=driver, passenger=rng.choice(passengers), reason="Asked")
            for driver in drivers
            if rng.random() < 0.25
        ]
    )
    trips = []
    for n in range(TRIPS):
        passenger = passengers[n % PASSENGERS]
        starts = at(day, 8) + timedelta(minutes=5 * rng.randrange(0, 120))
        trips.append(
            Trip(
                scheme=scheme,
                passenger=passenger,
                pickup_address=f"{n} Bench Road",
                pickup_postcode=rng.choice(chosen),
                destination="Lunch club",
                destination_postcode=rng.choice(chosen),
                pickup_at=starts,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=rng.choice([30, 45, 60, 90])),
                escorts=1 if rng.random() < 0.1 else 0,
                mobility_aid=rng.choice(AIDS),
                requested_via=Trip.RequestedVia.COORDINATOR,
                requested_by=coordinator,
            )
        )
    Trip.objects.bulk_create(trips)
    assign_some(rng, day, scheme)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return coordinator, scheme


def assign_some(rng: random.Random, day: date, scheme: Scheme) -> None:
    """Put about a third of the trips on runs with the real checks (each on the first driver
    suggested), so the runs the board shows break no rule and the clash checks have work to do."""
    trips = list(Trip.objects.filter(scheme=scheme).select_related("scheme"))
    plan = load_day_plan(
        day,
        drivers=Driver.objects.filter(is_active=True, schemes=scheme),
        vehicles=Vehicle.objects.filter(scheme=scheme),
        trips=trips,
    )
    with transaction.atomic():
        for trip in rng.sample(trips, int(len(trips) * ASSIGNED_SHARE)):
            found = suggest_for(trip, plan)
            if not found.suggested:
                continue
            choice = found.suggested[0]
            run, _ = Run.objects.get_or_create(driver=choice.driver, vehicle=choice.vehicle, on=day)
            trip.run, trip.status = run, Trip.Status.SCHEDULED
            trip.save(update_fields=["run", "status"])
            plan.on_runs.append(trip)


FLOOR_SQL = [
    # the board's trips, joined as day_board joins them
    """SELECT t.*, p.*, pe.*, r.*, d.*, u.*, v.* FROM transport_trip t
       JOIN transport_passenger p ON p.id = t.passenger_id LEFT JOIN people_person pe ON pe.id = p.person_id
       LEFT JOIN transport_run r ON r.id = t.run_id LEFT JOIN transport_driver d ON d.id = r.driver_id
       LEFT JOIN accounts_user u ON u.id = d.user_id LEFT JOIN transport_vehicle v ON v.id = r.vehicle_id
       WHERE t.scheme_id = %(scheme)s AND t.starts_at >= %(start)s AND t.starts_at < %(end)s""",
    # the drivers and what the checks read about them
    """SELECT d.*, u.*, pc.* FROM transport_driver d
       JOIN transport_driver_schemes ds ON ds.driver_id = d.id JOIN accounts_user u ON u.id = d.user_id
       LEFT JOIN places_postcode pc ON pc.postcode = d.home_postcode_id
       WHERE d.is_active AND ds.scheme_id = %(scheme)s""",
    "SELECT * FROM transport_driver_schemes",
    "SELECT * FROM transport_availability WHERE weekday = %(weekday)s",
    "SELECT * FROM transport_leave WHERE starts_on <= %(day)s AND ends_on >= %(day)s",
    "SELECT * FROM transport_compliancecheck ORDER BY expires_on DESC",
    "SELECT * FROM transport_pairingexclusion",
    "SELECT * FROM transport_vehicle WHERE scheme_id = %(scheme)s",
    """SELECT t.*, r.* FROM transport_trip t JOIN transport_run r ON r.id = t.run_id
       WHERE r."on" = %(day)s ORDER BY t.starts_at, t.id""",
    """SELECT * FROM places_postcode WHERE postcode IN (SELECT pickup_postcode FROM transport_trip
       WHERE scheme_id = %(scheme)s AND starts_at >= %(start)s AND starts_at < %(end)s)""",
]


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(round(len(ordered) * share)) - 1)]


def main() -> int:
    rng = random.Random(18)
    day = timezone.localdate() + timedelta(days=14)
    started = time.perf_counter()
    coordinator, scheme = build(rng, day)
    built = time.perf_counter() - started
    start, end = at(day, 0), at(day + timedelta(days=1), 0)
    params = {"scheme": scheme.pk, "day": day, "weekday": day.weekday(), "start": start, "end": end}

    def board():
        return plan_board(coordinator, scheme, day)

    def floor():
        with connection.cursor() as cursor:
            for sql in FLOOR_SQL:
                cursor.execute(sql, params)
                cursor.fetchall()

    names = ("board", "suggest", "total", "reasons", "floor")
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    suggested = left_out = 0
    for round_ in range(ROUNDS + 1):  # the first round warms up and is not counted
        marks = [(time.perf_counter(), time.process_time())]
        trips, plan = board()
        marks.append((time.perf_counter(), time.process_time()))
        found = [suggest_for(trip, plan) for trip in trips]
        marks.append((time.perf_counter(), time.process_time()))
        written = sum(len(left.reasons) for each in found for left in each.left_out)
        marks.append((time.perf_counter(), time.process_time()))
        floor()
        marks.append((time.perf_counter(), time.process_time()))
        if round_:
            for name, (start, end) in zip(names, [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4)], strict=True):
                times[name].append((marks[end][0] - marks[start][0]) * 1000)
                cpu[name].append((marks[end][1] - marks[start][1]) * 1000)
        suggested = sum(len(f.suggested) for f in found)
        left_out = sum(len(f.left_out) for f in found)

    on_runs = Trip.objects.filter(scheme=scheme, run__isnull=False).count()
    print(f"transport benchmark: {len(trips)} trips ({on_runs} on runs), {DRIVERS} drivers; {machine()}")
    print(
        f"built in {built:.1f} s; {suggested:,} suggestions; {left_out:,} drivers left out, "
        f"with {written:,} reasons"
    )
    print(f"{ROUNDS} rounds, ms                          wall p50 wall p95  CPU p50  CPU p95")
    for name, label in (
        ("board", "day board + day plan"),
        ("suggest", f"suggestions for all {len(trips)} trips"),
        ("total", "board + suggestions"),
        ("reasons", "then every left-out driver's reasons"),
        ("floor", "floor: raw SQL of the same rows"),
    ):
        print(
            f"  {label:<38} {percentile(times[name], 0.5):8.1f} {percentile(times[name], 0.95):8.1f} "
            f"{percentile(cpu[name], 0.5):8.1f} {percentile(cpu[name], 0.95):8.1f}"
        )
    met = percentile(times["total"], 0.95) < TARGET_MS
    print(f"  target: board + suggestions under {TARGET_MS} ms at p95 (wall): {'met' if met else 'NOT met'}")
    print(f"  load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
