"""Reads for neighbourhood teams: each measure's progress, and the survey's change after a year."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import Requester
from common.suppression import share
from places.models import Neighbourhood

from .models import Measure, NeighbourhoodTeam
from .permissions import may_change_team, may_create_team, may_see_teams

DEFAULT_QUESTIONS = [
    "I know my neighbours",
    "I feel I belong to this neighbourhood",
    "I know where to get help locally",
]


def teams_visible_to(user: Requester) -> QuerySet[NeighbourhoodTeam]:
    """Every neighbourhood team, with its neighbourhood, for someone on the staff side; none for a
    resident."""
    if not may_see_teams(user):
        return NeighbourhoodTeam.objects.none()
    return NeighbourhoodTeam.objects.select_related("neighbourhood")


def teams_of(user: Requester) -> QuerySet[NeighbourhoodTeam]:
    """The teams the user is a member of (to find their own first); none for a resident."""
    if not isinstance(user, User):
        return NeighbourhoodTeam.objects.none()
    return teams_visible_to(user).filter(memberships__user=user)


def areas_for_team(user: Requester, team: NeighbourhoodTeam | None = None) -> QuerySet[Neighbourhood]:
    """The areas a team may be set up for (a new one) or moved to (``team``): those without a team
    of their own, by name, and the team's own. None for someone who may not create or change it."""
    allowed = may_change_team(user, team) if team is not None else may_create_team(user)
    if not allowed:
        return Neighbourhood.objects.none()
    free = Neighbourhood.objects.filter(team__isnull=True)
    if team is not None:
        free = free | Neighbourhood.objects.filter(pk=team.neighbourhood_id)
    return free.order_by("name")


def progress(measure: Measure) -> dict[str, Any]:
    """The latest reading, and how far it has come from the baseline towards the target (%)."""
    readings = list(measure.readings.all())
    latest = readings[-1] if readings else None
    done = None
    if latest is not None and measure.target != measure.baseline:
        fraction = (latest.value - measure.baseline) / (measure.target - measure.baseline)
        done = (Decimal(100) * fraction).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return {"measure": measure, "readings": readings, "latest": latest, "done": done}


def survey_change(team: NeighbourhoodTeam) -> dict[str, Any] | None:
    """Each question asked in the first and the latest rounds, with the share agreeing in each and
    the change in percentage points. Shares resting on fewer than 5 people are suppressed."""
    rounds = list(team.survey_rounds.prefetch_related("results"))
    if len(rounds) < 2:
        return None
    first, latest = rounds[0], rounds[-1]
    before = {r.question: r.agreed for r in first.results.all()}
    rows = []
    for result in latest.results.all():
        if result.question not in before:
            continue
        a, b = share(before[result.question], first.respondents), share(result.agreed, latest.respondents)
        rows.append(
            {
                "question": result.question,
                "first": a,
                "latest": b,
                "change": None if a is None or b is None else b - a,
            }
        )
    return {"first": first, "latest": latest, "rows": rows}


def team_page(team: NeighbourhoodTeam) -> dict[str, Any]:
    """What the team's page shows: its members, its current priorities with each measure's
    progress, and the survey's change."""
    priorities = []
    for priority in team.priorities.filter(is_active=True).prefetch_related("measures__readings"):
        priorities.append({"priority": priority, "measures": [progress(m) for m in priority.measures.all()]})
    return {
        "members": team.memberships.select_related("user__organisation").order_by("user__full_name"),
        "priorities": priorities,
        "survey": survey_change(team),
    }


def survey_questions(team: NeighbourhoodTeam) -> list[str]:
    """The questions a new survey round asks: the team's first round's, so that rounds compare, or
    the usual three before any round is recorded."""
    first = team.survey_rounds.first()
    if first is None:
        return list(DEFAULT_QUESTIONS)
    return [result.question for result in first.results.all()]
