"""Reads of micro-providers, and who may do what with them.

- The council's **micro-enterprise coordinators** are the members of a provider's team whose work
  means reading person records (``people.permissions.may_work_with_people``): they record checks,
  and track people becoming providers (the pipeline) for their team. Administrators may too.
- A provider's **editors** (organisation editors of the directory provider's owner) read the
  contact requests sent to it.
- Anyone who works with people may **search** for providers covering a person's postcode; the
  search shows what is public about a provider and nothing about anyone else.
- Anyone may read a listed provider's page (what it offers, where, when, its checks' dates).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import ROLES_THAT_SEE_PERSON_RECORDS, Role, TeamMembership, User
from accounts.permissions import Requester, has_role, is_administrator, is_signed_in
from common.errors import NotVisible, Refusal
from directory.models import Service
from directory.selectors import public_listings
from people.permissions import may_work_with_people
from places.geo import Point, great_circle_miles
from places.models import Postcode

from .models import ContactRequest, MicroProvider, Offer, ProviderCheck, ProviderEnquiry

# ---------------------------------------------------------------------------------------------
# Permissions


def may_coordinate_micro_providers(user: Requester, team_id: int) -> bool:
    """An administrator, or a member of the micro-enterprise team who works with people."""
    if not may_work_with_people(user):
        return False
    if is_administrator(user):
        return True
    return TeamMembership.objects.filter(team_id=team_id, user=user).exists()


def may_edit_micro_provider(user: Requester, micro_provider: MicroProvider) -> bool:
    """Its team's micro-enterprise coordinators (and administrators)."""
    return may_coordinate_micro_providers(user, micro_provider.team_id)


def may_read_contact_requests(user: Requester, micro_provider: MicroProvider) -> bool:
    """The provider's own editors, and no one else (not even its coordinators)."""
    owner_id = micro_provider.provider.owner_id
    return (
        isinstance(user, User)
        and has_role(user, Role.ORGANISATION_EDITOR)
        and owner_id is not None
        and user.organisation_id == owner_id
    )


def may_change_micro_provider(user: Requester, micro_provider: MicroProvider) -> bool:
    """What it offers, where, when, price, languages, its workers and times: its team's
    coordinators and its own editors (never its team or its checks: those are the coordinators')."""
    return may_edit_micro_provider(user, micro_provider) or may_read_contact_requests(user, micro_provider)


def may_search_providers(user: Requester) -> bool:
    """Staff who work with people find providers near a person."""
    return may_work_with_people(user)


def may_send_contact_request(user: Requester) -> bool:
    """Anyone signed in (a resident for themselves, a coordinator for a person)."""
    return is_signed_in(user)


# ---------------------------------------------------------------------------------------------
# Postcode areas

_DISTRICT = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_AREA = re.compile(rf"^{_DISTRICT}( [0-9])?$")


def parse_postcode_areas(text: str) -> list[str]:
    """The postcode districts ("M33") and sectors ("M32 9") in ``text``, separated by commas (or by
    spaces between districts), in standard form. Raises ``Refusal`` on ``covers_postcode_areas``
    naming the first part that is neither."""
    areas: list[str] = []
    for piece in re.split(r"[,;\n]+", (text or "").upper()):
        tokens = piece.split()
        # A lone digit is the sector of the district before it: "M33 M32 9" is M33 and M32 9.
        i = 0
        while i < len(tokens):
            area = tokens[i]
            if i + 1 < len(tokens) and tokens[i + 1].isdigit():
                area = f"{area} {tokens[i + 1]}"
                i += 1
            i += 1
            if not _AREA.match(area):
                raise Refusal(
                    f"“{area}” is not a postcode district or sector. Enter districts like M33 or "
                    "sectors like M32 9, separated by commas.",
                    field="covers_postcode_areas",
                )
            if area not in areas:
                areas.append(area)
    return areas


