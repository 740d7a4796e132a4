"""Outcome pages: reach for commissioners (aggregates only), and a person's wellbeing and
outcomes for those who may see their record."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from common.errors import refusals_as_http
from common.forms import add_service_errors, error_summary
from common.pages import bind, form_page
from common.pdf import pdf_available, pdf_response
from common.replicas import stale_reads_ok
from people.models import Person
from people.selectors import PersonNotVisible, person_for_viewer

from . import forms, selectors, services
from . import report as report_module
from .models import Instrument, Survey, SurveyInvitation
from .permissions import may_record_outcomes, may_see_reports
from .progress import changes_for


def _reports_only(request: HttpRequest) -> None:
    if not may_see_reports(request.user):
        raise PermissionDenied


def _period_form(request: HttpRequest) -> tuple[forms.ReportForm, report_module.Period]:
    """The period and area asked for (the last 12 months of the whole district unless chosen),
    and the form showing them: with the dates filled in when none were typed, or with its errors."""
    areas = selectors.report_areas(request.user)
    form = forms.ReportForm(request.GET or None, areas=areas)
    period = form.period()
    if not form.is_bound or form.is_valid():
        initial = {"since": period.since, "until": period.until, "neighbourhood": period.area}
        form = forms.ReportForm(initial=initial, areas=areas)
    return form, period


def _period_query(period: report_module.Period) -> str:
    """The period and area as a query, so a link or a download is of what the page shows."""
    area = period.area.pk if period.area else ""
    return urlencode({"neighbourhood": area, "since": period.since, "until": period.until})


@login_required
@stale_reads_ok
def reach(request: HttpRequest) -> HttpResponse:
    """Who was reached in a period and area: the same figures as the evaluation report's."""
    _reports_only(request)
    form, period = _period_form(request)
    return render(
        request,
        "outcomes/reach.html",
        {
            "form": form,
            "period": period,
            "reach": report_module.reach_in(period),
            "supported_means": report_module.SUPPORTED_MEANS,
            "transport_means": report_module.TRANSPORT_MEANS,
            "query": _period_query(period),
        },
    )


@login_required
@stale_reads_ok
def social_value(request: HttpRequest) -> HttpResponse:
    _reports_only(request)
    return render(request, "outcomes/social_value.html", {"value": selectors.social_value()})


def _person(request: HttpRequest, pk: UUID) -> Person:
    """The person, for someone whose work is with people (else 403) and who may see them (else
    404, as for no such person)."""
    if not may_record_outcomes(request.user):
        raise PermissionDenied
    try:
        return person_for_viewer(request.user, pk)
    except PersonNotVisible:
        raise Http404 from None


def _person_form_page(
    request: HttpRequest,
    found: Person,
    form: BaseForm,
    *,
    title: str,
    action: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """A form about a person: back to their outcomes, saying so, once the service has said yes."""
    return form_page(
        request,
        form,
        action=action,
        template="outcomes/form.html",
        context={"person": found, "title": title},
        success=success,
        next_url=reverse("outcomes:person", args=[found.pk]),
    )


@login_required
def person(request: HttpRequest, pk: UUID) -> HttpResponse:
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
            "instruments": selectors.instruments_offered(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_response(request: HttpRequest, pk: UUID, instrument_pk: int) -> HttpResponse:
    found = _person(request, pk)
    instrument = get_object_or_404(Instrument, pk=instrument_pk)
    form = bind(request, forms.ResponseForm, instrument=instrument)
    return _person_form_page(
        request,
        found,
        form,
        title=instrument.name,
        action=lambda data: services.record_response(
            request.user, found, instrument, data["on"], form.answers()
        ),
        success=f"{instrument.name} is recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def rate_goal(request: HttpRequest, pk: UUID, goal_pk: int) -> HttpResponse:
    found = _person(request, pk)
    goal = get_object_or_404(found.goals, pk=goal_pk)
    return _person_form_page(
        request,
        found,
        bind(request, forms.GoalRatingForm),
        title=f"Rate: {goal}",
        action=lambda data: services.rate_goal(request.user, goal, data["on"], data["rating"]),
        success="The rating is recorded.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_outcome(request: HttpRequest, pk: UUID) -> HttpResponse:
    found = _person(request, pk)
    return _person_form_page(
        request,
        found,
        bind(request, forms.OutcomeForm),
        title="Record an outcome",
        action=lambda data: services.record_outcome(request.user, found, **data),
        success="The outcome is recorded.",
    )


@require_http_methods(["GET", "POST"])
def answer_survey(request: HttpRequest, token: str) -> HttpResponse:
    """A partner organisation answers from its own link; no sign-in is needed. Written by hand:
    after its answers are recorded the page stays where it is and thanks them."""
    invitation = get_object_or_404(
        SurveyInvitation.objects.select_related("survey", "organisation"), token=token
    )
    survey = invitation.survey
    form = bind(request, forms.SurveyForm, statements=list(survey.statements.all()))
    done = invitation.answered_at is not None
    if request.method == "POST" and not done and form.is_valid():
        try:
            with refusals_as_http():
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
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    _reports_only(request)
    survey = get_object_or_404(Survey, pk=pk)
    return render(
        request,
        "outcomes/survey_results.html",
        {
            "survey": survey,
            "results": selectors.survey_results(survey),
            **selectors.survey_response_counts(survey),
        },
    )


@login_required
@stale_reads_ok
def report(request: HttpRequest) -> HttpResponse:
    """The evaluation report for a period and area: a page, a PDF or a CSV. Aggregates only."""
    _reports_only(request)
    form, period = _period_form(request)
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
        "query": _period_query(period),
        "supported_means": report_module.SUPPORTED_MEANS,
        "transport_means": report_module.TRANSPORT_MEANS,
        "grants_means": report_module.GRANTS_MEANS,
    }
    if request.GET.get("format") == "pdf" and pdf_available():
        return pdf_response(
            request, "outcomes/report.html", context, f"evaluation-{period.since}-{period.until}.pdf"
        )
    return render(request, "outcomes/report.html", context)
