"""Small helpers for transport's templates."""

from __future__ import annotations

from django import template

from transport.models import Passenger

register = template.Library()


@register.filter
def passenger_name(passenger: Passenger) -> str:
    """The passenger's full name, from their person record or their sign-in (coordinators' pages
    only: a driver is told the first name)."""
    if passenger.person is not None:
        return passenger.person.full_name
    return passenger.account.full_name if passenger.account is not None else str(passenger)
