"""Every change to a person's record: one business action per function, one transaction each,
audited, and refusing bad input with a message naming the field."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AuditEvent, Role, User
from accounts.privacy import erase_account
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal
from directory.selectors import public_listings

from . import permissions, selectors
from .models import (
    NEXT_STEPS,
    Attendance,
    Consent,
    Conversation,
    DropInSession,
    Goal,
    IncomingReferral,
    Introduction,
    IntroductionStep,
    Online,
    Person,
    Referral,
    ReferralStep,
    SafeguardingNote,
    Travel,
)
from .selectors import PersonNotVisible
from .signals import person_erased

logger = logging.getLogger(__name__)

ROLE_REFUSED = "Your role does not read person records."


def _changed(user: User, person: Person, note: str) -> None:
    """Every change to what is held about a person names them in the audit log, in the change's
    transaction. ``note`` says what changed, by record type and id: never personal data."""
    record_audit_event(user, AuditEvent.Action.UPDATE, person, note=note)


def _may_change(user: User, person: Person) -> None:
    if not permissions.may_change_person(user, person):
        raise PersonNotVisible


def _works_with_people(user: User) -> None:
    if not permissions.may_work_with_people(user):
        raise NotPermitted(ROLE_REFUSED)


def _one_of_own_teams(user: User, team: Any) -> None:
    if team is None or not selectors.teams_for(user).filter(pk=team.pk).exists():
        raise Refusal("Choose one of your own teams.", field="team")


def _not_in_future(field: str, value: date | None, what: str) -> None:
    if value is not None and value > timezone.localdate():
        raise Refusal(f"{what} cannot be in the future.", field=field)


def _needs_consent(person: Person) -> None:
    if not selectors.has_consent_to_keep_record(person):
        raise Refusal(
            f"{person.display_name} has not agreed, or no longer agrees, to us keeping a record, so "
            "nothing new can be added. If they agree again, record their consent first."
        )


def _coordinator_in_team(person: Person) -> None:
    coordinator = person.coordinator
    if coordinator is not None and (
        not permissions.has_role_that_reads_records(coordinator)
        or not coordinator.memberships.filter(team_id=person.team_id).exists()
    ):
        raise Refusal("Choose a coordinator from the person's team.", field="coordinator")


@transaction.atomic
def create_person(
    user: User,
    details: dict[str, Any],
    consent_method: str,
    consent_given_on: date,
    *,
    request: HttpRequest | None = None,
) -> Person:
    """Start a person's record. They must have agreed to us keeping one: that consent is recorded
    with it. ``details`` are Person fields (``interests`` a list of terms)."""
    _works_with_people(user)
    _one_of_own_teams(user, details.get("team"))
    _not_in_future("date_of_birth", details.get("date_of_birth"), "Date of birth")
    _not_in_future("given_on", consent_given_on, "The date they agreed")
    interests = details.pop("interests", [])
    person = Person(**details)
    _coordinator_in_team(person)
    person.full_clean(exclude=["interests"])
    person.save()
    person.interests.set(interests)
    Consent.objects.create(
        person=person,
        purpose=Consent.Purpose.KEEP_RECORD,
        method=consent_method,
        given_on=consent_given_on,
        recorded_by=user,
    )
    record_audit_event(user, AuditEvent.Action.CREATE, person, request=request)
    return person


@transaction.atomic
def update_person(
    user: User, person: Person, details: dict[str, Any], *, request: HttpRequest | None = None
) -> Person:
    """Change a person's details, vision, what matters, strengths, interests, team or coordinator."""
    _may_change(user, person)
    if "team" in details:
        _one_of_own_teams(user, details["team"])
    _not_in_future("date_of_birth", details.get("date_of_birth"), "Date of birth")
    interests = details.pop("interests", None)
    for name, value in details.items():
        setattr(person, name, value)
    _coordinator_in_team(person)
    person.full_clean(exclude=["interests"])
    person.save()
    if interests is not None:
        person.interests.set(interests)
    record_audit_event(user, AuditEvent.Action.UPDATE, person, request=request)
    return person


