"""Benchmark: the evaluation report over 100,000 people with 1,000,000 conversations and
introductions, on the demo district's real postcodes and deprivation deciles.

Times the report (every figure, as the page computes them, then rendered) and checks its headline
figures (people supported, by decile and by neighbourhood, connections made, ONS4 life
satisfaction first and latest) against the same numbers computed independently, in plain SQL and
Python. Target: under 3 s on SQLite.
Run with `make bench`; BENCH_PEOPLE scales it down.
"""

import json
import os
import random
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from datetime import time as dt_time
from decimal import ROUND_HALF_UP, Decimal

from _setup import ROOT, django_with_scratch_database, machine

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
ROWS = PEOPLE * 10  # conversations, introductions and their steps together
BATCH = 5000
RUNS = 3  # the first includes compiling the page's templates

django_with_scratch_database()

from django.db import connection, transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

from accounts.models import Organisation, Team  # noqa: E402
from outcomes.forms import ReportForm  # noqa: E402
from outcomes.models import Instrument, OutcomeEvent, Response  # noqa: E402
from outcomes.report import Period, evaluation_report, report_charts  # noqa: E402
from outcomes.scoring import score  # noqa: E402
from people.models import (  # noqa: E402
    Attendance,
    Conversation,
    DropInSession,
    Introduction,
    IntroductionStep,
    Person,
)
from places.models import Neighbourhood, Postcode  # noqa: E402
from places.services import import_imd, import_neighbourhoods, import_postcodes  # noqa: E402

PERIOD = Period(date(2026, 1, 1), date(2026, 12, 31))


