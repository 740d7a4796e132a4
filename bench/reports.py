"""Benchmark: the evaluation report over 100,000 people with 1,000,000 conversations and
introductions, on the demo district's real postcodes and deprivation deciles.

Times the report (every figure, as the page computes them, then rendered) and checks its headline
figures against the same numbers computed independently in SQL. Target: under 3 s on SQLite.
Run with `make bench`; BENCH_PEOPLE scales it down.
"""

import os
import random
import sys
import time
from datetime import date, timedelta

from _setup import ROOT, django_with_scratch_database, machine

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "100000"))
ROWS = PEOPLE * 10  # conversations, introductions and their steps together
BATCH = 5000

django_with_scratch_database()

from django.db import connection, transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

from accounts.models import Organisation, Team  # noqa: E402
from outcomes.forms import ReportForm  # noqa: E402
from outcomes.models import Instrument, OutcomeEvent, Response  # noqa: E402
from outcomes.report import Period, evaluation_report, report_charts  # noqa: E402
from people.models import Conversation, Introduction, IntroductionStep, Person  # noqa: E402
from places.models import Postcode  # noqa: E402
from places.services import import_imd, import_postcodes  # noqa: E402

PERIOD = Period(date(2026, 1, 1), date(2026, 12, 31))


def build(rng):
    started = time.perf_counter()
    import_postcodes(ROOT / "data" / "postcodes" / "trafford_postcodes.csv")
    import_imd(ROOT / "data" / "imd2019" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
    postcodes = list(Postcode.objects.filter(lsoa__isnull=False).values_list("pk", flat=True))
    team = Team.objects.create(
        organisation=Organisation.objects.create(name="Bench", kind="council"), name="Team"
    )
    ons4 = Instrument.objects.get(code="ons4")
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
        responses, events = [], []
        for person in rng.sample(people, PEOPLE // 5):
            for on in (date(2025, 10, 1), date(2026, 6, 1)):
                answers = {
                    "satisfied": rng.randrange(11),
                    "worthwhile": rng.randrange(11),
                    "happy": rng.randrange(11),
                    "anxious": rng.randrange(11),
                }
                responses.append(Response(person=person, instrument=ons4, on=on, answers=answers, scores={}))
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


def independent_figures():
    """The same headline numbers, in plain SQL on the same tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT l.imd_decile, COUNT(*) FROM people_person p
            JOIN places_postcode pc ON pc.postcode = p.postcode_id JOIN places_lsoa l ON l.code = pc.lsoa_id
            WHERE p.id IN (
                SELECT person_id FROM people_conversation WHERE happened_on BETWEEN %s AND %s
                UNION SELECT i.person_id FROM people_introduction i
                JOIN people_introductionstep s ON s.introduction_id = i.id WHERE s."on" BETWEEN %s AND %s)
            GROUP BY l.imd_decile
            """,
            [PERIOD.since, PERIOD.until, PERIOD.since, PERIOD.until],
        )
        deciles = {decile: n for decile, n in cursor.fetchall() if decile is not None}
        cursor.execute(
            """
            SELECT COUNT(*) FROM (
                SELECT person_id FROM people_conversation WHERE happened_on BETWEEN %s AND %s
                UNION SELECT i.person_id FROM people_introduction i
                JOIN people_introductionstep s ON s.introduction_id = i.id WHERE s."on" BETWEEN %s AND %s
            ) AS supported
            """,
            [PERIOD.since, PERIOD.until, PERIOD.since, PERIOD.until],
        )
        people = cursor.fetchone()[0]
        cursor.execute(
            'SELECT COUNT(*) FROM people_introductionstep WHERE status = %s AND "on" BETWEEN %s AND %s',
            ["went_along", PERIOD.since, PERIOD.until],
        )
        connections = cursor.fetchone()[0]
    return people, deciles, connections


def main():
    built = build(random.Random(3))
    started = time.perf_counter()
    report = evaluation_report(PERIOD)
    html = render_to_string(
        "outcomes/report.html",
        {
            **report,
            "form": ReportForm(),
            **report_charts(report),
            "pdf": False,
            "query": "",
        },
    )
    took = time.perf_counter() - started
    people, deciles, connections = independent_figures()
    known = sum(deciles.values())
    deprived = sum(n for d, n in deciles.items() if d <= 3)
    agree = (
        report["reach"]["people"] == people
        and {r["label"]: r["count"] for r in report["deciles"]}
        == {f"Decile {d}": deciles.get(d) for d in range(1, 11)}
        and float(report["reach"]["most_deprived_share"]) == round(100 * deprived / known, 1)
        and sum(r["count"] or 0 for r in report["connections"]) == connections
    )
    print(
        f"reports benchmark: {PEOPLE:,} people, {ROWS:,} conversations, introductions and steps; {machine()}"
    )
    print(f"built in {built:.1f} s")
    print(
        f"  evaluation report (figures and page, {len(html):,} characters): {took:.2f} s (target under 3 s)"
    )
    print(f"  figures agree with the independent SQL: {'yes' if agree else 'NO'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
