"""Who may do what in lending.

- An organisation's lending coordinators (its editors, and administrators) run its lending: they
  see its dashboard and its items' bookings, book, lend, take back, extend and cancel, arrange
  deliveries and collections, record services and keep its waiting list.
- The organisation that services an item (its service provider) sees the item's page, without its
  bookings or borrowers, and records its services.
- The organisation asked to deliver or collect an item (the errand's helper) sees the errand and
  marks it done; so may the item's coordinators.

Every predicate is false for an anonymous user. The coordinator check is the one in
``accounts.permissions`` (:func:`~accounts.permissions.may_act_for_organisation`).
"""

from __future__ import annotations

from accounts.models import Organisation, User
from accounts.permissions import Requester, is_signed_in, may_act_for_organisation

from .models import Errand, Item, Reservation


def may_run_lending(user: Requester, organisation: Organisation | None) -> bool:
    """A lending coordinator of ``organisation``: its editors and administrators."""
    return may_act_for_organisation(user, organisation)


def may_coordinate_item(user: Requester, item: Item) -> bool:
    """A lending coordinator of the organisation that lends the item."""
    return may_run_lending(user, item.organisation)


def may_coordinate_reservation(user: Requester, reservation: Reservation) -> bool:
    """A lending coordinator of the organisation that lends the booked item."""
    return may_coordinate_item(user, reservation.item)


def may_service_item(user: Requester, item: Item) -> bool:
    """The item's coordinators, or anyone from the organisation that services it."""
    if may_coordinate_item(user, item):
        return True
    return (
        isinstance(user, User)
        and is_signed_in(user)
        and item.service_provider_id is not None
        and user.organisation_id == item.service_provider_id
    )


def may_mark_errand_done(user: Requester, errand: Errand) -> bool:
    """Anyone from the errand's helper organisation, or the item's coordinators."""
    if isinstance(user, User) and is_signed_in(user) and user.organisation_id == errand.helper_id:
        return True
    return may_coordinate_reservation(user, errand.reservation)
