"""Team members record readings of their measures and the results of their survey rounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User

from .models import Measure, NeighbourhoodTeam, Reading, SurveyResult, SurveyRound


def on_team(user: User, team: NeighbourhoodTeam) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return team.memberships.filter(user=user).exists()


def _team_only(user: User, team: NeighbourhoodTeam) -> None:
    if not on_team(user, team):
        raise ValidationError(f"Only members of {team} can do this.")


@transaction.atomic
def record_reading(user: User, measure: Measure, on: date, value: Decimal, note: str = "") -> Reading:
    _team_only(user, measure.priority.team)
    if on > timezone.localdate():
        raise ValidationError({"on": "The date cannot be in the future."})
    if value is None:
        raise ValidationError({"value": "Enter the reading."})
    return Reading.objects.create(
        measure=measure, on=on, value=value, note=(note or "").strip(), recorded_by=user
    )


@transaction.atomic
def record_survey_round(
    user: User,
    team: NeighbourhoodTeam,
    *,
    label: str,
    held_on: date,
    respondents: int,
    results: dict[str, int],
) -> SurveyRound:
    """A round of the neighbourhood survey: how many answered, and how many agreed with each question."""
    _team_only(user, team)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date cannot be in the future."})
    if respondents < 1:
        raise ValidationError({"respondents": "Enter how many people answered."})
    if not results:
        raise ValidationError({"results": "Give at least one question's result."})
    for question, agreed in results.items():
        if agreed < 0 or agreed > respondents:
            raise ValidationError({"results": f"“{question}”: between 0 and {respondents} can have agreed."})
    survey_round = SurveyRound.objects.create(
        team=team, label=label.strip(), held_on=held_on, respondents=respondents
    )
    SurveyResult.objects.bulk_create(
        SurveyResult(survey_round=survey_round, question=q.strip(), agreed=a) for q, a in results.items()
    )
    return survey_round
