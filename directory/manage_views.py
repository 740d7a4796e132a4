"""Pages where organisation editors keep their own listings current."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from common.forms import add_service_errors, error_summary

from . import selectors
from .forms import ListingForm, SessionForm, VenueForm
from .models import ListingProblem, Service
from .services import ListingPermissionDenied, mark_listing_checked, resolve_listing_problem, save_listing

EDITOR_ROLES = {Role.ORGANISATION_EDITOR, Role.ADMINISTRATOR}


def _editor_only(request):
    if not (request.user.role in EDITOR_ROLES or request.user.is_superuser):
        raise PermissionDenied


def _editable(request, pk) -> Service:
    _editor_only(request)
    listing = get_object_or_404(Service, pk=pk)
    if not selectors.can_edit_listing(request.user, listing):
        raise PermissionDenied
    return listing


@login_required
def your_listings(request):
    """The listings this editor looks after, with those due a check and reported problems first."""
    _editor_only(request)
    listings = selectors.listings_editable_by(request.user)
    return render(
        request,
        "directory/manage/list.html",
        {
            "listings": selectors.editor_listings_summary(listings),
            "problems": selectors.open_problems(listings),
            "today": timezone.localdate(),
            "can_add": request.user.role == Role.ORGANISATION_EDITOR and request.user.organisation_id,
        },
    )


def _venue_initial(listing):
    sal = listing.service_at_locations.select_related("location").first() if listing else None
    if sal is None:
        return {}
    loc = sal.location
    return {
        "venue_name": loc.name,
        "address": loc.address_1,
        "town": loc.city,
        "venue_postcode": loc.postal_code,
        "wheelchair_accessible": loc.wheelchair_accessible,
        "accessibility": loc.accessibility,
    }


def _session_initial(listing):
    schedule = listing.schedules.first() if listing else None
    if schedule is None:
        return {}
    parts = [p.strip() for p in schedule.byday.split(",") if p.strip()]
    week = parts[0][:-2] if schedule.freq == "MONTHLY" and parts else ""
    return {
        "days": [p[-2:] for p in parts],
        "week_of_month": week,
        "opens_at": schedule.opens_at,
        "closes_at": schedule.closes_at,
        "session_description": schedule.description,
    }


@login_required
@require_http_methods(["GET", "POST"])
def edit_listing(request, pk=None):
    """Add a listing, or change one: what it is, where and when, in one form."""
    _editor_only(request)
    listing = _editable(request, pk) if pk else None
    if listing is None and request.user.role != Role.ORGANISATION_EDITOR:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ListingForm(data, instance=listing, prefix="listing")
    venue = VenueForm(data, initial=_venue_initial(listing), prefix="venue")
    session = SessionForm(data, initial=_session_initial(listing), prefix="session")
    if data is not None and all([form.is_valid(), venue.is_valid(), session.is_valid()]):
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = save_listing(request.user, listing, details, venue.cleaned_data, session.cleaned_data)
        except ListingPermissionDenied:
            raise PermissionDenied from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved.name} is saved.")
            return redirect("directory:your_listings")
    forms = [form, venue, session]
    return render(
        request,
        "directory/manage/edit.html",
        {
            "listing": listing,
            "form": form,
            "venue": venue,
            "session": session,
            "all_errors": error_summary(*forms),
        },
    )


@login_required
@require_POST
def listing_checked(request, pk):
    listing = _editable(request, pk)
    try:
        mark_listing_checked(request.user, listing)
    except ListingPermissionDenied:
        raise PermissionDenied from None
    messages.success(request, f"{listing.name} is marked as checked today.")
    return redirect("directory:your_listings")


@login_required
@require_POST
def problem_resolved(request, pk):
    _editor_only(request)
    problem = get_object_or_404(ListingProblem, pk=pk, resolved_at__isnull=True)
    try:
        resolve_listing_problem(request.user, problem, request.POST.get("resolution", ""))
    except ListingPermissionDenied:
        raise PermissionDenied from None
    messages.success(request, f"The problem with {problem.service.name} is marked as dealt with.")
    return redirect("directory:your_listings")