@transaction.atomic
def record_consent(user: User, person: Person, purpose: str, method: str, given_on: date) -> Consent:
    """Record what the person has agreed to. One current consent per purpose."""
    _may_change(user, person)
    _not_in_future("given_on", given_on, "The date they agreed")
    if person.consents.filter(purpose=purpose, withdrawn_on__isnull=True).exists():
        raise Refusal("They have already agreed to this, and have not withdrawn it.", field="purpose")
    consent = Consent(person=person, purpose=purpose, method=method, given_on=given_on, recorded_by=user)
    consent.full_clean()
    consent.save()
    record_audit_event(user, AuditEvent.Action.UPDATE, person, note="consent recorded")
    return consent


@transaction.atomic
def withdraw_consent(user: User, consent: Consent, withdrawn_on: date) -> Consent:
    """The person no longer agrees. Kept, with when it was withdrawn and who recorded that."""
    _may_change(user, consent.person)
    if consent.withdrawn_on is not None:
        raise Refusal("This consent has already been withdrawn.", field="withdrawn_on")
    _not_in_future("withdrawn_on", withdrawn_on, "The date they withdrew")
    if withdrawn_on < consent.given_on:
        raise Refusal("The date they withdrew cannot be before they agreed.", field="withdrawn_on")
    consent.withdrawn_on = withdrawn_on
    consent.withdrawal_recorded_by = user
    consent.save(update_fields=["withdrawn_on", "withdrawal_recorded_by"])
    record_audit_event(user, AuditEvent.Action.UPDATE, consent.person, note="consent withdrawn")
    return consent


@transaction.atomic
def record_conversation(user: User, person: Person, details: dict[str, Any]) -> Conversation:
    """A visit, call or chat, with the next step and a follow-up date on or after it."""
    _may_change(user, person)
    _needs_consent(person)
    happened_on, follow_up_on = details.get("happened_on"), details.get("follow_up_on")
    _not_in_future("happened_on", happened_on, "The date of the conversation")
    if happened_on and follow_up_on and follow_up_on < happened_on:
        raise Refusal("The follow-up date must be on or after the conversation.", field="follow_up_on")
    conversation = Conversation(person=person, recorded_by=user, **details)
    conversation.full_clean()
    conversation.save()
    _changed(user, person, f"conversation {conversation.pk} recorded")
    return conversation


@transaction.atomic
def mark_followed_up(user: User, conversation: Conversation) -> Conversation:
    """The follow-up the user said they would do after a conversation is done."""
    _may_change(user, conversation.person)
    conversation.followed_up = True
    conversation.save(update_fields=["followed_up"])
    _changed(user, conversation.person, f"conversation {conversation.pk} followed up")
    return conversation


@transaction.atomic
def make_introduction(user: User, person: Person, details: dict[str, Any]) -> Introduction:
    """Connect a person to exactly one of: a published listing, another person the user may see,
    or someone or something else (described in words). Starts as "suggested" unless told."""
    _may_change(user, person)
    _needs_consent(person)
    listing, other, elsewhere = (
        details.get("listing"),
        details.get("other_person"),
        details.get("elsewhere", ""),
    )
    if sum(bool(x) for x in (listing, other, elsewhere.strip())) != 1:
        raise Refusal("Choose one listing, one person, or describe who or what, not more.", field="listing")
    if listing is not None and not public_listings().filter(pk=listing.pk).exists():
        raise Refusal("That listing is not published in the directory.", field="listing")
    if other is not None:
        if other.pk == person.pk:
            raise Refusal("Choose someone other than the person themselves.", field="other_person")
        if not permissions.may_see_person(user, other):
            raise Refusal("Choose someone from your own teams.", field="other_person")
    made_on = details.get("made_on") or timezone.localdate()
    _not_in_future("made_on", made_on, "The date of the introduction")
    follow_up_on = details.get("follow_up_on")
    if follow_up_on and follow_up_on < made_on:
        raise Refusal("The follow-up date must be on or after the introduction.", field="follow_up_on")
    status = details.get("status") or Introduction.Status.SUGGESTED
    if status not in (Introduction.Status.SUGGESTED, Introduction.Status.INTRODUCED):
        raise Refusal("A new introduction is either suggested or already made.", field="status")
    introduction = Introduction.objects.create(
        person=person,
        listing=listing,
        other_person=other,
        elsewhere=elsewhere.strip(),
        status=status,
        follow_up_on=follow_up_on,
        made_by=user,
        made_on=made_on,
    )
    IntroductionStep.objects.create(
        introduction=introduction, status=status, on=made_on, note=details.get("note", ""), recorded_by=user
    )
    _changed(user, person, f"introduction {introduction.pk} made")
    return introduction