def district_and_sector(postcode: str) -> tuple[str, str]:
    """("M33", "M33 7") for "M33 7XZ" (a postcode in standard form)."""
    outward, inward = postcode.split(" ")
    return outward, f"{outward} {inward[0]}"


# ---------------------------------------------------------------------------------------------
# Checks


def latest_checks(micro_provider: MicroProvider, today: date | None = None) -> list[ProviderCheck]:
    """The latest check of each kind for the owner and each worker (by when it was verified); with
    ``today``, leaving out the checks of workers who had left by then (they need none in date)."""
    latest: dict[tuple[int | None, str], ProviderCheck] = {}
    # ``.all()``, so a prefetch of the provider's checks (and their workers) is used.
    for check in sorted(micro_provider.checks.all(), key=lambda c: (c.verified_on, c.pk)):
        if today is not None and check.worker is not None and check.worker.has_left(today):
            continue
        latest[(check.worker_id, check.kind)] = check
    return sorted(latest.values(), key=lambda c: (c.worker_id is not None, c.kind, c.worker_id or 0))


def is_lapsed(check: ProviderCheck, today: date) -> bool:
    return check.expires_on is not None and check.expires_on < today


def lapsed_required_checks(micro_provider: MicroProvider, today: date) -> list[ProviderCheck]:
    """The required checks whose latest record has run out by ``today``: any hides the provider."""
    return [c for c in latest_checks(micro_provider, today) if c.required and is_lapsed(c, today)]


def checks_running_out(micro_provider: MicroProvider, today: date, days: int = 30) -> list[ProviderCheck]:
    """The latest checks in date that run out within ``days``."""
    return [
        c
        for c in latest_checks(micro_provider, today)
        if c.expires_on is not None and today <= c.expires_on <= today + timedelta(days=days)
    ]


@dataclass(frozen=True)
class Badge:
    """A "checked on …" badge for a provider's page: what, for whom (a role, never a name), when."""

    what: str
    who: str
    checked_on: date
    expires_on: date | None

    @property
    def words(self) -> str:
        return f"{self.what} ({self.who}): checked on {self.checked_on:%-d %B %Y}"


def check_badges(micro_provider: MicroProvider, today: date) -> list[Badge]:
    """Badges for the checks in date, naming the owner or the worker's role, never a worker."""
    return [
        Badge(
            what=check.get_kind_display(),
            who=check.worker.role if check.worker else "owner",
            checked_on=check.verified_on,
            expires_on=check.expires_on,
        )
        for check in latest_checks(micro_provider, today)
        if not is_lapsed(check, today)
    ]


# ---------------------------------------------------------------------------------------------
# Which providers are listed, and finding support near a person


def listed_providers(today: date) -> list[MicroProvider]:
    """Micro-providers with a public listing and every required check in date."""
    candidates = (
        MicroProvider.objects.filter(Exists(public_listings().filter(provider_id=OuterRef("provider_id"))))
        .select_related("provider", "base_postcode")
        .prefetch_related("checks__worker", "availability")
    )
    return [mp for mp in candidates if not lapsed_required_checks(mp, today)]


def listed_provider(provider_id: int | str, today: date) -> MicroProvider:
    """One listed provider, for its public page; ``NotVisible`` for any other."""
    try:
        micro_provider = MicroProvider.objects.select_related("provider", "base_postcode").get(
            pk=int(provider_id)
        )
    except (ValueError, MicroProvider.DoesNotExist):
        raise NotVisible() from None
    if (
        lapsed_required_checks(micro_provider, today)
        or not public_listings().filter(provider_id=micro_provider.provider_id).exists()
    ):
        raise NotVisible()
    return micro_provider


def provider_listings(micro_provider: MicroProvider) -> QuerySet[Service]:
    return public_listings().filter(provider_id=micro_provider.provider_id)


@dataclass(frozen=True)
class ProviderSearch:
    """What a person needs. Only ``postcode`` is required; the rest narrow the search."""

    postcode: Postcode
    need: str = ""  # an Offer code
    day: int | None = None  # 0 = Monday
    starts_at: time | None = None
    ends_at: time | None = None
    language: str = ""


