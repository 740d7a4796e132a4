"""Neighbourhood team pages: anyone on the staff side reads them; team members record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from closeknit.forms import add_service_errors, error_summary

from . import forms, selectors, services
from .models import Measure, NeighbourhoodTeam

DEFAULT_QUESTIONS = [
    "I know my neighbours",
    "I feel I belong to this neighbourhood",
    "I know where to get help locally",
]


def _staff(request) -> None:
    if not request.user.is_authenticated or request.user.role == Role.RESIDENT:
        raise PermissionDenied


@login_required
def teams(request):
    _staff(request)
    return render(
        request,
        "neighbourhoods/list.html",
        {"teams": NeighbourhoodTeam.objects.select_related("neighbourhood")},
    )


@login_required
def team(request, pk):
    _staff(request)
    found = get_object_or_404(NeighbourhoodTeam, pk=pk)
    return render(
        request,
        "neighbourhoods/team.html",
        {"team": found, **selectors.team_page(found), "on_team": services.on_team(request.user, found)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reading(request, pk):
    measure = get_object_or_404(Measure.objects.select_related("priority__team"), pk=pk)
    if not services.on_team(request.user, measure.priority.team):
        raise PermissionDenied
    form = forms.ReadingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_reading(request.user, measure, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The reading is recorded.")
            return redirect("neighbourhoods:team", measure.priority.team_id)
    return render(
        request,
        "neighbourhoods/form.html",
        {
            "form": form,
            "errors": error_summary(form),
            "team": measure.priority.team,
            "title": f"Record a reading: {measure}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_round(request, pk):
    found = get_object_or_404(NeighbourhoodTeam, pk=pk)
    if not services.on_team(request.user, found):
        raise PermissionDenied
    first = found.survey_rounds.first()
    questions = [r.question for r in first.results.all()] if first else DEFAULT_QUESTIONS
    form = forms.SurveyRoundForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_survey_round(
                request.user,
                found,
                label=form.cleaned_data["label"],
                held_on=form.cleaned_data["held_on"],
                respondents=form.cleaned_data["respondents"],
                results=form.results(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The survey round is recorded.")
            return redirect("neighbourhoods:team", pk)
    return render(
        request,
        "neighbourhoods/form.html",
        {"form": form, "errors": error_summary(form), "team": found, "title": "Record a survey round"},
    )
