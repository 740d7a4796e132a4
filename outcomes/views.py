"""Outcome pages: reach for commissioners (aggregates only), and a person's wellbeing and
outcomes for those who may see their record."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from common.forms import add_service_errors, error_summary
from common.pdf import pdf_available, pdf_response
from people.permissions import may_work_with_people
from people.selectors import PersonNotVisible, person_for_viewer

from . import forms, selectors, services
from . import report as report_module
from .models import Instrument, Survey, SurveyInvitation
from .progress import changes_for


@login_required
def reach(request):
    if not selectors.sees_reports(request.user):
        raise PermissionDenied
    return render(request, "outcomes/reach.html", {"reach": selectors.reach()})


@login_required
def social_value(request):
    if not selectors.sees_reports(request.user):
        raise PermissionDenied
    return render(request, "outcomes/social_value.html", {"value": selectors.social_value()})


def _person(request, pk):
    if not may_work_with_people(request.user):
        raise PermissionDenied
    try:
        return person_for_viewer(request.user, pk)
    except PersonNotVisible:
        raise Http404 from None


@login_required
def person(request, pk):
    """A person's questionnaire results (first and latest, and the change) and outcome events."""
    found = _person(request, pk)
    return render(
        request,
        "outcomes/person.html",
        {
            "person": found,
            "changes": changes_for(found),
            "events": found.outcome_events.select_related("recorded_by"),
            "goals": found.goals.prefetch_related("ratings"),
            "instruments": Instrument.objects.order_by("name"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_response(request, pk, instrument_pk):
    found = _person(request, pk)
    instrument = get_object_or_404(Instrument, pk=instrument_pk)
    form = forms.ResponseForm(request.POST if request.method == "POST" else None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_response(request.user, found, instrument, form.cleaned_data["on"], form.answers())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{instrument.name} is recorded.")
            return redirect("outcomes:person", pk)
    return render(
        request,
        "outcomes/form.html",
        {"form": form, "errors": error_summary(form), "person": found, "title": instrument.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate_goal(request, pk, goal_pk):
    found = _person(request, pk)
    goal = get_object_or_404(found.goals, pk=goal_pk)
    form = forms.GoalRatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_goal(request.user, goal, form.cleaned_data["on"], form.cleaned_data["rating"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The rating is recorded.")
            return redirect("outcomes:person", pk)
    return render(
        request,
        "outcomes/form.html",
        {"form": form, "errors": error_summary(form), "person": found, "title": f"Rate: {goal}"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_outcome(request, pk):
    found = _person(request, pk)
    form = forms.OutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(request.user, found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The outcome is recorded.")
            return redirect("outcomes:person", pk)
    return render(
        request,
        "outcomes/form.html",
        {"form": form, "errors": error_summary(form), "person": found, "title": "Record an outcome"},
    )


@require_http_methods(["GET", "POST"])
def answer_survey(request, token):
    """A partner organisation answers from its own link; no sign-in is needed."""
    invitation = get_object_or_404(
        SurveyInvitation.objects.select_related("survey", "organisation"), token=token
    )
    survey = invitation.survey
    form = forms.SurveyForm(
        request.POST if request.method == "POST" else None, statements=list(survey.statements.all())
    )
    done = invitation.answered_at is not None
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.answer_survey(invitation, form.answers())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = True
    return render(
        request,
        "outcomes/survey.html",
        {
            "survey": survey,
            "invitation": invitation,
            "form": form,
            "errors": error_summary(form),
            "done": done,
        },
    )


@login_required
def survey_results(request, pk):
    if not selectors.sees_reports(request.user):
        raise PermissionDenied
    survey = get_object_or_404(Survey, pk=pk)
    invitations = survey.invitations.all()
    return render(
        request,
        "outcomes/survey_results.html",
        {
            "survey": survey,
            "results": selectors.survey_results(survey),
            "invited": invitations.count(),
            "answered": invitations.filter(answered_at__isnull=False).count(),
        },
    )


@login_required
def report(request):
    """The evaluation report for a period and area: a page, a PDF or a CSV. Aggregates only."""
    if not selectors.sees_reports(request.user):
        raise PermissionDenied
    form = forms.ReportForm(request.GET or None)
    period = form.period()
    data = report_module.evaluation_report(period)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="evaluation-{period.since}-{period.until}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(["section", "measure", "value"])
        writer.writerows(report_module.report_rows(data))
        return response
    context = {
        **data,
        "form": form,
        **report_module.report_charts(data),
        "pdf": pdf_available(),
        "query": request.GET.urlencode(),
    }
    if request.GET.get("format") == "pdf" and pdf_available():
        return pdf_response(
            request, "outcomes/report.html", context, f"evaluation-{period.since}-{period.until}.pdf"
        )
    return render(request, "outcomes/report.html", context)