@dataclass
class ProviderMatch:
    micro_provider: MicroProvider
    miles: float
    reasons: list[str] = field(default_factory=list)


def miles_words(miles: float) -> str:
    """How far, as the suggestions say it (``matching.ranking.reasons_for``)."""
    return f"{miles:.1f} miles" if round(miles, 1) != 1.0 else "1 mile"


def covers(micro_provider: MicroProvider, postcode: Postcode, miles: float) -> str | None:
    """Why the provider covers ``postcode`` (``miles`` from its base), in words; None if it does not."""
    district, sector = district_and_sector(postcode.postcode)
    areas = parse_postcode_areas(micro_provider.covers_postcode_areas)
    if sector in areas:
        return f"covers {sector}"
    if district in areas:
        return f"covers {district}"
    radius = micro_provider.covers_radius_miles
    if radius is not None and Decimal(str(round(miles, 3))) <= radius:
        return f"goes up to {radius.normalize():f} miles from its base"
    return None


def pounds(pence: int) -> str:
    return f"£{pence // 100}" if pence % 100 == 0 else f"£{pence // 100}.{pence % 100:02d}"


def _fits_time(micro_provider: MicroProvider, search: ProviderSearch) -> str | None:
    """The slot the provider works in that holds the time asked for, in words; "" when no time was
    asked; None when no slot fits."""
    if search.day is None and search.starts_at is None and search.ends_at is None:
        return ""
    for slot in micro_provider.availability.all():
        if search.day is not None and slot.weekday != search.day:
            continue
        if search.starts_at is not None and slot.starts_at > search.starts_at:
            continue
        if search.ends_at is not None and slot.ends_at < search.ends_at:
            continue
        if search.starts_at is not None and slot.ends_at <= search.starts_at:
            continue
        return f"works {slot.get_weekday_display()}s {slot.starts_at:%H:%M} to {slot.ends_at:%H:%M}"
    return None


def search_providers(search: ProviderSearch, today: date) -> list[ProviderMatch]:
    """Listed providers covering the person's postcode that offer what is needed, when, in the
    language asked: nearest base first, each with its reasons in words."""
    if not search.postcode.has_location:
        raise Refusal("The postcode has no known location.", field="postcode")
    if search.need and search.need not in Offer.values:
        raise Refusal("Choose what support is needed from the list.", field="need")
    if search.starts_at and search.ends_at and search.ends_at <= search.starts_at:
        raise Refusal("The time it ends must be after the time it starts.", field="ends_at")
    home = Point(search.postcode.latitude, search.postcode.longitude)  # type: ignore[arg-type]
    language = search.language.strip().casefold()
    matches: list[ProviderMatch] = []
    for mp in listed_providers(today):
        base = mp.base_postcode
        if not base.has_location:
            continue
        miles = great_circle_miles(Point(base.latitude, base.longitude), home)  # type: ignore[arg-type]
        covered = covers(mp, search.postcode, miles)
        if covered is None:
            continue
        if search.need and search.need not in mp.offers:
            continue
        when = _fits_time(mp, search)
        if when is None:
            continue
        spoken = [name for name in mp.languages if name.casefold() == language]
        if language and not spoken:
            continue
        reasons = []
        if search.need:
            reasons.append(Offer(search.need).label)
        reasons.append(miles_words(miles))
        reasons.append(covered)
        if when:
            reasons.append(when)
        if spoken:
            reasons.append(f"speaks {spoken[0]}")
        reasons.append(f"{pounds(mp.price_per_hour_pence)} an hour")
        matches.append(ProviderMatch(mp, miles, reasons))
    return sorted(matches, key=lambda m: (m.miles, m.micro_provider.provider.name))


# ---------------------------------------------------------------------------------------------
# Coordinators' and editors' reads


