"""Business actions on the directory: each one function, one transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import fulltext
from .models import ListingProblem, Service


@transaction.atomic
def report_listing_problem(
    listing: Service, kind: str, details: str = "", reporter_email: str = ""
) -> ListingProblem:
    """Someone says a listing is wrong: open a review item for its owner's editors."""
    if kind not in ListingProblem.Kind.values:
        raise ValueError("Choose what is wrong with the listing")
    return ListingProblem.objects.create(
        service=listing, kind=kind, details=details.strip()[:5000], reporter_email=reporter_email.strip()
    )


@transaction.atomic
def mark_listing_checked(user: User, listing: Service) -> Service:
    """Record that an editor has confirmed the listing is right today."""
    listing.last_checked = timezone.localdate()
    listing.checked_by_email = user.email
    listing.last_modified = timezone.now()
    listing.save(update_fields=["last_checked", "checked_by_email", "last_modified"])
    return listing


def reindex_listings(listings) -> None:
    """Bring the full-text index up to date for these listings."""
    fulltext.index_services(listings)
