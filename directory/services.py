"""Business actions on the directory: each one function, one transaction."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User

from . import fulltext
from .models import ListingProblem, Provider, Service

REPORTS_PER_HOUR = 10


class TooManyReports(Exception):
    """More problem reports from one place in an hour than a person would send."""


@transaction.atomic
def report_listing_problem(
    listing: Service, kind: str, details: str = "", reporter_email: str = "", *, sender: str = ""
) -> ListingProblem:
    """Someone says a listing is wrong: open a review item for its owner's editors.

    ``sender`` (e.g. the address the report came from) limits reports to
    ``REPORTS_PER_HOUR``, so nobody can bury editors in automated reports.
    """
    if kind not in ListingProblem.Kind.values:
        raise ValueError("Choose what is wrong with the listing")
    if sender:
        key = f"listing-problem-reports:{sender}"
        if cache.get(key, 0) >= REPORTS_PER_HOUR:
            raise TooManyReports("You have sent a lot of reports in the last hour. Try again later.")
        cache.add(key, 0, timeout=3600)
        cache.incr(key)
    return ListingProblem.objects.create(
        service=listing, kind=kind, details=details.strip()[:5000], reporter_email=reporter_email.strip()
    )


@transaction.atomic
def mark_listing_checked(user: User, listing: Service) -> Service:
    """Record that an editor has confirmed the listing is right today."""
    from .selectors import can_edit_listing

    if not can_edit_listing(user, listing):
        raise ListingPermissionDenied("You can only check your own organisation's listings.")
    listing.last_checked = timezone.localdate()
    listing.checked_by_email = user.email
    listing.last_modified = timezone.now()
    listing.save(update_fields=["last_checked", "checked_by_email", "last_modified"])
    return listing


class ListingPermissionDenied(PermissionError):
    """This person may not change this listing."""


def _provider_for(organisation) -> Provider:
    provider = Provider.objects.filter(owner=organisation).order_by("name").first()
    return provider or Provider.objects.create(
        owner=organisation, name=organisation.name, description=f"{organisation.name}."
    )


@transaction.atomic
def save_listing(editor: User, listing: Service | None, details: dict, venue: dict, session: dict) -> Service:
    """Create or change a listing with its venue and regular session, all at once.

    ``details``, ``venue`` and ``session`` are the cleaned data of the listing, venue and
    session forms. Editors may only change their own organisation's listings.
    """
    from .models import Location, Schedule, ServiceAtLocation
    from .selectors import can_edit_listing

    if listing is None:
        if editor.role == Role.ORGANISATION_EDITOR and editor.organisation_id:
            listing = Service(owner=editor.organisation, provider=_provider_for(editor.organisation))
        elif not (editor.is_superuser or editor.role == Role.ADMINISTRATOR):
            raise ListingPermissionDenied("Only organisation editors and administrators can add listings.")
        else:
            raise ListingPermissionDenied("Administrators add listings through the back office or an import.")
    elif not can_edit_listing(editor, listing):
        raise ListingPermissionDenied("You can only change your own organisation's listings.")
    terms = details.pop("terms", [])
    for name, value in details.items():
        setattr(listing, name, value)
    listing.last_modified = timezone.now()
    listing.full_clean(exclude=["provider", "owner", "terms", "locations"])
    listing.save()
    listing.terms.set(terms)

    listing.service_at_locations.all().delete()
    postcode = venue.get("venue_postcode")
    if postcode is not None:
        location = Location.objects.create(
            name=venue.get("venue_name", ""),
            address_1=venue.get("address", ""),
            city=venue.get("town", ""),
            postal_code=postcode.postcode,
            postcode=postcode,
            latitude=postcode.latitude,
            longitude=postcode.longitude,
            wheelchair_accessible=venue.get("wheelchair_accessible", False),
            accessibility=venue.get("accessibility", ""),
        )
        ServiceAtLocation.objects.create(service=listing, location=location)

    listing.schedules.all().delete()
    days = session.get("days") or []
    if days:
        week = session.get("week_of_month") or ""
        Schedule.objects.create(
            service=listing,
            freq=Schedule.Frequency.MONTHLY if week else Schedule.Frequency.WEEKLY,
            byday=f"{week}{days[0]}" if week else ",".join(days),
            opens_at=session.get("opens_at"),
            closes_at=session.get("closes_at"),
            description=session.get("session_description", ""),
        )
    fulltext.index_services([listing])
    return listing


@transaction.atomic
def resolve_listing_problem(editor: User, problem: ListingProblem, resolution: str = "") -> ListingProblem:
    """An editor has dealt with a reported problem."""
    from .selectors import can_edit_listing

    if not can_edit_listing(editor, problem.service):
        raise ListingPermissionDenied("You can only deal with problems on your own organisation's listings.")
    problem.resolved_at = timezone.now()
    problem.resolved_by = editor
    problem.resolution = resolution.strip()[:2000]
    problem.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return problem