@transaction.atomic
def update_introduction(
    user: User,
    introduction: Introduction,
    status: str,
    on: date,
    note: str = "",
    follow_up_on: date | None = None,
) -> Introduction:
    """Move an introduction on (introduced, went along, still connected, or didn't work out),
    keeping each step. ``follow_up_on`` replaces the follow-up date (``None`` clears it)."""
    _may_change(user, introduction.person)
    _needs_consent(introduction.person)
    current = Introduction.Status(introduction.status)
    allowed = NEXT_STEPS[current]
    if status not in allowed:
        names = " or ".join(f"“{Introduction.Status(s).label}”" for s in allowed) or "nothing: it has ended"
        raise Refusal(f"From “{current.label}” it can only go to {names}.", field="status")
    _not_in_future("on", on, "The date")
    last = introduction.steps.order_by("-on").first()
    if last is not None and on < last.on:
        raise Refusal(f"The date cannot be before the last step, on {last.on:%-d %B %Y}.", field="on")
    if follow_up_on is not None and follow_up_on < on:
        raise Refusal("The follow-up date must be on or after this step.", field="follow_up_on")
    IntroductionStep.objects.create(
        introduction=introduction, status=status, on=on, note=note, recorded_by=user
    )
    introduction.status = status
    introduction.follow_up_on = follow_up_on
    introduction.updated_at = timezone.now()
    introduction.save(update_fields=["status", "follow_up_on", "updated_at"])
    _changed(user, introduction.person, f"introduction {introduction.pk} moved on")
    return introduction


@transaction.atomic
def add_goal(user: User, person: Person, description: str, set_on: date | None = None) -> Goal:
    """A goal in the person's own words, set today unless told."""
    _may_change(user, person)
    _needs_consent(person)
    if not (description or "").strip():
        raise Refusal("Enter the goal, in the person's words.", field="description")
    set_on = set_on or timezone.localdate()
    _not_in_future("set_on", set_on, "The date the goal was set")
    goal = Goal.objects.create(person=person, description=description.strip(), set_on=set_on)
    _changed(user, person, f"goal {goal.pk} added")
    return goal


@transaction.atomic
def finish_goal(user: User, goal: Goal, status: str, finished_on: date) -> Goal:
    """A goal is achieved, or no longer wanted."""
    _may_change(user, goal.person)
    if status not in (Goal.Status.ACHIEVED, Goal.Status.CHANGED):
        raise Refusal("Choose whether the goal was achieved or is no longer wanted.", field="status")
    _not_in_future("finished_on", finished_on, "The date")
    if finished_on < goal.set_on:
        raise Refusal("The date cannot be before the goal was set.", field="finished_on")
    goal.status, goal.finished_on = status, finished_on
    goal.save(update_fields=["status", "finished_on"])
    _changed(user, goal.person, f"goal {goal.pk} finished")
    return goal


@transaction.atomic
def record_referral(user: User, person: Person, details: dict[str, Any]) -> Referral:
    """A social prescribing referral: dates must run received → first contact → closed."""
    _may_change(user, person)
    _needs_consent(person)
    received = details.get("received_on")
    _not_in_future("received_on", received, "The date received")
    for field, what in (("first_contact_on", "first contact"), ("closed_on", "closing")):
        value = details.get(field)
        _not_in_future(field, value, f"The date of {what}")
        if value and received and value < received:
            raise Refusal(f"The date of {what} cannot be before the referral was received.", field=field)
    if bool(details.get("closed_on")) != bool(details.get("closure_reason")):
        raise Refusal("Give both the date it closed and why, or neither.", field="closure_reason")
    referral = Referral(person=person, recorded_by=user, **details)
    referral.full_clean()
    referral.save()
    ReferralStep.objects.create(referral=referral, status=ReferralStep.Status.RECEIVED, by=user)
    if referral.closed_on:
        ReferralStep.objects.create(referral=referral, status=ReferralStep.Status.CLOSED, by=user)
    _changed(user, person, f"referral {referral.pk} recorded")
    return referral


@transaction.atomic
def add_safeguarding_note(user: User, person: Person, note: str) -> SafeguardingNote:
    """Anyone in the team may record a concern; only the coordinator and team leads read them."""
    _may_change(user, person)
    if not (note or "").strip():
        raise Refusal("Enter the concern.", field="note")
    saved = SafeguardingNote.objects.create(person=person, note=note.strip(), recorded_by=user)
    record_audit_event(user, AuditEvent.Action.CREATE, saved, note="safeguarding note")
    _changed(user, person, f"safeguarding note {saved.pk} recorded")
    return saved


