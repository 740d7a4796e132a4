"""Social prescribing referrals from receiving to closing (PRSB Social Prescribing Information
Standard): referral links for referring organisations, referrals arriving in a team's inbox,
accepting (making or linking the person's record), declining, asking for more, changing and
closing a referral with its outcome. One business action per function, one transaction each,
audited; messages to the referrer are sent only once the change is committed."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AuditEvent, Team, User
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal, TooOften
from common.limits import count_one, used_up
from places.selectors import PostcodeError, find_postcode

from . import permissions, selectors, services
from .models import (
    SNOMED_DECLINED,
    SNOMED_REFERRAL,
    Consent,
    IncomingReferral,
    Introducer,
    Person,
    Referral,
    ReferralLink,
    ReferralStep,
)
from .selectors import PersonNotVisible

REFERRALS_PER_HOUR_PER_LINK = 30
REFERRALS_PER_HOUR_PER_ADDRESS = 10
TOO_MANY = "A lot of referrals have been sent from here in the last hour. Try again later, or phone the team."
ANSWERED = "This referral has already been answered."


class TooManyReferrals(TooOften):
    """More referrals in an hour, through one link or from one address, than a practice sends."""


def digest(secret: str) -> str:
    """What is kept of a referral link's secret: its SHA-256, so the database alone opens nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    """A new referral link and its two secrets, shown once: they are not kept."""

    link: ReferralLink
    form_secret: str
    api_token: str


@transaction.atomic
def create_referral_link(user: User, team: Team, referring_organisation: str, kind: str) -> IssuedLink:
    """A referring organisation's link to send referrals to ``team``'s inbox (a form, no account
    needed) and its API token. For the team's leads and administrators."""
    if team is None or not permissions.may_manage_referral_links(user, team):
        raise Refusal("Choose a team you lead.", field="team")
    name = (referring_organisation or "").strip()
    if not name:
        raise Refusal("Enter the name of the referring organisation.", field="referring_organisation")
    if kind not in Introducer.values:
        raise Refusal("Choose what kind of organisation it is.", field="kind")
    form_secret, api_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    link = ReferralLink.objects.create(
        team=team,
        referring_organisation=name[:200],
        kind=kind,
        form_digest=digest(form_secret),
        api_digest=digest(api_token),
        created_by=user,
    )
    record_audit_event(user, AuditEvent.Action.CREATE, link, note="referral link made")
    return IssuedLink(link, form_secret, api_token)


@transaction.atomic
def revoke_referral_link(user: User, link: ReferralLink) -> ReferralLink:
    """The link and its API token open nothing from now on. Referrals already sent stay."""
    if not permissions.may_manage_referral_links(user, link.team):
        raise NotPermitted("Only the team's leads and administrators may revoke its referral links.")
    if link.revoked_at is not None:
        raise Refusal("This link has already been revoked.")
    link.revoked_at, link.revoked_by = timezone.now(), user
    link.save(update_fields=["revoked_at", "revoked_by"])
    record_audit_event(user, AuditEvent.Action.UPDATE, link, note="referral link revoked")
    return link


def _within_limits(link: ReferralLink, sender: str | None) -> None:
    keys = [(f"referrals:link:{link.pk}", REFERRALS_PER_HOUR_PER_LINK)]
    if sender:
        keys.append((f"referrals:address:{sender}", REFERRALS_PER_HOUR_PER_ADDRESS))
    if any(used_up(key, limit) for key, limit in keys):
        raise TooManyReferrals(TOO_MANY)
    for key, _limit in keys:
        count_one(key)


def _required(details: dict[str, Any], field: str, message: str) -> str:
    value = str(details.get(field) or "").strip()
    if not value:
        raise Refusal(message, field=field)
    return value


def _check_reasons(reasons: Any) -> list[str]:
    if not reasons or not isinstance(reasons, list | tuple):
        raise Refusal("Choose at least one reason for the referral.", field="reasons")
    unknown = [r for r in reasons if r not in Referral.Reason.values]
    if unknown:
        raise Refusal("Choose reasons from the list.", field="reasons")
    return list(dict.fromkeys(reasons))


