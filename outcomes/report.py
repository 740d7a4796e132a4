"""The evaluation report a council can publish: for a period and an area (a neighbourhood, or the
whole district), who was reached, what changed, how wellbeing moved, how connections grew and how
the neighbourhood priorities are going. Aggregates only, every count under 5 suppressed."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from common.charts import bars
from common.money import pounds
from common.suppression import SUPPRESSED, WHY_SUPPRESSED, shown
from grants.award_selectors import reach_of_grants
from neighbourhoods.models import NeighbourhoodTeam
from neighbourhoods.selectors import progress
from people.models import Attendance, Conversation, Introduction, IntroductionStep, Person
from places.models import Neighbourhood
from transport.report_selectors import transport_reach

from .models import OutcomeEvent, Response
from .selectors import reach, social_value
from .wellbeing import wellbeing_change


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
    """People in the area with a conversation or an introduction step in the period. Asked as
    EXISTS for each person, which an index on (person, date) answers at once; a list of the
    period's activity (IN a subquery) would first gather and sort every id it holds."""
    talked = Conversation.objects.filter(
        person=OuterRef("pk"), happened_on__range=(period.since, period.until)
    )
    introduced = IntroductionStep.objects.filter(
        introduction__person=OuterRef("pk"), on__range=(period.since, period.until)
    )
    at_a_drop_in = Attendance.objects.filter(
        person=OuterRef("pk"), session__on__range=(period.since, period.until)
    )
    return people_in(period.area).filter(Exists(talked) | Exists(introduced) | Exists(at_a_drop_in))


def _of_people(rows, people, path: str):
    """Rows about these people; no filter at all when they are everyone (the whole district)."""
    if people.query.where:
        return rows.filter(**{f"{path}__in": people})
    return rows


def wellbeing(people, period: Period) -> list[dict]:
    """Each questionnaire answered in the period: first and latest answers of people in the area."""
    return wellbeing_change(_of_people(Response.objects.all(), people, "person"), period.since, period.until)


def connections(people, period: Period) -> list[dict]:
    """Introductions reaching "went along" (a connection made) each month of the period. The
    database counts them by day (at most 366 rows a year) and the days are put into months here,
    the same on every database."""
    days = (
        _of_people(
            IntroductionStep.objects.filter(status="went_along", on__range=(period.since, period.until)),
            people,
            "introduction__person",
        )
        .order_by()
        .values_list("on")
        .annotate(n=Count("pk"))
    )
    months = Counter()
    for day, n in days:
        months[day.replace(day=1)] += n
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


SUPPORTED_MEANS = (
    "People supported: everyone living in the area (or, once their record is erased, who lived "
    "there) who had a conversation, a step of an introduction or a visit to a drop-in recorded "
    "in the period. "
    "Introductions: those made in the period."
)


def reach_in(period: Period) -> dict:
    """Who was reached in the period and area: the reach page and the evaluation report both
    show these figures, so for the same period and area they always agree."""
    introductions = Introduction.objects.filter(made_on__range=(period.since, period.until))
    wards: list[str] | None = None
    lsoas: list[str] | None = None
    if period.area is not None:
        introductions = introductions.filter(person__in=people_in(period.area))
        wards = list(period.area.wards.values_list("pk", flat=True))
        lsoas = list(period.area.lsoas.values_list("pk", flat=True))
    figures = reach(supported(period), introductions=introductions)
    figures["transport"] = transport_reach(period.since, period.until, wards, lsoas)
    return figures


TRANSPORT_MEANS = (
    "Community transport: trips completed in the period by every scheme, picking up in the area, "
    "with the different passengers carried and the requests the schemes could not meet; by the "
    "ward and deprivation decile of the pick-up postcode."
)


GRANTS_MEANS = (
    "Small grants awarded in the period, by fund: how many, how much, the people their groups "
    "say they reached (each grant's latest monitoring return sent, which counts everyone so far), "
    "and how many listings in the directory they fund. In an area, the grants to groups whose "
    "postcode is in one of its wards. Grants and amounts are published for every grant (as in "
    "360Giving) and are not withheld; people reached are, under 5."
)


def grants_in(period: Period) -> list[dict]:
    """The small grants' reach by fund, people reached suppressed under 5 (grants and amounts are
    about organisations, published grant by grant anyway)."""
    wards = list(period.area.wards.values_list("pk", flat=True)) if period.area is not None else None
    return [
        {
            "fund": row.fund,
            "grants": row.grants,
            "amount": pounds(row.amount_pence),
            "people_reached": shown(row.people_reached),
            "listings": row.listings,
        }
        for row in reach_of_grants(period.since, period.until, wards)
    ]