@transaction.atomic
def erase_person(user: User, person: Person, *, request: HttpRequest | None = None) -> Person:
    """Remove a person's personal data for good, keeping anonymous counts for reports: how many
    conversations, goals, referrals and introductions there were, their dates and outcomes, and
    the ward and deprivation decile reached. Free text, names, contact details and safeguarding
    notes go, and so does everything on their own sign-in once they have confirmed the link
    (``Person.confirmed_account``; ``accounts.privacy.erase_account``:
    its name and email, timebank notes, posts and exchange descriptions, sign-ups, loans, the
    audit log's name for it and its lockout records); ledger amounts stay. For team leads and
    administrators; written to the audit log. On SQLite the write-ahead log is checkpointed
    after the commit, so the erased values do not linger in the ``-wal`` file."""
    _may_change(user, person)
    if not permissions.may_erase_person(user, person):
        raise NotPermitted("Only the team's leads and administrators may erase a record.")
    started = time.monotonic()
    _overwrite_freed_space()
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("postcode__lsoa", "postcode__ward", "account")
        .get(pk=person.pk)
    )
    erase_account(person.confirmed_account)
    person.ward_when_erased = person.postcode.ward if person.postcode is not None else None
    person.imd_decile_when_erased = person.imd_decile
    for field in ("full_name", "preferred_name", "email", "phone", "address", "communication_needs"):
        setattr(person, field, "")
    for field in ("vision", "what_matters", "strengths", "introducer_detail"):
        setattr(person, field, "")
    person.postcode = person.date_of_birth = person.account = person.account_confirmed_at = None
    person.free_times, person.access_needs, person.needs_free = [], [], False
    person.travel, person.online_ok = Travel.NOT_KNOWN, Online.NOT_KNOWN
    person.erased_at = timezone.now()
    person.save()
    person.interests.clear()
    person.consents.all().delete()
    person.safeguarding_notes.all().delete()
    person.goals.update(description="")
    # The referring organisation is free text: a small practice or a named worker identifies.
    person.referrals.update(practitioner="", referring_organisation="", support_offered="", what_changed="")
    ReferralStep.objects.filter(referral__person=person).update(note="", by_label="")
    erase_incoming_details(IncomingReferral.objects.filter(person=person))
    person.conversations.update(notes="", next_step="")
    person.introductions.update(elsewhere="")
    IntroductionStep.objects.filter(introduction__person=person).update(note="")
    person.attendances.update(note="")
    person_erased.send(sender=Person, person=person)  # apps above us clear what they hold
    record_audit_event(user, AuditEvent.Action.ERASE, person, request=request)
    transaction.on_commit(checkpoint_write_ahead_log)
    # Ids only, never what was erased: the log outlives the erasure.
    logger.info(
        "Erased person %s at user %s's request in %.1f s", person.pk, user.pk, time.monotonic() - started
    )
    return person


def erase_incoming_details(incoming: QuerySet[IncomingReferral]) -> None:
    """Blank the personal data of the incoming referrals ``incoming`` (who sent them, who they
    are about, why) and their steps' notes; their dates and status stay, for counts."""
    ReferralStep.objects.filter(incoming__in=incoming).update(note="", by_label="")
    incoming.update(
        referring_organisation="",
        referrer_name="",
        referrer_email="",
        referrer_phone="",
        full_name="",
        date_of_birth=None,
        phone="",
        email="",
        address="",
        postcode="",
        communication_needs="",
        what_matters="",
        decline_reason="",
        erased_at=timezone.now(),
    )