@transaction.atomic
def receive_referral(
    link: ReferralLink, details: dict[str, Any], *, sender: str | None = None
) -> IncomingReferral:
    """A referral sent through a referring organisation's link or API token lands in the team's
    inbox, and the referrer is sent an acknowledgement. ``sender`` (the address it came from)
    and the link are each limited to a number an hour. The person must have agreed to be
    referred (``agreed``)."""
    if not link.is_live:
        raise NotPermitted("This referral link has been revoked. Ask the team for a new one.")
    _within_limits(link, sender)
    if not details.get("agreed"):
        raise Refusal("A referral can only be sent if the person agrees to it.", field="agreed")
    born = details.get("date_of_birth")
    if born is not None and born > timezone.localdate():
        raise Refusal("Date of birth cannot be in the future.", field="date_of_birth")
    incoming = IncomingReferral.objects.create(
        team=link.team,
        link=link,
        referring_organisation=link.referring_organisation,
        referrer_name=_required(details, "referrer_name", "Enter your name.")[:200],
        referrer_email=_required(details, "referrer_email", "Enter your email address, for our reply.")[:254],
        referrer_phone=str(details.get("referrer_phone") or "").strip()[:40],
        full_name=_required(details, "full_name", "Enter the full name of the person referred.")[:200],
        date_of_birth=born,
        phone=str(details.get("phone") or "").strip()[:40],
        email=str(details.get("email") or "").strip()[:254],
        address=str(details.get("address") or "").strip()[:2000],
        postcode=str(details.get("postcode") or "").strip().upper()[:16],
        communication_needs=str(details.get("communication_needs") or "").strip()[:2000],
        reasons=_check_reasons(details.get("reasons")),
        what_matters=str(details.get("what_matters") or "").strip()[:5000],
    )
    ReferralStep.objects.create(
        incoming=incoming,
        status=ReferralStep.Status.RECEIVED,
        by_label=f"{incoming.referrer_name}, {incoming.referring_organisation}"[:254],
    )
    # The form's address holds the link's secret: the log keeps which page, never the secret
    # (accounts.services.path_without_secrets).
    record_audit_event(
        None, AuditEvent.Action.CREATE, incoming, note=f"received through referral link {link.pk}"
    )
    _tell_referrer(
        incoming,
        f"Referral {incoming.reference} received",
        f"Thank you. {incoming.team} received your referral {incoming.reference} on "
        f"{timezone.localtime(incoming.received_at):%-d %B %Y at %H:%M}.\n\n"
        "A link worker will read it and get in touch with the person. We will write to you again "
        "when the referral is accepted or if we need more information, and when it is closed.\n\n"
        f"Please quote {incoming.reference} if you contact us about it.",
    )
    return incoming


def _tell_referrer(incoming: IncomingReferral, subject: str, body: str, *, reply_to: str = "") -> None:
    """Email the referrer once the change is committed (nothing is sent if it rolls back). The
    message names the referral by its reference, never the person, unless ``body`` is an outcome
    they agreed to share."""
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[incoming.referrer_email],
        reply_to=[reply_to] if reply_to else None,
    )
    transaction.on_commit(lambda: message.send(fail_silently=False))


def _open_for_answer(user: User, incoming: IncomingReferral) -> IncomingReferral:
    """The incoming referral, locked, if this user may answer it and it is still waiting."""
    if not permissions.may_see_incoming_referral(user, incoming):
        raise PersonNotVisible
    locked = (
        IncomingReferral.objects.select_for_update(of=("self",))
        .select_related("team", "link")
        .get(pk=incoming.pk)
    )
    if not locked.is_open:
        raise Refusal(ANSWERED)
    return locked


def _postcode_or_none(text: str) -> Any:
    try:
        return find_postcode(text) if text else None
    except PostcodeError:
        return None  # the worker can correct it on the record: it must not stop the referral