def build(rng):
    started = time.perf_counter()
    import_postcodes(ROOT / "data" / "postcodes" / "trafford_postcodes.csv")
    import_imd(ROOT / "data" / "imd2019" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
    # Trafford's four localities, by ward, as the demo district has them.
    import_neighbourhoods(
        ROOT / "data" / "postcodes" / "trafford_postcodes.csv",
        name_column="locality",
        area_column="ward_code",
    )
    postcodes = list(Postcode.objects.filter(lsoa__isnull=False).values_list("pk", flat=True))
    team = Team.objects.create(
        organisation=Organisation.objects.create(name="Bench", kind="council"), name="Team"
    )
    ons4 = Instrument.objects.prefetch_related("items").get(code="ons4")
    with transaction.atomic():
        people = Person.objects.bulk_create(
            [
                Person(full_name=f"Person {n}", team=team, postcode_id=rng.choice(postcodes))
                for n in range(PEOPLE)
            ],
            batch_size=BATCH,
        )
        conversations, introductions = [], []
        for _ in range(ROWS // 2):
            person = rng.choice(people)
            conversations.append(
                Conversation(
                    person=person,
                    happened_on=date(2025, 7, 1) + timedelta(days=rng.randrange(540)),
                    kind="visit",
                    notes="Talked",
                )
            )
        Conversation.objects.bulk_create(conversations, batch_size=BATCH)
        for _ in range(ROWS // 4):
            introductions.append(
                Introduction(person=rng.choice(people), elsewhere="Group", status="went_along")
            )
        Introduction.objects.bulk_create(introductions, batch_size=BATCH)
        IntroductionStep.objects.bulk_create(
            [
                IntroductionStep(
                    introduction=i,
                    status="went_along",
                    on=date(2025, 7, 1) + timedelta(days=rng.randrange(540)),
                )
                for i in introductions
            ],
            batch_size=BATCH,
        )
        # Drop-ins: one a day-ish across the 18 months, each seen by 50 people (PEOPLE visits).
        sessions = DropInSession.objects.bulk_create(
            [
                DropInSession(
                    team=team,
                    title="Drop-in",
                    place="Library",
                    on=date(2025, 7, 1) + timedelta(days=rng.randrange(540)),
                    starts_at=dt_time(10),
                    ends_at=dt_time(12),
                )
                for _ in range(PEOPLE // 50)
            ],
            batch_size=BATCH,
        )
        Attendance.objects.bulk_create(
            [
                Attendance(session=session, person=person)
                for session in sessions
                for person in rng.sample(people, 50)
            ],
            batch_size=BATCH,
        )
        responses, events = [], []
        for person in rng.sample(people, PEOPLE // 5):
            for on in (date(2025, 10, 1), date(2026, 6, 1)):
                answers = {
                    "satisfied": rng.randrange(11),
                    "worthwhile": rng.randrange(11),
                    "happy": rng.randrange(11),
                    "anxious": rng.randrange(11),
                }
                responses.append(
                    Response(
                        person=person, instrument=ons4, on=on, answers=answers, scores=score(ons4, answers)
                    )
                )
            events.append(
                OutcomeEvent(
                    person=person,
                    kind=rng.choice(OutcomeEvent.Kind.values),
                    on=date(2026, 5, 1),
                    evidence="x",
                )
            )
        Response.objects.bulk_create(responses, batch_size=BATCH)
        OutcomeEvent.objects.bulk_create(events, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


SUPPORTED = """
    SELECT person_id FROM people_conversation WHERE happened_on BETWEEN %s AND %s
    UNION SELECT i.person_id FROM people_introduction i
    JOIN people_introductionstep s ON s.introduction_id = i.id WHERE s."on" BETWEEN %s AND %s
    UNION SELECT a.person_id FROM people_attendance a
    JOIN people_dropinsession d ON d.id = a.session_id
    WHERE a.person_id IS NOT NULL AND d."on" BETWEEN %s AND %s
"""


def independent_figures():
    """The same headline numbers, in plain SQL on the same tables (and Python for wellbeing)."""
    period = [PERIOD.since, PERIOD.until] * 3
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT l.imd_decile, COUNT(*) FROM people_person p
            JOIN places_postcode pc ON pc.postcode = p.postcode_id JOIN places_lsoa l ON l.code = pc.lsoa_id
            WHERE p.id IN ({SUPPORTED}) GROUP BY l.imd_decile
            """,
            period,
        )
        deciles = {decile: n for decile, n in cursor.fetchall() if decile is not None}
        cursor.execute(f"SELECT COUNT(*) FROM ({SUPPORTED}) AS supported", period)
        people = cursor.fetchone()[0]
        cursor.execute(
            f"""
            SELECT n.name, COUNT(*) FROM places_neighbourhood n
            JOIN places_neighbourhood_wards nw ON nw.neighbourhood_id = n.id
            JOIN places_postcode pc ON pc.ward_id = nw.ward_id
            JOIN people_person p ON p.postcode_id = pc.postcode
            WHERE p.id IN ({SUPPORTED}) GROUP BY n.name
            """,
            period,
        )
        neighbourhoods = dict(cursor.fetchall())
        cursor.execute(
            'SELECT COUNT(*) FROM people_introductionstep WHERE status = %s AND "on" BETWEEN %s AND %s',
            ["went_along", PERIOD.since, PERIOD.until],
        )
        connections = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT r.person_id, r."on", r.id, r.answers FROM outcomes_response r
            JOIN outcomes_instrument i ON i.id = r.instrument_id WHERE i.code = 'ons4' AND r."on" <= %s
            """,
            [PERIOD.until],
        )
        answers = cursor.fetchall()
    return people, deciles, neighbourhoods, connections, life_satisfaction(answers)


def life_satisfaction(rows) -> tuple[Decimal, Decimal] | None:
    """Mean life satisfaction at first and latest answers, worked out from every answer given."""
    by_person = defaultdict(list)
    for person, on, pk, answers in rows:
        answers = json.loads(answers) if isinstance(answers, str) else answers
        by_person[person].append((str(on), pk, answers["satisfied"]))
    pairs = []
    for given in by_person.values():
        given.sort()
        (first_on, _, first), (latest_on, _, latest) = given[0], given[-1]
        if latest_on >= str(PERIOD.since) and latest_on > first_on:
            pairs.append((first, latest))
    if not pairs:
        return None
    tenth = Decimal("0.1")
    return tuple(
        (Decimal(sum(p[side] for p in pairs)) / len(pairs)).quantize(tenth, rounding=ROUND_HALF_UP)
        for side in (0, 1)
    )


def sql_floor() -> tuple[float, int]:
    """The floor: the report's own SQL statements, captured from one run and run again on a bare
    cursor (no ORM, no Python counting, no page): what the database alone takes."""
    statements = []

    def capture(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        evaluation_report(PERIOD)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()
    return time.perf_counter() - started, len(statements)


def main():
    built = build(random.Random(3))
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        report = evaluation_report(PERIOD)
        html = render_to_string(
            "outcomes/report.html",
            {
                **report,
                "form": ReportForm(areas=Neighbourhood.objects.order_by("name")),
                **report_charts(report),
                "pdf": False,
                "query": "",
            },
        )
        times.append(time.perf_counter() - started)
    floor, statements = sql_floor()
    people, deciles, neighbourhoods, connections, satisfaction = independent_figures()
    known = sum(deciles.values())
    deprived = sum(n for d, n in deciles.items() if d <= 3)
    (ons4,) = [s for s in report["wellbeing"] if s["instrument"].code == "ons4"]
    satisfied = ons4["rows"][0]
    agree = {
        "people supported": report["reach"]["people"] == people,
        "by decile": {r["label"]: r["count"] for r in report["deciles"]}
        == {f"Decile {d}": deciles.get(d) for d in range(1, 11)},
        "most deprived share": float(report["reach"]["most_deprived_share"])
        == round(100 * deprived / known, 1),
        "by neighbourhood": {r["label"]: r["count"] for r in report["reach"]["neighbourhoods"]}
        == neighbourhoods,
        "connections": sum(r["count"] or 0 for r in report["connections"]) == connections,
        "life satisfaction": (satisfied["first"], satisfied["latest"]) == satisfaction,
    }
    print(
        f"reports benchmark: {PEOPLE:,} people, {ROWS:,} conversations, introductions and steps; {machine()}"
    )
    print(f"built in {built:.1f} s")
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(
        f"  evaluation report (figures and page, {len(html):,} characters): slowest {max(times):.2f} s "
        f"of {RUNS} runs ({runs} s; target under 3 s)"
    )
    disagree = [name for name, same in agree.items() if not same]
    print(f"  floor: the report's {statements} SQL statements alone, on a bare cursor: {floor:.2f} s")
    verdict = "NO: " + ", ".join(disagree) if disagree else "yes"
    print(f"  figures agree with the independent computation: {verdict}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
