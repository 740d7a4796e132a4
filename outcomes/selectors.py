"""Figures for commissioners and evaluators: who is reached, by ward and by deprivation decile,
who introduced them, and how introductions are going. Aggregates only, and every count under 5
is suppressed (shown as "fewer than 5"), so no one can be picked out."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce

from accounts.permissions import Requester
from common.suppression import SUPPRESS_BELOW, share, shown
from people.models import CONNECTED, Introducer, Introduction, Person
from places.models import Neighbourhood, Ward

from .models import Agreement, Instrument, OutcomeEvent, Survey, UnitCost
from .permissions import may_see_reports

MOST_DEPRIVED = 3  # deciles 1 to 3: the 30% most deprived areas of England


def report_areas(user: Requester) -> QuerySet[Neighbourhood]:
    """The areas the evaluation report may be drawn for, by name, for someone who reads reports:
    every neighbourhood (the report holds only aggregates); none for anyone else."""
    if not may_see_reports(user):
        return Neighbourhood.objects.none()
    return Neighbourhood.objects.order_by("name")


def instruments_offered() -> QuerySet[Instrument]:
    """The questionnaires a person's outcomes page offers to record, by name."""
    return Instrument.objects.order_by("name")


def reach(
    people: QuerySet[Person] | None = None, introductions: QuerySet[Introduction] | None = None
) -> dict[str, Any]:
    """Everyone supported (erased records too: they were reached) by decile, ward, neighbourhood
    and introducer.

    The database counts the people once, grouped by decile, ward, LSOA and introducer (a few
    hundred groups however many people), so the query choosing them runs once and no person's row
    leaves it; each breakdown adds up those groups. ``introductions`` defaults to all of these
    people's."""
    people = Person.objects.all() if people is None else people
    groups = list(
        people.order_by()
        .values(
            area_decile=Coalesce(F("postcode__lsoa__imd_decile"), F("imd_decile_when_erased")),
            area_ward=Coalesce(F("postcode__ward"), F("ward_when_erased")),
            area_lsoa=F("postcode__lsoa"),
            introducer_kind=F("introduced_by"),
        )
        .annotate(n=Count("pk"))
    )
    total = 0
    by_decile: Counter[int] = Counter()
    by_ward: Counter[str] = Counter()
    introducers: Counter[str] = Counter()
    for group in groups:
        total += group["n"]
        if group["area_decile"] is not None:
            by_decile[group["area_decile"]] += group["n"]
        if group["area_ward"] is not None:
            by_ward[group["area_ward"]] += group["n"]
        introducers[group["introducer_kind"]] += group["n"]
    known = sum(by_decile.values())
    deprived = sum(n for decile, n in by_decile.items() if decile <= MOST_DEPRIVED)
    ward_names = dict(Ward.objects.filter(pk__in=by_ward).values_list("pk", "name"))
    wards = Counter({ward_names[code]: n for code, n in by_ward.items()})
    introductions = Introduction.objects.filter(person__in=people) if introductions is None else introductions
    made = introductions.count()
    working = introductions.filter(status__in=CONNECTED).count()
    return {
        "people": shown(total),
        "deciles": [
            {"decile": d, "label": f"Decile {d}", "count": shown(by_decile.get(d, 0))} for d in range(1, 11)
        ],
        "unknown_decile": shown(total - known),
        "most_deprived_share": share(deprived, known),
        "wards": [
            {"label": w, "count": shown(n)}
            for w, n in sorted(wards.items(), key=lambda item: (-item[1], item[0]))
        ],
        "neighbourhoods": _by_neighbourhood(groups),
        "introducers": [
            {"label": label, "count": shown(introducers.get(code, 0))} for code, label in Introducer.choices
        ],
        "introductions": shown(made),
        "still_working": shown(working),
        "still_working_share": share(working, made),
    }


def _by_neighbourhood(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """People in each neighbourhood (one of its wards or LSOAs), from the grouped counts.
    Neighbourhoods may overlap, so these need not add up to the whole."""
    rows = []
    for area in Neighbourhood.objects.prefetch_related("wards", "lsoas"):
        wards = {ward.pk for ward in area.wards.all()}
        lsoas = {lsoa.pk for lsoa in area.lsoas.all()}
        n = sum(g["n"] for g in groups if g["area_ward"] in wards or g["area_lsoa"] in lsoas)
        rows.append({"label": area.name, "count": shown(n)})
    return rows


METHOD = (
    "Estimated social value: for each kind of outcome, the number recorded in the period times a "
    "published unit cost for that outcome (the latest year loaded). It estimates the value to "
    "society of what changed. It is not cash saved by any budget, and should not be reported as such."
)


def social_value(events: QuerySet[OutcomeEvent] | None = None) -> dict[str, Any]:
    """Estimated value of outcome events by kind, with the method and the costs used. Kinds with
    fewer than 5 events are suppressed and left out of the total."""
    events = OutcomeEvent.objects.all() if events is None else events
    counts = dict(events.values_list("kind").annotate(n=Count("pk")))
    rows, total = [], Decimal("0")
    for kind, label in OutcomeEvent.Kind.choices:
        cost = UnitCost.objects.filter(outcome=kind).order_by("-year", "pk").first()
        count = counts.get(kind, 0)
        value = cost.value * count if cost and count >= SUPPRESS_BELOW else None
        if value is not None:
            total += value
        rows.append({"outcome": label, "count": shown(count), "cost": cost, "value": value})
    return {
        "rows": rows,
        "total": total,
        "method": METHOD,
        "uses_examples": UnitCost.objects.filter(is_example=True).exists(),
    }


def _of(part: int, whole: int) -> Decimal | None:
    """A share of answers, shown once at least 5 have answered."""
    if whole < SUPPRESS_BELOW:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def survey_results(survey: Survey) -> list[dict[str, Any]]:
    """For each statement: how many answered, and the share agreeing, neither, disagreeing.
    Shares are suppressed when fewer than 5 answered."""
    results = []
    for statement in survey.statements.all():
        counts = dict(statement.answers.values_list("agreement").annotate(n=Count("pk")))
        answered = sum(counts.values())
        agree = counts.get(Agreement.STRONGLY_AGREE, 0) + counts.get(Agreement.AGREE, 0)
        disagree = counts.get(Agreement.DISAGREE, 0) + counts.get(Agreement.STRONGLY_DISAGREE, 0)
        neither = counts.get(Agreement.NEITHER, 0)

        results.append(
            {
                "statement": statement.text,
                "answered": shown(answered),
                "agree": _of(agree, answered),
                "neither": _of(neither, answered),
                "disagree": _of(disagree, answered),
            }
        )
    return results


def survey_response_counts(survey: Survey) -> dict[str, int]:
    """How many partner organisations were invited to answer the survey, and how many have."""
    invitations = survey.invitations.all()
    return {"invited": invitations.count(), "answered": invitations.filter(answered_at__isnull=False).count()}
