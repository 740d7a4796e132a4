"""Transport's reports, for a scheme's coordinators: its trips in a period (by outcome, purpose,
ward and IMD decile of the pick-up, the unmet requests and why, the passengers carried), as a page
and as CSV, with no passenger named and small counts suppressed; and its drivers' hours, whose
runs a coordinator awards as time credits, once a run."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import NotVisible
from common.forms import error_summary
from common.pages import act
from common.suppression import WHY_SUPPRESSED

from . import forms, permissions, report_selectors, services
from .models import Run, Scheme


def _scheme(request: HttpRequest, pk: int) -> Scheme:
    """The scheme, for those who may read its reports; 404 for anyone else, as for no scheme."""
    scheme = Scheme.objects.filter(pk=pk).first()
    if scheme is None or not permissions.may_see_scheme_reports(request.user, scheme):
        raise Http404("No such scheme.")
    return scheme


def _period(request: HttpRequest) -> tuple[forms.ReportPeriodForm, report_selectors.ReportPeriod]:
    """The period asked for (the last full quarter by default, or while the form has errors), and
    the form: with the period's days filled in, or with its errors."""
    form = forms.ReportPeriodForm(request.GET if request.GET else None)
    period = form.period()
    if not form.is_bound or form.is_valid():
        form = forms.ReportPeriodForm(initial={"since": period.since, "until": period.until})
    return form, period


def _query(period: report_selectors.ReportPeriod) -> str:
    return urlencode({"since": period.since.isoformat(), "until": period.until.isoformat()})


@login_required
@require_http_methods(["GET"])
def report(request, pk):
    """The scheme's trips in a period: aggregates only."""
    scheme = _scheme(request, pk)
    form, period = _period(request)
    try:
        found = report_selectors.scheme_report(request.user, scheme, period)
    except NotVisible:
        raise Http404("No such scheme.") from None
    return render(
        request,
        "transport/reports/report.html",
        {
            "scheme": scheme,
            "form": form,
            "errors": error_summary(form),
            "report": found,
            "query": _query(period),
            "why_suppressed": WHY_SUPPRESSED,
        },
    )


@login_required
@require_http_methods(["GET"])
def report_csv(request, pk):
    """The same tables as CSV (the download is audited against the scheme). A bad period goes to
    the page, which names the field."""
    scheme = _scheme(request, pk)
    form, period = _period(request)
    if form.errors:  # said on the page, by field
        return redirect(f"{reverse('transport:report', args=[scheme.pk])}?{request.GET.urlencode()}")
    try:
        found = report_selectors.scheme_report(request.user, scheme, period, exported=True)
    except NotVisible:
        raise Http404("No such scheme.") from None
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "row", "column", "value"])
    writer.writerows(report_selectors.report_csv_rows(found))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"transport-report-{scheme.pk}-{period.since}-{period.until}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET"])
def hours(request, pk):
    """Each driver's hours in the period, run by run, with the time credits awarded or to award."""
    scheme = _scheme(request, pk)
    form, period = _period(request)
    try:
        drivers = report_selectors.driver_hours(request.user, scheme, period)
    except NotVisible:
        raise Http404("No such scheme.") from None
    return render(
        request,
        "transport/reports/hours.html",
        {
            "scheme": scheme,
            "form": form,
            "errors": error_summary(form),
            "period": period,
            "drivers": drivers,
            "query": _query(period),
        },
    )


@login_required
@require_POST
def award_credits(request, pk):
    """Award a run's hours as time credits to its volunteer driver (once a run)."""
    run = Run.objects.select_related("vehicle__scheme").filter(pk=pk).first()
    if run is None or not permissions.may_award_run_credits(request.user, run):
        raise Http404("No such run.")
    back = reverse("transport:hours", args=[run.vehicle.scheme_id])
    query = request.POST.get("query", "")
    if query and forms.ReportPeriodForm(QueryDict(query)).is_valid():
        back = f"{back}?{query}"
    return act(
        request,
        lambda: services.award_run_credits(request.user, run),
        next_url=back,
        success=lambda credit: (
            f"{credit.run.driver} is awarded time credits for {credit.hours} hours "
            f"on {credit.run.on:%-d %B %Y}."
        ),
    )
