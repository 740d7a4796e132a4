"""Team members set their priorities and measures of success, record readings of the measures
and the results of their survey rounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User

from .models import Measure, NeighbourhoodTeam, Priority, Reading, SurveyResult, SurveyRound


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
def add_priority(user: User, team: NeighbourhoodTeam, *, title: str, why: str = "") -> Priority:
    """A new priority for the team, ranked after its current ones."""
    _team_only(user, team)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Enter the priority."})
    if team.priorities.filter(is_active=True, title__iexact=title).exists():
        raise ValidationError({"title": f"{team} already has the priority “{title}”."})
    last = team.priorities.filter(is_active=True).aggregate(last=Max("rank"))["last"] or 0
    return Priority.objects.create(team=team, title=title, why=(why or "").strip(), rank=last + 1)


@transaction.atomic
def set_aside_priority(user: User, priority: Priority) -> None:
    """A priority the team no longer works on: off the page and the report; its readings stay."""
    _team_only(user, priority.team)
    if not priority.is_active:
        raise ValidationError(f"“{priority}” is already set aside.")
    priority.is_active = False
    priority.save(update_fields=["is_active"])
    for rank, other in enumerate(priority.team.priorities.filter(is_active=True).order_by("rank", "pk"), 1):
        if other.rank != rank:
            other.rank = rank
            other.save(update_fields=["rank"])


@transaction.atomic
def add_measure(
    user: User,
    priority: Priority,
    *,
    name: str,
    baseline: Decimal,
    target: Decimal,
    target_by: date,
    unit: str = "",
) -> Measure:
    """A measure of success: where it starts, where the team aims, and by when."""
    _team_only(user, priority.team)
    if not priority.is_active:
        raise ValidationError(f"“{priority}” is set aside: it takes no new measures.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter what is measured."})
    if priority.measures.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"“{priority}” already has the measure “{name}”."})
    if target == baseline:
        raise ValidationError({"target": "The target must differ from where it starts."})
    if target_by <= timezone.localdate():
        raise ValidationError({"target_by": "The date to reach the target must be in the future."})
    return Measure.objects.create(
        priority=priority,
        name=name,
        unit=(unit or "").strip(),
        baseline=baseline,
        target=target,
        target_by=target_by,
    )


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