@transaction.atomic
def accept_referral(
    user: User,
    incoming: IncomingReferral,
    *,
    person: Person | None = None,
    consent_method: str = "",
    consent_given_on: date | None = None,
    request: HttpRequest | None = None,
) -> Referral:
    """Accept an incoming referral: link it to ``person`` (one of its team's records the user
    sees) or start their record (they agreed to a record: how and when), and make the
    ``Referral`` with its reasons and the SNOMED CT referral code."""
    incoming = _open_for_answer(user, incoming)
    if person is not None:
        if not selectors.people_to_link_referral(user, incoming).filter(pk=person.pk).exists():
            raise Refusal("Choose someone on the team's records, or start a new record.", field="person")
        if not selectors.has_consent_to_keep_record(person):
            raise Refusal(
                "They have not agreed to us keeping a record: record their consent first.", field="person"
            )
    else:
        if consent_method not in Consent.Method.values or consent_given_on is None:
            raise Refusal("Say how they agreed to us keeping a record.", field="consent_method")
        link_kind = incoming.link.kind if incoming.link is not None else Introducer.OTHER
        details = {
            "full_name": incoming.full_name,
            "email": incoming.email,
            "phone": incoming.phone,
            "address": incoming.address,
            "postcode": _postcode_or_none(incoming.postcode),
            "date_of_birth": incoming.date_of_birth,
            "communication_needs": incoming.communication_needs,
            "what_matters": incoming.what_matters,
            "team": incoming.team,
            "coordinator": user
            if selectors.coordinators_for(user).filter(pk=user.pk, memberships__team=incoming.team).exists()
            else None,
            "introduced_by": link_kind,
            "introducer_detail": incoming.referring_organisation[:200],
        }
        person = services.create_person(user, details, consent_method, consent_given_on, request=request)
    referral = Referral.objects.create(
        person=person,
        received_on=timezone.localdate(incoming.received_at),
        referring_organisation=incoming.referring_organisation,
        practitioner=incoming.referrer_name,
        reasons=incoming.reasons,
        snomed_code=SNOMED_REFERRAL,
        recorded_by=user,
    )
    incoming.status, incoming.person, incoming.referral = IncomingReferral.Status.ACCEPTED, person, referral
    incoming.save(update_fields=["status", "person", "referral"])
    incoming.steps.update(referral=referral)
    ReferralStep.objects.create(
        incoming=incoming, referral=referral, status=ReferralStep.Status.ACCEPTED, by=user
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, incoming, request=request, note="accepted")
    record_audit_event(
        user, AuditEvent.Action.UPDATE, person, request=request, note=f"referral {referral.pk} accepted"
    )
    _tell_referrer(
        incoming,
        f"Referral {incoming.reference} accepted",
        f"{incoming.team} has accepted your referral {incoming.reference}. A link worker is "
        "getting in touch with the person. We will write again when the referral is closed.",
    )
    return referral


@transaction.atomic
def decline_referral(user: User, incoming: IncomingReferral, reason: str) -> IncomingReferral:
    """Decline an incoming referral, saying why; it carries the SNOMED CT code "Social
    prescribing declined" and the referrer is told."""
    incoming = _open_for_answer(user, incoming)
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("Say why the referral is declined: the referrer is told.", field="reason")
    incoming.status = IncomingReferral.Status.DECLINED
    incoming.decline_reason = reason[:5000]
    incoming.snomed_code = SNOMED_DECLINED
    incoming.save(update_fields=["status", "decline_reason", "snomed_code"])
    ReferralStep.objects.create(incoming=incoming, status=ReferralStep.Status.DECLINED, note=reason, by=user)
    record_audit_event(user, AuditEvent.Action.UPDATE, incoming, note="declined")
    _tell_referrer(
        incoming,
        f"Referral {incoming.reference} declined",
        f"{incoming.team} could not accept your referral {incoming.reference}.\n\nWhy: {reason}\n\n"
        f"SNOMED CT {SNOMED_DECLINED}: Social prescribing declined.",
        reply_to=user.email,
    )
    return incoming


@transaction.atomic
def ask_for_more_information(user: User, incoming: IncomingReferral, question: str) -> IncomingReferral:
    """Ask the referrer for more before answering: they are emailed the question (replies come
    to the worker) and the referral waits in the inbox."""
    incoming = _open_for_answer(user, incoming)
    question = (question or "").strip()
    if not question:
        raise Refusal("Enter what you need to know.", field="question")
    incoming.status = IncomingReferral.Status.MORE_INFORMATION_ASKED
    incoming.save(update_fields=["status"])
    ReferralStep.objects.create(
        incoming=incoming, status=ReferralStep.Status.MORE_INFORMATION_ASKED, note=question, by=user
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, incoming, note="more information asked")
    _tell_referrer(
        incoming,
        f"Referral {incoming.reference}: more information, please",
        f"About your referral {incoming.reference}, {user.full_name} of {incoming.team} asks:\n\n"
        f"{question}\n\nPlease reply to this email.",
        reply_to=user.email,
    )
    return incoming


def _check_dates(details: dict[str, Any], received: date | None) -> None:
    for field, what in (("first_contact_on", "first contact"), ("closed_on", "closing")):
        value = details.get(field)
        if value and value > timezone.localdate():
            raise Refusal(f"The date of {what} cannot be in the future.", field=field)
        if value and received and value < received:
            raise Refusal(f"The date of {what} cannot be before the referral was received.", field=field)


