"""The main navigation, by role. Each app adds its pages here as it grows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from accounts.models import Role
from accounts.permissions import is_administrator
from care.budget_selectors import budgets_visible_to, councils_of_finance_officer
from care.provider_selectors import may_edit_any_micro_provider

EVERYONE = frozenset(Role.values)
STAFF = EVERYONE - {Role.RESIDENT}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    # For pages reached by who someone is to a record, not by their role: shown only when true.
    only_if: Callable[[Any], bool] | None = None


NAVIGATION = [
    NavItem("Home", "home", EVERYONE),
    NavItem("Find local support", "directory:search", EVERYONE),
    NavItem("What's on", "whats_on", frozenset({Role.RESIDENT})),
    NavItem(
        "Your listings", "directory:your_listings", frozenset({Role.ORGANISATION_EDITOR, Role.ADMINISTRATOR})
    ),
    NavItem("People", "people:caseload", frozenset({Role.COORDINATOR, Role.LINK_WORKER, Role.ADMINISTRATOR})),
    NavItem("Referral inbox", "people:inbox", frozenset({Role.LINK_WORKER})),
    NavItem("Your record", "people:your_record", frozenset({Role.RESIDENT})),
    NavItem("Volunteer", "volunteering:list", frozenset({Role.RESIDENT, Role.ORGANISATION_EDITOR})),
    NavItem("Borrow", "lending:borrow", frozenset({Role.RESIDENT})),
    NavItem("Lending", "lending:dashboard", frozenset({Role.ORGANISATION_EDITOR, Role.ADMINISTRATOR})),
    # Coordinators run the day board; residents ask for rides, and volunteer drivers are residents.
    NavItem(
        "Transport",
        "transport:home",
        frozenset({Role.RESIDENT, Role.COORDINATOR, Role.LINK_WORKER, Role.BROKER, Role.ADMINISTRATOR}),
    ),
    # The micro-enterprise team's coordinators: providers' checks, the pipeline, support near a person.
    NavItem(
        "Care providers",
        "care:providers",
        frozenset({Role.COORDINATOR, Role.LINK_WORKER, Role.BROKER, Role.ADMINISTRATOR}),
    ),
    # A micro-provider's own editors: its details, times, workers, checks' dates and contact requests.
    NavItem(
        "Your care providers",
        "care:your_providers",
        frozenset({Role.ORGANISATION_EDITOR}),
        only_if=may_edit_any_micro_provider,
    ),
    # Organisation editors award time credits, and check the codes spent at the venues they run.
    NavItem(
        "Timebanks",
        "timebank:list",
        frozenset({Role.RESIDENT, Role.BROKER, Role.ORGANISATION_EDITOR, Role.ADMINISTRATOR}),
    ),
    # A person, their representative, the provider holding an ISF, a council's finance officers.
    NavItem(
        "Personal budgets", "care:budgets", EVERYONE, only_if=lambda user: budgets_visible_to(user).exists()
    ),
    # A council's finance officers: set up budgets, and those over their surplus ceiling.
    NavItem(
        "Council budgets",
        "care:finance_budgets",
        EVERYONE,
        only_if=lambda user: councils_of_finance_officer(user).exists(),
    ),
    # Anyone may apply for a small grant; a fund's officers set up its rounds from the same page.
    NavItem("Grants", "grants:home", EVERYONE),
    NavItem("Reach", "outcomes:reach", frozenset({Role.COMMISSIONER, Role.ADMINISTRATOR})),
    # Teams bring together staff of every kind (GP practice, council, NHS, community groups).
    NavItem("Neighbourhoods", "neighbourhoods:list", STAFF),
    NavItem("Your area", "places:postcode", EVERYONE),
    NavItem("Your account", "accounts:account", EVERYONE),
    NavItem("Back office", "admin:index", frozenset({Role.ADMINISTRATOR})),
    NavItem("Audit log", "admin:accounts_auditevent_changelist", frozenset({Role.ADMINISTRATOR})),
]


# For visitors who are not signed in: the ways in a resident looks for first.
SIGNED_OUT_NAVIGATION = [
    NavItem("Find support", "directory:search", frozenset()),
    NavItem("What's on", "whats_on", frozenset()),
    NavItem("Volunteer", "volunteering:list", frozenset()),
    NavItem("Timebanks", "timebank:list", frozenset()),
    NavItem("Borrow", "lending:borrow", frozenset()),
    NavItem("Grants", "grants:home", frozenset()),
]


def _items(nav_items: list[NavItem]) -> list[dict]:
    return [{"label": item.label, "url": reverse(item.url_name), "current": False} for item in nav_items]


def navigation_for(request) -> list[dict]:
    """The navigation items the user may use: the public ways in when signed out, their role's
    items when signed in, and none when half signed in (password given, two-factor code not yet).
    """
    user = getattr(request, "user", None)
    if user is None:
        return []
    if not user.is_authenticated:
        items = _items(SIGNED_OUT_NAVIGATION)
    elif user.needs_two_factor and not user.is_verified():
        return []
    else:
        items = _items(
            [
                item
                for item in NAVIGATION
                if (user.role in item.roles or (is_administrator(user) and Role.ADMINISTRATOR in item.roles))
                and (item.only_if is None or item.only_if(user))
            ]
        )
    # The current page is the item whose address is the longest start of this page's address.
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items
