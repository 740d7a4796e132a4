"""Business actions on micro-providers: registering one, recording its checks (which hide its
listings from searches when a required one runs out, and show them again when it is renewed),
contact requests to it, and the pipeline of people becoming providers.

Hiding works through what the directory already honours: a listing's ``listing_status``. Only
published listings (not closed for good) are in the directory's search, its public pages and the
Open Referral UK feed, so a hidden listing is set back to draft, with a ``HiddenListing`` row saying
care did it, and published again only if care hid it and it is still the draft care left."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, Team, User
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal, TooOften
from common.limits import count_one, used_up
from directory.models import ListingStatus, Provider
from places.models import Postcode
from places.selectors import PostcodeError, find_postcode

from .models import (
    ContactRequest,
    HiddenListing,
    MicroProvider,
    Offer,
    ProviderAvailability,
    ProviderCheck,
    ProviderEnquiry,
    ProviderWorker,
    SupportSession,
)
from .provider_selectors import (
    lapsed_required_checks,
    listed_provider,
    may_change_micro_provider,
    may_coordinate_micro_providers,
    may_edit_micro_provider,
    may_send_contact_request,
    parse_postcode_areas,
    provider_editors,
)

# ---------------------------------------------------------------------------------------------
# Registering a micro-provider


# CQC's provider and location ids: "1-" and 9 to 11 digits (for example 1-101234567).
CQC_ID = re.compile(r"^1-[0-9]{9,11}$")

# The details a provider's editors may change, besides its coordinators (never its team or checks).
DETAIL_FIELDS = (
    "owner_name",
    "offers",
    "base_postcode",
    "covers_postcode_areas",
    "covers_radius_miles",
    "price_per_hour_pence",
    "languages",
    "needs_cqc_registration",
    "cqc_number",
)


def clean_provider_details(details: dict[str, Any]) -> dict[str, Any]:
    """Check a micro-provider's details, raising a ``Refusal`` naming the field; returns them as
    the model holds them. The register and change pages and the back office all check through here.

    ``base_postcode`` must be a ``places.Postcode`` (a postcode we know: the forms' ``PostcodeField``
    finds it); ``covers_radius_miles`` a ``Decimal`` or None; ``price_per_hour_pence`` an int."""
    owner_name = (details.get("owner_name") or "").strip()
    if not owner_name:
        raise Refusal("Enter the name of who runs it.", field="owner_name")
    if len(owner_name) > 200:
        raise Refusal("Enter a name of 200 characters or fewer.", field="owner_name")
    offers = list(details.get("offers") or [])
    if not offers:
        raise Refusal("Choose at least one kind of support it offers.", field="offers")
    unknown = [o for o in offers if o not in Offer.values]
    if unknown:
        raise Refusal(f"“{unknown[0]}” is not a kind of support we know.", field="offers")
    base = details.get("base_postcode")
    if isinstance(base, str) and base.strip():
        try:
            base = find_postcode(base)  # as every postcode typed in Closeknit is found
        except PostcodeError as error:
            raise Refusal(str(error), field="base_postcode") from None
    if not isinstance(base, Postcode):
        raise Refusal("Enter the postcode it works from.", field="base_postcode")
    if base.terminated_on is not None or not base.has_location:
        raise Refusal(f"Enter a postcode in use now: {base.postcode} is not.", field="base_postcode")
    areas = parse_postcode_areas(details.get("covers_postcode_areas", ""))
    if len(", ".join(areas)) > 500:
        raise Refusal(
            "Enter 500 characters or fewer of districts and sectors.", field="covers_postcode_areas"
        )
    radius = details.get("covers_radius_miles")
    if radius is not None:
        radius = Decimal(radius)
        if not (Decimal(0) < radius <= Decimal(100)) or radius != round(radius, 1):
            raise Refusal(
                "Enter a distance of more than 0 and up to 100 miles, to one decimal place.",
                field="covers_radius_miles",
            )
    if not areas and radius is None:
        raise Refusal(
            "Enter the postcode districts it covers, or how far from its base it goes.",
            field="covers_postcode_areas",
        )
    price = details.get("price_per_hour_pence")
    if not isinstance(price, int) or isinstance(price, bool) or not 0 <= price <= 100_000:
        raise Refusal("Enter the price for an hour, from £0 to £1,000.", field="price_per_hour_pence")
    languages: list[str] = []
    for name in details.get("languages") or []:
        name = " ".join(str(name).split())
        if not name:
            continue
        if len(name) > 60 or not re.fullmatch(r"[^\W\d_][\w ()'’-]*", name):
            raise Refusal(
                f"“{name[:60]}” is not a language's name. Enter languages separated by commas.",
                field="languages",
            )
        if name.casefold() not in {known.casefold() for known in languages}:
            languages.append(name)
    needs_cqc = bool(details.get("needs_cqc_registration"))
    cqc_number = (details.get("cqc_number") or "").strip()
    if needs_cqc and not cqc_number:
        raise Refusal(
            "Enter the CQC registration number: two or more staff doing personal care must be registered.",
            field="cqc_number",
        )
    if cqc_number and not CQC_ID.match(cqc_number):
        raise Refusal(
            "Enter the CQC id as CQC writes it: 1- and then 9 to 11 digits, like 1-101234567.",
            field="cqc_number",
        )
    return {
        "owner_name": owner_name,
        "offers": offers,
        "base_postcode": base,
        "covers_postcode_areas": ", ".join(areas),
        "covers_radius_miles": radius,
        "price_per_hour_pence": price,
        "languages": languages,
        "needs_cqc_registration": needs_cqc,
        "cqc_number": cqc_number,
    }


def _add_availability(micro_provider: MicroProvider, weekday: int, starts_at: time, ends_at: time) -> None:
    """One weekly time, refused when it is not a day, ends before it starts or overlaps another."""
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise Refusal("Choose a day of the week.", field="weekday")
    if ends_at <= starts_at:
        raise Refusal("The time it ends must be after the time it starts.", field="ends_at")
    clash = micro_provider.availability.filter(weekday=weekday, starts_at__lt=ends_at, ends_at__gt=starts_at)
    for slot in clash[:1]:
        raise Refusal(f"This overlaps {slot}. Change that time, or remove it first.", field="starts_at")
    ProviderAvailability.objects.create(
        micro_provider=micro_provider, weekday=weekday, starts_at=starts_at, ends_at=ends_at
    )


def _add_worker(micro_provider: MicroProvider, name: str, role: str) -> ProviderWorker:
    name, role = name.strip(), role.strip()
    if not name:
        raise Refusal("Enter the worker's name.", field="name")
    if not role:
        raise Refusal("Enter what they do, such as support worker.", field="role")
    if len(name) > 200 or len(role) > 100:
        raise Refusal("Enter a name of 200 characters or fewer and a role of 100 or fewer.", field="name")
    return ProviderWorker.objects.create(micro_provider=micro_provider, name=name, role=role)


@transaction.atomic
def register_micro_provider(
    user: Requester,
    provider: Provider,
    team: Team,
    details: dict[str, Any],
    availability: Sequence[tuple[int, time, time]] = (),
    workers: Sequence[tuple[str, str]] = (),
) -> MicroProvider:
    """Make a directory provider a micro-provider supported by ``team`` (the council's
    micro-enterprise team), with its weekly availability and workers."""
    if not may_coordinate_micro_providers(user, team.pk):
        raise NotPermitted("Only the micro-enterprise team's coordinators can register providers.")
    if MicroProvider.objects.filter(provider=provider).exists():
        raise Refusal("This provider is already a micro-provider.", field="provider")
    cleaned = clean_provider_details(details)
    micro_provider = MicroProvider.objects.create(provider=provider, team=team, **cleaned)
    for weekday, starts_at, ends_at in availability:
        try:
            _add_availability(micro_provider, weekday, starts_at, ends_at)
        except Refusal as refusal:
            raise Refusal(refusal.messages[0], field="availability") from None
    for name, role in workers:
        if not name.strip() or not role.strip():
            raise Refusal("Give each worker a name and a role.", field="workers")
        _add_worker(micro_provider, name, role)
    assert isinstance(user, User)
    record_audit_event(user, AuditEvent.Action.CREATE, micro_provider, note="Micro-provider registered.")
    return micro_provider


@transaction.atomic
def register_new_micro_provider(
    user: Requester,
    team: Team,
    *,
    name: str,
    description: str,
    email: str = "",
    details: dict[str, Any],
    enquiry: ProviderEnquiry | None = None,
) -> MicroProvider:
    """Register a micro-provider the directory does not hold yet: its organisation (whose editors
    will keep its listings and details) and its directory provider, as the directory makes them,
    then the micro-provider; from an enquiry at the checks stage, the enquiry is linked to it."""
    if not may_coordinate_micro_providers(user, team.pk):
        raise NotPermitted("Only the micro-enterprise team's coordinators can register providers.")
    assert isinstance(user, User)
    name = " ".join(name.split())
    if not name:
        raise Refusal("Enter the provider's name, as people will see it.", field="name")
    if len(name) > 200:
        raise Refusal("Enter a name of 200 characters or fewer.", field="name")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise Refusal(f"There is already an organisation called {name}. Choose another name.", field="name")
    description = description.strip()
    if not description:
        raise Refusal("Describe what it does, in a sentence or two.", field="description")
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except Exception:
            raise Refusal("Enter an email address like name@example.com.", field="email") from None
    if enquiry is not None:
        if enquiry.team_id != team.pk:
            raise Refusal("Choose the team the enquiry belongs to.", field="team")
        if enquiry.stage != ProviderEnquiry.Stage.CHECKS:
            raise Refusal("Only an enquiry at the checks stage can be registered.", field="enquiry")
        if enquiry.micro_provider_id is not None:
            raise Refusal("This enquiry has already been registered as a provider.", field="enquiry")
    cleaned = clean_provider_details(details)  # before anything is made
    organisation = Organisation.objects.create(name=name, kind=Organisation.Kind.BUSINESS)
    provider = Provider.objects.create(owner=organisation, name=name, description=description, email=email)
    micro_provider = register_micro_provider(user, provider, team, cleaned)
    if enquiry is not None:
        enquiry.micro_provider = micro_provider
        enquiry.updated_at = timezone.now()
        enquiry.save(update_fields=["micro_provider", "updated_at"])
        record_audit_event(user, AuditEvent.Action.UPDATE, enquiry, note="Enquiry registered as a provider.")
    return micro_provider


@transaction.atomic
def change_micro_provider(
    user: Requester, micro_provider: MicroProvider, details: dict[str, Any]
) -> MicroProvider:
    """Change what a provider offers, where, when it is paid and in which languages (its
    coordinators or its own editors; never its team or checks)."""
    if not may_change_micro_provider(user, micro_provider):
        raise NotPermitted("Only the provider's editors and coordinators can change its details.")
    assert isinstance(user, User)
    cleaned = clean_provider_details(details)
    for name, value in cleaned.items():
        setattr(micro_provider, name, value)
    micro_provider.save(update_fields=list(cleaned))
    record_audit_event(
        user, AuditEvent.Action.UPDATE, micro_provider, note="Micro-provider's details changed."
    )
    return micro_provider


@transaction.atomic
def add_provider_worker(
    user: Requester, micro_provider: MicroProvider, *, name: str, role: str
) -> ProviderWorker:
    """Someone new works for the provider (their checks are recorded by its coordinators)."""
    if not may_change_micro_provider(user, micro_provider):
        raise NotPermitted("Only the provider's editors and coordinators can add workers.")
    assert isinstance(user, User)
    worker = _add_worker(micro_provider, name, role)
    record_audit_event(user, AuditEvent.Action.CREATE, worker, note="Micro-provider's worker added.")
    return worker


@transaction.atomic
def mark_worker_left(
    user: Requester, worker: ProviderWorker, *, left_on: date, today: date | None = None
) -> ProviderWorker:
    """A worker stopped working for the provider on ``left_on``: from then their checks no longer
    count, so one running out no longer hides the provider (its listings are shown again if that
    was all that hid them)."""
    micro_provider = worker.micro_provider
    if not may_change_micro_provider(user, micro_provider):
        raise NotPermitted("Only the provider's editors and coordinators can change its workers.")
    assert isinstance(user, User)
    today = today or timezone.localdate()
    if worker.left_on is not None:
        raise Refusal(f"{worker.name} has already left.", field="left_on")
    if left_on > today:
        raise Refusal("The day they left cannot be in the future.", field="left_on")
    worker.left_on = left_on
    worker.save(update_fields=["left_on"])
    refresh_listings(micro_provider, today)
    record_audit_event(user, AuditEvent.Action.UPDATE, worker, note="Micro-provider's worker has left.")
    return worker


@transaction.atomic
def add_provider_time(
    user: Requester, micro_provider: MicroProvider, *, weekday: int, starts_at: time, ends_at: time
) -> MicroProvider:
    """A weekly time the provider works; refused when it overlaps one it has on that day."""
    if not may_change_micro_provider(user, micro_provider):
        raise NotPermitted("Only the provider's editors and coordinators can change its times.")
    assert isinstance(user, User)
    # One at a time for each provider: two people adding overlapping times cannot both succeed.
    MicroProvider.objects.select_for_update().filter(pk=micro_provider.pk).first()
    _add_availability(micro_provider, weekday, starts_at, ends_at)
    record_audit_event(user, AuditEvent.Action.UPDATE, micro_provider, note="Micro-provider's time added.")
    return micro_provider


@transaction.atomic
def remove_provider_time(user: Requester, slot: ProviderAvailability) -> MicroProvider:
    micro_provider = slot.micro_provider
    if not may_change_micro_provider(user, micro_provider):
        raise NotPermitted("Only the provider's editors and coordinators can change its times.")
    assert isinstance(user, User)
    slot.delete()
    record_audit_event(user, AuditEvent.Action.UPDATE, micro_provider, note="Micro-provider's time removed.")
    return micro_provider


# ---------------------------------------------------------------------------------------------
# Checks, and hiding listings while a required one has run out


def refresh_listings(micro_provider: MicroProvider, today: date) -> bool:
    """Hide the provider's published listings if a required check has run out by ``today``, or
    publish again those care hid if none has. Returns whether its listings are now hidden."""
    lapsed = bool(lapsed_required_checks(micro_provider, today))
    now = timezone.now()
    if lapsed:
        for listing in micro_provider.provider.services.filter(listing_status=ListingStatus.PUBLISHED):
            HiddenListing.objects.get_or_create(
                service=listing, defaults={"micro_provider": micro_provider, "hidden_on": today}
            )
            listing.listing_status = ListingStatus.DRAFT
            listing.last_modified = now
            listing.save(update_fields=["listing_status", "last_modified"])
        return True
    for hidden in micro_provider.hidden_listings.select_related("service"):
        listing = hidden.service
        # Only the draft care left: an editor who archived or published it since has decided.
        if listing.listing_status == ListingStatus.DRAFT:
            listing.listing_status = ListingStatus.PUBLISHED
            listing.last_modified = now
            listing.save(update_fields=["listing_status", "last_modified"])
        hidden.delete()
    return False


@transaction.atomic
def apply_check_lapses(today: date) -> int:
    """Hide or show every micro-provider's listings as its checks stand on ``today`` (daily).
    Returns how many providers are hidden."""
    hidden = 0
    for micro_provider in MicroProvider.objects.select_related("provider").prefetch_related("checks__worker"):
        hidden += refresh_listings(micro_provider, today)
    return hidden


@transaction.atomic
def record_check(
    user: Requester,
    micro_provider: MicroProvider,
    *,
    kind: str,
    evidence_reference: str,
    verified_on: date,
    expires_on: date | None,
    required: bool = True,
    worker: ProviderWorker | None = None,
    amount_pence: int | None = None,
    today: date | None = None,
) -> ProviderCheck:
    """Record a check a coordinator has verified (a renewal is a new check), then hide or show the
    provider's listings as its checks now stand."""
    if not may_edit_micro_provider(user, micro_provider):
        raise NotPermitted("Only the provider's micro-enterprise coordinators can record its checks.")
    assert isinstance(user, User)
    today = today or timezone.localdate()
    if kind not in ProviderCheck.Kind.values:
        raise Refusal("Choose which check this is.", field="kind")
    if worker is not None and worker.micro_provider_id != micro_provider.pk:
        raise Refusal("Choose one of this provider's workers.", field="worker")
    if not evidence_reference.strip():
        raise Refusal(
            "Enter the evidence seen: the certificate or policy number.", field="evidence_reference"
        )
    if verified_on > today:
        raise Refusal("The date it was checked cannot be in the future.", field="verified_on")
    if expires_on is not None and expires_on <= verified_on:
        raise Refusal("The date it runs out must be after the date it was checked.", field="expires_on")
    if kind == ProviderCheck.Kind.INSURANCE:
        if amount_pence is None or amount_pence <= 0:
            raise Refusal("Enter the amount of cover, in pence.", field="amount_pence")
        if expires_on is None:
            raise Refusal("Enter the date the insurance runs out.", field="expires_on")
    elif amount_pence is not None:
        raise Refusal("Only insurance has an amount of cover.", field="amount_pence")
    check = ProviderCheck.objects.create(
        micro_provider=micro_provider,
        worker=worker,
        kind=kind,
        evidence_reference=evidence_reference.strip()[:100],
        amount_pence=amount_pence,
        verified_by=user,
        verified_on=verified_on,
        expires_on=expires_on,
        required=required,
    )
    refresh_listings(micro_provider, today)
    record_audit_event(user, AuditEvent.Action.CREATE, check, note="Micro-provider check recorded.")
    return check