def evaluation_report(period: Period) -> dict:
    """Reach counts the people supported in the period; the other sections count what happened in
    the period to people in the area, which needs no second pass over who was supported."""
    in_area = people_in(period.area)
    figures = reach_in(period)
    return {
        "period": period,
        "reach": figures,
        "deciles": figures["deciles"],
        "outcomes": outcome_counts(in_area, period),
        "wellbeing": wellbeing(in_area, period),
        "connections": connections(in_area, period),
        "priorities": priorities(period),
        "grants": grants_in(period),
        "social_value": social_value(
            _of_people(OutcomeEvent.objects.filter(on__range=(period.since, period.until)), in_area, "person")
        ),
    }


def report_charts(report: dict) -> dict:
    """The report's charts: bars drawn beside the tables that say the same."""
    return {
        "decile_chart": bars(report["deciles"]),
        "outcome_chart": bars(report["outcomes"]),
        "connection_chart": bars(report["connections"]),
        "wellbeing_sections": [
            section
            | {
                "chart_title": f"{section['instrument'].name}: {section['unit']} first and latest",
                "chart": bars(
                    [
                        {"label": f"{row['label']}: {when}", "count": row[when]}
                        for row in section["rows"]
                        for when in ("first", "latest")
                    ]
                ),
            }
            for section in report["wellbeing"]
        ],
        "priority_chart": bars(
            [{"label": row["measure"], "count": row["done"]} for row in report["priorities"]],
            missing="no reading yet",
        ),
    }


def report_rows(report: dict) -> list[tuple[str, str, str]]:
    """The report's figures as (section, measure, value) rows, for CSV."""
    suppressed = SUPPRESSED
    period = report["period"]
    rows: list[tuple[str, str, object]] = [
        ("About these figures", "From", period.since.isoformat()),
        ("About these figures", "To", period.until.isoformat()),
        ("About these figures", "Area", period.area_name),
        ("About these figures", "People supported", SUPPORTED_MEANS),
        ("About these figures", SUPPRESSED.capitalize(), WHY_SUPPRESSED),
        ("Reach", "People supported", report["reach"]["people"] or suppressed),
        (
            "Reach",
            "Share in the 30% most deprived areas (%)",
            report["reach"]["most_deprived_share"] or "suppressed",
        ),
    ]
    for section, key in [
        ("Reach by decile", "deciles"),
        ("Reach by ward", "wards"),
        ("Reach by neighbourhood", "neighbourhoods"),
        ("Reach by introducer", "introducers"),
    ]:
        rows += [
            (section, r["label"], r["count"] if r["count"] is not None else suppressed)
            for r in report["reach"][key]
        ]
    transport = report["reach"]["transport"]
    rows += [
        ("Community transport", "Trips completed", transport["completed"] or suppressed),
        ("Community transport", "Passengers carried", transport["passengers"] or suppressed),
        ("Community transport", "Unmet requests", transport["unmet"] or suppressed),
    ]
    for section, key, unknown in [
        ("Community transport trips by decile", "deciles", "unknown_decile"),
        ("Community transport trips by ward", "wards", "unknown_ward"),
    ]:
        rows += [
            (section, r["label"], r["count"] if r["count"] is not None else suppressed)
            for r in transport[key]
        ]
        rows.append(
            (section, "Not known", transport[unknown] if transport[unknown] is not None else suppressed)
        )
    for r in report["grants"]:
        section = f"Small grants: {r['fund']}"
        rows += [
            (section, "Grants awarded", r["grants"]),
            (section, "Amount awarded", r["amount"]),
            (
                section,
                "People reached",
                r["people_reached"] if r["people_reached"] is not None else suppressed,
            ),
            (section, "Directory listings funded", r["listings"]),
        ]
    rows += [
        ("Outcomes", r["label"], r["count"] if r["count"] is not None else suppressed)
        for r in report["outcomes"]
    ]
    rows += _social_value_rows(report["social_value"])
    for section in report["wellbeing"]:
        for r in section["rows"]:
            rows += [
                (
                    f"Wellbeing: {section['instrument'].name} ({section['unit']})",
                    f"{r['label']}: {when}",
                    r[when] if r[when] is not None else "suppressed",
                )
                for when in ("first", "latest")
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


def _social_value_rows(value: dict) -> list[tuple[str, str, object]]:
    """Social value for the CSV: each outcome's count, the unit cost used and the estimate, the
    total, and the method, so the figure is never read without what it is."""
    rows: list[tuple[str, str, object]] = []
    for row in value["rows"]:
        cost = row["cost"]
        rows += [
            (
                "Social value",
                f"{row['outcome']}: recorded",
                SUPPRESSED if row["count"] is None else row["count"],
            ),
            (
                "Social value",
                f"{row['outcome']}: unit cost used (£)",
                f"{cost.value} ({cost.year}): {cost.source}" if cost else "none loaded",
            ),
            (
                "Social value",
                f"{row['outcome']}: estimated value (£)",
                row["value"] if row["value"] is not None else "not estimated",
            ),
        ]
    rows += [
        ("Social value", "Total estimated value (£)", value["total"]),
        ("Social value", "Method", value["method"]),
    ]
    if value["uses_examples"]:
        rows.append(("Social value", "Warning", "These figures use invented example unit costs."))
    return rows
