"""Administrators set up neighbourhood teams; team members change their team (name, area,
description, members), set its priorities and measures of success, record readings of the
measures and the results of their survey rounds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import AuditEvent, User, normalise_email
from accounts.permissions import is_staff_member
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal
from places.models import Neighbourhood

from .models import Measure, NeighbourhoodTeam, Priority, Reading, SurveyResult, SurveyRound, TeamMember
from .permissions import may_change_team, may_create_team, may_record_for_team


def _team_only(user: User, team: NeighbourhoodTeam) -> None:
    if not may_record_for_team(user, team):
        raise NotPermitted(f"Only members of {team} can do this.")


def _checked_team_details(
    name: str, neighbourhood: Neighbourhood | None, team: NeighbourhoodTeam | None = None
) -> tuple[str, Neighbourhood]:
    """The team's name, trimmed, and its area, once both are good for it (or for a new team)."""
    name = (name or "").strip()
    if not name:
        raise Refusal("Enter the team's name.", field="name")
    if neighbourhood is None:
        raise Refusal("Choose the area the team works.", field="neighbourhood")
    others = NeighbourhoodTeam.objects.exclude(pk=team.pk) if team else NeighbourhoodTeam.objects.all()
    if others.filter(neighbourhood=neighbourhood).exists():
        raise Refusal(f"{neighbourhood} already has a team.", field="neighbourhood")
    if others.filter(name__iexact=name).exists():
        raise Refusal(f"There is already a team called “{name}”.", field="name")
    return name, neighbourhood


@transaction.atomic
def create_team(
    user: User, *, neighbourhood: Neighbourhood | None, name: str, description: str = ""
) -> NeighbourhoodTeam:
    """A new neighbourhood team for an area that has none; its members are added next."""
    if not may_create_team(user):
        raise NotPermitted("Only administrators can set up a neighbourhood team.")
    name, area = _checked_team_details(name, neighbourhood)
    team = NeighbourhoodTeam.objects.create(
        neighbourhood=area, name=name, description=(description or "").strip()
    )
    record_audit_event(user, AuditEvent.Action.CREATE, team)
    return team


@transaction.atomic
def change_team(
    user: User,
    team: NeighbourhoodTeam,
    *,
    neighbourhood: Neighbourhood | None,
    name: str,
    description: str = "",
) -> NeighbourhoodTeam:
    """The team's name, area and description, as its members now have them."""
    if not may_change_team(user, team):
        raise NotPermitted(f"Only members of {team} can change it.")
    team.name, team.neighbourhood = _checked_team_details(name, neighbourhood, team)
    team.description = (description or "").strip()
    team.save(update_fields=["name", "neighbourhood", "description"])
    record_audit_event(user, AuditEvent.Action.UPDATE, team)
    return team


@transaction.atomic
def add_team_member(user: User, team: NeighbourhoodTeam, *, email: str, role: str = "") -> TeamMember:
    """Someone who works with Closeknit (any role but a resident) joins the team, found by the
    email address they sign in with; they can then record for it."""
    if not may_change_team(user, team):
        raise NotPermitted(f"Only members of {team} can add members to it.")
    joining = User.objects.filter(email=normalise_email(email), is_active=True).first()
    if joining is None or not is_staff_member(joining):
        raise Refusal(
            "No one working with Closeknit signs in with that email address. Check it, or ask an "
            "administrator to give them an account.",
            field="email",
        )
    if team.memberships.filter(user=joining).exists():
        raise Refusal(f"{joining.full_name or joining.email} is already on {team}.", field="email")
    membership = TeamMember.objects.create(team=team, user=joining, role=(role or "").strip())
    record_audit_event(user, AuditEvent.Action.CREATE, membership)
    return membership


@transaction.atomic
def remove_team_member(user: User, membership: TeamMember) -> None:
    """Someone leaves the team (the team keeps at least one member, so someone can still run it)."""
    team = membership.team
    if not may_change_team(user, team):
        raise NotPermitted(f"Only members of {team} can remove members from it.")
    if team.memberships.count() == 1:
        raise Refusal(f"{team} needs at least one member: add someone else first.")
    record_audit_event(user, AuditEvent.Action.DELETE, membership)
    membership.delete()


