"""Neighbourhood team pages: anyone on the staff side reads them; team members record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from common.pages import act, bind, form_page

from . import forms, selectors, services
from .models import Measure, NeighbourhoodTeam, Priority, TeamMember
from .permissions import may_change_team, may_create_team, may_record_for_team, may_see_teams


def _staff(request: HttpRequest) -> None:
    if not may_see_teams(request.user):
        raise PermissionDenied


def _member_of(request: HttpRequest, team: NeighbourhoodTeam) -> None:
    if not may_record_for_team(request.user, team):
        raise PermissionDenied


def _team_url(team_id: int) -> str:
    return reverse("neighbourhoods:team", args=[team_id])


def _form_page(
    request: HttpRequest,
    form: BaseForm,
    team: NeighbourhoodTeam,
    title: str,
    *,
    action: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """A team's form page: back to the team's page, saying so, once the service has said yes."""
    return form_page(
        request,
        form,
        action=action,
        template="neighbourhoods/form.html",
        context={"team": team, "title": title},
        success=success,
        next_url=_team_url(team.pk),
    )


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(
        request,
        "neighbourhoods/list.html",
        {
            "teams": selectors.teams_visible_to(request.user),
            "yours": selectors.teams_of(request.user),
            "may_create": may_create_team(request.user),
        },
    )


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    found = get_object_or_404(selectors.teams_visible_to(request.user), pk=pk)
    return render(
        request,
        "neighbourhoods/team.html",
        {
            "team": found,
            **selectors.team_page(found),
            "on_team": may_record_for_team(request.user, found),
            "may_change": may_change_team(request.user, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_team(request: HttpRequest) -> HttpResponse:
    """An administrator sets up a team for an area that has none."""
    if not may_create_team(request.user):
        raise PermissionDenied
    return form_page(
        request,
        bind(request, forms.TeamForm, areas=selectors.areas_for_team(request.user)),
        action=lambda data: services.create_team(request.user, **data),
        template="neighbourhoods/new_team.html",
        context={"title": "Set up a neighbourhood team", "submit": "Set up the team"},
        success=lambda created: f"{created} is set up. Add its members next.",
        next_url=lambda created: reverse("neighbourhoods:add_member", args=[created.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_team(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(NeighbourhoodTeam, pk=pk)
    if not may_change_team(request.user, found):
        raise PermissionDenied
    initial = {"name": found.name, "neighbourhood": found.neighbourhood_id, "description": found.description}
    form = bind(request, forms.TeamForm, areas=selectors.areas_for_team(request.user, found), initial=initial)
    return _form_page(
        request,
        form,
        found,
        f"Change {found.name}",
        action=lambda data: services.change_team(request.user, found, **data),
        success="The team's details are saved.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(NeighbourhoodTeam, pk=pk)
    if not may_change_team(request.user, found):
        raise PermissionDenied
    return _form_page(
        request,
        bind(request, forms.MemberForm),
        found,
        f"Add a member to {found.name}",
        action=lambda data: services.add_team_member(request.user, found, **data),
        success=lambda membership: f"{membership.user.full_name} is on the team.",
    )


@login_required
@require_http_methods(["POST"])
def remove_member(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(TeamMember.objects.select_related("team", "user"), pk=pk)
    if not may_change_team(request.user, membership.team):
        raise PermissionDenied
    return act(
        request,
        lambda: services.remove_team_member(request.user, membership),
        success=f"{membership.user.full_name} is no longer on the team.",
        next_url=_team_url(membership.team_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_priority(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(NeighbourhoodTeam, pk=pk)
    _member_of(request, found)
    return _form_page(
        request,
        bind(request, forms.PriorityForm),
        found,
        "Add a priority",
        action=lambda data: services.add_priority(request.user, found, **data),
        success="The priority is added.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_priority(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_object_or_404(Priority.objects.select_related("team"), pk=pk, is_active=True)
    _member_of(request, priority.team)
    initial = {"title": priority.title, "why": priority.why, "rank": priority.rank}
    return _form_page(
        request,
        bind(request, forms.PriorityChangeForm, initial=initial),
        priority.team,
        f"Change the priority: {priority}",
        action=lambda data: services.change_priority(request.user, priority, **data),
        success="The priority is saved.",
    )


@login_required
@require_http_methods(["POST"])
def set_aside_priority(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_object_or_404(Priority.objects.select_related("team"), pk=pk)
    _member_of(request, priority.team)
    return act(
        request,
        lambda: services.set_aside_priority(request.user, priority),
        success=f"“{priority}” is set aside. Its readings are kept.",
        next_url=_team_url(priority.team_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_measure(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_object_or_404(Priority.objects.select_related("team"), pk=pk)
    _member_of(request, priority.team)
    return _form_page(
        request,
        bind(request, forms.MeasureForm),
        priority.team,
        f"Add a measure of success: {priority}",
        action=lambda data: services.add_measure(request.user, priority, **data),
        success="The measure is added.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def reading(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("priority__team"), pk=pk)
    _member_of(request, measure.priority.team)
    return _form_page(
        request,
        bind(request, forms.ReadingForm),
        measure.priority.team,
        f"Record a reading: {measure}",
        action=lambda data: services.record_reading(request.user, measure, **data),
        success="The reading is recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_round(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(NeighbourhoodTeam, pk=pk)
    _member_of(request, found)
    form = bind(request, forms.SurveyRoundForm, questions=selectors.survey_questions(found))
    return _form_page(
        request,
        form,
        found,
        "Record a survey round",
        action=lambda data: services.record_survey_round(
            request.user,
            found,
            label=data["label"],
            held_on=data["held_on"],
            respondents=data["respondents"],
            results=form.results(),
        ),
        success="The survey round is recorded.",
    )
