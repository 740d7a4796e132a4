"""Neighbourhood team pages: anyone on the staff side reads them; team members record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from common.forms import add_service_errors, error_summary

from . import forms, selectors, services
from .models import Measure, NeighbourhoodTeam, Priority

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


def _form_page(request, form, team, title):
    return render(
        request,
        "neighbourhoods/form.html",
        {"form": form, "errors": error_summary(form), "team": team, "title": title},
    )


def _member_of(request, team) -> None:
    if not services.on_team(request.user, team):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def add_priority(request, pk):
    found = get_object_or_404(NeighbourhoodTeam, pk=pk)
    _member_of(request, found)
    form = forms.PriorityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_priority(request.user, found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The priority is added.")
            return redirect("neighbourhoods:team", pk)
    return _form_page(request, form, found, "Add a priority")


@login_required
@require_http_methods(["POST"])
def set_aside_priority(request, pk):
    priority = get_object_or_404(Priority.objects.select_related("team"), pk=pk)
    _member_of(request, priority.team)
    try:
        services.set_aside_priority(request.user, priority)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{priority}” is set aside. Its readings are kept.")
    return redirect("neighbourhoods:team", priority.team_id)


@login_required
@require_http_methods(["GET", "POST"])
def add_measure(request, pk):
    priority = get_object_or_404(Priority.objects.select_related("team"), pk=pk)
    _member_of(request, priority.team)
    form = forms.MeasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_measure(request.user, priority, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The measure is added.")
            return redirect("neighbourhoods:team", priority.team_id)
    return _form_page(request, form, priority.team, f"Add a measure of success: {priority}")


@login_required
@require_http_methods(["GET", "POST"])
def reading(request, pk):
    measure = get_object_or_404(Measure.objects.select_related("priority__team"), pk=pk)
    _member_of(request, measure.priority.team)
    form = forms.ReadingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_reading(request.user, measure, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The reading is recorded.")
            return redirect("neighbourhoods:team", measure.priority.team_id)
    return _form_page(request, form, measure.priority.team, f"Record a reading: {measure}")


@login_required
@require_http_methods(["GET", "POST"])
def survey_round(request, pk):
    found = get_object_or_404(NeighbourhoodTeam, pk=pk)
    _member_of(request, found)
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
    return _form_page(request, form, found, "Record a survey round")
