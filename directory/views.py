from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.network import client_address
from common.pages import bind, form_page
from common.replicas import stale_reads_ok

from . import kept, selectors
from .calendar import listings_calendar
from .forms import ListingProblemForm, ListingSearchForm
from .funders import funders_of
from .models import Provider
from .permissions import may_edit_listing
from .services import report_listing_problem
from .timetable import next_session, next_sessions_of

PER_PAGE = 20


@stale_reads_ok
def search(request):
    """Find groups, activities and services: by words, place, day, time, cost and access."""
    form = ListingSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        page = selectors.search_page(form.search(), request.GET.get("page"), PER_PAGE)
        now = timezone.now()
        for listing in page:
            listing.next_session = next_session(listing, now)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "outside": form.outside_district() if page is not None else "",
            # The search form's HTML is kept under the directory's generation (search.html).
            "kept_generation": kept.generation(),
            # 0: not kept (a replica's rows a moment after a change; common.kept).
            "form_kept_for": kept.KEPT_FOR if kept.may_keep() else 0,
        },
    )


@stale_reads_ok
def search_calendar(request):
    """The sessions of a search's first 100 results as an iCalendar feed."""
    form = ListingSearchForm(request.GET or None)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[f].label if f in form.fields else f}: {', '.join(e)}"
            for f, e in form.errors.items()
        )
        return HttpResponse(
            f"This search cannot be made: {problems}", status=400, content_type="text/plain; charset=utf-8"
        )
    listings = selectors.with_listing_details(selectors.search_listings(form.search()))[:100]
    return _calendar_response(listings, "Closeknit search", "closeknit-search.ics", request)


@stale_reads_ok
def listing(request, pk):
    item = selectors.listing_for_viewer(pk, request.user)
    if item is None:
        raise Http404
    sessions = next_sessions_of(item.schedules.all(), timezone.now(), 3)
    return render(
        request,
        "directory/listing.html",
        {
            "listing": item,
            "sessions": sessions,
            "today": timezone.localdate(),
            "venues": [sal.location for sal in item.service_at_locations.all()],
            "can_edit": may_edit_listing(request.user, item),
            "funders": funders_of(item),
        },
    )


@stale_reads_ok
def listing_calendar(request, pk):
    item = selectors.listing_for_viewer(pk, request.user)
    if item is None:
        raise Http404
    return _calendar_response([item], item.name, f"{item.pk}.ics", request)


def _calendar_response(listings, name, filename, request):
    body = listings_calendar(
        list(listings),
        name,
        lambda listing: request.build_absolute_uri(reverse("directory:listing", args=[listing.pk])),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@stale_reads_ok
def provider(request, pk):
    organisation = get_object_or_404(Provider, pk=pk)
    listings = selectors.with_listing_details(selectors.public_listings().filter(provider=organisation))
    if not listings and not organisation.description:
        raise Http404
    return render(
        request,
        "directory/provider.html",
        {"provider": organisation, "listings": listings, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def report_problem(request, pk):
    """Anyone can say a listing is wrong; it becomes a review item for the listing's owner."""
    item = selectors.listing_for_viewer(pk, request.user)
    if item is None:
        raise Http404
    return form_page(
        request,
        bind(request, ListingProblemForm),
        action=lambda data: report_listing_problem(item, **data, sender=client_address(request) or ""),
        template="directory/report_problem.html",
        next_url=reverse("directory:problem_reported", args=[item.pk]),
        context={"listing": item},
    )


@stale_reads_ok
def problem_reported(request, pk):
    item = selectors.listing_for_viewer(pk, request.user)
    if item is None:
        raise Http404
    return render(request, "directory/problem_reported.html", {"listing": item})