def providers_coordinated_by(user: Requester) -> QuerySet[MicroProvider]:
    if not may_work_with_people(user):
        return MicroProvider.objects.none()
    providers = MicroProvider.objects.select_related("provider", "team")
    if is_administrator(user):
        return providers
    return providers.filter(team__memberships__user=user).distinct()


def provider_to_coordinate(user: Requester, provider_id: int | str) -> MicroProvider:
    try:
        return providers_coordinated_by(user).get(pk=int(provider_id))
    except (ValueError, MicroProvider.DoesNotExist):
        raise NotVisible() from None


def enquiries_for(user: Requester) -> QuerySet[ProviderEnquiry]:
    """The pipeline of the teams the user coordinates micro-providers for."""
    if not may_work_with_people(user):
        return ProviderEnquiry.objects.none()
    enquiries = ProviderEnquiry.objects.select_related("team", "micro_provider__provider")
    if is_administrator(user):
        return enquiries
    return enquiries.filter(team__memberships__user=user).distinct()


def enquiry_to_coordinate(user: Requester, enquiry_id: int | str) -> ProviderEnquiry:
    try:
        return enquiries_for(user).get(pk=int(enquiry_id))
    except (ValueError, ProviderEnquiry.DoesNotExist):
        raise NotVisible() from None


def provider_for_editor(user: Requester, provider_id: int | str) -> MicroProvider:
    """A provider whose contact requests ``user`` may read (its editors); ``NotVisible`` otherwise."""
    try:
        micro_provider = MicroProvider.objects.select_related("provider").get(pk=int(provider_id))
    except (ValueError, MicroProvider.DoesNotExist):
        raise NotVisible() from None
    if not may_read_contact_requests(user, micro_provider):
        raise NotVisible()
    return micro_provider


def provider_to_change(user: Requester, provider_id: int | str) -> MicroProvider:
    """A provider ``user`` may change (its coordinators and editors); ``NotVisible`` otherwise."""
    try:
        micro_provider = MicroProvider.objects.select_related("provider", "team", "base_postcode").get(
            pk=int(provider_id)
        )
    except (ValueError, MicroProvider.DoesNotExist):
        raise NotVisible() from None
    if not may_change_micro_provider(user, micro_provider):
        raise NotVisible()
    return micro_provider


def may_edit_any_micro_provider(user: Requester) -> bool:
    """An editor of an organisation that is a micro-provider: the provider's side of care."""
    return providers_edited_by(user).exists()


def providers_edited_by(user: Requester) -> QuerySet[MicroProvider]:
    """The micro-providers whose directory organisation ``user`` edits (none for anyone else)."""
    if not (isinstance(user, User) and has_role(user, Role.ORGANISATION_EDITOR) and user.organisation_id):
        return MicroProvider.objects.none()
    return (
        MicroProvider.objects.filter(provider__owner_id=user.organisation_id)
        .select_related("provider")
        .prefetch_related("checks__worker", "contact_requests")
    )


def contact_requests_for(user: Requester, micro_provider: MicroProvider) -> QuerySet[ContactRequest]:
    if not may_read_contact_requests(user, micro_provider):
        raise NotVisible()
    return micro_provider.contact_requests.all()


def provider_editors(micro_provider: MicroProvider) -> list[User]:
    """Who the provider's contact requests and reminders are emailed to: its organisation's
    editors with an email address."""
    owner_id = micro_provider.provider.owner_id
    if owner_id is None:
        return []
    return list(
        User.objects.filter(organisation_id=owner_id, role=Role.ORGANISATION_EDITOR, is_active=True).exclude(
            email=""
        )
    )


def micro_enterprise_coordinators(team_ids: Iterable[int]) -> list[User]:
    """The team members who work with people and can be emailed."""
    return list(
        User.objects.filter(memberships__team_id__in=list(team_ids), is_active=True)
        .filter(role__in=ROLES_THAT_SEE_PERSON_RECORDS)
        .exclude(email="")
        .distinct()
    )
