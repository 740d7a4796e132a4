"""360Giving pages: a fund's awarded grants as open data (JSON and CSV, for anyone, no sign-in:
360Giving data is published for the world to read), and the fund officer's page saying what is
published and where (after their second factor, as for their other pages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.middleware import require_second_factor
from common.errors import Refusal, message_of

from . import selectors, threesixty
from .models import Fund


def _public_fund(pk: int) -> Fund:
    return get_object_or_404(Fund.objects.select_related("owner"), pk=pk)


def _package(request: HttpRequest, fund: Fund, name: str) -> dict:
    """The fund's package, saying where it is downloaded from (the file being served)."""
    return threesixty.fund_package(
        fund, download_url=request.build_absolute_uri(reverse(name, args=[fund.pk]))
    )


def _refused(error: Refusal) -> HttpResponse:
    """A fund that cannot be published: 404 with the reason in words, never a 500."""
    return HttpResponse(message_of(error), status=404, content_type="text/plain; charset=utf-8")


def _open_data(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_http_methods(["GET"])
def fund_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The fund's awarded grants as a 360Giving JSON data package."""
    fund = _public_fund(pk)
    try:
        package = _package(request, fund, "grants:threesixty_json")
    except Refusal as error:
        return _refused(error)
    return _open_data(
        HttpResponse(threesixty.package_json(package), content_type="application/json; charset=utf-8")
    )


@require_http_methods(["GET"])
def fund_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The fund's awarded grants as a 360Giving spreadsheet (CSV)."""
    fund = _public_fund(pk)
    try:
        package = _package(request, fund, "grants:threesixty_csv")
    except Refusal as error:
        return _refused(error)
    response = HttpResponse(threesixty.package_csv(package), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{threesixty.grant_prefix(fund)}-fund-{fund.pk}.csv"'
    )
    return _open_data(response)


@login_required
@require_http_methods(["GET"])
def fund_page(request: HttpRequest, pk: int) -> HttpResponse:
    """For the fund's officers: what the 360Giving files publish, how many grants, and the links;
    or why the fund cannot be published yet and who can put it right."""
    if not selectors.is_any_fund_officer(request.user):
        raise Http404("No such fund.")
    require_second_factor(request)
    fund = get_object_or_404(selectors.funds_of_officer(request.user).select_related("owner"), pk=pk)
    refusal = threesixty.refusal_for(fund)
    return render(
        request,
        "grants/threesixty.html",
        {
            "fund": fund,
            "refusal": message_of(refusal) if refusal else "",
            "prefix": threesixty.grant_prefix(fund),
            "count": threesixty.awarded_grants(fund).count(),
            "json_url": request.build_absolute_uri(reverse("grants:threesixty_json", args=[fund.pk])),
            "csv_url": request.build_absolute_uri(reverse("grants:threesixty_csv", args=[fund.pk])),
        },
    )
