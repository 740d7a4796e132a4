"""Business actions on the directory: each one function, one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, User
from accounts.permissions import Requester, is_administrator
from accounts.services import record_audit_event
from common.errors import NotPermitted, NotVisible, Refusal, TooOften
from common.limits import count_one, used_up

from . import fulltext
from .models import ListingProblem, Location, Provider, Service, ServiceAtLocation
from .permissions import (
    may_add_listing,
    may_edit_listing,
    may_resolve_listing_problem,
    may_see_listing,
)
from .selectors import edited_venue
from .timetable import schedule_from_session

REPORTS_PER_HOUR = 10


class TooManyReports(TooOften):
    """More problem reports from one place in an hour than a person would send."""


def _refuse_unless_editable(user: Requester, listing: Service, message: str) -> None:
    """Refuse a change to ``listing`` by someone who may not make it: ``NotVisible`` when they may
    not even see it (another organisation's draft), else ``NotPermitted`` saying ``message``."""
    if may_edit_listing(user, listing):
        return
    if may_see_listing(user, listing):
        raise NotPermitted(message)
    raise NotVisible()


@transaction.atomic
def report_listing_problem(
    listing: Service, kind: str, details: str = "", reporter_email: str = "", *, sender: str = ""
) -> ListingProblem:
    """Someone says a listing is wrong: open a review item for its owner's editors.

    ``sender`` (e.g. the address the report came from) limits reports to
    ``REPORTS_PER_HOUR``, so nobody can bury editors in automated reports.
    """
    if kind not in ListingProblem.Kind.values:
        raise Refusal("Choose what is wrong with the listing", field="kind")
    if sender:
        key = f"listing-problem-reports:{sender}"
        if used_up(key, REPORTS_PER_HOUR):
            raise TooManyReports("You have sent a lot of reports in the last hour. Try again later.")
        count_one(key)
    return ListingProblem.objects.create(
        service=listing, kind=kind, details=details.strip()[:5000], reporter_email=reporter_email.strip()
    )


@transaction.atomic
def mark_listing_checked(user: User, listing: Service) -> Service:
    """Record that an editor has confirmed the listing is right today."""
    _refuse_unless_editable(user, listing, "You can only check your own organisation's listings.")
    listing.last_checked = timezone.localdate()
    listing.checked_by_email = user.email
    listing.last_modified = timezone.now()
    listing.save(update_fields=["last_checked", "checked_by_email", "last_modified"])
    record_audit_event(user, AuditEvent.Action.UPDATE, listing, note="Listing marked checked today.")
    return listing


def _provider_for(organisation: Organisation) -> Provider:
    provider = Provider.objects.filter(owner=organisation).order_by("name").first()
    return provider or Provider.objects.create(
        owner=organisation, name=organisation.name, description=f"{organisation.name}."
    )


@transaction.atomic
def save_listing(
    editor: User,
    listing: Service | None,
    details: dict[str, Any],
    venue: dict[str, Any],
    session: dict[str, Any] | None,
) -> Service:
    """Create or change a listing with its venue and regular session, all at once.

    The venue is the one the form shows (:func:`~directory.selectors.edited_venue`): it is changed
    in place, and a listing's other venues are kept.

    ``details``, ``venue`` and ``session`` are the cleaned data of the listing, venue and
    session forms (``session`` ``None`` keeps the listing's sessions as they are: the form could
    not show them in full). Editors may only change their own organisation's listings, and add listings
    only for their organisation. Saving marks the listing checked today by the editor (its
    review date moves on), and is audited.
    """
    adding = listing is None
    if listing is None:
        organisation = editor.organisation if may_add_listing(editor) else None
        if organisation is None:
            if is_administrator(editor):
                raise NotPermitted("Administrators add listings through the back office or an import.")
            raise NotPermitted("Only organisation editors and administrators can add listings.")
        listing = Service(owner=organisation, provider=_provider_for(organisation))
    else:
        _refuse_unless_editable(editor, listing, "You can only change your own organisation's listings.")
    terms = details.pop("terms", [])
    for name, value in details.items():
        setattr(listing, name, value)
    # The editor has just gone through the whole listing: that is a check, as "Still right" is.
    listing.last_checked = timezone.localdate()
    listing.checked_by_email = editor.email
    listing.last_modified = timezone.now()
    listing.full_clean(exclude=["provider", "owner", "terms", "locations"])
    listing.save()
    listing.terms.set(terms)

    _save_venue(listing, edited_venue(listing), venue)

    if session is not None:
        listing.schedules.all().delete()
        schedule = schedule_from_session(session)
        if schedule is not None:
            schedule.service = listing
            schedule.save()
    fulltext.index_services([listing])
    record_audit_event(
        editor,
        AuditEvent.Action.CREATE if adding else AuditEvent.Action.UPDATE,
        listing,
        note="Listing saved on the editors' page and marked checked today.",
    )
    return listing


def _venue_fields(venue: dict[str, Any]) -> dict[str, Any]:
    """The venue form's cleaned data as a Location's fields (only those the form changes)."""
    postcode = venue["venue_postcode"]
    return {
        "name": venue.get("venue_name", ""),
        "address_1": venue.get("address", ""),
        "city": venue.get("town", ""),
        "postal_code": postcode.postcode,
        "state_province": postcode.local_authority.name[:100] if postcode.local_authority_id else "",
        "postcode": postcode,
        "latitude": postcode.latitude,
        "longitude": postcode.longitude,
        "wheelchair_accessible": venue.get("wheelchair_accessible", False),
        "accessibility": venue.get("accessibility", ""),
    }


def _save_venue(listing: Service, link: ServiceAtLocation | None, venue: dict[str, Any]) -> None:
    """Change the one venue the editors' form shows (``link``); every other venue stays as it is.

    The venue's other details (its description, an imported id) are kept. A venue that other
    listings also meet at is not changed under them: this listing moves to a copy with the new
    details. Emptying the form takes this listing from the venue, which goes when no listing is left.
    """
    if venue.get("venue_postcode") is None:
        if link is not None:
            location = link.location
            link.delete()  # with the sessions held at this venue
            if not location.service_at_locations.exists():
                location.delete()
        return
    fields = _venue_fields(venue)
    if link is None:
        ServiceAtLocation.objects.create(service=listing, location=Location.objects.create(**fields))
        return
    location = link.location
    if all(getattr(location, name) == value for name, value in fields.items()):
        return
    if location.service_at_locations.exclude(pk=link.pk).exists():
        link.location = Location.objects.create(**fields)
        link.save(update_fields=["location"])
        return
    if any(getattr(location, name) != fields[name] for name in ("accessibility", "wheelchair_accessible")):
        # The editors have described access afresh: entries an import brought are no longer right.
        location.accessibility_entries.all().delete()
    for name, value in fields.items():
        setattr(location, name, value)
    location.save(update_fields=list(fields))


@transaction.atomic
def resolve_listing_problem(editor: User, problem: ListingProblem, resolution: str = "") -> ListingProblem:
    """An editor has dealt with a reported problem. A problem is seen only by the editors of its
    listing: to anyone else it is not there."""
    if not may_resolve_listing_problem(editor, problem):
        raise NotVisible()
    problem.resolved_at = timezone.now()
    problem.resolved_by = editor
    problem.resolution = resolution.strip()[:2000]
    problem.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return problem
