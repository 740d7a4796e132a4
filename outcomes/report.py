"""The evaluation report a council can publish: for a period and an area (a neighbourhood, or the
whole district), who was reached, what changed, how wellbeing moved, how connections grew and how
the neighbourhood priorities are going. Aggregates only, every count under 5 suppressed."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from closeknit.charts import bars
from closeknit.suppression import SUPPRESS_BELOW, shown
from neighbourhoods.models import NeighbourhoodTeam
from neighbourhoods.selectors import progress
from people.models import Conversation, Introduction, IntroductionStep, Person
from places.models import Neighbourhood

from .models import OutcomeEvent, Response
from .selectors import reach


@dataclass(frozen=True)
class Period:
    since: date
    until: date
    area: Neighbourhood | None = None

    @property
    def area_name(self) -> str:
        return str(self.area) if self.area else "the whole district"


def people_in(area: Neighbourhood | None):
    """Everyone on record who lives (or, once erased, lived) in the area."""
    people = Person.objects.all()
    if area is None:
        return people
    wards = list(area.wards.values_list("pk", flat=True))
    lsoas = list(area.lsoas.values_list("pk", flat=True))
    return people.filter(
        Q(postcode__ward__in=wards) | Q(postcode__lsoa__in=lsoas) | Q(ward_when_erased__in=wards)
    )


def supported(period: Period):
    """People in the area with a conversation or an introduction step in the period. Written as
    IN (subquery) rather than EXISTS, so the database lists those people once, not once a person."""
    talked = Conversation.objects.filter(happened_on__range=(period.since, period.until)).values("person_id")
    introduced = IntroductionStep.objects.filter(on__range=(period.since, period.until)).values(
        "introduction__person_id"
    )
    return people_in(period.area).filter(Q(pk__in=talked) | Q(pk__in=introduced))


def _of_people(rows, people, path: str):
    """Rows about these people; no filter at all when they are everyone (the whole district)."""
    if people.query.where:
        return rows.filter(**{f"{path}__in": people})
    return rows


def _mean(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def wellbeing(people, period: Period) -> list[dict]:
    """ONS4: each item's mean at people's first response and at their latest (in the period), for
    people who answered at least twice. Suppressed when fewer than 5 people."""
    firsts, lasts = {}, {}
    rows = (
        _of_people(Response.objects.filter(instrument__code="ons4", on__lte=period.until), people, "person")
        .order_by("person_id", "on", "pk")
        .values_list("person_id", "on", "answers")
    )
    for person_id, on, answers in rows.iterator(chunk_size=5000):
        firsts.setdefault(person_id, (on, answers))
        if on >= period.since:
            lasts[person_id] = (on, answers)
    # A pair is a person's first answers and their latest in the period, given on a later day.
    pairs = [(firsts[p][1], answers) for p, (on, answers) in lasts.items() if on > firsts[p][0]]
    items = [
        ("satisfied", "Life satisfaction", True),
        ("worthwhile", "Worthwhile", True),
        ("happy", "Happiness", True),
        ("anxious", "Anxiety", False),
    ]
    if len(pairs) < SUPPRESS_BELOW:
        return [
            {"label": label, "people": None, "first": None, "latest": None, "change": None}
            for _, label, _ in items
        ]
    result = []
    for code, label, higher_is_better in items:
        first, latest = _mean([f[code] for f, _ in pairs]), _mean([a[code] for _, a in pairs])
        result.append(
            {
                "label": label,
                "people": len(pairs),
                "first": first,
                "latest": latest,
                "change": latest - first,
                "better": (latest > first) == higher_is_better if latest != first else None,
            }
        )
    return result


def connections(people, period: Period) -> list[dict]:
    """Introductions reaching "went along" (a connection made) each month of the period. Counted by
    month here: SQLite truncates dates to months in Python, one call a row, which is far slower."""
    days = _of_people(
        IntroductionStep.objects.filter(status="went_along", on__range=(period.since, period.until)),
        people,
        "introduction__person",
    ).values_list("on", flat=True)
    months = Counter(day.replace(day=1) for day in days.iterator(chunk_size=10000))
    return [{"label": f"{month:%b %Y}", "count": shown(months[month])} for month in sorted(months)]


def outcome_counts(people, period: Period) -> list[dict]:
    counts = defaultdict(int)
    for kind, n in (
        _of_people(OutcomeEvent.objects.filter(on__range=(period.since, period.until)), people, "person")
        .values_list("kind")
        .annotate(n=Count("pk"))
    ):
        counts[kind] = n
    return [{"label": label, "count": shown(counts[kind])} for kind, label in OutcomeEvent.Kind.choices]


def priorities(period: Period) -> list[dict]:
    teams = NeighbourhoodTeam.objects.all()
    if period.area is not None:
        teams = teams.filter(neighbourhood=period.area)
    rows = []
    for team in teams.prefetch_related("priorities__measures__readings"):
        for priority in team.priorities.filter(is_active=True):
            for measure in priority.measures.all():
                p = progress(measure)
                rows.append(
                    {
                        "team": team.name,
                        "priority": priority.title,
                        "measure": measure.name,
                        "baseline": measure.baseline,
                        "target": measure.target,
                        "latest": p["latest"].value if p["latest"] else None,
                        "done": p["done"],
                    }
                )
    return rows


def evaluation_report(period: Period) -> dict:
    """Reach counts the people supported in the period; the other sections count what happened in
    the period to people in the area, which needs no second pass over who was supported."""
    in_area = people_in(period.area)
    introductions = Introduction.objects.filter(made_on__range=(period.since, period.until))
    if period.area is not None:
        introductions = introductions.filter(person__in=in_area)
    figures = reach(supported(period), introductions=introductions)
    return {
        "period": period,
        "reach": figures,
        "deciles": [
            {"label": f"Decile {row['decile']}", "count": row["people"]} for row in figures["deciles"]
        ],
        "outcomes": outcome_counts(in_area, period),
        "wellbeing": wellbeing(in_area, period),
        "connections": connections(in_area, period),
        "priorities": priorities(period),
    }


def report_charts(report: dict) -> dict:
    """The report's charts: bars drawn beside the tables that say the same."""
    wellbeing_rows = [
        {"label": f"{row['label']}: {when}", "count": row[when]}
        for row in report["wellbeing"]
        for when in ("first", "latest")
    ]
    return {
        "decile_chart": bars(report["deciles"]),
        "outcome_chart": bars(report["outcomes"]),
        "connection_chart": bars(report["connections"]),
        "wellbeing_chart": bars(wellbeing_rows),
        "priority_chart": bars(
            [{"label": row["measure"][:24], "count": row["done"]} for row in report["priorities"]]
        ),
    }


