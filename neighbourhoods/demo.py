"""A demo neighbourhood team with its top priorities, measures and readings, and a survey asked at
a baseline and after 12 months. Invented and marked by the demo organisations' names."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import Role, User
from places.models import Neighbourhood

from .models import Measure, NeighbourhoodTeam, Priority, Reading, SurveyResult, SurveyRound, TeamMember

PRIORITIES = [
    (
        "Fuel poverty",
        "Cold homes and high bills came up at every door.",
        "Homes helped with energy bills",
        "homes",
        0,
        120,
    ),
    (
        "Falls prevention",
        "Falls are the biggest reason older neighbours go into hospital.",
        "Falls reported a month",
        "falls",
        40,
        25,
    ),
    (
        "Self-neglect",
        "Neighbours worried about people living alone.",
        "People with a regular visitor",
        "people",
        15,
        60,
    ),
    (
        "Getting to know each other",
        "People said they did not know who lived nearby.",
        "Street get-togethers held",
        "events",
        0,
        24,
    ),
]


@transaction.atomic
def create_demo_neighbourhood_team() -> int:
    neighbourhood = Neighbourhood.objects.order_by("name").first()
    if neighbourhood is None:
        return 0
    today = timezone.localdate()
    team = NeighbourhoodTeam.objects.create(
        neighbourhood=neighbourhood,
        name=f"{neighbourhood} neighbourhood team (demo)",
        description="GP practice, council, NHS community services and local groups working as one team.",
    )
    for user, role in [
        (User.objects.filter(is_demo=True, role=Role.COORDINATOR).first(), "Local Area Coordinator"),
        (User.objects.filter(is_demo=True, role=Role.LINK_WORKER).first(), "Social prescribing link worker"),
        (User.objects.filter(is_demo=True, email=demo_email("editor")).first(), "Community group"),
    ]:
        if user is not None:
            TeamMember.objects.create(team=team, user=user, role=role)
    for rank, (title, why, name, unit, baseline, target) in enumerate(PRIORITIES, start=1):
        priority = Priority.objects.create(team=team, title=title, why=why, rank=rank)
        measure = Measure.objects.create(
            priority=priority,
            name=name,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            target_by=date(today.year + 1, 12, 31),
        )
        for months in (9, 6, 3):
            step = Decimal(target - baseline) * Decimal(10 - months) / 20
            Reading.objects.create(
                measure=measure,
                on=today - timedelta(days=30 * months),
                value=(Decimal(baseline) + step).quantize(Decimal("1")),
            )
    for label, held_on, respondents, results in [
        (
            "Baseline",
            today - timedelta(days=380),
            84,
            {
                "I know my neighbours": 29,
                "I feel I belong to this neighbourhood": 38,
                "I know where to get help locally": 21,
            },
        ),
        (
            "After 12 months",
            today - timedelta(days=15),
            91,
            {
                "I know my neighbours": 47,
                "I feel I belong to this neighbourhood": 52,
                "I know where to get help locally": 49,
            },
        ),
    ]:
        survey_round = SurveyRound.objects.create(
            team=team, label=label, held_on=held_on, respondents=respondents
        )
        for question, agreed in results.items():
            SurveyResult.objects.create(survey_round=survey_round, question=question, agreed=agreed)
    return 1