@transaction.atomic
def add_priority(user: User, team: NeighbourhoodTeam, *, title: str, why: str = "") -> Priority:
    """A new priority for the team, ranked after its current ones."""
    _team_only(user, team)
    title = (title or "").strip()
    if not title:
        raise Refusal("Enter the priority.", field="title")
    if team.priorities.filter(is_active=True, title__iexact=title).exists():
        raise Refusal(f"{team} already has the priority “{title}”.", field="title")
    last = team.priorities.filter(is_active=True).aggregate(last=Max("rank"))["last"] or 0
    return Priority.objects.create(team=team, title=title, why=(why or "").strip(), rank=last + 1)


@transaction.atomic
def change_priority(user: User, priority: Priority, *, title: str, why: str = "", rank: int) -> Priority:
    """A priority's wording, and its place among the team's current priorities (1 is the top):
    those between its old place and its new one move up or down one."""
    _team_only(user, priority.team)
    if not priority.is_active:
        raise Refusal(f"“{priority}” is set aside: it cannot be changed.")
    title = (title or "").strip()
    if not title:
        raise Refusal("Enter the priority.", field="title")
    others = list(
        priority.team.priorities.filter(is_active=True).exclude(pk=priority.pk).order_by("rank", "pk")
    )
    if any(other.title.lower() == title.lower() for other in others):
        raise Refusal(f"{priority.team} already has the priority “{title}”.", field="title")
    if not 1 <= rank <= len(others) + 1:
        raise Refusal(f"Give a place from 1 to {len(others) + 1}.", field="rank")
    priority.title, priority.why = title, (why or "").strip()
    others.insert(rank - 1, priority)
    for place, each in enumerate(others, 1):
        if each is priority:
            each.rank = place
            each.save(update_fields=["title", "why", "rank"])
        elif each.rank != place:
            each.rank = place
            each.save(update_fields=["rank"])
    return priority


@transaction.atomic
def set_aside_priority(user: User, priority: Priority) -> None:
    """A priority the team no longer works on: off the page and the report; its readings stay."""
    _team_only(user, priority.team)
    if not priority.is_active:
        raise Refusal(f"“{priority}” is already set aside.")
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
        raise Refusal(f"“{priority}” is set aside: it takes no new measures.")
    name = (name or "").strip()
    if not name:
        raise Refusal("Enter what is measured.", field="name")
    if priority.measures.filter(name__iexact=name).exists():
        raise Refusal(f"“{priority}” already has the measure “{name}”.", field="name")
    if target == baseline:
        raise Refusal("The target must differ from where it starts.", field="target")
    if target_by <= timezone.localdate():
        raise Refusal("The date to reach the target must be in the future.", field="target_by")
    return Measure.objects.create(
        priority=priority,
        name=name,
        unit=(unit or "").strip(),
        baseline=baseline,
        target=target,
        target_by=target_by,
    )


@transaction.atomic
def record_reading(user: User, measure: Measure, on: date, value: Decimal | None, note: str = "") -> Reading:
    """A reading of a measure on a day, which moves its progress towards the target."""
    _team_only(user, measure.priority.team)
    if on > timezone.localdate():
        raise Refusal("The date cannot be in the future.", field="on")
    if value is None:
        raise Refusal("Enter the reading.", field="value")
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
        raise Refusal("The date cannot be in the future.", field="held_on")
    if respondents < 1:
        raise Refusal("Enter how many people answered.", field="respondents")
    if not results:
        raise Refusal("Give at least one question's result.", field="results")
    for question, agreed in results.items():
        if agreed < 0 or agreed > respondents:
            raise Refusal(f"“{question}”: between 0 and {respondents} can have agreed.", field="results")
    survey_round = SurveyRound.objects.create(
        team=team, label=label.strip(), held_on=held_on, respondents=respondents
    )
    SurveyResult.objects.bulk_create(
        SurveyResult(survey_round=survey_round, question=q.strip(), agreed=a) for q, a in results.items()
    )
    return survey_round
