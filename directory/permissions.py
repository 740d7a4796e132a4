"""Who may do what in the directory.

Anyone, signed in or not, may see a published listing that has not closed for good, and report a
problem with it. Organisation editors look after their own organisation's listings: they may see
and change them (drafts and archived ones too), mark them checked, deal with the problems people
report on them, and add new ones for their organisation. Administrators may see and change every
listing, but add listings through the back office or an import rather than the editors' pages.
Everyone else manages no listings.

Which listings a person may edit, as a query, is ``selectors.listings_editable_by``; these
predicates answer the same question for one listing.
"""

from __future__ import annotations

from accounts.models import Role, User
from accounts.permissions import Requester, has_role, is_administrator

from .models import ListingProblem, ListingStatus, Service


def may_manage_listings(user: Requester) -> bool:
    """Organisation editors and administrators: who reaches the pages for keeping listings current."""
    return is_administrator(user) or has_role(user, Role.ORGANISATION_EDITOR)


def may_add_listing(user: Requester) -> bool:
    """An editor of an organisation, adding a listing that organisation keeps. (Administrators add
    listings through the back office or an import, with the provider and owner they choose.)"""
    return (
        isinstance(user, User)
        and has_role(user, Role.ORGANISATION_EDITOR)
        and user.organisation_id is not None
    )


def may_edit_listing(user: Requester, listing: Service) -> bool:
    """An administrator, or an editor of the organisation that keeps ``listing``.

    (``accounts.permissions.may_act_for_organisation``, compared by the owner's id so that asking
    costs no query.)"""
    if is_administrator(user):
        return True
    return (
        isinstance(user, User)
        and has_role(user, Role.ORGANISATION_EDITOR)
        and listing.owner_id is not None
        and user.organisation_id == listing.owner_id
    )


def is_public(listing: Service) -> bool:
    """Published and not closed for good: what ``selectors.public_listings`` finds."""
    return listing.listing_status == ListingStatus.PUBLISHED and listing.status != Service.Status.DEFUNCT


def may_see_listing(user: Requester, listing: Service) -> bool:
    """Anyone sees a public listing; drafts, archived and closed listings only those who edit them."""
    return is_public(listing) or may_edit_listing(user, listing)


def may_resolve_listing_problem(user: Requester, problem: ListingProblem) -> bool:
    """Reported problems are for the editors of the listing they are about (and administrators)."""
    return may_edit_listing(user, problem.service)