# ---------------------------------------------------------------------------------------------
# Contact requests

# More than a person would send in an hour: nobody can bury providers in requests.
CONTACT_REQUESTS_PER_HOUR = 10

_PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")


def _clean_contact(contact: str, field: str = "contact") -> str:
    contact = contact.strip()
    if "@" in contact:
        try:
            validate_email(contact)
        except Exception:
            raise Refusal("Enter an email address like name@example.com.", field=field) from None
        return contact
    if not _PHONE.match(contact):
        raise Refusal("Enter a phone number like 0161 555 0123, or an email address.", field=field)
    return contact


@transaction.atomic
def send_contact_request(
    sender: Requester,
    micro_provider: MicroProvider,
    *,
    name: str,
    contact: str,
    message: str = "",
    today: date | None = None,
    site_url: str = "",
) -> ContactRequest:
    """Ask a listed provider to get in touch. The name and contact go to the provider's editors by
    email and are kept for the provider only; nobody else is told them."""
    if not may_send_contact_request(sender):
        raise NotPermitted("Sign in to ask a provider to contact you.")
    assert isinstance(sender, User)
    listed_provider(micro_provider.pk, today or timezone.localdate())  # NotVisible when not listed
    name = name.strip()
    if not name:
        raise Refusal("Enter the name of who the support is for.", field="name")
    if len(name) > 200:
        raise Refusal("Enter a name of 200 characters or fewer.", field="name")
    contact = _clean_contact(contact)
    if len(message) > 2000:
        raise Refusal("Write 2000 characters or fewer.", field="message")
    key = f"care-contact-requests:{sender.pk}"
    if used_up(key, CONTACT_REQUESTS_PER_HOUR):
        raise TooOften(
            "You have sent a lot of requests in the last hour. Try again later, or ring the provider."
        )
    recipients = [user.email for user in provider_editors(micro_provider)]
    if not recipients and micro_provider.provider.email:
        recipients = [micro_provider.provider.email]
    if not recipients:
        raise Refusal("This provider cannot take requests online yet. Use the phone number on its listing.")
    count_one(key)
    request = ContactRequest.objects.create(
        micro_provider=micro_provider, name=name, contact=contact, message=message.strip(), sent_by=sender
    )
    body = render_to_string(
        "care/providers/email/contact_request.txt",
        {
            "provider": micro_provider.provider,
            "request": request,
            "requests_url": site_url.rstrip("/")
            + reverse("care:provider_contact_requests", args=[micro_provider.pk]),
            "service_name": settings.CLOSEKNIT_SITE_NAME,
        },
    )
    # One email per editor, so no editor's address is shown to another.
    for address in recipients:
        send_mail("Someone would like you to contact them", body, settings.DEFAULT_FROM_EMAIL, [address])
    record_audit_event(sender, AuditEvent.Action.CREATE, request, note="Contact request sent to a provider.")
    return request