@transaction.atomic
def update_referral(user: User, referral: Referral, details: dict[str, Any]) -> Referral:
    """Change a referral's details (who referred, why, when received, first contact). The
    change is kept in its history."""
    if not permissions.may_change_person(user, referral.person):
        raise PersonNotVisible
    received = details.get("received_on", referral.received_on)
    if received and received > timezone.localdate():
        raise Refusal("The date received cannot be in the future.", field="received_on")
    _check_dates({"closed_on": referral.closed_on, **details}, received)
    details["reasons"] = _check_reasons(details.get("reasons", referral.reasons))
    for name in ("received_on", "referring_organisation", "practitioner", "reasons", "first_contact_on"):
        if name in details:
            setattr(referral, name, details[name])
    referral.full_clean(exclude=["recorded_by"])  # who first recorded it may have left
    referral.save()
    ReferralStep.objects.create(referral=referral, status=ReferralStep.Status.CHANGED, by=user)
    record_audit_event(
        user, AuditEvent.Action.UPDATE, referral.person, note=f"referral {referral.pk} changed"
    )
    return referral


def outcome_goes_to(referral: Referral) -> str:
    """Whom the outcome of ``referral`` is sent to when it closes: the referrer who sent it in,
    if the person agrees to us telling whoever introduced them how things are going; else ""."""
    incoming = IncomingReferral.objects.filter(referral=referral, erased_at__isnull=True).first()
    if incoming is None or not incoming.referrer_email:
        return ""
    agrees = referral.person.consents.filter(
        purpose=Consent.Purpose.SHARE_WITH_INTRODUCER, withdrawn_on__isnull=True
    ).exists()
    return incoming.referrer_email if agrees else ""


@transaction.atomic
def close_referral(
    user: User,
    referral: Referral,
    *,
    closed_on: date,
    closure_reason: str,
    support_offered: str = "",
    what_changed: str = "",
) -> Referral:
    """Close a referral with its outcome: why, what support was offered and what changed. The
    referrer is sent the outcome when the person agrees to them being told (``outcome_goes_to``)."""
    if not permissions.may_change_person(user, referral.person):
        raise PersonNotVisible
    if referral.closed_on is not None:
        raise Refusal("This referral is already closed.", field="closed_on")
    if closure_reason not in Referral.Closure.values:
        raise Refusal("Choose why the referral closed.", field="closure_reason")
    _check_dates({"closed_on": closed_on}, referral.received_on)
    referral.closed_on, referral.closure_reason = closed_on, closure_reason
    referral.support_offered, referral.what_changed = support_offered.strip(), what_changed.strip()
    referral.save(update_fields=["closed_on", "closure_reason", "support_offered", "what_changed"])
    ReferralStep.objects.create(
        referral=referral,
        status=ReferralStep.Status.CLOSED,
        note=referral.get_closure_reason_display(),
        by=user,
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, referral.person, note=f"referral {referral.pk} closed")
    to = outcome_goes_to(referral)
    if to:
        incoming = referral.incoming  # there is one: outcome_goes_to found it
        _tell_referrer(
            incoming,
            f"Referral {incoming.reference}: outcome",
            f"Your referral {incoming.reference} to {incoming.team} closed on {closed_on:%-d %B %Y}: "
            f"{referral.get_closure_reason_display()}.\n\n"
            f"Support offered:\n{referral.support_offered or 'Not recorded.'}\n\n"
            f"What changed:\n{referral.what_changed or 'Not recorded.'}\n\n"
            f"SNOMED CT {referral.snomed_code}: Referral to social prescribing service.",
            reply_to=user.email,
        )
    return referral


@transaction.atomic
def erase_incoming_referral(user: User, incoming: IncomingReferral) -> IncomingReferral:
    """Remove the personal data of an incoming referral that never became a record (declined, or
    sent in error): for the team's leads and administrators. Its dates and status stay, for counts."""
    if not permissions.may_see_incoming_referral(user, incoming):
        raise PersonNotVisible
    if not permissions.may_manage_referral_links(user, incoming.team):
        raise NotPermitted("Only the team's leads and administrators may erase a referral.")
    if incoming.person_id is not None:
        raise Refusal("This referral is on a person's record: erase the record instead.")
    services.erase_incoming_details(IncomingReferral.objects.filter(pk=incoming.pk))
    record_audit_event(user, AuditEvent.Action.ERASE, incoming)
    incoming.refresh_from_db()
    return incoming
