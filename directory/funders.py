"""Who funds a listing, for its public page ("Funded by …"). The directory knows nothing of funds:
an app above it that gives money to groups (``grants``) registers a function here, in its
``AppConfig.ready``, giving the names of the funds that fund a listing."""

from __future__ import annotations

from collections.abc import Callable

from .models import Service

FundersOf = Callable[[Service], list[str]]
_FUNDERS: list[FundersOf] = []


def register_funders(funders_of: FundersOf) -> None:
    if funders_of not in _FUNDERS:
        _FUNDERS.append(funders_of)


def funders_of(listing: Service) -> list[str]:
    """The names of the funds that fund ``listing``, each once, in the order they were found."""
    names: list[str] = []
    for found in _FUNDERS:
        names += [name for name in found(listing) if name not in names]
    return names