def _overwrite_freed_space() -> None:
    """SQLite leaves the old bytes of a changed or deleted row in the file unless told to zero
    them; PostgreSQL's old row versions go at the next vacuum (see docs/security.md)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def checkpoint_write_ahead_log() -> None:
    """Copy SQLite's write-ahead log into the database and empty it, so the pages that held an
    erased person's data are overwritten now rather than whenever SQLite next checkpoints."""
    # Only SQLite's connection has is_in_memory_db, and only SQLite is asked.
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@transaction.atomic
def plan_drop_in(user: User, details: dict[str, Any]) -> DropInSession:
    """A drop-in session for one of the user's teams, with its hosts from that team."""
    _works_with_people(user)
    team = details.get("team")
    _one_of_own_teams(user, team)
    if details.get("starts_at") and details.get("ends_at") and details["ends_at"] <= details["starts_at"]:
        raise Refusal("The end time must be after the start time.", field="ends_at")
    if not details.get("venue") and not (details.get("place") or "").strip():
        raise Refusal("Choose a venue, or say where it is.", field="venue")
    hosts = details.pop("hosts", [])
    strangers = [h for h in hosts if not h.memberships.filter(team=team).exists()]
    if strangers:
        raise Refusal("Hosts must be members of the team running the drop-in.", field="hosts")
    session = DropInSession(created_by=user, **details)
    session.full_clean(exclude=["hosts"])
    session.save()
    session.hosts.set(hosts)
    return session


@transaction.atomic
def log_attendance(user: User, session: DropInSession, details: dict[str, Any]) -> Attendance:
    """Someone came to a drop-in: a person on record (from the session's team), or someone not
    yet on record by first name; optionally linked with a professional or a listing."""
    if not permissions.may_see_drop_in(user, session):
        raise PersonNotVisible
    person, first_name = details.get("person"), (details.get("first_name") or "").strip()
    if bool(person) == bool(first_name):
        raise Refusal(
            "Choose someone on record, or give the first name of someone who is not.", field="person"
        )
    if person is not None:
        if person.team_id != session.team_id or person.erased_at:
            raise Refusal("Choose someone from the team running this drop-in.", field="person")
        if session.attendances.filter(person=person).exists():
            raise Refusal(f"{person.display_name} is already down as here.", field="person")
    attendance = Attendance(
        session=session,
        person=person,
        first_name=first_name,
        linked_with=details.get("linked_with"),
        linked_listing=details.get("linked_listing"),
        note=(details.get("note") or "").strip(),
        recorded_by=user,
    )
    attendance.full_clean()
    attendance.save()
    if person is not None:
        _changed(user, person, f"attended drop-in {session.pk}")
    return attendance


LINK_REFUSED = "That sign-in cannot be linked to this record. Check the address with the person."


@transaction.atomic
def link_account(user: User, person: Person, email: str, *, request: HttpRequest | None = None) -> Person:
    """Ask a resident to confirm that this record is about them: the link stays pending (and
    reaches nothing: ``Person.confirmed_account``) until they say yes on *Your record*.

    One refusal for every case (no such address, a staff sign-in, a sign-in already linked to
    a record), so the form cannot tell who has a sign-in or who is on another team's caseload;
    the other record is only counted, never loaded, so no VIEW of it is written."""
    _may_change(user, person)
    account = User.objects.filter(
        email__iexact=(email or "").strip(), is_active=True, role=Role.RESIDENT
    ).first()
    if account is None or Person.objects.filter(account=account).exclude(pk=person.pk).exists():
        raise Refusal(LINK_REFUSED, field="email")
    person.account = account
    person.account_confirmed_at = None
    person.save(update_fields=["account", "account_confirmed_at"])
    record_audit_event(user, AuditEvent.Action.UPDATE, person, request=request, note="sign-in link asked")
    return person


@transaction.atomic
def confirm_account_link(resident: User, person: Person, *, request: HttpRequest | None = None) -> Person:
    """The resident says "Yes, this is me": from now on they see the record, and subject access
    and erasure of it reach their sign-in. Only their own pending link.

    Raises ``PersonNotVisible`` for any other record."""
    person = selectors.pending_link_for(resident, person.pk, for_update=True)
    person.account_confirmed_at = timezone.now()
    person.save(update_fields=["account_confirmed_at"])
    record_audit_event(
        resident, AuditEvent.Action.UPDATE, person, request=request, note="sign-in link confirmed"
    )
    return person


@transaction.atomic
def refuse_account_link(resident: User, person: Person, *, request: HttpRequest | None = None) -> Person:
    """The resident says "No, this is not me": the pending link is removed. Only their own
    pending link.

    Raises ``PersonNotVisible`` for any other record."""
    person = selectors.pending_link_for(resident, person.pk, for_update=True)
    person.account = None
    person.account_confirmed_at = None
    person.save(update_fields=["account", "account_confirmed_at"])
    record_audit_event(
        resident, AuditEvent.Action.UPDATE, person, request=request, note="sign-in link refused"
    )
    return person