def report_rows(report: dict) -> list[tuple[str, str, str]]:
    """The report's figures as (section, measure, value) rows, for CSV."""
    suppressed = "fewer than 5"
    rows = [
        ("Reach", "People supported", report["reach"]["people"] or suppressed),
        (
            "Reach",
            "Share in the 30% most deprived areas (%)",
            report["reach"]["most_deprived_share"] or "suppressed",
        ),
    ]
    rows += [
        ("Reach by decile", r["label"], r["count"] if r["count"] is not None else suppressed)
        for r in report["deciles"]
    ]
    rows += [
        ("Outcomes", r["label"], r["count"] if r["count"] is not None else suppressed)
        for r in report["outcomes"]
    ]
    for r in report["wellbeing"]:
        rows += [
            (
                "Wellbeing (ONS4 mean)",
                f"{r['label']}: first",
                r["first"] if r["first"] is not None else "suppressed",
            ),
            (
                "Wellbeing (ONS4 mean)",
                f"{r['label']}: latest",
                r["latest"] if r["latest"] is not None else "suppressed",
            ),
        ]
    rows += [
        ("Connections made", r["label"], r["count"] if r["count"] is not None else suppressed)
        for r in report["connections"]
    ]
    rows += [
        (
            "Priorities",
            f"{r['priority']}: {r['measure']}",
            r["latest"] if r["latest"] is not None else "no reading",
        )
        for r in report["priorities"]
    ]
    return [(a, b, str(c)) for a, b, c in rows]
