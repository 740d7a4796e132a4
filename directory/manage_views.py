"""Pages where organisation editors keep their own listings current."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from common.errors import refusals_as_http
from common.forms import add_service_errors, error_summary
from common.pages import act

from . import selectors
from .forms import ListingForm, SessionForm, VenueForm
from .models import ListingProblem, Service
from .permissions import may_add_listing, may_manage_listings
from .schedule_words import listing_note_disagreements
from .services import mark_listing_checked, resolve_listing_problem, save_listing
from .timetable import fit_the_session_form, schedule_from_session, session_from_schedule


def _editor_only(request):
    if not may_manage_listings(request.user):
        raise PermissionDenied


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
            "can_add": may_add_listing(request.user),
        },
    )


def _venue_initial(listing):
    sal = selectors.edited_venue(listing)
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


@login_required
@require_http_methods(["GET", "POST"])
def edit_listing(request, pk=None):
    """Add a listing, or change one: what it is, where and when, in one form."""
    _editor_only(request)
    with refusals_as_http():
        listing = selectors.listing_to_edit(request.user, pk) if pk else None
    if listing is None and not may_add_listing(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ListingForm(data, instance=listing, prefix="listing")
    venue = VenueForm(data, initial=_venue_initial(listing), prefix="venue")
    kept = list(listing.schedules.all()) if listing else []
    keeps = not fit_the_session_form(kept)
    session = SessionForm(
        data, initial={} if keeps else _session_initial(kept), prefix="session", keeps=keeps
    )
    if data is not None and all([form.is_valid(), venue.is_valid(), session.is_valid()]):
        details = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            with refusals_as_http():
                saved = save_listing(request.user, listing, details, venue.cleaned_data, session.session())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            warnings = listing_note_disagreements(saved.schedules.all())
            if warnings:
                # Saved, not refused: back to the page, which shows the note beside the warning.
                messages.warning(
                    request, f"{saved.name} is saved. Check its note about when. {' '.join(warnings)}"
                )
                return redirect("directory:edit_listing", pk=saved.pk)
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
            "other_venues": selectors.other_venues(listing),
            "session": session,
            "kept": kept if keeps else [],
            "all_errors": error_summary(*forms),
            "note_warnings": _note_warnings(listing, session),
        },
    )


def _session_initial(kept):
    return session_from_schedule(kept[0]) if kept else {}


def _note_warnings(listing, session):
    """What the note about when says that the sessions do not: of the session just typed when it
    could be read (and is to be saved), else of the listing's saved sessions."""
    if session.is_bound and session.is_valid() and session.session() is not None:
        typed = schedule_from_session(session.session())
        return listing_note_disagreements([typed] if typed else [])
    return listing_note_disagreements(listing.schedules.all()) if listing else []


@login_required
@require_POST
def listing_checked(request, pk):
    """The editor's "still right" button: the listing is marked as checked today."""
    _editor_only(request)
    listing = get_object_or_404(Service, pk=pk)
    return act(
        request,
        lambda: mark_listing_checked(request.user, listing),
        next_url="directory:your_listings",
        success=f"{listing.name} is marked as checked today.",
    )


@login_required
@require_POST
def problem_resolved(request, pk):
    """The editor has dealt with a problem someone reported on one of their listings."""
    _editor_only(request)
    problem = get_object_or_404(
        ListingProblem.objects.select_related("service"), pk=pk, resolved_at__isnull=True
    )
    return act(
        request,
        lambda: resolve_listing_problem(request.user, problem, request.POST.get("resolution", "")),
        next_url="directory:your_listings",
        success=f"The problem with {problem.service.name} is marked as dealt with.",
    )