# ---------------------------------------------------------------------------------------------
# The pipeline: enquiry, support sessions, checks, listed


@transaction.atomic
def record_enquiry(
    user: Requester, team: Team, *, name: str, contact: str, idea: str = ""
) -> ProviderEnquiry:
    if not may_coordinate_micro_providers(user, team.pk):
        raise NotPermitted("Only the micro-enterprise team's coordinators can record enquiries.")
    assert isinstance(user, User)
    name = name.strip()
    if not name:
        raise Refusal("Enter the name of who enquired.", field="name")
    enquiry = ProviderEnquiry.objects.create(
        team=team, name=name[:200], contact=_clean_contact(contact), idea=idea.strip()
    )
    record_audit_event(user, AuditEvent.Action.CREATE, enquiry, note="Micro-provider enquiry recorded.")
    return enquiry


@transaction.atomic
def record_support_session(
    user: Requester, enquiry: ProviderEnquiry, *, held_on: date, notes: str = "", today: date | None = None
) -> SupportSession:
    """A support session held; an enquiry moves on to "support sessions" with its first."""
    if not may_coordinate_micro_providers(user, enquiry.team_id):
        raise NotPermitted("Only the micro-enterprise team's coordinators can record support sessions.")
    assert isinstance(user, User)
    if held_on > (today or timezone.localdate()):
        raise Refusal("The date of the session cannot be in the future.", field="held_on")
    if enquiry.stage in (ProviderEnquiry.Stage.LISTED, ProviderEnquiry.Stage.STOPPED):
        raise Refusal(f"This enquiry is {enquiry.get_stage_display().lower()}.", field="held_on")
    session = SupportSession.objects.create(
        enquiry=enquiry, held_on=held_on, notes=notes.strip(), held_by=user
    )
    if enquiry.stage == ProviderEnquiry.Stage.ENQUIRY:
        enquiry.stage = ProviderEnquiry.Stage.SUPPORT
    enquiry.updated_at = timezone.now()
    enquiry.save(update_fields=["stage", "updated_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, enquiry, note="Support session recorded.")
    return session


@transaction.atomic
def move_enquiry(
    user: Requester, enquiry: ProviderEnquiry, stage: str, micro_provider: MicroProvider | None = None
) -> ProviderEnquiry:
    """Move an enquiry to ``stage``; "listed" names the micro-provider it became."""
    if not may_coordinate_micro_providers(user, enquiry.team_id):
        raise NotPermitted("Only the micro-enterprise team's coordinators can move enquiries on.")
    assert isinstance(user, User)
    if stage not in ProviderEnquiry.Stage.values:
        raise Refusal("Choose a stage from the list.", field="stage")
    if stage == ProviderEnquiry.Stage.LISTED:
        # Registered from the enquiry: the provider it became is already known.
        micro_provider = micro_provider or enquiry.micro_provider
        if micro_provider is None:
            raise Refusal("Choose the micro-provider this enquiry became.", field="micro_provider")
        if micro_provider.team_id != enquiry.team_id:
            raise Refusal("Choose one of your team's micro-providers.", field="micro_provider")
        taken = ProviderEnquiry.objects.filter(micro_provider=micro_provider).exclude(pk=enquiry.pk)
        if taken.exists():
            raise Refusal("Another enquiry already became this provider.", field="micro_provider")
    enquiry.stage = stage
    if stage == ProviderEnquiry.Stage.LISTED:
        enquiry.micro_provider = micro_provider
    enquiry.updated_at = timezone.now()
    enquiry.save(update_fields=["stage", "micro_provider", "updated_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, enquiry, note=f"Enquiry moved to {stage}.")
    return enquiry
